"""The JSON API (/api/...): the review app's actions for scripts, chat tools and other UIs; documented at
/docs. Every call needs an account (session cookie, or `Authorization: Bearer TOKEN`); writes made with
the cookie carry the X-CSRF-Token header."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal, Optional

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel, Field

from agents.router import TurnEvidence
from memory.remote import READ_OPERATIONS
from workflows.server.accounts import Account
from workflows.server.auth import check_csrf, current_account
from workflows.server.service import QueueFilters, ServerState

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])


def _state(request: Request) -> ServerState:
    return request.app.state.alhf


def writer(request: Request, account: Account = Depends(current_account)) -> Account:
    """The account of a state-changing call, after the CSRF check of cookie sessions."""
    check_csrf(request, None)
    return account


class DecisionIn(BaseModel):
    verdict: Literal["approve", "correct", "reject"]
    thumbs: Optional[Literal["up", "down"]] = None
    scores: dict[str, int] = Field(default_factory=dict, description="criterion -> 1..5, from the item's template")
    error_class: Optional[str] = None
    correction: Optional[str] = Field(None, description="what was wrong and what to do instead (verdict correct)")
    reason: Optional[str] = Field(None, description="why the output is unusable (verdict reject)")
    note: str = ""


class RejectLessonIn(BaseModel):
    reason: str


@router.get("/me")
def me(request: Request, account: Account = Depends(current_account)) -> dict[str, Any]:
    """The signed-in account, its role and what the role allows."""
    governance = _state(request).config.governance
    return {"name": account.name, "role": account.role, "may_review": governance.role(account.name).may_review,
            "may_approve_lessons": account.role in governance.approvers}


@router.get("/items")
def list_items(request: Request, status: Optional[str] = None, run: Optional[str] = None,
               template: Optional[str] = None, component: Optional[str] = None, reviewer: Optional[str] = None,
               page: int = 1, account: Account = Depends(current_account)) -> dict[str, Any]:
    """Review items, oldest first, one page at a time, with counts per status, the share decided and each
    reviewer's assigned and decided items. `reviewer`: items assigned to them; `component`: items that
    applied a lesson of it or were corrected into it."""
    filters = QueueFilters(status, run, template, component, reviewer)
    data = _state(request).queue_page(filters, page)
    data["items"] = [asdict(i) for i in data["items"]]
    data["filters"] = filters.as_dict()
    return data


@router.get("/items/{item_id}")
def get_item(item_id: str, request: Request, status: Optional[str] = None, run: Optional[str] = None,
             template: Optional[str] = None, component: Optional[str] = None, reviewer: Optional[str] = None,
             account: Account = Depends(current_account)) -> dict[str, Any]:
    """One item: request, answer, documents, tool calls, lessons applied with gate scores and authors,
    every lesson consulted, decisions, the span tree, and its neighbours in the filtered queue."""
    filters = QueueFilters(status, run, template, component, reviewer)
    data = _state(request).item_page(item_id, filters)
    data["item"] = asdict(data["item"])
    data["template"] = data["template"].model_dump()
    data["filters"] = filters.as_dict()
    return data


class AssignIn(BaseModel):
    reviewers: list[str] = Field(..., description="the reviewers to share the items among, round robin")
    run: Optional[str] = None
    template: Optional[str] = None
    limit: Optional[int] = Field(None, ge=1, description="assign at most this many items")


@router.post("/assign")
def assign(body: AssignIn, request: Request, account: Account = Depends(writer)) -> dict[str, int]:
    """Share the pending items nobody is assigned yet (of a run, a template) among reviewers (approvers only);
    returns how many each got. `GET /api/items?reviewer=NAME` lists a reviewer's items."""
    return _state(request).assign(account, body.reviewers, run=body.run, template=body.template, limit=body.limit)


@router.post("/items/{item_id}/decision")
def decide(item_id: str, body: DecisionIn, request: Request, account: Account = Depends(writer)) -> dict[str, Any]:
    """Approve, correct or reject an item. A correction is learned at once; `learned` says what happened
    (which memory, held or quarantined and why, or recorded only)."""
    return _state(request).decide(account, item_id, body.verdict, thumbs=body.thumbs, scores=body.scores,
                                  error_class=body.error_class, correction=body.correction, reason=body.reason,
                                  note=body.note)


@router.get("/stats")
def stats(request: Request, run: Optional[str] = None, account: Account = Depends(current_account)) -> dict[str, Any]:
    """Approval rate, corrections per component, repeated-correction rate (as `alhf review stats`)."""
    state = _state(request)
    with state.lock:
        return state.queue.stats(run)


@router.get("/lessons")
def list_lessons(request: Request, component: Optional[str] = None, status: Optional[str] = None,
                 author: Optional[str] = None, q: Optional[str] = None,
                 account: Account = Depends(current_account)) -> list[dict[str, Any]]:
    """Lessons in memory, filtered by component, status, author and words of their text or trigger."""
    lessons = _state(request).lessons(component=component, status=status, author=author, search=q)
    return [lesson.model_dump(mode="json") for lesson in lessons]


@router.get("/lessons/held")
def held_lessons(request: Request, account: Account = Depends(current_account)) -> list[dict[str, Any]]:
    """Pending and quarantined lessons waiting for an approver (approvers only)."""
    return [lesson.model_dump(mode="json") for lesson in _state(request).held_lessons(account)]


@router.get("/lessons/{lesson_id}")
def get_lesson(lesson_id: str, request: Request, account: Account = Depends(current_account)) -> dict[str, Any]:
    """A lesson, its history (every change, who and when) and the turns it shaped."""
    data = _state(request).lesson_page(account, lesson_id)
    data["lesson"] = data["lesson"].model_dump(mode="json")
    return data


@router.post("/lessons/{lesson_id}/approve")
def approve_lesson(lesson_id: str, request: Request, account: Account = Depends(writer)) -> dict[str, Any]:
    """Approve a held lesson: it is applied from now on (approvers only)."""
    return _state(request).approve_lesson(account, lesson_id).model_dump(mode="json")


@router.post("/lessons/{lesson_id}/reject")
def reject_lesson(lesson_id: str, body: RejectLessonIn, request: Request,
                  account: Account = Depends(writer)) -> dict[str, Any]:
    """Reject a held lesson with a reason (approvers only)."""
    return _state(request).reject_lesson(account, lesson_id, body.reason).model_dump(mode="json")


@router.post("/lessons/{lesson_id}/forget")
def forget_lesson(lesson_id: str, request: Request, account: Account = Depends(writer)) -> dict[str, Any]:
    """Forget a lesson (soft, audited): its author, or an approver."""
    _state(request).forget_lesson(account, lesson_id)
    return {"forgotten": lesson_id}


# -- for commands that run while the server owns the memory (chat, ask, batch workers, memory) ---------


class EvidenceIn(BaseModel):
    request: str
    answer: str = ""
    documents: list[tuple[str, str]] = Field(default_factory=list, description="(id, title) of documents used")
    tools_run: list[str] = Field(default_factory=list)
    turn_id: Optional[str] = None
    stage: Optional[str] = None


class LearnIn(BaseModel):
    correction: str
    evidence: EvidenceIn
    stage: Optional[str] = Field(None, description="the checkpoint it was given at (retriever, tool_planner)")
    feedback_id: Optional[str] = None


class QuarantineIn(BaseModel):
    lesson_ids: list[str]
    removed: list[tuple[str, str]] = Field(description="(kind, value) of what the answer guard removed")
    turn_id: Optional[str] = None


class NotHereIn(BaseModel):
    lesson_ids: list[str]
    request: str
    turn_id: Optional[str] = None


@router.post("/store/{operation}")
def read_store(operation: Literal[READ_OPERATIONS], request: Request,  # type: ignore[valid-type]
               args: dict[str, Any] = Body(default_factory=dict),
               account: Account = Depends(current_account)) -> Any:
    """One read of the lesson memory (query, scroll, retrieve, count, collections, collection_dim), as
    memory/remote.py sends it: how `alhf chat`, `ask` and batch workers read lessons while the server runs."""
    return _state(request).read_store(operation, args)


@router.post("/learn")
def learn(body: LearnIn, request: Request, account: Account = Depends(writer)) -> dict[str, Any]:
    """Learn a correction of a recorded turn, taught by the signed-in account: the routing, and one line per
    outcome (learned, held, quarantined and why, or recorded only)."""
    evidence = TurnEvidence.from_json(body.evidence.model_dump())
    return _state(request).learn(account, body.correction, evidence, stage=body.stage, feedback_id=body.feedback_id)


@router.post("/quarantine")
def quarantine(body: QuarantineIn, request: Request, account: Account = Depends(writer)) -> dict[str, list[str]]:
    """A command's answer guard removed a contact or an insult that these lessons carried: the server checks that
    each does carry it (and that it is not on its allowlist) before it holds the lesson."""
    return {"held": _state(request).quarantine(account, body.lesson_ids, body.removed, body.turn_id)}


@router.post("/not-here")
def not_here(body: NotHereIn, request: Request, account: Account = Depends(writer)) -> list[dict[str, Any]]:
    """The signed-in account says these lessons should not have applied to this request: each gains it as
    a near miss (version +1, audited)."""
    changes = _state(request).not_here(account, body.lesson_ids, body.request, body.turn_id)
    return [{"lesson_id": c.lesson_id, "side": c.side, "request": c.request, "version_before": c.version_before,
             "version_after": c.version_after, "lesson": c.lesson.model_dump(mode="json")} for c in changes]

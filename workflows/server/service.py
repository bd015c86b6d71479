"""What the review app and the JSON API do, once: the server's state (the runtime it owns, its model, one
lock) and the actions, each checking the signed-in account's governance role first."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from memory.errors import AlhfError
from memory.records import Component, Lesson, LessonStatus
from workflows.governance.lessons import LessonAdmin, quarantine_lessons, scope_lesson
from workflows.governance.permissions import require_approver, require_reviewer
from workflows.review.queue import ReviewQueue
from workflows.review.templates import Assessment
from workflows.runtime import Runtime
from workflows.server.accounts import Account, Accounts

__all__ = ["ServerState", "QueueFilters", "span_tree"]

STATUSES = ("pending", "approved", "corrected", "rejected")


class QueueFilters:
    """The queue's filters as given in a URL (empty strings are 'any'): `reviewer` keeps the items assigned
    to that reviewer, `component` those that applied or were corrected into that component's memory."""

    FIELDS = ("status", "run", "template", "component", "reviewer")

    def __init__(self, status: str | None = None, run: str | None = None, template: str | None = None,
                 component: str | None = None, reviewer: str | None = None) -> None:
        self.status, self.run, self.template = status or None, run or None, template or None
        self.component, self.reviewer = component or None, reviewer or None
        if self.status is not None and self.status not in STATUSES:
            raise AlhfError(f"Unknown status {self.status!r}: use one of {', '.join(STATUSES)}.")
        if self.component is not None and self.component not in {c.value for c in Component}:
            raise AlhfError(f"Unknown component {self.component!r}: use one of "
                            f"{', '.join(c.value for c in Component)}.")

    def where(self, *, status: bool = True) -> dict[str, str | None]:
        """The filters as ReviewQueue keyword arguments (without the status for counts per status)."""
        where = {"run_id": self.run, "template": self.template, "component": self.component, "assignee": self.reviewer}
        return {"status": self.status, **where} if status else where

    def as_dict(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in self.FIELDS}

    def query(self) -> str:
        """The filters as a URL query string (without '?').

            >>> QueueFilters("pending", None, "a b").query()
            'status=pending&template=a+b'
        """
        return self.query_with()

    def query_with(self, **changes: str | None) -> str:
        """The query string with some filters changed (status pills keep the other filters).

            >>> QueueFilters("pending", "r1").query_with(status="")
            'status=&run=r1'
        """
        from urllib.parse import urlencode

        values = {**self.as_dict(), **changes}
        return urlencode([(k, v or "") for k, v in values.items() if v or k in changes])


class ServerState:
    """Everything the server owns. One lock serializes work on the store and the database, so a write in
    flight when the server is asked to stop finishes before the runtime closes."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime, self.config = runtime, runtime.config
        self.lock = threading.RLock()
        self.queue: ReviewQueue = runtime.review_queue()
        self.accounts = Accounts(self.queue.conn, self.config.governance)
        self._llm: Any = None

    def sign_in_as(self, account: Account) -> Account:
        """The account's role is its governance role for everything it does through the server."""
        self.config.governance.people[account.name] = account.role
        return account

    def _assistant(self, user: str) -> Any:
        if self._llm is None:
            self._llm = self.runtime.llm()
        return self.runtime.assistant(self._llm, user=user)

    # -- the queue ---------------------------------------------------------------------------------

    def queue_page(self, filters: QueueFilters, page: int = 1) -> dict[str, Any]:
        size = self.config.server.page_size
        with self.lock:
            counts = self.queue.counts_by_status(**filters.where(status=False))
            total = self.queue.count_items(**filters.where())
            items = self.queue.items(**filters.where(), limit=size, offset=(max(page, 1) - 1) * size)
            runs = self.queue.runs()
            per_reviewer = self.queue.decisions_per_reviewer(**filters.where(status=False))
            assigned = self.queue.assignment_progress(run_id=filters.run, template=filters.template)
        everything = sum(counts.values())
        decided = everything - counts.get("pending", 0)
        return {"items": items, "total": total, "counts": {s: counts.get(s, 0) for s in STATUSES},
                "all": everything, "decided": decided,
                "progress": round(100 * decided / everything) if everything else 0,
                "per_reviewer": per_reviewer, "assigned": assigned, "components": [c.value for c in Component],
                "runs": runs, "templates": sorted(self.config.review.templates), "page": max(page, 1),
                "pages": max(1, -(-total // size)), "filters": filters}

    def item_page(self, item_id: str, filters: QueueFilters) -> dict[str, Any]:
        with self.lock:
            item = self.queue.item(item_id)
            previous, following = self.queue.neighbours(item_id, **filters.where())
            decisions = self.queue.decisions(item_id)
            turn = self.runtime.traces.turn(item.turn_id) or {}
            spans = self.runtime.traces.spans(item.turn_id)
            documents = []
            for doc_id in item.documents:
                doc = self.runtime.store.get_document(doc_id)
                documents.append({"id": doc_id, "title": doc.title if doc else doc_id, "text": doc.text if doc else ""})
        _, template = self.config.review.template(item.template)
        gate = {d["lesson_id"]: d for d in turn.get("gate_decisions", [])}
        applied = [{**lesson, "score": gate.get(lesson["id"], {}).get("score"),
                    "threshold": gate.get(lesson["id"], {}).get("threshold"),
                    "author": gate.get(lesson["id"], {}).get("author", ""),
                    "version": gate.get(lesson["id"], {}).get("version")} for lesson in item.lessons_applied]
        return {"item": item, "previous": previous, "next": following, "decisions": decisions, "documents": documents,
                "applied": applied, "consulted": list(gate.values()), "template": template,
                "spans": span_tree(spans), "filters": filters}

    def decide(self, account: Account, item_id: str, verdict: str, *, thumbs: str | None = None,
               scores: dict[str, int] | None = None, error_class: str | None = None, correction: str | None = None,
               reason: str | None = None, note: str = "") -> dict[str, Any]:
        """Record a decision; a correction is learned at once (this process owns the store). Returns the
        decision id and, for a correction, what learning did (one line per outcome)."""
        from workflows.review.inbox import learn_queued_corrections
        from workflows.turn.learning import what_happened

        require_reviewer(self.config.governance, account.name)
        with self.lock:
            item = self.queue.item(item_id)
            _, template = self.config.review.template(item.template)
            assessment = Assessment(thumbs=thumbs or None, scores=scores or {}, error_class=error_class or None,
                                    note=note).check(template)
            decision_id = self.queue.decide(item_id, verdict, reviewer=account.name, assessment=assessment,
                                            correction=correction, reason=reason,
                                            max_correction_chars=self.config.governance.max_correction_chars)
            learned: list[str] = []
            if verdict == "correct":
                for outcome in learn_queued_corrections(self.queue, self._assistant(account.name)):
                    if outcome.entry.decision_id != decision_id:
                        continue
                    learned = ([f"failed to learn: {outcome.error} (a dead letter: `alhf review inbox`)"]
                               if outcome.error else what_happened(outcome.routing))
        return {"decision_id": decision_id, "item_id": item_id, "verdict": verdict, "learned": learned}

    def learn_inbox(self) -> int:
        """Learn corrections queued by other processes (`alhf review correct` while the server runs);
        returns how many were processed."""
        from workflows.review.inbox import learn_queued_corrections

        with self.lock:
            if not self.queue.queued_corrections():
                return 0
            return len(learn_queued_corrections(self.queue, self._assistant("reviewer")))

    def assign(self, account: Account, reviewers: list[str], *, run: str | None = None, template: str | None = None,
               limit: int | None = None) -> dict[str, int]:
        """Share unassigned pending items among reviewers (approvers only: they lead the review)."""
        require_approver(self.config.governance, account.name, "assign review work")
        with self.lock:
            return self.queue.assign(reviewers, by=account.name, run_id=run, template=template, limit=limit)

    # -- commands running while the server owns the memory (workflows/server/served.py) ------------

    def read_store(self, operation: str, args: dict[str, Any]) -> Any:
        """One read of the lesson memory. Only the store's own lock: reads go on while a correction is routed."""
        return self.runtime.store.answer_read(operation, args)

    def learn(self, account: Account, correction: str, evidence: Any, *, stage: str | None = None,
              feedback_id: str | None = None) -> dict[str, Any]:
        """Learn a correction of a turn another process answered, as the signed-in account (its governance
        role decides: learned, held, quarantined or recorded only)."""
        from workflows.turn.learning import Correction, what_happened

        with self.lock:
            learner = self._assistant(account.name).learner
            routing = learner.learn(Correction(correction, account.name, stage, feedback_id), evidence)
        return {"routing": routing.as_json(), "learned": what_happened(routing)}

    def quarantine(self, account: Account, lesson_ids: list[str], removed: list[tuple[str, str]],
                   turn_id: str | None) -> list[str]:
        """A command's answer guard removed these contacts or insults and named these lessons: each lesson that
        does carry one of them, unapproved and not on this server's allowlist, is quarantined (audited as the answer
        guard, with the account that reported it). A lesson that carries none of them is left as it is."""
        from agents.answer_guard import GuardedAnswer, Removal, carried_by

        governance = self.config.governance
        removals = [Removal(kind, value) for kind, value in removed]
        with self.lock:
            lessons = [self.runtime.store.get_lesson(lesson_id) for lesson_id in lesson_ids]
            culprits = [lesson.id for lesson in lessons if lesson is not None and any(
                carried_by(lesson, r, governance.allowed_domains, governance.allowed_phones) for r in removals)]
            reason = GuardedAnswer("", removals, culprits).quarantine_reason()
            return quarantine_lessons(self.runtime.store, self.runtime.traces.connection,
                                      f"answer guard (reported by {account.name})", culprits, reason, turn_id=turn_id)

    def not_here(self, account: Account, lesson_ids: list[str], request: str, turn_id: str | None) -> list[Any]:
        """The signed-in account says these lessons should not have applied to `request` (as `Learner.not_here`
        does it, without building an Assistant: no model is needed)."""
        with self.lock:
            return [scope_lesson(self.runtime.store, self.runtime.traces.connection, account.name, lesson_id, request,
                                 applies=False, turn_id=turn_id) for lesson_id in lesson_ids]

    # -- lessons -----------------------------------------------------------------------------------

    def _admin(self, account: Account) -> LessonAdmin:
        return LessonAdmin(self.runtime.store, self.queue.conn, self.config.governance, account.name)

    def held_lessons(self, account: Account) -> list[Lesson]:
        require_approver(self.config.governance, account.name, "see and decide on held lessons")
        with self.lock:
            return self._admin(account).pending()

    def approve_lesson(self, account: Account, lesson_id: str) -> Lesson:
        with self.lock:
            return self._admin(account).approve(lesson_id)

    def reject_lesson(self, account: Account, lesson_id: str, reason: str) -> Lesson:
        with self.lock:
            return self._admin(account).reject(lesson_id, reason)

    def forget_lesson(self, account: Account, lesson_id: str) -> None:
        with self.lock:
            self._admin(account).forget(lesson_id)

    def lessons(self, *, component: str | None = None, status: str | None = None, author: str | None = None,
                search: str | None = None) -> list[Lesson]:
        try:
            wanted = Component(component) if component else None
        except ValueError:
            known = ", ".join(c.value for c in Component)
            raise AlhfError(f"Unknown component {component!r}: use one of {known}.") from None
        with self.lock:
            lessons = self.runtime.store.list_lessons(wanted)
        words = (search or "").lower().split()
        return [lesson for lesson in lessons
                if (not status or lesson.status.value == status) and (not author or lesson.author == author)
                and all(w in f"{lesson.text} {lesson.trigger}".lower() for w in words)]

    def lesson_page(self, account: Account, lesson_id: str) -> dict[str, Any]:
        with self.lock:
            admin = self._admin(account)
            lesson = admin.get(lesson_id)
            return {"lesson": lesson, "history": admin.history(lesson_id),
                    "turns": self.runtime.traces.turns_applying(lesson_id),
                    "may_decide": lesson.status is LessonStatus.PENDING}

    # -- the evaluation report ---------------------------------------------------------------------

    def eval_report_dir(self) -> Path | None:
        configured = self.config.server.eval_report
        candidates = [configured] if configured else [Path("eval-report"), Path("docs/eval-report")]
        return next((c.resolve() for c in candidates if c is not None and (c / "report.md").is_file()), None)


def span_tree(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Spans as a list of roots, each with its `children`, in start order.

        >>> tree = span_tree([{"id": "a", "parent_id": None}, {"id": "b", "parent_id": "a"}])
        >>> [(s["id"], [c["id"] for c in s["children"]]) for s in tree]
        [('a', ['b'])]
    """
    nodes = {s["id"]: {**s, "children": []} for s in spans}
    roots = []
    for span in nodes.values():
        parent = nodes.get(span.get("parent_id") or "")
        (parent["children"] if parent else roots).append(span)
    return roots

"""The review app's HTML pages (Jinja2, rendered on the server; static/app.js adds keyboard shortcuts).
Every page needs a signed-in account; every form POST carries the session's CSRF token."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from memory.errors import AlhfError
from memory.records import Component
from workflows.governance.permissions import PermissionDenied
from workflows.server.accounts import Account
from workflows.server.auth import check_csrf, csrf_token, current_account, sign_in, sign_out
from workflows.server.service import STATUSES, QueueFilters, ServerState

__all__ = ["router", "error_page"]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _state(request: Request) -> ServerState:
    return request.app.state.alhf


def render(request: Request, name: str, account: Account | None, status_code: int = 200, **context: Any) -> Response:
    governance = _state(request).config.governance
    flash = request.session.pop("flash", None)
    return templates.TemplateResponse(request, name, {
        "account": account, "csrf": csrf_token(request), "flash": flash,
        "may_approve": bool(account and account.role in governance.approvers),
        "may_review": bool(account and governance.role(account.name).may_review), **context,
    }, status_code=status_code)


def error_page(request: Request, status: int, message: str) -> Response:
    account = None
    try:
        account = current_account(request)
    except AlhfError:
        pass
    return render(request, "error.html", account, status_code=status, status=status, message=message)


def _safe_next(target: str | None) -> str:
    """Only local paths: a sign-in link cannot send anyone to another site."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/queue"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    data = {k: str(v) for k, v in form.items()}
    check_csrf(request, data.get("csrf"))
    return data


# -- signing in ----------------------------------------------------------------------------------

@router.get("/login")
def login_page(request: Request, next: Optional[str] = None) -> Response:
    return render(request, "login.html", None, next=_safe_next(next), error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await _form(request)
    state = _state(request)

    def verify() -> Account | None:
        with state.lock:
            return state.accounts.verify_password(form.get("name", "").strip(), form.get("password", ""))

    account = await run_in_threadpool(verify)
    if account is None:
        return render(request, "login.html", None, status_code=401, next=_safe_next(form.get("next")),
                      error="Unknown name or wrong password.")
    sign_in(request, account)
    return RedirectResponse(_safe_next(form.get("next")), status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    await _form(request)
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


# -- the queue and its items ---------------------------------------------------------------------

@router.get("/")
def home(account: Account = Depends(current_account)) -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request, status: Optional[str] = "pending", run: Optional[str] = None,
               template: Optional[str] = None, component: Optional[str] = None, reviewer: Optional[str] = None,
               page: int = 1, account: Account = Depends(current_account)) -> Response:
    data = _state(request).queue_page(QueueFilters(status, run, template, component, reviewer), page)
    return render(request, "queue.html", account, statuses=STATUSES, **data)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: str, status: Optional[str] = None, run: Optional[str] = None,
              template: Optional[str] = None, component: Optional[str] = None, reviewer: Optional[str] = None,
              account: Account = Depends(current_account)) -> Response:
    data = _state(request).item_page(item_id, QueueFilters(status, run, template, component, reviewer))
    return render(request, "item.html", account, **data)


@router.post("/items/{item_id}/decide")
async def decide(request: Request, item_id: str, account: Account = Depends(current_account)) -> Response:
    form = await _form(request)
    state = _state(request)
    verdict = form.get("verdict", "")
    scores = {k[len("score_"):]: int(v) for k, v in form.items() if k.startswith("score_") and v.strip().isdigit()}
    filters = QueueFilters(*(form.get(name) for name in QueueFilters.FIELDS))
    query = ("?" + filters.query()) if filters.query() else ""
    try:
        outcome = await run_in_threadpool(
            state.decide, account, item_id, verdict, thumbs=form.get("thumbs") or None, scores=scores,
            error_class=form.get("error_class") or None,
            correction=(form.get("correction") or None) if verdict == "correct" else None,
            reason=(form.get("reason") or None) if verdict == "reject" else None, note=form.get("note", ""))
    except PermissionDenied:
        raise
    except AlhfError as exc:
        request.session["flash"] = {"kind": "error", "title": "Not recorded", "lines": [str(exc)]}
        return RedirectResponse(f"/items/{quote(item_id)}{query}", status_code=303)
    done = {"approve": "Approved", "correct": "Corrected", "reject": "Rejected"}[verdict]
    request.session["flash"] = {"kind": "ok", "title": f"{done} item {item_id}", "lines": outcome["learned"],
                                "learned": verdict == "correct"}
    if verdict == "correct":  # stay: the reviewer reads what the learner did, then moves on with j
        return RedirectResponse(f"/items/{quote(item_id)}{query}", status_code=303)
    with state.lock:
        _, following = state.queue.neighbours(item_id, **{**filters.where(), "status": "pending"})
    target = f"/items/{quote(following)}{query}" if following else f"/queue{query}"
    return RedirectResponse(target, status_code=303)


@router.post("/queue/assign")
async def assign(request: Request, account: Account = Depends(current_account)) -> Response:
    """An approver shares the unassigned pending items (of the filtered run and template) among reviewers."""
    form = await _form(request)
    filters = QueueFilters(*(form.get(name) for name in QueueFilters.FIELDS))
    reviewers = form.get("reviewers", "").replace(" ", ",").split(",")
    shares = await run_in_threadpool(_state(request).assign, account, reviewers, run=filters.run,
                                     template=filters.template)
    given = sum(shares.values())
    request.session["flash"] = {"kind": "ok", "title": f"Assigned {given} pending item(s)",
                                "lines": [f"{name}: {n}" for name, n in shares.items()]}
    return RedirectResponse(f"/queue?{filters.query()}", status_code=303)


# -- lessons: held ones for approvers, the memory browser ------------------------------------------

@router.get("/lessons/held", response_class=HTMLResponse)
def held_page(request: Request, account: Account = Depends(current_account)) -> Response:
    return render(request, "held.html", account, lessons=_state(request).held_lessons(account))


@router.post("/lessons/{lesson_id}/{action}")
async def lesson_action(request: Request, lesson_id: str, action: str,
                        account: Account = Depends(current_account)) -> Response:
    form = await _form(request)
    state = _state(request)
    back = _safe_next(form.get("back"))
    if action == "approve":
        await run_in_threadpool(state.approve_lesson, account, lesson_id)
        message = f"Lesson {lesson_id} approved: it is applied from now on."
    elif action == "reject":
        await run_in_threadpool(state.reject_lesson, account, lesson_id, form.get("reason", ""))
        message = f"Lesson {lesson_id} rejected."
    elif action == "forget":
        await run_in_threadpool(state.forget_lesson, account, lesson_id)
        message = f"Lesson {lesson_id} forgotten (kept in the audit log)."
    else:
        raise AlhfError(f"Unknown action {action!r}: approve, reject or forget.")
    request.session["flash"] = {"kind": "ok", "title": message, "lines": []}
    return RedirectResponse(back, status_code=303)


@router.get("/memory", response_class=HTMLResponse)
def memory_page(request: Request, component: Optional[str] = None, status: Optional[str] = None,
                author: Optional[str] = None, q: Optional[str] = None,
                account: Account = Depends(current_account)) -> Response:
    lessons = _state(request).lessons(component=component or None, status=status or None, author=author or None,
                                      search=q)
    return render(request, "memory.html", account, lessons=lessons, components=[c.value for c in Component],
                  filters={"component": component or "", "status": status or "", "author": author or "", "q": q or ""})


@router.get("/memory/{lesson_id}", response_class=HTMLResponse)
def lesson_page(request: Request, lesson_id: str, account: Account = Depends(current_account)) -> Response:
    return render(request, "lesson.html", account, **_state(request).lesson_page(account, lesson_id))


# -- the evaluation report -----------------------------------------------------------------------

@router.get("/report")
def report_redirect(account: Account = Depends(current_account)) -> Response:
    return RedirectResponse("/report/", status_code=303)  # so the report's relative chart links resolve


@router.get("/report/", response_class=HTMLResponse)
def report_page(request: Request, account: Account = Depends(current_account)) -> Response:
    from markdown_it import MarkdownIt

    folder = _state(request).eval_report_dir()
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(
        (folder / "report.md").read_text(encoding="utf-8")) if folder else ""
    charts = sorted(p.name for p in folder.glob("*.png") if p.name not in html) if folder else []
    return render(request, "report.html", account, folder=folder, report_html=html, charts=charts)


@router.get("/report/{name}")
def report_file(request: Request, name: str, account: Account = Depends(current_account)) -> Response:
    folder = _state(request).eval_report_dir()
    path = (folder / name).resolve() if folder else None
    if path is None or path.parent != folder or not path.is_file():
        raise AlhfError(f"No report file {name!r}.")
    return FileResponse(path, media_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream")

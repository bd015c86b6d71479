"""`alhf memory`: what the agents learned, approving held lessons, editing, forgetting, export and import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape
from rich.table import Table

from memory.records import LessonStatus, parse_component
from workflows.cli.support import actor, ConfigOption, JsonOption, UserOption, console, fail, guarded, load, load_llm, open_runtime

memory_app = typer.Typer(help="Look inside the lesson memories, approve, forget, export, import.",
                         no_args_is_help=True)


__all__ = ["memory_app", "LessonAdminSession"]


class LessonAdminSession:
    """Opens the store and the database for one command, closes them after."""

    def __init__(self, config_path: Optional[Path], user: Optional[str] = None, *, screen_with_model: bool = False) -> None:
        """`screen_with_model`: lessons this command stores are screened by the model too (import, edit)."""
        from workflows.governance.lessons import LessonAdmin

        config = load(config_path)
        who = actor(config, user)
        self.runtime = open_runtime(config)
        screens = None  # listing and approving need no screening (nor AutoGen, which it imports)
        if screen_with_model:
            from workflows.governance.screening import Screens

            try:
                screens = Screens(config.governance, load_llm(self.runtime), self.runtime.embedder,
                                  store=self.runtime.store)
            except BaseException:
                self.runtime.close()
                raise
        self.admin = LessonAdmin(self.runtime.store, self.runtime.traces.connection, config.governance, who, screens)

    def __enter__(self) -> Any:
        return self.admin

    def __exit__(self, *exc: object) -> None:
        self.runtime.close()


def _server(config_path: Optional[Path]) -> Any:
    """A client of the `alhf serve` that owns the data dir, or None when none runs."""
    from workflows.config import data_dir
    from workflows.server.client import ServerClient

    config = load(config_path)
    return guarded(lambda: ServerClient.for_data_dir(data_dir(config)))


def _from_server(config_path: Optional[Path], **filters: Optional[str]) -> Optional[list[Any]]:
    """The lessons as the running server lists them, or None when no server owns the data dir."""
    from memory.records import Lesson

    client = _server(config_path)
    if client is None:
        return None
    return [Lesson.model_validate(row) for row in guarded(lambda: client.get("/api/lessons", **filters))]


def _through_server(config_path: Optional[Path], user: Optional[str], path: str, body: Any = None) -> Any:
    """POST an action on a lesson to the running server as the token's account; None when no server runs."""
    client = _server(config_path)
    if client is None:
        return None
    actor(load(config_path), user)  # --user must be the token's account
    return guarded(lambda: client.post(path, body or {}))


def _table(lessons: list[Any], title: str) -> None:
    table = Table(title=title, title_justify="left")
    for column in ("id", "component", "status", "lesson", "applies to", "author", "created"):
        table.add_column(column)
    for lesson in lessons:
        status = lesson.status.value + (f" ({lesson.hold_reason})" if lesson.hold_reason and
                                        lesson.status is LessonStatus.PENDING else "")
        table.add_row(lesson.id, lesson.component.value, escape(status), escape(lesson.text), escape(lesson.trigger),
                      lesson.author, f"{lesson.created_at:%Y-%m-%d %H:%M}")
    console.print(table)


@memory_app.command("list")
def memory_list(
    component: Optional[str] = typer.Option(None, help="retriever, tool_planner or writer."),
    author: Optional[str] = typer.Option(None, help="Only lessons this person taught."),
    status: Optional[str] = typer.Option(None, help="active, pending, rejected, forgotten, superseded."),
    scope: Optional[str] = typer.Option(None, help="project, or user:NAME."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """List stored lessons (through `alhf serve` when it runs: set $ALHF_TOKEN)."""
    comp = guarded(lambda: parse_component(component)) if component else None
    served = _from_server(config_path, component=component, author=author, status=status)
    if served is not None:
        lessons = [lesson for lesson in served if scope is None or lesson.scope == scope]
    else:
        with LessonAdminSession(config_path) as admin:
            lessons = [lesson for lesson in admin.store.list_lessons(comp)
                       if (author is None or lesson.author == author)
                       and (status is None or lesson.status.value == status)
                       and (scope is None or lesson.scope == scope)]
    if as_json:
        console.print_json(json.dumps([lesson.model_dump(mode="json") for lesson in lessons]))
    else:
        _table(lessons, f"{len(lessons)} lesson(s)")


@memory_app.command("search")
def memory_search(text: str, limit: int = typer.Option(10, min=1), config_path: Optional[Path] = ConfigOption) -> None:
    """Lessons whose trigger is closest to TEXT, in every component, with similarity."""
    from memory.records import Component

    with LessonAdminSession(config_path) as admin:
        vector = admin.store.embedder.embed([text])[0]
        hits = [h for c in Component for h in admin.store.search_lessons(c, vector, limit=limit)]
    for hit in sorted(hits, key=lambda h: h.score, reverse=True)[:limit]:
        console.print(f"{hit.score:.2f}  {hit.lesson.id}  {hit.lesson.component.value}: {escape(hit.lesson.text)}")


@memory_app.command("show")
def memory_show(lesson_id: str, config_path: Optional[Path] = ConfigOption) -> None:
    """One lesson in full, with its history."""
    with LessonAdminSession(config_path) as admin:
        lesson = guarded(lambda: admin.get(lesson_id))
        history = admin.history(lesson_id)
    console.print_json(json.dumps({**lesson.model_dump(mode="json"), "history": history}))


@memory_app.command("edit")
def memory_edit(
    lesson_id: str,
    text: Optional[str] = typer.Option(None, "--text", help="The new instruction."),
    trigger: Optional[str] = typer.Option(None, "--trigger", help="The new kind of request it applies to."),
    expires: Optional[str] = typer.Option(None, "--expires", help="Expiry date, YYYY-MM-DD (UTC)."),
    user: Optional[str] = UserOption,
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Edit a lesson; its version goes up and `alhf memory history` keeps the old values."""
    from datetime import datetime, timezone

    when = None
    if expires:
        try:
            when = datetime.strptime(expires, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            fail(f"--expires takes a date like 2027-01-31, got {expires!r}.")
    with LessonAdminSession(config_path, user, screen_with_model=True) as admin:
        lesson = guarded(lambda: admin.edit(lesson_id, text=text, trigger=trigger, expires_at=when))
    console.print(f"{lesson.id} is now version {lesson.version}, {lesson.status.value}"
                  + (f": {escape(lesson.hold_reason)}" if lesson.status is LessonStatus.PENDING else ""))


@memory_app.command("history")
def memory_history(lesson_id: str, config_path: Optional[Path] = ConfigOption) -> None:
    """Every change to a lesson: approvals, rejections, forgetting, imports."""
    with LessonAdminSession(config_path) as admin:
        guarded(lambda: admin.get(lesson_id))
        console.print_json(json.dumps(admin.history(lesson_id)))


@memory_app.command("pending")
def memory_pending(as_json: bool = JsonOption, config_path: Optional[Path] = ConfigOption) -> None:
    """Lessons held for approval (quarantined, from a role that needs approval, or sensitive)."""
    with LessonAdminSession(config_path) as admin:
        lessons = admin.pending()
    if as_json:
        console.print_json(json.dumps([lesson.model_dump(mode="json") for lesson in lessons]))
    else:
        _table(lessons, f"{len(lessons)} lesson(s) waiting for approval")


@memory_app.command("approve")
def memory_approve(lesson_id: str, user: Optional[str] = UserOption, config_path: Optional[Path] = ConfigOption) -> None:
    """Make a held lesson active (approvers only)."""
    served = _through_server(config_path, user, f"/api/lessons/{lesson_id}/approve")
    if served is not None:
        console.print(f"{lesson_id} approved: now applied where relevant (version {served['version']})")
        return
    with LessonAdminSession(config_path, user) as admin:
        lesson = guarded(lambda: admin.approve(lesson_id))
    console.print(f"{lesson.id} approved: now applied where relevant (version {lesson.version})")


@memory_app.command("reject")
def memory_reject(lesson_id: str, reason: str = typer.Option(..., "--reason"), user: Optional[str] = UserOption,
                  config_path: Optional[Path] = ConfigOption) -> None:
    """Reject a held lesson (kept, never applied)."""
    if _through_server(config_path, user, f"/api/lessons/{lesson_id}/reject", {"reason": reason}) is not None:
        console.print(f"{lesson_id} rejected")
        return
    with LessonAdminSession(config_path, user) as admin:
        guarded(lambda: admin.reject(lesson_id, reason))
    console.print(f"{lesson_id} rejected")


@memory_app.command("forget")
def memory_forget(
    lesson_id: Optional[str] = typer.Argument(None, help="The lesson to forget."),
    author: Optional[str] = typer.Option(None, "--author", help="Forget everything this person taught."),
    hard: bool = typer.Option(False, "--hard", help="Purge vectors and payload instead of marking forgotten."),
    user: Optional[str] = UserOption,
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Stop applying a lesson (soft: kept and audited; --hard: purged), or all of one author's."""
    if (lesson_id is None) == (author is None):
        fail("Give a lesson id or --author NAME (one of the two).")
    if lesson_id and not hard and _through_server(config_path, user, f"/api/lessons/{lesson_id}/forget") is not None:
        console.print(f"forgot 1 lesson(s): {lesson_id}")
        return
    with LessonAdminSession(config_path, user) as admin:
        ids = guarded(lambda: admin.forget_author(author, hard=hard)) if author else \
            [guarded(lambda: admin.forget(lesson_id, hard=hard)) or lesson_id]
    console.print(f"forgot {len(ids)} lesson(s){' (purged)' if hard else ''}: {', '.join(ids) or 'none'}")


@memory_app.command("export")
def memory_export(path: Path, config_path: Optional[Path] = ConfigOption) -> None:
    """Write every lesson (any status) as JSONL, for backup or moving to another store."""
    with LessonAdminSession(config_path) as admin:
        count = admin.export(path)
    console.print(f"exported {count} lesson(s) to {path}")


@memory_app.command("import")
def memory_import(path: Path, user: Optional[str] = UserOption, config_path: Optional[Path] = ConfigOption) -> None:
    """Load lessons from a JSONL export (approvers only; same ids are replaced). Each lesson goes through the
    same admission as a correction: one that looks like an attack is held, quarantined."""
    with LessonAdminSession(config_path, user, screen_with_model=True) as admin:
        lessons = guarded(lambda: admin.import_(path))
    held = [lesson for lesson in lessons if lesson.hold_reason and lesson.status is LessonStatus.PENDING]
    console.print(f"imported {len(lessons)} lesson(s) from {path}: {len(lessons) - len(held)} as exported, "
                  f"{len(held)} held for approval")
    for lesson in held:
        console.print(f"  held {lesson.id}: {escape(lesson.hold_reason)}")


@memory_app.command("migrate")
def memory_migrate(user: Optional[str] = UserOption, config_path: Optional[Path] = ConfigOption) -> None:
    """Move the memory of the data dir from the old qdrant local mode to Qdrant Edge (approvers only). Every
    lesson, version and status is copied and compared; the old folder is kept beside it."""
    from memory.errors import AlhfError
    from memory.migrate import migrate_in_place
    from workflows.config import data_dir
    from workflows.governance.permissions import require_approver

    config = load(config_path)
    who = actor(config, user)
    guarded(lambda: require_approver(config.governance, who, "migrate the memory"))
    if config.memory.qdrant_url:
        fail("memory.qdrant_url is set: the memory lives on that server, there is nothing to migrate.")

    def run() -> Any:
        try:
            return migrate_in_place(data_dir(config) / "qdrant")  # not through the runtime: it would hold the folder
        except OSError as exc:
            raise AlhfError(f"Migration failed ({exc}); the old memory folder is untouched.") from None

    report = guarded(run)
    console.print(escape(report.summary()))

"""Managing stored lessons: approve or reject held ones, forget (soft or hard), export and import,
every change written to the memory audit log."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from memory.errors import AlhfError
from memory.records import Lesson, LessonStatus
from memory.scoping import ScopingChange, add_negative_example, add_positive_example
from memory.store import MemoryStore
from workflows.governance.audit import lesson_history, record_memory_change
from workflows.governance.permissions import (
    PermissionDenied,
    require_approver,
    require_lesson_owner_or_approver,
    require_reviewer,
)
from workflows.governance.roles import GovernanceSettings, admit

if TYPE_CHECKING:
    from workflows.governance.screening import Screens

__all__ = ["LessonAdmin", "scope_lesson", "quarantine_lessons"]


def scope_lesson(store: MemoryStore, conn: Any, actor: str, lesson_id: str, request: str, *, applies: bool,
                 turn_id: str | None = None) -> ScopingChange:
    """Scoping feedback on one lesson (`applies=False`: "not here", the request becomes a near miss; True:
    "should have applied", an example), audited when it changed the lesson (`conn` None: not audited)."""
    change = (add_positive_example if applies else add_negative_example)(store, lesson_id, request)
    if conn is not None and change.version_after != change.version_before:
        record_memory_change(conn, actor, change.action, lesson_id, request=request, version=change.version_after,
                             turn_id=turn_id)
    return change


def quarantine_lessons(store: MemoryStore, conn: Any, actor: str, lesson_ids: list[str], reason: str, *,
                       turn_id: str | None = None) -> list[str]:
    """Hold active lessons that put something harmful into an answer (the answer guard names them): pending
    with `reason`, never applied until an approver acts; audited (`conn` None: not audited). Returns the ids held."""
    held = []
    for lesson_id in lesson_ids:
        lesson = store.get_lesson(lesson_id)
        if lesson is None or lesson.status is not LessonStatus.ACTIVE:
            continue
        store.update_lesson(lesson.model_copy(update={"status": LessonStatus.PENDING, "hold_reason": reason,
                                                      "version": lesson.version + 1}))
        if conn is not None:
            record_memory_change(conn, actor, "quarantine", lesson_id, reason=reason, turn_id=turn_id)
        held.append(lesson_id)
    return held


class LessonAdmin:
    def __init__(self, store: MemoryStore, conn: Any, governance: GovernanceSettings, actor: str,
                 screens: "Screens | None" = None) -> None:
        self.store, self.conn, self.governance, self.actor = store, conn, governance, actor
        self._screens = screens

    def _audit(self, action: str, lesson_id: str, **detail: Any) -> None:
        record_memory_change(self.conn, self.actor, action, lesson_id, **detail)

    def get(self, lesson_id: str) -> Lesson:
        lesson = self.store.get_lesson(lesson_id)
        if lesson is None:
            raise AlhfError(f"No lesson {lesson_id!r}: see `alhf memory list`.")
        return lesson

    def _require_approver(self, action: str = "approve or reject held lessons") -> None:
        require_approver(self.governance, self.actor, action)

    def _admit(self, lesson: Lesson) -> Lesson:
        """An edited or imported lesson goes through the same admission as a correction: quarantined or held
        lessons come back pending with the reason."""
        from workflows.governance.screening import (  # AutoGen: not for listing commands
            Screens,
            quarantine_reason,
        )

        if self._screens is None:
            self._screens = Screens(self.governance, None, self.store.embedder, store=self.store)  # deterministic + similarity
        screening = self._screens.lesson(lesson)
        admission = admit(self.governance, self.actor, quarantine_reason(screening) if screening.held else None,
                          [lesson.component], lesson.tags)
        if admission.decision == "record_only":
            raise PermissionDenied(admission.reason)
        if admission.decision == "hold" and lesson.status is LessonStatus.ACTIVE:
            return lesson.model_copy(update={"status": LessonStatus.PENDING, "hold_reason": admission.reason})
        return lesson

    def pending(self) -> list[Lesson]:
        return [lesson for lesson in self.store.list_lessons() if lesson.status is LessonStatus.PENDING]

    def approve(self, lesson_id: str) -> Lesson:
        self._require_approver()
        lesson = self.get(lesson_id)
        if lesson.status is not LessonStatus.PENDING:
            raise AlhfError(f"Lesson {lesson_id} is {lesson.status.value}, not pending.")
        approved = lesson.model_copy(update={"status": LessonStatus.ACTIVE, "version": lesson.version + 1})
        self.store.update_lesson(approved)
        self._audit("approve", lesson_id, held_because=lesson.hold_reason, version=approved.version)
        return approved

    def reject(self, lesson_id: str, reason: str) -> Lesson:
        self._require_approver()
        if not reason.strip():
            raise AlhfError("A rejection needs a reason: --reason '...'.")
        lesson = self.get(lesson_id)
        rejected = lesson.model_copy(update={"status": LessonStatus.REJECTED, "version": lesson.version + 1})
        self.store.update_lesson(rejected)
        self._audit("reject", lesson_id, reason=reason)
        return rejected

    def forget(self, lesson_id: str, *, hard: bool = False) -> None:
        lesson = self.get(lesson_id)
        require_lesson_owner_or_approver(self.governance, self.actor, lesson, "forget")
        if hard:
            self.store.delete_lesson(lesson_id)
        else:
            self.store.update_lesson(lesson.model_copy(update={"status": LessonStatus.FORGOTTEN,
                                                               "version": lesson.version + 1}))
        self._audit("forget_hard" if hard else "forget", lesson_id, author=lesson.author, text=lesson.text)

    def forget_author(self, author: str, *, hard: bool = False) -> list[str]:
        if author != self.actor:
            self._require_approver(f"forget another author's lessons ({author})")
        ids = [lesson.id for lesson in self.store.list_lessons() if lesson.author == author
               and lesson.status is not LessonStatus.FORGOTTEN]
        for lesson_id in ids:
            self.forget(lesson_id, hard=hard)
        return ids

    def edit(self, lesson_id: str, *, text: str | None = None, trigger: str | None = None,
             expires_at: Any = None) -> Lesson:
        """Change a lesson in place; the version goes up and the audit log keeps the old values."""
        lesson = self.get(lesson_id)
        require_lesson_owner_or_approver(self.governance, self.actor, lesson, "edit")
        changes: dict[str, Any] = {}
        if text is not None and text.strip():
            changes["text"] = text.strip()
        if trigger is not None and trigger.strip():
            changes["trigger"] = trigger.strip()
        if expires_at is not None:
            changes["expires_at"] = expires_at
        if not changes:
            raise AlhfError("Nothing to change: give --text, --trigger or --expires.")
        edited = self._admit(lesson.model_copy(update={**changes, "version": lesson.version + 1}))
        if "trigger" in changes:
            self.store.add_lessons([edited], replace=True)  # new trigger text: re-embed
        else:
            self.store.update_lesson(edited)
        self._audit("edit", lesson_id, version=edited.version, status=edited.status.value,
                    before={k: str(getattr(lesson, k)) for k in changes}, after={k: str(v) for k, v in changes.items()})
        return edited

    def export(self, path: Path) -> int:
        lessons = self.store.list_lessons()
        partial = path.with_suffix(path.suffix + ".partial")
        partial.write_text("".join(lesson.model_dump_json() + "\n" for lesson in lessons), encoding="utf-8")
        partial.replace(path)
        return len(lessons)

    def import_(self, path: Path) -> list[Lesson]:
        """Load lessons from a JSONL export, each through admission; returns them as stored."""
        self._require_approver("import lessons")
        if not path.is_file():
            raise AlhfError(f"{path} does not exist: pass a JSONL file written by `alhf memory export`.")
        lessons = []
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise AlhfError(f"{path} is not UTF-8 text: pass a JSONL file written by `alhf memory export`.") from None
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    lessons.append(self._admit(Lesson.model_validate_json(line)))
                except ValueError as exc:
                    raise AlhfError(f"{path} line {number} is not a lesson ({str(exc).splitlines()[0]}); "
                                    "nothing was imported.") from None
        self.store.add_lessons(lessons, replace=True)
        for lesson in lessons:
            self._audit("import", lesson.id, source=str(path), status=lesson.status.value,
                        held_because=lesson.hold_reason or None)
        return lessons

    def scope(self, lesson_id: str, request: str, *, applies: bool, turn_id: str | None = None) -> ScopingChange:
        """A reviewer says a lesson should not have applied to `request` (`applies=False`: it gains the request
        as a near miss) or should have (`applies=True`: an example). Versioned and audited."""
        require_reviewer(self.governance, self.actor)
        return scope_lesson(self.store, self.conn, self.actor, lesson_id, request, applies=applies, turn_id=turn_id)

    def history(self, lesson_id: str) -> list[dict[str, Any]]:
        return lesson_history(self.conn, lesson_id)

"""Managing stored lessons: approve or reject held ones, forget (soft or hard), export and import,
every change written to the memory audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from memory.errors import AlhfError
from memory.records import Lesson, LessonStatus
from memory.store import MemoryStore
from workflows.governance.audit import lesson_history, record_memory_change
from workflows.governance.roles import GovernanceSettings

__all__ = ["LessonAdmin"]


class LessonAdmin:
    def __init__(self, store: MemoryStore, conn: Any, governance: GovernanceSettings, actor: str) -> None:
        self.store, self.conn, self.governance, self.actor = store, conn, governance, actor

    def _audit(self, action: str, lesson_id: str, **detail: Any) -> None:
        record_memory_change(self.conn, self.actor, action, lesson_id, **detail)

    def get(self, lesson_id: str) -> Lesson:
        lesson = self.store.get_lesson(lesson_id)
        if lesson is None:
            raise AlhfError(f"No lesson {lesson_id!r}: see `alhf memory list`.")
        return lesson

    def _require_approver(self) -> None:
        role = self.governance.role_of(self.actor)
        if role not in self.governance.approvers:
            raise AlhfError(f"{self.actor} is a {role}; only {', '.join(self.governance.approvers)} may approve or "
                            "reject held lessons (governance.approvers in config.yaml).")

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
        if hard:
            self.store.delete_lesson(lesson_id)
        else:
            self.store.update_lesson(lesson.model_copy(update={"status": LessonStatus.FORGOTTEN,
                                                               "version": lesson.version + 1}))
        self._audit("forget_hard" if hard else "forget", lesson_id, author=lesson.author, text=lesson.text)

    def forget_author(self, author: str, *, hard: bool = False) -> list[str]:
        ids = [lesson.id for lesson in self.store.list_lessons() if lesson.author == author
               and lesson.status is not LessonStatus.FORGOTTEN]
        for lesson_id in ids:
            self.forget(lesson_id, hard=hard)
        return ids

    def edit(self, lesson_id: str, *, text: str | None = None, trigger: str | None = None,
             expires_at: Any = None) -> Lesson:
        """Change a lesson in place; the version goes up and the audit log keeps the old values."""
        lesson = self.get(lesson_id)
        changes: dict[str, Any] = {}
        if text is not None and text.strip():
            changes["text"] = text.strip()
        if trigger is not None and trigger.strip():
            changes["trigger"] = trigger.strip()
        if expires_at is not None:
            changes["expires_at"] = expires_at
        if not changes:
            raise AlhfError("Nothing to change: give --text, --trigger or --expires.")
        edited = lesson.model_copy(update={**changes, "version": lesson.version + 1})
        if "trigger" in changes:
            self.store.add_lessons([edited], replace=True)  # new trigger text: re-embed
        else:
            self.store.update_lesson(edited)
        self._audit("edit", lesson_id, version=edited.version,
                    before={k: str(getattr(lesson, k)) for k in changes}, after={k: str(v) for k, v in changes.items()})
        return edited

    def export(self, path: Path) -> int:
        lessons = self.store.list_lessons()
        partial = path.with_suffix(path.suffix + ".partial")
        partial.write_text("".join(lesson.model_dump_json() + "\n" for lesson in lessons), encoding="utf-8")
        partial.replace(path)
        return len(lessons)

    def import_(self, path: Path) -> int:
        if not path.is_file():
            raise AlhfError(f"{path} does not exist: pass a JSONL file written by `alhf memory export`.")
        lessons = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    lessons.append(Lesson.model_validate_json(line))
                except ValueError as exc:
                    raise AlhfError(f"{path} line {number} is not a lesson ({str(exc).splitlines()[0]}); "
                                    "nothing was imported.") from None
        self.store.add_lessons(lessons, replace=True)
        for lesson in lessons:
            self._audit("import", lesson.id, source=str(path))
        return len(lessons)

    def history(self, lesson_id: str) -> list[dict[str, Any]]:
        return lesson_history(self.conn, lesson_id)

"""Author reliability from evidence: lessons later contradicted or re-corrected lower it, outputs that
applied their lessons and were approved raise it.

trust = (2 x role prior + approvals) / (2 + approvals + contradictions): the role's starting trust
counts as two observations, so one bad lesson moves an author a lot less than five do.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

from memory.records import Lesson, LessonStatus
from workflows.governance.roles import GovernanceSettings
from workflows.review.queue import latest_verdicts
from workflows.traces.store import applied_lessons_by_turn, feedback_blame

__all__ = ["AuthorRecord", "author_records", "author_trust"]


@dataclass
class AuthorRecord:
    author: str
    role: str
    lessons: int = 0
    active: int = 0
    approvals: int = 0
    contradictions: int = 0
    trust: float = 1.0

    @property
    def approval_rate(self) -> float | None:
        seen = self.approvals + self.contradictions
        return round(self.approvals / seen, 4) if seen else None

    @property
    def contradiction_rate(self) -> float | None:
        return round(self.contradictions / self.lessons, 4) if self.lessons else None

    def as_json(self) -> dict:
        return {**asdict(self), "approval_rate": self.approval_rate, "contradiction_rate": self.contradiction_rate}


def author_records(lessons: list[Lesson], conn: sqlite3.Connection, governance: GovernanceSettings) -> dict[str, AuthorRecord]:
    by_id = {lesson.id: lesson for lesson in lessons}
    records: dict[str, AuthorRecord] = {}

    def record(author: str) -> AuthorRecord:
        return records.setdefault(author, AuthorRecord(author, governance.role_of(author)))

    for lesson in lessons:
        r = record(lesson.author)
        r.lessons += 1
        r.active += lesson.status is LessonStatus.ACTIVE
        r.contradictions += lesson.status in (LessonStatus.SUPERSEDED, LessonStatus.REJECTED)

    def judge(applied_ids: list[str], verdict: str, blamed: list[str]) -> None:
        for lesson_id in applied_ids:
            lesson = by_id.get(lesson_id)
            if lesson is None:
                continue
            if verdict == "approve":
                record(lesson.author).approvals += 1
            elif verdict == "correct" and lesson.component.value in blamed:
                record(lesson.author).contradictions += 1  # the component was corrected despite the lesson

    turns = applied_lessons_by_turn(conn)
    for turn_id, components in feedback_blame(conn):
        judge(turns.get(turn_id or "", []), "correct", components)
    for latest in latest_verdicts(conn):
        if latest["verdict"] == "approve":  # a learned review correction already counted through its feedback row
            judge([a["id"] for a in latest["lessons_applied"]], "approve", latest["components"])
    for r in records.values():
        prior = governance.role(r.author).trust
        r.trust = round((2 * prior + r.approvals) / (2 + r.approvals + r.contradictions), 4)
    return records


def author_trust(lessons: list[Lesson], conn: sqlite3.Connection, governance: GovernanceSettings) -> dict[str, float]:
    """Each author's trust (what the gate weighs lessons by), from the same evidence as `author_records`."""
    return {author: r.trust for author, r in author_records(lessons, conn, governance).items()}

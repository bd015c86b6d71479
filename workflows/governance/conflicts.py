"""Conflicting lessons: a new lesson that covers the same kind of request as an active lesson of the
same component and says the opposite. Detected before storing; resolved as config says, so that two
contradicting lessons are never active together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

from agents.router import FeedbackRouterAgent
from memory.records import Lesson, LessonStatus
from memory.store import LessonHit
from workflows.governance.roles import GovernanceSettings

__all__ = ["Conflict", "find_conflict", "resolve"]

AskFn = Callable[[Lesson, Lesson], Literal["new", "old", "hold"]]


@dataclass
class Conflict:
    new: Lesson
    old: Lesson
    similarity: float


def find_conflict(router: FeedbackRouterAgent, lesson: Lesson, near: list[LessonHit],
                  min_similarity: float) -> Conflict | None:
    """The first lesson among `near` (same component, similar trigger) that the new one contradicts."""
    for hit in near:
        if hit.score >= min_similarity and hit.lesson.id != lesson.id and router.contradicts(lesson.text, hit.lesson.text):
            return Conflict(lesson, hit.lesson, hit.score)
    return None


def resolve(conflict: Conflict, settings: GovernanceSettings, ask: AskFn | None) -> tuple[str, Lesson | None]:
    """Returns (what happened, the old lesson to supersede or None); marks the new lesson held if it loses."""
    mode = settings.conflicts
    if mode == "ask":
        choice = ask(conflict.new, conflict.old) if ask else "hold"  # no one to ask (batch): hold it
        mode = {"new": "newer_wins", "old": "keep_old", "hold": "hold"}[choice]
    if mode == "higher_role":
        mode = "newer_wins" if settings.rank(conflict.new.author) <= settings.rank(conflict.old.author) else "keep_old"
    if mode == "newer_wins":
        return f"supersedes {conflict.old.id}", conflict.old
    reason = f"conflicts with active lesson {conflict.old.id} ({conflict.old.text!r})"
    if mode == "keep_old":
        reason += ", taught by a higher role" if settings.conflicts == "higher_role" else ", kept by the person asked"
    conflict.new.status, conflict.new.hold_reason = LessonStatus.PENDING, reason
    return f"held: {reason}", None

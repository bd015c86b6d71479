"""Repeated corrections: a new lesson that says what an existing one of its component already says."""

from __future__ import annotations

import numpy as np

from memory.records import Lesson, utc_now
from memory.store import LessonHit, MemoryStore

__all__ = ["neighbours", "find_repeat", "reinforce"]


def neighbours(store: MemoryStore, lesson: Lesson, limit: int = 5) -> list[LessonHit]:
    """Active lessons of the same component whose triggers are nearest the new lesson's trigger."""
    vector = store.embedder.embed([lesson.trigger])[0]
    return store.search_lessons(lesson.component, vector, limit=limit, project=lesson.project)


def find_repeat(store: MemoryStore, lesson: Lesson, near: list[LessonHit], *, threshold: float = 0.8) -> Lesson | None:
    """The lesson among `near` (see `neighbours`) whose instruction matches `lesson`'s, if any.

    Among the lessons for a similar kind of request, the one whose lesson text is most similar
    decides, so "use v3" taught twice is one lesson, while two different rules for the same kind of
    request stay two lessons.
    """
    candidates = [hit.lesson for hit in near]
    if not candidates:
        return None
    new, *old = store.embedder.embed([lesson.text, *[c.text for c in candidates]])
    scores = [float(np.dot(new, vector)) for vector in old]
    best = int(np.argmax(scores))
    return candidates[best] if scores[best] >= threshold else None


def reinforce(store: MemoryStore, lesson: Lesson, feedback_id: str | None = None) -> Lesson:
    """Count one more repeat of `lesson`; the same feedback (a replay after a crash) is counted once."""
    if feedback_id is not None and feedback_id in lesson.reinforced_by:
        return lesson
    updated = lesson.model_copy(update={"reinforcements": lesson.reinforcements + 1, "last_seen_at": utc_now(),
                                        "reinforced_by": [*lesson.reinforced_by, *([feedback_id] if feedback_id else [])]})
    store.update_lesson(updated)
    return updated

"""Repeated corrections: a new lesson that says what an existing one of its component already says."""

from __future__ import annotations

import numpy as np

from memory.records import Lesson, utc_now
from memory.store import MemoryStore

__all__ = ["find_repeat", "reinforce"]


def find_repeat(store: MemoryStore, lesson: Lesson, *, threshold: float = 0.8) -> Lesson | None:
    """The active lesson of the same component whose instruction matches `lesson`'s, if any.

    Candidates are the lessons whose triggers are near the new trigger; among them the one whose
    lesson text is most similar decides, so "use v3" taught twice is one lesson, while two different
    rules for the same kind of request stay two lessons.
    """
    trigger_vector = store.embedder.embed([lesson.trigger])[0]
    candidates = [hit.lesson for hit in store.search_lessons(lesson.component, trigger_vector, limit=5,
                                                              project=lesson.project)]
    if not candidates:
        return None
    new, *old = store.embedder.embed([lesson.text, *[c.text for c in candidates]])
    scores = [float(np.dot(new, vector)) for vector in old]
    best = int(np.argmax(scores))
    return candidates[best] if scores[best] >= threshold else None


def reinforce(store: MemoryStore, lesson: Lesson) -> Lesson:
    updated = lesson.model_copy(update={"reinforcements": lesson.reinforcements + 1, "last_seen_at": utc_now()})
    store.update_lesson(updated)
    return updated

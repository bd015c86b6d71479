"""Scoping feedback: "this lesson should not have applied here" (a near miss) and "this lesson should
have applied here" (an example). Each bumps the lesson's version; the caller records the returned
change in the audit log.

    >>> from memory.embedding import HashingEmbedder
    >>> from memory.records import Component, Lesson
    >>> from memory.store import MemoryStore
    >>> store = MemoryStore.open(":memory:", embedder=HashingEmbedder(dim=64))
    >>> store.add_lesson(Lesson(id="l1", component=Component.WRITER, text="Use EXTRACT.", trigger="SQL dates"))
    >>> add_negative_example(store, "l1", "Welcome a new SQL analyst").version_after
    2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Literal

import numpy as np

from memory.embedding import Embedder
from memory.errors import AlhfError
from memory.records import Lesson
from memory.store import MemoryStore

__all__ = ["ScopingChange", "ScopingError", "add_negative_example", "add_positive_example", "screen_near_misses"]


class ScopingError(AlhfError):
    """Scoping feedback that names no stored lesson, or an empty request."""


@dataclass(frozen=True)
class ScopingChange:
    """What one piece of scoping feedback changed, for the audit log."""

    lesson_id: str
    side: Literal["negative", "positive"]
    request: str
    version_before: int
    version_after: int
    lesson: Lesson

    @property
    def action(self) -> str:
        return "not_here" if self.side == "negative" else "should_apply"


def _change(store: MemoryStore, lesson_id: str, request: str, side: Literal["negative", "positive"]) -> ScopingChange:
    request = request.strip()
    if not request:
        raise ScopingError("The request is empty: give the request the lesson should (not) apply to.")
    lesson = store.get_lesson(lesson_id)
    if lesson is None:
        raise ScopingError(f"No lesson {lesson_id!r}: `alhf memory list` shows the stored ids.")
    field, other = ("negative_examples", "trigger_examples") if side == "negative" else ("trigger_examples", "negative_examples")
    current: list[str] = getattr(lesson, field)
    if request in current:  # said before: nothing new to learn, no new version
        return ScopingChange(lesson.id, side, request, lesson.version, lesson.version, lesson)
    # the person's word overrides the opposite list: a request is never both a near miss and an example
    updated = lesson.model_copy(update={
        field: [*current, request],
        other: [text for text in getattr(lesson, other) if text.strip() != request],
        "version": lesson.version + 1,
    })
    store.add_lessons([updated], replace=True)
    return ScopingChange(lesson.id, side, request, lesson.version, updated.version, updated)


def add_negative_example(store: MemoryStore, lesson_id: str, request: str) -> ScopingChange:
    """"Not here": the lesson gains `request` as a near miss, so the gate rejects requests like it."""
    return _change(store, lesson_id, request, "negative")


def add_positive_example(store: MemoryStore, lesson_id: str, request: str) -> ScopingChange:
    """"Should have applied": the lesson gains `request` as an example it applies to."""
    return _change(store, lesson_id, request, "positive")


def screen_near_misses(lesson: Lesson, embedder: Embedder, *, data_tools: Collection[str] = ()) -> Lesson:
    """Drop the router's near misses that the lesson's own "applies to" text describes as well as one
    of its examples does: a small model often writes positives and calls them near misses.

    A lesson that prefers one of `data_tools` (tools whose data the gate's data check knows about, given
    only when that check runs) keeps none: for such a lesson the router's near misses are other questions
    about the same records ("how many claims in April?" next to "count the claims paid in March"), the
    requests it must apply to, and the data check is the negative side (measured, docs/evaluation.md).
    Call it on a new lesson before storing it; near misses a person gives are never screened."""
    near = lesson.near_miss_texts()
    if near and set(lesson.action.prefer_tools) & set(data_tools):
        return lesson.model_copy(update={"negative_examples": []})
    examples = [text for text in lesson.trigger_texts()[1:]]
    if not near or not examples:
        return lesson
    trigger, *rest = embedder.embed([lesson.trigger, *examples, *near])
    example_vectors, near_vectors = rest[: len(examples)], rest[len(examples):]
    floor = min(float(np.dot(trigger, v)) for v in example_vectors)
    kept = [text for text, v in zip(near, near_vectors) if float(np.dot(trigger, v)) < floor]
    return lesson if kept == near else lesson.model_copy(update={"negative_examples": kept})

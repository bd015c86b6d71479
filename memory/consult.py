"""Consulting a component's memory: vector search, then the relevance gate."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from memory.gate import RelevanceGate
from memory.grounding import ground_lessons
from memory.records import Component, GateDecision, Lesson
from memory.store import MemoryStore

__all__ = ["Consultation", "LessonMemory"]


@dataclass
class Consultation:
    """What one component found in its memory for one request, and what it may apply."""

    component: Component
    decisions: list[GateDecision] = field(default_factory=list)
    applied: list[Lesson] = field(default_factory=list)

    @property
    def retrieved_ids(self) -> list[str]:
        return [d.lesson_id for d in self.decisions]


class LessonMemory:
    """The store and the gate together, as each agent sees them.

    `enabled=False` is the no-memory baseline: nothing is retrieved or applied.
    """

    def __init__(self, store: MemoryStore, gate: RelevanceGate, *, project: str = "default", enabled: bool = True):
        self.store = store
        self.gate = gate
        self.project = project
        self.enabled = enabled
        self.trust: dict[str, float] = {}  # author -> reliability, set by whoever computes it from evidence

    def consult(
        self, component: Component, vector: np.ndarray, *, user: str, request: str = "",
        metadata: dict[str, str] | None = None,
    ) -> Consultation:
        """`request` (its text) lets the gate run its borderline check; `metadata` (team, topic, ...)
        is compared with the lessons' key:value tags."""
        if not self.enabled:
            return Consultation(component)
        hits = self.store.search_lessons(
            component, vector, limit=self.gate.settings.candidates, project=self.project
        )
        # stored vectors give the learned mode its signals, and either mode the near misses to compare against
        wanted = hits and (self.gate.weights or any(hit.lesson.negative_examples for hit in hits))
        vectors = self.store.lesson_vectors([hit.lesson for hit in hits]) if wanted else None
        settings = self.gate.settings
        # lessons that name documents are grounded on the request's corpus search (memory/grounding.py)
        groundings = ground_lessons(self.store, [hit.lesson for hit in hits], vector, documents=settings.grounding_documents,
                                    family_similarity=settings.grounding_family) if settings.grounding and hits else None
        decisions = self.gate.decide(component, hits, user=user, trust=self.trust, request=request,
                                     request_vector=vector, vectors=vectors, metadata=metadata, groundings=groundings)
        by_id = {hit.lesson.id: hit.lesson for hit in hits}
        applied = [by_id[d.lesson_id] for d in decisions if d.passed]
        return Consultation(component, decisions, applied)

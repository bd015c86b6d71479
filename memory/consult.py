"""Consulting a component's memory: vector search, then the relevance gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from memory.gate import RelevanceGate
from memory.grounding import ground_lessons
from memory.records import Component, GateDecision, Lesson
from memory.scoping import screen_near_misses
from memory.store import DocumentHit, LessonHit, MemoryStore

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
        self.data_sources: dict[str, np.ndarray] = {}  # tool name -> vectors of the data it reads, for grounding
        # the request's corpus search (key, limit, hits): shared by the components' grounding and the retriever
        self._corpus_search: tuple[tuple[int, bytes], int, list[DocumentHit]] | None = None

    def describe_data(self, tool: str, sources: list[str]) -> None:
        """What `tool` reads (one text per table), so the gate can tell data questions from document ones."""
        self.data_sources[tool] = self.store.embedder.embed(sources) if sources else np.zeros((0, self.store.embedder.dim))

    def screen_near_misses(self, lesson: Lesson) -> Lesson:
        """A new lesson's router-written near misses, screened (memory.scoping.screen_near_misses); a data
        lesson drops them when the gate's data check runs."""
        data_tools = self.data_sources if self.gate.checks_data else ()
        return screen_near_misses(lesson, self.store.embedder, data_tools=data_tools)

    def consult(
        self, component: Component, vector: np.ndarray, *, user: str, request: str = "",
        metadata: dict[str, str] | None = None,
    ) -> Consultation:
        """`request` (its text) lets the gate run its borderline check; `metadata` (team, topic, ...)
        is compared with the lessons' key:value tags."""
        return self.consult_many([component], vector, user=user, request=request, metadata=metadata)[component]

    def consult_many(
        self, components: Iterable[Component], vector: np.ndarray, *, user: str, request: str = "",
        metadata: dict[str, str] | None = None,
    ) -> dict[Component, Consultation]:
        """`consult` for several components and one request: one search where the store can (a turn consults
        all three with the same vector), then each component's gate."""
        found = self.search_many(components, vector)
        return {component: self.decide(component, hits, vector, user=user, request=request, metadata=metadata)
                for component, hits in found.items()}

    def search_many(self, components: Iterable[Component], vector: np.ndarray) -> dict[Component, list[LessonHit]]:
        """Each component's candidate lessons for a request vector (nothing when memory is off)."""
        components = list(components)
        if not self.enabled:
            return {component: [] for component in components}
        return self.store.search_lessons_many(components, vector, limit=self.gate.settings.candidates,
                                              project=self.project)

    def decide(self, component: Component, hits: list[LessonHit], vector: np.ndarray, *, user: str,
               request: str = "", metadata: dict[str, str] | None = None) -> Consultation:
        """The gate's decision on one component's candidates (from `search_many`)."""
        if not self.enabled:
            return Consultation(component)
        # stored vectors give the learned mode its signals, and either mode the near misses to compare against
        wanted = hits and (self.gate.weights or any(hit.lesson.negative_examples for hit in hits))
        vectors = self.store.lesson_vectors([hit.lesson for hit in hits]) if wanted else None
        settings = self.gate.settings
        # lessons that name documents or prefer a data tool are grounded on the corpus search (memory/grounding.py)
        search = lambda: self.search_corpus(vector, settings.grounding_documents)  # noqa: E731
        groundings = ground_lessons(self.store, [hit.lesson for hit in hits], vector, search,
                                    family_similarity=settings.grounding_family, data=self.data_sources,
                                    passages=settings.grounding_passages) \
            if settings.grounding and hits else None
        decisions = self.gate.decide(component, hits, user=user, trust=self.trust, request=request,
                                     request_vector=vector, vectors=vectors, metadata=metadata, groundings=groundings)
        by_id = {hit.lesson.id: hit.lesson for hit in hits}
        applied = [by_id[d.lesson_id] for d in decisions if d.passed]
        return Consultation(component, decisions, applied)

    def search_corpus(self, vector: np.ndarray, limit: int) -> list[DocumentHit]:
        """The corpus search for a request vector, made once per turn: the gate's grounding (three components)
        and the retriever share it. A search already made for the same vector (and corpus) with at least
        `limit` documents is reused: its first `limit` are what a search with `limit` returns (best first;
        Qdrant searches with ef >= limit, so a smaller limit does not change the leading hits)."""
        key = (self.store.corpus_version, np.asarray(vector, dtype=np.float32).tobytes())
        cached = self._corpus_search  # read once: batch workers share this memory
        if cached is None or cached[0] != key or cached[1] < limit:
            cached = (key, limit, self.store.search_corpus(vector, limit=limit))
            self._corpus_search = cached
        return cached[2][:limit]

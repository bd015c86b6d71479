"""The lesson store: one lesson collection per component plus the document corpus.

Every rule about lessons and documents lives here; the vector engine sits behind a
`memory.backend.VectorBackend`: Qdrant Edge (`memory.qdrant_edge`, the embedded default) or
qdrant-client (`memory.qdrant_local`: ":memory:", a local-mode folder, a server URL). Backends are
imported only when opened, so importing this module loads neither engine.

A memory folder belongs to one process; a second one gets `StoreLockedError` telling it to stop
the other process or point `memory.qdrant_url` at a Qdrant server.
"""

from __future__ import annotations

import functools
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

import numpy as np

from memory.backend import BackendName, ScoredPayload, SharedSearch, StoredPoint, VectorBackend
from memory.embedding import Embedder
from memory.errors import AlhfError
from memory.passages import document_passages
from memory.records import Component, Document, Lesson, LessonStatus

__all__ = ["MemoryStore", "LessonHit", "DocumentHit", "LessonVectors", "open_backend"]

_NAMESPACE = uuid.UUID("6f1c3a52-8d5e-4d0b-9a57-0b3b3f4c2a11")
LESSON_INDEXED_FIELDS = ("lesson_id", "status", "project")
# a lesson has several points (its trigger and examples): a search over-fetches, then keeps each lesson's best
_POINTS_PER_LESSON = 4


@dataclass(frozen=True)
class LessonHit:
    """A lesson found by vector search, with its best-matching trigger text."""

    lesson: Lesson
    score: float
    matched_text: str


@dataclass(frozen=True)
class LessonVectors:
    """A lesson's stored vectors, for the gate: its "applies to" text, its examples, its near misses."""

    trigger: np.ndarray | None
    examples: np.ndarray  # (n, dim), may be empty
    near_misses: np.ndarray  # (m, dim), may be empty


@dataclass(frozen=True)
class DocumentHit:
    document: Document
    score: float


_F = TypeVar("_F", bound=Callable[..., Any])


def _serialized(method: _F) -> _F:
    """Batch workers share one store; neither local mode nor Edge is used from two threads at once."""

    @functools.wraps(method)
    def wrapper(self: "MemoryStore", *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _stack(vectors: list[np.ndarray], dim: int) -> np.ndarray:
    return np.vstack(vectors) if vectors else np.zeros((0, dim), dtype=np.float32)


def _point_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def open_backend(
    location: str | Path, *, backend: BackendName = "edge", url: str | None = None, api_key: str | None = None
) -> VectorBackend:
    """A server if `url` is given, qdrant-client's in-memory mode for ":memory:", else `backend` on the folder."""
    if url or str(location) == ":memory:" or backend == "qdrant_local":
        from memory.qdrant_local import QdrantClientBackend

        return QdrantClientBackend.open(location, url=url, api_key=api_key)
    if backend == "edge":
        from memory.qdrant_edge import EdgeBackend

        return EdgeBackend.open(location)
    raise AlhfError(f"Unknown memory backend {backend!r}: use edge or qdrant_local.")


class MemoryStore:
    """Lessons and corpus over a vector backend.

        >>> from memory.embedding import HashingEmbedder
        >>> store = MemoryStore.open(":memory:", embedder=HashingEmbedder(dim=64))
        >>> store.count_lessons()
        0
    """

    def __init__(self, backend: VectorBackend, embedder: Embedder, prefix: str = "alhf") -> None:
        self.backend = backend
        self._lock = threading.RLock()
        self.embedder = embedder
        self.prefix = prefix
        self.notice: str | None = None  # a one-line hint for the user (e.g. "run alhf memory migrate")
        self._vectors: dict[str, np.ndarray] = {}  # point id -> vector; point ids are derived from lesson id + text
        self._document_vectors: dict[str, np.ndarray] = {}  # document id -> vector, until the corpus changes
        self.corpus_version = 0  # bumped when this store replaces its corpus (for callers that cache searches)
        # trigger point id -> (collection, lesson id, matched text): the last two never change (the id is derived
        # from them), the collection only when this store re-adds the lesson elsewhere (add_lessons updates it)
        self._lesson_of: dict[str, tuple[str, str, str]] = {}
        self._lessons: dict[str, Lesson] = {}  # lesson id -> Lesson as read, while nothing is written (exclusive only)
        self._ensure_collections()

    @classmethod
    def open(
        cls,
        location: str | Path,
        *,
        embedder: Embedder,
        url: str | None = None,
        api_key: str | None = None,
        prefix: str = "alhf",
        backend: BackendName = "edge",
    ) -> "MemoryStore":
        """Open `url` if given, else `location`: ":memory:" or a folder (Qdrant Edge unless `backend` says otherwise)."""
        engine = open_backend(location, backend=backend, url=url, api_key=api_key)
        try:
            return cls(engine, embedder, prefix)
        except BaseException:
            engine.close()
            raise

    @property
    def backend_name(self) -> str:
        return self.backend.name

    def close(self) -> None:
        with self._lock:
            self.backend.close()

    @_serialized
    def optimize(self) -> None:
        """Build search indexes now (Qdrant Edge; a no-op on qdrant-client). Worth it after bulk imports."""
        self.backend.optimize()

    @_serialized
    def answer_read(self, operation: str, args: dict[str, Any]) -> Any:
        """One read of the backend for a process that reads this store remotely (memory/remote.py)."""
        from memory.remote import answer_read

        return answer_read(self.backend, operation, args)

    # -- collections ---------------------------------------------------------------------------

    def lesson_collection(self, component: Component) -> str:
        return f"{self.prefix}_lessons_{component.value}"

    def near_miss_collection(self, component: Component) -> str:
        """Near misses live apart from trigger texts, so that they never crowd the lesson search."""
        return f"{self.prefix}_nearmiss_{component.value}"

    @property
    def corpus_collection(self) -> str:
        return f"{self.prefix}_corpus"

    @property
    def passage_collection(self) -> str:
        """One point per sentence of each document, with its title (memory/passages.py)."""
        return f"{self.prefix}_passages"

    def _ensure_collections(self) -> None:
        names = [(self.lesson_collection(c), LESSON_INDEXED_FIELDS) for c in Component]
        names += [(self.near_miss_collection(c), ("lesson_id",)) for c in Component] + [(self.corpus_collection, ())]
        names += [(self.passage_collection, ())]
        for name, indexed in names:
            size = self.backend.collection_dim(name)
            if size is None:
                self.backend.create_collection(name, self.embedder.dim, indexed)
            elif size != self.embedder.dim:
                raise AlhfError(
                    f"Collection {name} holds {size}-dim vectors but the embedder "
                    f"{self.embedder.name!r} makes {self.embedder.dim}: use the embedder it was built "
                    "with, or a fresh data directory (ALHF_HOME)."
                )

    # -- lessons -------------------------------------------------------------------------------

    @_serialized
    def add_lessons(self, lessons: Iterable[Lesson], *, replace: bool = False) -> None:
        """Store new lessons: one point per trigger text, all carrying the full lesson payload.

        `replace=True` first drops the points of lessons stored before under the same ids (their
        trigger texts may have changed); new lessons skip that (a scan in local mode).
        """
        by_collection: dict[str, list[StoredPoint]] = {}
        batch = list(lessons)
        texts = [(lesson, text, False) for lesson in batch for text in lesson.trigger_texts()]
        texts += [(lesson, text, True) for lesson in batch for text in lesson.near_miss_texts()]
        vectors = self.embedder.embed([text for _, text, _ in texts]) if texts else []
        for (lesson, text, near_miss), vector in zip(texts, vectors):
            payload = {"lesson_id": lesson.id, "matched_text": text}
            if near_miss:
                point_id, collection = _point_id(lesson.id, "near-miss", text), self.near_miss_collection(lesson.component)
            else:
                point_id, collection = _point_id(lesson.id, text), self.lesson_collection(lesson.component)
                payload.update(lesson=lesson.model_dump(mode="json"), status=lesson.status.value, project=lesson.project)
                self._lesson_of[point_id] = (collection, lesson.id, text)
            vector = np.asarray(vector, dtype=np.float32)
            self._vectors[point_id] = vector
            by_collection.setdefault(collection, []).append(StoredPoint(point_id, vector.tolist(), payload))
        for lesson in batch if replace else []:
            self._delete_points(lesson.component, lesson.id)
        self._lessons.clear()
        for collection, points in by_collection.items():
            self.backend.upsert(collection, points)

    def add_lesson(self, lesson: Lesson) -> None:
        self.add_lessons([lesson])

    @_serialized
    def update_lesson(self, lesson: Lesson) -> None:
        """Rewrite a lesson's payload (status, version, ...) without re-embedding."""
        self._lessons.clear()
        self.backend.set_payload(
            self.lesson_collection(lesson.component),
            {"lesson_id": lesson.id},
            {"lesson": lesson.model_dump(mode="json"), "status": lesson.status.value},
        )

    def _delete_points(self, component: Component, lesson_id: str) -> None:
        self._lessons.clear()
        for collection in (self.lesson_collection(component), self.near_miss_collection(component)):
            self.backend.delete(collection, {"lesson_id": lesson_id})

    @_serialized
    def lesson_vectors(self, lessons: Iterable[Lesson]) -> dict[str, LessonVectors]:
        """The stored vectors of each lesson's trigger, examples and near misses (by point id, cached)."""
        wanted: list[tuple[Lesson, list[str], list[str]]] = []
        missing: dict[str, list[str]] = {}
        for lesson in lessons:
            positive = [_point_id(lesson.id, text) for text in lesson.trigger_texts()]
            negative = [_point_id(lesson.id, "near-miss", text) for text in lesson.near_miss_texts()]
            wanted.append((lesson, positive, negative))
            for ids, collection in ((positive, self.lesson_collection(lesson.component)),
                                    (negative, self.near_miss_collection(lesson.component))):
                missing.setdefault(collection, []).extend(i for i in ids if i not in self._vectors)
        for collection, ids in missing.items():
            if ids:
                for point in self.backend.retrieve(collection, ids, with_vectors=True):
                    if point.vector is not None:
                        self._vectors[point.id] = np.asarray(point.vector, dtype=np.float32)
        if len(self._vectors) > 200_000:  # a cache, not a copy of the store
            self._vectors.clear()
        result: dict[str, LessonVectors] = {}
        for lesson, positive, negative in wanted:
            found = [self._vectors.get(i) for i in positive]
            trigger = found[0] if found else None
            examples = [v for v in found[1:] if v is not None]
            near = [v for v in (self._vectors.get(i) for i in negative) if v is not None]
            result[lesson.id] = LessonVectors(trigger, _stack(examples, self.embedder.dim), _stack(near, self.embedder.dim))
        return result

    @_serialized
    def delete_lesson(self, lesson_id: str) -> bool:
        lesson = self.get_lesson(lesson_id)
        if lesson is None:
            return False
        self._delete_points(lesson.component, lesson_id)
        return True

    @_serialized
    def get_lesson(self, lesson_id: str) -> Lesson | None:
        for component in Component:
            for point in self.backend.scroll(self.lesson_collection(component), {"lesson_id": lesson_id}, limit=1):
                return Lesson.model_validate(point.payload["lesson"])
        return None

    @_serialized
    def list_lessons(self, component: Component | None = None) -> list[Lesson]:
        lessons: dict[str, Lesson] = {}
        for comp in [component] if component else list(Component):
            for point in self.backend.scroll(self.lesson_collection(comp)):
                if point.payload["lesson_id"] not in lessons:
                    lessons[point.payload["lesson_id"]] = Lesson.model_validate(point.payload["lesson"])
        return sorted(lessons.values(), key=lambda lesson: lesson.created_at)

    def count_lessons(self, component: Component | None = None) -> int:
        return len(self.list_lessons(component))

    @_serialized
    def search_lessons(
        self, component: Component, vector: np.ndarray, *, limit: int = 5, project: str | None = None
    ) -> list[LessonHit]:
        """Best active lessons for a request vector, one hit per lesson (its best trigger text).

        The first query is unfiltered and over-fetched (local mode checks filters in Python point by
        point; Edge's unfiltered search is also faster than its filtered one); the filtered query runs
        only when inactive or other-project lessons crowd out the top. Queries return ids and scores
        only: reading payloads was most of a search's cost on Edge, so only the best point of each
        candidate lesson is read (`_best_lessons`).
        """
        collection = self.lesson_collection(component)
        query = np.asarray(vector, dtype=np.float32).tolist()
        fetch = limit * _POINTS_PER_LESSON
        points = self.backend.query(collection, query, fetch, with_payload=False)
        hits, complete = self._best_lessons(collection, points, limit, project)
        if len(points) == fetch and not complete:
            hits = self._filtered_search(collection, query, fetch, limit, project)
        return hits

    @_serialized
    def search_lessons_many(
        self, components: Iterable[Component], vector: np.ndarray, *, limit: int = 5, project: str | None = None
    ) -> dict[Component, list[LessonHit]]:
        """`search_lessons` for several components and one request vector: the same hits, from ONE search
        where the backend keeps every collection in one index (Edge), else one search per component.

        A component's points among the nearest of all components are its own nearest, in the same order,
        so its best lessons among them are its best lessons as long as `limit` of them are wanted; a
        component left short by a full result gets its own filtered search.
        """
        components = list(components)
        if not isinstance(self.backend, SharedSearch) or len(components) < 2:
            return {component: self.search_lessons(component, vector, limit=limit, project=project)
                    for component in components}
        collections = {self.lesson_collection(component): component for component in components}
        query = np.asarray(vector, dtype=np.float32).tolist()
        fetch = limit * _POINTS_PER_LESSON
        points = self.backend.query_many(list(collections), query, fetch * len(components))
        unknown = [p.id for p in points if p.id not in self._lesson_of]
        for point_id, (collection, payload) in self.backend.locate(unknown, ["lesson_id", "matched_text"]).items() \
                if unknown else []:
            self._lesson_of[point_id] = (collection, payload["lesson_id"], payload.get("matched_text", ""))
        mine: dict[str, list[ScoredPayload]] = {collection: [] for collection in collections}
        for point in points:
            known = self._lesson_of.get(point.id)  # None: deleted since the query
            if known is not None and known[0] in mine:
                mine[known[0]].append(point)
        found = {}
        for collection, component in collections.items():
            hits, complete = self._best_lessons(collection, mine[collection], limit, project)
            if len(points) == fetch * len(components) and not complete:
                hits = self._filtered_search(collection, query, fetch, limit, project)
            found[component] = hits
        return found

    def _filtered_search(self, collection: str, query: list[float], fetch: int, limit: int,
                         project: str | None) -> list[LessonHit]:
        where = {"status": LessonStatus.ACTIVE.value}
        if project is not None:
            where["project"] = project
        return self._best_lessons(collection, self.backend.query(collection, query, fetch, where, with_payload=False),
                                  limit, project)[0]

    def _best_lessons(self, collection: str, points: list[ScoredPayload], limit: int,
                      project: str | None) -> tuple[list[LessonHit], bool]:
        """The first `limit` active lessons of `project` (any if None) among `points` (best first), each with
        its best point, and whether `limit` were found.

        A point's lesson id and text never change (its id is derived from them), so they are remembered
        once read; the lesson itself (status, examples...) can change, so it is read for each candidate
        lesson's best point only, in score order, until `limit` are wanted. On a backend this process owns
        (`exclusive`), lessons read are kept until the store writes. Status and project are written on all
        of a lesson's points at once, so the best point's copy is the lesson's.
        """
        payloads: dict[str, dict[str, Any]] = {}
        unknown = [p.id for p in points if p.id not in self._lesson_of]
        for point in self.backend.retrieve(collection, unknown) if unknown else []:
            payloads[point.id] = point.payload
            self._lesson_of[point.id] = (collection, point.payload["lesson_id"], point.payload.get("matched_text", ""))
        best: dict[str, ScoredPayload] = {}
        for point in points:
            known = self._lesson_of.get(point.id)  # None: deleted since the query
            if known is not None and known[1] not in best:
                best[known[1]] = point
        cache = self._lessons if self.backend.exclusive else {}
        candidates, hits = list(best.items()), []
        while candidates and len(hits) < limit:
            batch, candidates = candidates[: limit - len(hits)], candidates[limit - len(hits):]
            missing = [p.id for lesson_id, p in batch if lesson_id not in cache and p.id not in payloads]
            payloads.update((p.id, p.payload) for p in (self.backend.retrieve(collection, missing) if missing else []))
            for lesson_id, point in batch:
                lesson = cache.get(lesson_id)
                if lesson is None and point.id in payloads:
                    lesson = cache[lesson_id] = Lesson.model_validate(payloads[point.id]["lesson"])
                if lesson is not None and lesson.status is LessonStatus.ACTIVE and project in (None, lesson.project):
                    hits.append(LessonHit(lesson, point.score, self._lesson_of[point.id][2]))
        if len(self._lesson_of) > 200_000:  # caches, not a copy of the store (~60 MB at most)
            self._lesson_of.clear()
        if len(self._lessons) > 20_000:
            self._lessons.clear()
        return hits, len(hits) >= limit

    # -- corpus --------------------------------------------------------------------------------

    @_serialized
    def replace_corpus(self, documents: list[Document]) -> None:
        """Make the corpus exactly `documents` (re-embedding only when they changed)."""
        current = {doc.id: doc for doc in self.list_documents()}
        wanted = {doc.id: doc for doc in documents}
        if current == wanted:
            if documents and not self.backend.count(self.passage_collection):  # a store from before passages
                self._add_passages(documents)
            return
        self._document_vectors.clear()
        self.corpus_version += 1
        self.backend.drop_collection(self.corpus_collection)
        self.backend.drop_collection(self.passage_collection)
        self._ensure_collections()
        if not documents:
            return
        vectors = self.embedder.embed([f"{doc.title}. {doc.text}" for doc in documents])
        points = [
            StoredPoint(_point_id("doc", doc.id), np.asarray(vec, dtype=np.float32).tolist(), doc.model_dump())
            for doc, vec in zip(documents, vectors)
        ]
        self.backend.upsert(self.corpus_collection, points)
        self._add_passages(documents)

    def _add_passages(self, documents: list[Document]) -> None:
        passages = [(doc.id, i, text) for doc in documents for i, text in enumerate(document_passages(doc))]
        if passages:
            vectors = self.embedder.embed([text for _, _, text in passages])
            self.backend.upsert(self.passage_collection, [
                StoredPoint(_point_id("passage", doc_id, str(i)), np.asarray(vec, dtype=np.float32).tolist(),
                            {"doc_id": doc_id})
                for (doc_id, i, text), vec in zip(passages, vectors)
            ])

    @_serialized
    def list_documents(self) -> list[Document]:
        points = self.backend.scroll(self.corpus_collection, limit=10_000)
        return sorted((Document.model_validate(p.payload) for p in points), key=lambda d: d.id)

    @_serialized
    def search_corpus(self, vector: np.ndarray, *, limit: int = 3) -> list[DocumentHit]:
        points = self.backend.query(self.corpus_collection, np.asarray(vector, dtype=np.float32).tolist(), limit)
        return [DocumentHit(Document.model_validate(p.payload), p.score) for p in points]

    @_serialized
    def best_passage(self, vector: np.ndarray) -> float | None:
        """The similarity of `vector` to the nearest sentence of any corpus document (None without passages)."""
        points = self.backend.query(self.passage_collection, np.asarray(vector, dtype=np.float32).tolist(), 1,
                                    with_payload=False)
        return points[0].score if points else None

    @_serialized
    def document_vectors(self, doc_ids: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors of corpus documents, by id (documents not in the corpus are left out)."""
        doc_ids = list(doc_ids)
        missing = [doc_id for doc_id in doc_ids if doc_id not in self._document_vectors]
        if missing:
            for point in self.backend.retrieve(self.corpus_collection, [_point_id("doc", d) for d in missing],
                                               with_vectors=True):
                if point.vector is not None:
                    self._document_vectors[point.payload["id"]] = np.asarray(point.vector, dtype=np.float32)
        return {doc_id: self._document_vectors[doc_id] for doc_id in doc_ids if doc_id in self._document_vectors}

    @_serialized
    def get_document(self, doc_id: str) -> Document | None:
        points = self.backend.retrieve(self.corpus_collection, [_point_id("doc", doc_id)])
        return Document.model_validate(points[0].payload) if points else None

"""The Qdrant store: one lesson collection per component plus the document corpus.

This is the only module that imports qdrant_client. The same code runs on the three backends
qdrant-client offers: `":memory:"` (tests, evaluation), a local folder (the default) and a server URL.

Local mode locks its folder to one process; a second process gets `StoreLockedError` telling it
to stop the other process or point `memory.qdrant_url` at a Qdrant server.
"""

from __future__ import annotations

import functools
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

import numpy as np
from qdrant_client import QdrantClient, models

from memory.embedding import Embedder
from memory.errors import AlhfError, StoreLockedError
from memory.records import Component, Document, Lesson, LessonStatus

__all__ = ["MemoryStore", "LessonHit", "DocumentHit", "LessonVectors"]

_NAMESPACE = uuid.UUID("6f1c3a52-8d5e-4d0b-9a57-0b3b3f4c2a11")


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
    """Batch workers share one store; the local-mode client is not safe under concurrent use."""

    @functools.wraps(method)
    def wrapper(self: "MemoryStore", *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _stack(vectors: list[np.ndarray], dim: int) -> np.ndarray:
    return np.vstack(vectors) if vectors else np.zeros((0, dim), dtype=np.float32)


def _point_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


class MemoryStore:
    """Lessons and corpus in Qdrant.

        >>> from memory.embedding import HashingEmbedder
        >>> store = MemoryStore.open(":memory:", embedder=HashingEmbedder(dim=64))
        >>> store.count_lessons()
        0
    """

    def __init__(self, client: QdrantClient, embedder: Embedder, prefix: str = "alhf") -> None:
        self._client = client
        self._lock = threading.RLock()
        self.embedder = embedder
        self.prefix = prefix
        self._vectors: dict[str, np.ndarray] = {}  # point id -> vector; point ids are derived from lesson id + text
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
    ) -> "MemoryStore":
        """Open `url` if given, else `location`: ":memory:" or a folder for local mode."""
        if url:
            client = QdrantClient(url=url, api_key=api_key)
        elif str(location) == ":memory:":
            client = QdrantClient(location=":memory:")
        else:
            folder = Path(location)
            folder.mkdir(parents=True, exist_ok=True)
            try:
                client = QdrantClient(path=str(folder))
            except RuntimeError as exc:
                if "already accessed" in str(exc):
                    raise StoreLockedError(
                        f"The memory folder {folder} is in use by another alhf process: close it, "
                        "or run a Qdrant server and set memory.qdrant_url in config.yaml."
                    ) from None
                raise
        return cls(client, embedder, prefix)

    def close(self) -> None:
        self._client.close()

    # -- collections ---------------------------------------------------------------------------

    def lesson_collection(self, component: Component) -> str:
        return f"{self.prefix}_lessons_{component.value}"

    def near_miss_collection(self, component: Component) -> str:
        """Near misses live apart from trigger texts, so that they never crowd the lesson search."""
        return f"{self.prefix}_nearmiss_{component.value}"

    @property
    def corpus_collection(self) -> str:
        return f"{self.prefix}_corpus"

    def _ensure_collections(self) -> None:
        names = [self.lesson_collection(c) for c in Component] + [self.near_miss_collection(c) for c in Component]
        names.append(self.corpus_collection)
        for name in names:
            if self._client.collection_exists(name):
                size = self._client.get_collection(name).config.params.vectors.size  # type: ignore[union-attr]
                if size != self.embedder.dim:
                    raise AlhfError(
                        f"Collection {name} holds {size}-dim vectors but the embedder "
                        f"{self.embedder.name!r} makes {self.embedder.dim}: use the embedder it was built "
                        "with, or a fresh data directory (ALHF_HOME)."
                    )
                continue
            self._client.create_collection(
                name, vectors_config=models.VectorParams(size=self.embedder.dim, distance=models.Distance.COSINE)
            )

    # -- lessons -------------------------------------------------------------------------------

    @_serialized
    def add_lessons(self, lessons: Iterable[Lesson], *, replace: bool = False) -> None:
        """Store new lessons: one point per trigger text, all carrying the full lesson payload.

        `replace=True` first drops the points of lessons stored before under the same ids (their
        trigger texts may have changed); new lessons skip that, since it scans the collection.
        """
        by_collection: dict[str, list[models.PointStruct]] = {}
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
            self._vectors[point_id] = vector
            by_collection.setdefault(collection, []).append(
                models.PointStruct(id=point_id, vector=vector.tolist(), payload=payload)
            )
        for lesson in batch if replace else []:
            self._delete_points(lesson.component, lesson.id)
        for collection, points in by_collection.items():
            self._client.upsert(collection, points=points, wait=True)

    def add_lesson(self, lesson: Lesson) -> None:
        self.add_lessons([lesson])

    @_serialized
    def update_lesson(self, lesson: Lesson) -> None:
        """Rewrite a lesson's payload (status, version, ...) without re-embedding."""
        self._client.set_payload(
            self.lesson_collection(lesson.component),
            payload={"lesson": lesson.model_dump(mode="json"), "status": lesson.status.value},
            points=self._lesson_filter(lesson.id),
            wait=True,
        )

    def _lesson_filter(self, lesson_id: str) -> models.Filter:
        return models.Filter(must=[models.FieldCondition(key="lesson_id", match=models.MatchValue(value=lesson_id))])

    def _delete_points(self, component: Component, lesson_id: str) -> None:
        for collection in (self.lesson_collection(component), self.near_miss_collection(component)):
            self._client.delete(
                collection, points_selector=models.FilterSelector(filter=self._lesson_filter(lesson_id)), wait=True
            )

    @_serialized
    def lesson_vectors(self, lessons: Iterable[Lesson]) -> dict[str, LessonVectors]:
        """The stored vectors of each lesson's trigger, examples and near misses (by point id, cached).

        Lookups by id need no payload filter, so this stays fast in local mode.
        """
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
                for point in self._client.retrieve(collection, ids=ids, with_vectors=True, with_payload=False):
                    self._vectors[str(point.id)] = np.asarray(point.vector, dtype=np.float32)
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
            points, _ = self._client.scroll(
                self.lesson_collection(component), scroll_filter=self._lesson_filter(lesson_id), limit=1
            )
            if points:
                return Lesson.model_validate(points[0].payload["lesson"])  # type: ignore[index]
        return None

    @_serialized
    def list_lessons(self, component: Component | None = None) -> list[Lesson]:
        lessons: dict[str, Lesson] = {}
        for comp in [component] if component else list(Component):
            offset = None
            while True:
                points, offset = self._client.scroll(self.lesson_collection(comp), limit=256, offset=offset)
                for point in points:
                    lesson = Lesson.model_validate(point.payload["lesson"])  # type: ignore[index]
                    lessons.setdefault(lesson.id, lesson)
                if offset is None:
                    break
        return sorted(lessons.values(), key=lambda lesson: lesson.created_at)

    def count_lessons(self, component: Component | None = None) -> int:
        return len(self.list_lessons(component))

    @_serialized
    def search_lessons(
        self, component: Component, vector: np.ndarray, *, limit: int = 5, project: str | None = None
    ) -> list[LessonHit]:
        """Best active lessons for a request vector, one hit per lesson (its best trigger text).

        Local mode evaluates payload filters in Python point by point (15x slower at 1k lessons), so
        the first query is unfiltered and over-fetched; the filtered query runs only when inactive or
        other-project lessons crowd out the top of the ranking.
        """

        def wanted(payload: dict) -> bool:
            return payload.get("status") == LessonStatus.ACTIVE.value and project in (None, payload.get("project"))

        collection = self.lesson_collection(component)
        fetch = limit * 4  # several points per lesson: over-fetch, then keep each lesson's best
        points = self._client.query_points(collection, query=vector.tolist(), limit=fetch, with_payload=True).points
        kept = [p for p in points if wanted(p.payload or {})]
        if len(points) == fetch and len({p.payload["lesson_id"] for p in kept}) < limit:  # type: ignore[index]
            must = [models.FieldCondition(key="status", match=models.MatchValue(value=LessonStatus.ACTIVE.value))]
            if project is not None:
                must.append(models.FieldCondition(key="project", match=models.MatchValue(value=project)))
            kept = self._client.query_points(
                collection, query=vector.tolist(), query_filter=models.Filter(must=must), limit=fetch, with_payload=True
            ).points
        hits: dict[str, LessonHit] = {}
        for point in kept:
            payload = point.payload or {}
            lesson_id = payload["lesson_id"]
            if lesson_id not in hits:
                lesson = Lesson.model_validate(payload["lesson"])
                hits[lesson_id] = LessonHit(lesson, float(point.score), payload.get("matched_text", ""))
        return sorted(hits.values(), key=lambda hit: hit.score, reverse=True)[:limit]

    # -- corpus --------------------------------------------------------------------------------

    @_serialized
    def replace_corpus(self, documents: list[Document]) -> None:
        """Make the corpus exactly `documents` (re-embedding only when they changed)."""
        current = {doc.id: doc for doc in self.list_documents()}
        wanted = {doc.id: doc for doc in documents}
        if current == wanted:
            return
        self._client.delete_collection(self.corpus_collection)
        self._ensure_collections()
        if not documents:
            return
        vectors = self.embedder.embed([f"{doc.title}. {doc.text}" for doc in documents])
        points = [
            models.PointStruct(id=_point_id("doc", doc.id), vector=vec.tolist(), payload=doc.model_dump())
            for doc, vec in zip(documents, vectors)
        ]
        self._client.upsert(self.corpus_collection, points=points, wait=True)

    @_serialized
    def list_documents(self) -> list[Document]:
        points, _ = self._client.scroll(self.corpus_collection, limit=10_000)
        return sorted((Document.model_validate(p.payload) for p in points), key=lambda d: d.id)

    @_serialized
    def search_corpus(self, vector: np.ndarray, *, limit: int = 3) -> list[DocumentHit]:
        response = self._client.query_points(
            self.corpus_collection, query=vector.tolist(), limit=limit, with_payload=True
        )
        return [DocumentHit(Document.model_validate(p.payload), float(p.score)) for p in response.points]

    @_serialized
    def get_document(self, doc_id: str) -> Document | None:
        points = self._client.retrieve(self.corpus_collection, ids=[_point_id("doc", doc_id)], with_payload=True)
        return Document.model_validate(points[0].payload) if points else None

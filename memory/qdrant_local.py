"""qdrant-client backend: `":memory:"` (tests, evaluation), a local-mode folder, or a Qdrant server.

The only module that imports qdrant_client. Local mode locks its folder to one process, keeps every
point in RAM (it loads them all on open) and checks payload filters in Python point by point.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from qdrant_client import QdrantClient, models

from memory.backend import ScoredPayload, StoredPoint
from memory.errors import StoreLockedError

__all__ = ["QdrantClientBackend"]


def _filter(where: dict[str, str] | None) -> models.Filter | None:
    if not where:
        return None
    return models.Filter(must=[models.FieldCondition(key=k, match=models.MatchValue(value=v)) for k, v in where.items()])


class QdrantClientBackend:
    """One qdrant-client connection; a collection per name."""

    name = "qdrant_local"

    def __init__(self, client: QdrantClient, *, server: bool = False) -> None:
        self._client = client
        self._server = server
        self.exclusive = not server  # ":memory:" or a locked local-mode folder: this process alone

    @classmethod
    def open(cls, location: str | Path, *, url: str | None = None, api_key: str | None = None) -> "QdrantClientBackend":
        """A server when `url` is given, else ":memory:" or a local-mode folder."""
        if url:
            return cls(QdrantClient(url=url, api_key=api_key), server=True)
        if str(location) == ":memory:":
            return cls(QdrantClient(location=":memory:"))
        folder = Path(location)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            return cls(QdrantClient(path=str(folder)))
        except RuntimeError as exc:
            if "already accessed" in str(exc):
                raise StoreLockedError(
                    f"The memory folder {folder} is in use by another alhf process: close it, "
                    "or run a Qdrant server and set memory.qdrant_url in config.yaml."
                ) from None
            raise

    def collections(self) -> list[str]:
        return [c.name for c in self._client.get_collections().collections]

    def collection_dim(self, collection: str) -> int | None:
        if not self._client.collection_exists(collection):
            return None
        return self._client.get_collection(collection).config.params.vectors.size  # type: ignore[union-attr]

    def create_collection(self, collection: str, dim: int, indexed_fields: tuple[str, ...] = ()) -> None:
        self._client.create_collection(
            collection, vectors_config=models.VectorParams(size=dim, distance=models.Distance.COSINE)
        )
        for field in indexed_fields if self._server else ():  # local mode has no payload indexes
            self._client.create_payload_index(collection, field, models.PayloadSchemaType.KEYWORD)

    def drop_collection(self, collection: str) -> None:
        self._client.delete_collection(collection)

    def upsert(self, collection: str, points: list[StoredPoint]) -> None:
        structs = [models.PointStruct(id=p.id, vector=p.vector or [], payload=p.payload) for p in points]
        self._client.upsert(collection, points=structs, wait=True)

    def set_payload(self, collection: str, where: dict[str, str], payload: dict[str, Any]) -> None:
        self._client.set_payload(collection, payload=payload, points=_filter(where), wait=True)

    def delete(self, collection: str, where: dict[str, str]) -> None:
        self._client.delete(collection, points_selector=models.FilterSelector(filter=_filter(where)), wait=True)

    def scroll(
        self, collection: str, where: dict[str, str] | None = None, *, with_vectors: bool = False, limit: int | None = None
    ) -> Iterator[StoredPoint]:
        offset, seen = None, 0
        while True:
            page = 256 if limit is None else min(256, limit - seen)
            points, offset = self._client.scroll(
                collection, scroll_filter=_filter(where), limit=page, offset=offset, with_vectors=with_vectors
            )
            for point in points:
                yield StoredPoint(str(point.id), list(point.vector) if with_vectors else None, point.payload or {})  # type: ignore[arg-type]
            seen += len(points)
            if offset is None or (limit is not None and seen >= limit):
                return

    def query(
        self, collection: str, vector: list[float], limit: int, where: dict[str, str] | None = None, *,
        with_payload: bool = True,
    ) -> list[ScoredPayload]:
        points = self._client.query_points(
            collection, query=vector, query_filter=_filter(where), limit=limit, with_payload=with_payload
        ).points
        return [ScoredPayload(str(p.id), float(p.score), (p.payload or {}) if with_payload else {}) for p in points]

    def retrieve(self, collection: str, ids: list[str], *, with_vectors: bool = False) -> list[StoredPoint]:
        points = self._client.retrieve(collection, ids=ids, with_payload=True, with_vectors=with_vectors)
        return [StoredPoint(str(p.id), list(p.vector) if with_vectors and p.vector is not None else None, p.payload or {})
                for p in points]

    def count(self, collection: str) -> int:
        return self._client.count(collection, exact=True).count

    def optimize(self) -> None:
        """qdrant-client's backends index by themselves (a server) or never (local mode)."""

    def close(self) -> None:
        self._client.close()

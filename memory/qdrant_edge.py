"""Qdrant Edge backend: Qdrant's own engine in-process, one shard folder per collection.

The embedded default. Unlike qdrant-client's local mode it opens without loading every point,
uses payload indexes for filters and writes through a WAL (never disabled here). Edge raises bare
`Exception`s; every call goes through `_engine`, which turns them into one-line `StoreEngineError`s.
Edge builds HNSW indexes only when asked: `optimize()` runs after `optimize_every` new unindexed
points in a collection (searching up to that many is a fast brute-force scan).
"""

from __future__ import annotations

import json
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import qdrant_edge as qe

from memory.backend import ScoredPayload, StoredPoint, is_local_mode_folder
from memory.errors import StoreEngineError, StoreFormatError, StoreLockedError

__all__ = ["EdgeBackend", "EDGE_CONFIG_FILE"]

EDGE_CONFIG_FILE = "edge_config.json"


@contextmanager
def _engine(action: str, where: Path) -> Iterator[None]:
    """Edge's errors are plain `Exception`s; say which action on which folder failed, in one line."""
    try:
        yield
    except Exception as exc:
        if type(exc) is not Exception:  # our own errors and real bugs keep their type
            raise
        message = str(exc).splitlines()[0] if str(exc) else "unknown error"
        if "WouldBlock" in message:
            raise StoreLockedError(
                f"The memory folder {where.parent} is in use by another alhf process: close it, "
                "or run a Qdrant server and set memory.qdrant_url in config.yaml."
            ) from None
        raise StoreEngineError(f"Qdrant Edge could not {action} in {where}: {message}") from None


def _filter(where: dict[str, str] | None) -> qe.Filter | None:
    if not where:
        return None
    return qe.Filter(must=[qe.FieldCondition(key, match=qe.MatchValue(value)) for key, value in where.items()])


def _vector(raw: Any) -> list[float] | None:
    if isinstance(raw, dict):  # the unnamed default vector comes back as {"": [...]}
        raw = raw.get("")
    return list(raw) if raw is not None else None


class EdgeBackend:
    """Collections as Edge shards under one folder: `<folder>/<collection>/`."""

    name = "edge"

    def __init__(self, folder: Path, shards: dict[str, qe.EdgeShard], optimize_every: int) -> None:
        self.folder = folder
        self._shards = shards
        self.optimize_every = optimize_every
        self._unindexed_after_optimize = {name: 0 for name in shards}

    @classmethod
    def open(cls, folder: str | Path, *, optimize_every: int = 20_000) -> "EdgeBackend":
        """Load every shard under `folder` (created if missing); a folder in use raises StoreLockedError."""
        folder = Path(folder)
        if is_local_mode_folder(folder):
            raise StoreFormatError(
                f"{folder} holds an old qdrant local-mode memory: run `alhf memory migrate` to move it to "
                "Qdrant Edge, or set memory.backend: qdrant_local in config.yaml."
            )
        folder.mkdir(parents=True, exist_ok=True)
        shards: dict[str, qe.EdgeShard] = {}
        try:
            for path in sorted(folder.iterdir()):
                if (path / EDGE_CONFIG_FILE).is_file():
                    with _engine("open the shard", path):
                        shards[path.name] = qe.EdgeShard.load(str(path))
        except BaseException:
            for shard in shards.values():
                shard.close()
            raise
        return cls(folder, shards, optimize_every)

    def _shard(self, collection: str) -> qe.EdgeShard:
        try:
            return self._shards[collection]
        except KeyError:
            raise StoreEngineError(f"No collection {collection} in {self.folder}.") from None

    def collections(self) -> list[str]:
        return sorted(self._shards)

    def collection_dim(self, collection: str) -> int | None:
        if collection not in self._shards:
            return None
        config = json.loads((self.folder / collection / EDGE_CONFIG_FILE).read_text())
        return int(config["vectors"][""]["size"])

    def create_collection(self, collection: str, dim: int, indexed_fields: tuple[str, ...] = ()) -> None:
        path = self.folder / collection
        config = qe.EdgeConfig(vectors={"": qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)})
        with _engine("create the shard", path):
            shard = qe.EdgeShard.create(str(path), config)
            # Keyword indexes: every filtered field holds strings (a string never matches an int index).
            for field in indexed_fields:
                shard.update(qe.UpdateOperation.create_field_index(field, qe.PayloadSchemaType.Keyword))
        self._shards[collection] = shard
        self._unindexed_after_optimize[collection] = 0

    def drop_collection(self, collection: str) -> None:
        shard = self._shards.pop(collection, None)
        if shard is not None:
            with _engine("close the shard", self.folder / collection):
                shard.close()
        shutil.rmtree(self.folder / collection, ignore_errors=True)

    def upsert(self, collection: str, points: list[StoredPoint]) -> None:
        shard = self._shard(collection)
        with _engine("store points", self.folder / collection):
            shard.update(qe.UpdateOperation.upsert_points([qe.Point(p.id, p.vector or [], p.payload) for p in points]))
            info = shard.info()
            unindexed = info.points_count - info.indexed_vectors_count
            if unindexed - self._unindexed_after_optimize[collection] >= self.optimize_every:
                shard.optimize()
                info = shard.info()
                self._unindexed_after_optimize[collection] = info.points_count - info.indexed_vectors_count

    def set_payload(self, collection: str, where: dict[str, str], payload: dict[str, Any]) -> None:
        with _engine("update payloads", self.folder / collection):
            self._shard(collection).update(qe.UpdateOperation.set_payload_by_filter(_filter(where), payload))

    def delete(self, collection: str, where: dict[str, str]) -> None:
        with _engine("delete points", self.folder / collection):
            self._shard(collection).update(qe.UpdateOperation.delete_points_by_filter(_filter(where)))

    def scroll(
        self, collection: str, where: dict[str, str] | None = None, *, with_vectors: bool = False, limit: int | None = None
    ) -> Iterator[StoredPoint]:
        shard, offset, seen = self._shard(collection), None, 0
        while True:
            page = 256 if limit is None else min(256, limit - seen)
            with _engine("read points", self.folder / collection):
                records, offset = shard.scroll(
                    qe.ScrollRequest(offset=offset, limit=page, filter=_filter(where), with_payload=True, with_vector=with_vectors)
                )
            for record in records:
                yield StoredPoint(str(record.id), _vector(record.vector) if with_vectors else None, record.payload or {})
            seen += len(records)
            if offset is None or (limit is not None and seen >= limit):
                return

    def query(
        self, collection: str, vector: list[float], limit: int, where: dict[str, str] | None = None
    ) -> list[ScoredPayload]:
        request = qe.QueryRequest(limit=limit, query=qe.Query.Nearest(vector), filter=_filter(where), with_payload=True)
        with _engine("search", self.folder / collection):
            points = self._shard(collection).query(request)
        return [ScoredPayload(float(p.score), p.payload or {}) for p in points]

    def retrieve(self, collection: str, ids: list[str]) -> list[StoredPoint]:
        with _engine("read points", self.folder / collection):
            records = self._shard(collection).retrieve(ids, True, False)
        return [StoredPoint(str(r.id), None, r.payload or {}) for r in records]

    def count(self, collection: str) -> int:
        with _engine("count points", self.folder / collection):
            return self._shard(collection).count(qe.CountRequest(exact=True))

    def optimize(self) -> None:
        """Build HNSW indexes now (blocking; about 5 s per 20k points on 2 cores)."""
        for name, shard in self._shards.items():
            with _engine("optimize", self.folder / name):
                shard.optimize()
                info = shard.info()
            self._unindexed_after_optimize[name] = info.points_count - info.indexed_vectors_count

    def close(self) -> None:
        shards, self._shards = self._shards, {}
        for name, shard in shards.items():
            with _engine("close the shard", self.folder / name):
                shard.flush()
                shard.close()

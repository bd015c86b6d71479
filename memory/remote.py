"""A vector backend owned by another process (`alhf serve`), read through a call to it.

Commands that run while a server owns the data dir open their `MemoryStore` over `RemoteBackend`:
every search, scroll and count is one call to the owner, which answers it with `answer_read` on its
own backend under its store's lock. Writes are refused here: the owner learns corrections and changes
lessons itself, under its governance checks, so a client never writes a lesson directly.

The wire format is plain JSON: a point is {"id", "vector", "payload"}, a scored one {"id", "score", "payload"}.

    >>> from memory.qdrant_local import QdrantClientBackend
    >>> owner = QdrantClientBackend.open(":memory:")
    >>> owner.create_collection("c", 2, ())
    >>> owner.upsert("c", [StoredPoint("00000000-0000-0000-0000-000000000001", [1.0, 0.0], {"k": "v"})])
    >>> remote = RemoteBackend(lambda op, args: answer_read(owner, op, args), where="test")
    >>> [(round(h.score, 2), h.payload) for h in remote.query("c", [1.0, 0.0], 1)]
    [(1.0, {'k': 'v'})]
    >>> remote.count("c")
    1
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from memory.backend import ScoredPayload, StoredPoint, VectorBackend
from memory.errors import AlhfError

__all__ = ["READ_OPERATIONS", "RemoteBackend", "RemoteWriteError", "answer_read"]

READ_OPERATIONS = ("collections", "collection_dim", "scroll", "query", "retrieve", "count")

Call = Callable[[str, dict[str, Any]], Any]  # (operation, arguments) -> the owner's JSON answer


class RemoteWriteError(AlhfError):
    """A client tried to write to a memory another process owns."""


def answer_read(backend: VectorBackend, operation: str, args: dict[str, Any]) -> Any:
    """The owner's side: run one read operation on `backend` and return its result as JSON."""
    if operation not in READ_OPERATIONS:
        raise AlhfError(f"Unknown memory operation {operation!r}: use one of {', '.join(READ_OPERATIONS)}.")
    if operation == "collections":
        return backend.collections()
    if operation == "collection_dim":
        return backend.collection_dim(args["collection"])
    if operation == "count":
        return backend.count(args["collection"])
    if operation == "query":
        hits = backend.query(args["collection"], list(args["vector"]), int(args["limit"]), args.get("where"),
                             with_payload=bool(args.get("with_payload", True)))
        return [{"id": hit.id, "score": hit.score, "payload": hit.payload} for hit in hits]
    if operation == "retrieve":
        points = backend.retrieve(args["collection"], list(args["ids"]), with_vectors=bool(args.get("with_vectors")))
    else:
        points = list(backend.scroll(args["collection"], args.get("where"), with_vectors=bool(args.get("with_vectors")),
                                     limit=args.get("limit")))
    return [{"id": p.id, "vector": p.vector, "payload": p.payload} for p in points]


def _points(rows: list[dict[str, Any]]) -> list[StoredPoint]:
    return [StoredPoint(row["id"], row.get("vector"), row["payload"]) for row in rows]


class RemoteBackend:
    """Reads go to the owning process through `call`; writes raise `RemoteWriteError`."""

    name = "remote"
    exclusive = False  # the owning process writes

    def __init__(self, call: Call, *, where: str) -> None:
        self.call, self.where = call, where

    def collections(self) -> list[str]:
        return list(self.call("collections", {}))

    def collection_dim(self, collection: str) -> int | None:
        return self.call("collection_dim", {"collection": collection})

    def scroll(
        self, collection: str, where: dict[str, str] | None = None, *, with_vectors: bool = False, limit: int | None = None
    ) -> Iterator[StoredPoint]:
        rows = self.call("scroll", {"collection": collection, "where": where, "with_vectors": with_vectors,
                                    "limit": limit})
        return iter(_points(rows))

    def query(
        self, collection: str, vector: list[float], limit: int, where: dict[str, str] | None = None, *,
        with_payload: bool = True,
    ) -> list[ScoredPayload]:
        rows = self.call("query", {"collection": collection, "vector": [float(v) for v in vector], "limit": limit,
                                   "where": where, "with_payload": with_payload})
        return [ScoredPayload(row["id"], row["score"], row["payload"]) for row in rows]

    def retrieve(self, collection: str, ids: list[str], *, with_vectors: bool = False) -> list[StoredPoint]:
        return _points(self.call("retrieve", {"collection": collection, "ids": list(ids), "with_vectors": with_vectors}))

    def count(self, collection: str) -> int:
        return int(self.call("count", {"collection": collection}))

    def _refuse(self, *_: Any, **__: Any) -> None:
        raise RemoteWriteError(f"`alhf serve` ({self.where}) owns this memory: teach and change lessons through it "
                               f"(its review app at {self.where}, or its API at {self.where}/docs).")

    create_collection = drop_collection = upsert = set_payload = delete = _refuse

    def optimize(self) -> None:
        """The owner indexes its own store."""

    def close(self) -> None:
        """Nothing is held here."""

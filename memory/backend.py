"""What a vector backend must do for the store: a few operations on named collections.

`MemoryStore` (memory/store.py) keeps every rule about lessons and documents; a backend only moves
points. Two backends exist: `memory.qdrant_local` (qdrant-client: ":memory:", a local-mode folder
or a server URL) and `memory.qdrant_edge` (Qdrant Edge, the embedded default).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal, Protocol, runtime_checkable

__all__ = ["BackendName", "StoredPoint", "ScoredPayload", "VectorBackend", "SharedSearch", "LOCAL_MODE_MARKER",
           "is_local_mode_folder"]

BackendName = Literal["edge", "qdrant_local"]

# qdrant-client's local mode writes this file at the root of its folder.
LOCAL_MODE_MARKER = "meta.json"


def is_local_mode_folder(folder: Path) -> bool:
    """True when `folder` holds data written by qdrant-client's local mode."""
    return (Path(folder) / LOCAL_MODE_MARKER).is_file()


@dataclass(frozen=True)
class StoredPoint:
    """One point: a string id (a UUID), its vector (None when not asked for) and its payload."""

    id: str
    vector: list[float] | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class ScoredPayload:
    """One search hit: the point's id, its score and its payload (empty when the query asked for none)."""

    id: str
    score: float
    payload: dict[str, Any]


class VectorBackend(Protocol):
    """Operations on named collections of cosine-distance vectors with JSON payloads.

    `where` arguments are exact matches on string payload fields, all of which must hold.
    """

    name: str
    # True when this process alone reads and writes the data (a folder it has locked, or ":memory:"): what it
    # read stays true until it writes, so the store may cache lessons. False for a server or another owner.
    exclusive: bool

    def collections(self) -> list[str]: ...

    def collection_dim(self, collection: str) -> int | None:
        """The vector size of `collection`, or None when it does not exist."""

    def create_collection(self, collection: str, dim: int, indexed_fields: tuple[str, ...]) -> None: ...

    def drop_collection(self, collection: str) -> None: ...

    def upsert(self, collection: str, points: list[StoredPoint]) -> None: ...

    def set_payload(self, collection: str, where: dict[str, str], payload: dict[str, Any]) -> None: ...

    def delete(self, collection: str, where: dict[str, str]) -> None: ...

    def scroll(
        self, collection: str, where: dict[str, str] | None = None, *, with_vectors: bool = False, limit: int | None = None
    ) -> Iterator[StoredPoint]: ...

    def query(
        self, collection: str, vector: list[float], limit: int, where: dict[str, str] | None = None, *,
        with_payload: bool = True,
    ) -> list[ScoredPayload]:
        """The `limit` nearest points, best first. `with_payload=False` returns ids and scores only (on Edge,
        reading payloads was two thirds of a 20-point search)."""

    def retrieve(self, collection: str, ids: list[str], *, with_vectors: bool = False) -> list[StoredPoint]: ...

    def count(self, collection: str) -> int: ...

    def optimize(self) -> None:
        """Build search indexes where the engine does not do it by itself (no-op elsewhere)."""

    def close(self) -> None: ...


@runtime_checkable
class SharedSearch(Protocol):
    """A backend whose collections share one index (Qdrant Edge): one search can cover several of them."""

    def query_many(self, collections: list[str], vector: list[float], limit: int) -> list[ScoredPayload]:
        """The `limit` nearest points over all of `collections`, best first, ids and scores only."""

    def locate(self, ids: list[str], fields: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """For each existing id: its collection and the payload `fields` it has."""

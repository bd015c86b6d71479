"""Memory settings and the factories that build the embedder and open the store from them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from memory.gate_settings import GateSettings

if TYPE_CHECKING:  # the embedder and the store import numpy and the engines: loading a config needs neither
    from memory.embedding import Embedder
    from memory.store import MemoryStore

__all__ = ["MemorySettings", "build_embedder", "open_store", "LEGACY_NOTICE"]

LEGACY_NOTICE = (
    "The memory in {folder} uses the old qdrant local mode (slow to open and search past 1k lessons): "
    "run `alhf memory migrate` to move it to Qdrant Edge."
)


class MemorySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    embedder: Literal["minilm", "hashing"] = "minilm"
    embedder_threads: int = Field(1, ge=1, le=64)
    backend: Literal["edge", "qdrant_local"] = Field(
        "edge", description="embedded engine in the data dir: edge (Qdrant Edge) or qdrant_local (qdrant-client local mode)"
    )
    qdrant_url: str | None = Field(None, description="a Qdrant server; unset means the embedded backend in the data dir")
    qdrant_api_key_env: str | None = Field(None, description="environment variable holding the server's API key")
    collection_prefix: str = "alhf"
    gate: GateSettings = Field(default_factory=GateSettings)


def build_embedder(settings: MemorySettings, data_dir: Path) -> Embedder:
    from memory.embedding import HashingEmbedder, MiniLMEmbedder

    if settings.embedder == "hashing":
        return HashingEmbedder()
    return MiniLMEmbedder(data_dir / "models" / "minilm", threads=settings.embedder_threads)


def open_store(settings: MemorySettings, location: str | Path, embedder: Embedder) -> MemoryStore:
    """Open the store at `location` (":memory:" or a folder) unless a server URL is configured.

    A folder still in the old local-mode format keeps opening with qdrant-client, so no lesson is
    lost; the store's `notice` then says to run `alhf memory migrate`.
    """
    from memory.backend import is_local_mode_folder
    from memory.store import MemoryStore

    api_key = os.environ.get(settings.qdrant_api_key_env) if settings.qdrant_api_key_env else None
    backend = settings.backend
    legacy = str(location) != ":memory:" and backend == "edge" and is_local_mode_folder(Path(location))
    store = MemoryStore.open(
        location, embedder=embedder, url=settings.qdrant_url, api_key=api_key, prefix=settings.collection_prefix,
        backend="qdrant_local" if legacy else backend,
    )
    if legacy and not settings.qdrant_url:
        store.notice = LEGACY_NOTICE.format(folder=location)
    return store

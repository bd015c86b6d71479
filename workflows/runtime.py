"""Builds everything one command needs from the config: data dir, embedder, store, model, traces."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from memory.consult import LessonMemory
from memory.embedding import Embedder
from memory.errors import AlhfError, StoreEngineError
from memory.settings import build_embedder, open_store
from memory.store import MemoryStore
from workflows.config import AppConfig, data_dir, db_path
from workflows.storage.integrity import DamagedDataError, check_store_folder, check_writable
from workflows.traces.store import TraceStore
from workflows.workspace import Workspace, load_workspace

if TYPE_CHECKING:
    from agents.fake_model import ModelScript
    from agents.llm import LLM
    from workflows.review.queue import ReviewQueue
    from workflows.server.client import ServerClient
    from workflows.turn.assistant import Assistant

__all__ = ["Runtime"]


@dataclass
class Runtime:
    config: AppConfig
    home: Path
    embedder: Embedder
    store: MemoryStore
    traces: TraceStore | None  # None in a batch worker: the driver records its turns
    workspace: Workspace
    exporter: Any = None  # OtlpExporter when tracing.otlp_endpoint is set
    server: "ServerClient | None" = None  # set when `alhf serve` owns the memory: reads and learning go through it
    _queue: Any = None

    @classmethod
    def open(cls, config: AppConfig) -> "Runtime":
        """Open the persistent store and database; the model is loaded separately (it is slow). While
        `alhf serve` owns the data dir, the store is the server's, read through its API ($ALHF_TOKEN)."""
        from workflows.server.client import ServerClient

        home = data_dir(config)
        check_writable(home)
        embedder = build_embedder(config.memory, home)
        server = ServerClient.for_data_dir(home)
        if server is not None:
            from workflows.server.served import served_store

            store = served_store(server, embedder)
        else:
            store = _open_checked_store(config, home, embedder)
        try:
            workspace = load_workspace(config.workspace)
            if server is None:
                if not config.memory.qdrant_url:
                    check_store_folder(home / "qdrant")  # we hold its lock: nobody writes it while we read
                store.replace_corpus(workspace.corpus)
            traces = TraceStore(db_path(config))
        except Exception:
            store.close()
            raise
        runtime = cls(config, home, embedder, store, traces, workspace, server=server)
        if config.tracing.otlp_endpoint:
            from workflows.traces.otlp import OtlpExporter

            try:
                runtime.exporter = OtlpExporter(config.tracing.otlp_endpoint, config.tracing.service_name)
            except Exception:
                runtime.close()
                raise
        return runtime

    @classmethod
    def for_worker(cls, config: AppConfig, server: "ServerClient | None") -> "Runtime":
        """What a batch worker on any machine needs (workflows/review/ray_engine.py): the embedder, the shared
        lesson memory (the server's through its API, else memory.qdrant_url) and the workspace. No trace
        store: the driver records the turns it gets back."""
        home = data_dir(config)
        home.mkdir(parents=True, exist_ok=True)
        embedder = build_embedder(config.memory, home)
        if server is not None:
            from workflows.server.served import served_store

            store = served_store(server, embedder)
        elif config.memory.qdrant_url:
            store = open_store(config.memory, home / "qdrant", embedder)
        else:
            raise AlhfError("A batch worker needs a shared memory: run `alhf serve` (and set ALHF_TOKEN) or set "
                            "memory.qdrant_url to a Qdrant server.")
        return cls(config, home, embedder, store, None, load_workspace(config.workspace), server=server)

    def llm(self, *, script: "ModelScript | None" = None, progress: Callable[[int, int], None] | None = None) -> "LLM":
        from agents.llm import LLM  # AutoGen: imported only by commands that use a model

        return LLM(self.config.model, self.home / "models", script=script, progress=progress)

    def assistant(self, llm: "LLM", *, user: str, memory_enabled: bool = True) -> "Assistant":
        from workflows.turn.assistant import Assistant  # AutoGen: imported only by commands that answer
        from workflows.turn.model_checks import gate_with_checks

        memory = LessonMemory(self.store, gate_with_checks(self.config.memory.gate, llm), project=self.config.project,
                              enabled=memory_enabled)
        assistant = Assistant(llm=llm, memory=memory, registry=self.workspace.tool_registry(self.home / "workspaces"),
                              traces=self.traces, user=user, top_k=self.config.retriever_top_k,
                              tracing=self.config.tracing.enabled, governance=self.config.governance,
                              span_sink=self.exporter.export if self.exporter is not None else None)
        if self.server is not None:
            from workflows.server.served import ServedLearner

            assistant.learner = ServedLearner(assistant.learner, self.server)
        return assistant

    def review_queue(self) -> "ReviewQueue":
        """The review queue in this runtime's database (the same connection: closed with the runtime)."""
        from workflows.review.queue import ReviewQueue

        if self._queue is None:
            self._queue = ReviewQueue(db_path(self.config))
        return self._queue

    def close(self) -> None:
        if self._queue is not None:
            self._queue.close()
        if self.exporter is not None:
            self.exporter.close()
        self.store.close()
        if self.traces is not None:
            self.traces.close()


def _open_checked_store(config: AppConfig, home: Path, embedder: Embedder) -> MemoryStore:
    """Open the lesson store; a damaged collection file is named in one line instead of a database error."""
    try:
        return open_store(config.memory, home / "qdrant", embedder)
    except (sqlite3.DatabaseError, StoreEngineError) as exc:
        check_store_folder(home / "qdrant")  # names the damaged file when it can
        raise DamagedDataError(f"The lesson store {home / 'qdrant'} is damaged ({exc}): restore the latest backup "
                               "with `alhf restore`.") from None

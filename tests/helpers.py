"""Builders shared by tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from agents.fake_model import ModelScript, test_model_reply
from agents.llm import LLM
from agents.settings import ModelSettings
from memory.consult import LessonMemory
from memory.embedding import Embedder, HashingEmbedder
from memory.gate import GateSettings, RelevanceGate
from memory.records import Component
from memory.store import MemoryStore
from workflows.turn import Assistant
from workflows.workspace import load_workspace


def routing_script(route: dict[str, Any] | Callable[[str], dict[str, Any]]) -> ModelScript:
    """A model script whose router replies with `route` (a dict, or a function of the prompt)."""

    def script(messages: list[dict[str, Any]], role: str) -> str:
        if role in ("feedback_router", "blame_classifier"):
            prompt = str(messages[-1]["content"])
            reply = route(prompt) if callable(route) else route
            return json.dumps({"components": reply["components"]} if role == "blame_classifier" else reply)
        return test_model_reply(messages, role)

    return script


def make_assistant(
    tmp: Path,
    *,
    script: ModelScript | None = None,
    embedder: Embedder | None = None,
    threshold: float = 0.5,
    enabled: bool = True,
    store: MemoryStore | None = None,
) -> Assistant:
    embedder = embedder or HashingEmbedder()
    store = store or MemoryStore.open(":memory:", embedder=embedder)
    workspace = load_workspace(None)
    store.replace_corpus(workspace.corpus)
    gate = RelevanceGate(GateSettings(thresholds={c: threshold for c in Component}))
    llm = LLM(ModelSettings(provider="fake"), tmp / "models", script=script)
    return Assistant(llm=llm, memory=LessonMemory(store, gate, enabled=enabled),
                     registry=workspace.tool_registry(tmp / "ws"), user="ana")

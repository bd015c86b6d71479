"""Builders shared by tests."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Callable

from typer.testing import CliRunner

from agents.fake_model import ModelScript, test_model_reply
from agents.llm import LLM
from agents.settings import ModelSettings
from memory.consult import LessonMemory
from memory.embedding import Embedder, HashingEmbedder
from memory.gate import GateSettings, RelevanceGate
from memory.records import Component
from memory.store import MemoryStore
from workflows.cli import app
from workflows.governance.roles import GovernanceSettings
from workflows.traces.store import TraceStore
from workflows.turn.assistant import Assistant
from workflows.workspace import load_workspace

REPO = Path(__file__).resolve().parents[1]


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
    governance: GovernanceSettings | None = None,
    gate: GateSettings | None = None,
    traces: TraceStore | None = None,
    **options: Any,
) -> Assistant:
    embedder = embedder or HashingEmbedder()
    store = store or MemoryStore.open(":memory:", embedder=embedder)
    workspace = load_workspace(None)
    store.replace_corpus(workspace.corpus)
    gate = RelevanceGate(gate or GateSettings(thresholds={c: threshold for c in Component}))
    llm = LLM(ModelSettings(provider="fake"), tmp / "models", script=script)
    return Assistant(llm=llm, memory=LessonMemory(store, gate, enabled=enabled),
                     registry=workspace.tool_registry(tmp / "ws"), user="ana", governance=governance,
                     traces=traces, **options)


# -- the command line on the fake model ------------------------------------------------------------

SHIPPING_ROUTE = {"components": ["writer"], "lesson": "Give shipping times in business days.",
                  "applies_to": "Questions about shipping times", "examples": ["When does my parcel arrive?"]}
FAKE = ["--provider", "fake"]
runner = CliRunner()


def cli(*args: str, config: Path, input: str | None = None):  # noqa: A002
    """`alhf ARGS -c CONFIG` in-process."""
    return runner.invoke(app, [*args, "-c", str(config)], input=input)


def said(result: Any) -> str:
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def hashing_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("memory: {embedder: hashing}\n")
    return path


def items(config: Path, *extra: str) -> list[dict]:
    """The review queue as `alhf review list --json` prints it."""
    result = cli("review", "list", "--json", "--limit", "100000", *extra, config=config)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # a note on stderr (a list cut at --limit) is not part of the document


def write_tasks(path: Path, count: int, request: str = "How long does express shipping take? case {i}") -> Path:
    path.write_text("".join(json.dumps({"id": f"t{i}", "request": request.format(i=i)}) + "\n" for i in range(count)))
    return path


def governed_cli(tmp_path: Path, *args: str, user: str | None = None):
    """`alhf` with a config naming admins (root, and tester: the OS account the tests run as, so it may act for
    the others), a contributor (cora) and an expert (bob)."""
    config = tmp_path / "config.yaml"
    if not config.exists():
        config.write_text("model: {provider: fake}\nmemory: {embedder: hashing}\n"
                          "governance: {people: {tester: admin, root: admin, cora: contributor, bob: expert}}\n")
    return runner.invoke(app, [*args, "-c", str(config)], env={"ALHF_USER": user} if user else None)


def store_three_lessons(tmp_path: Path) -> dict[str, str]:
    """cora's (held: contributor) and two of bob's lessons about shipping; author -> first lesson id."""
    from workflows.config import load_config
    from workflows.runtime import Runtime

    runtime = Runtime.open(load_config(tmp_path / "config.yaml"))
    try:
        def echo(prompt: str) -> dict:  # each correction becomes its own lesson
            return {**SHIPPING_ROUTE, "lesson": prompt.rsplit("CORRECTION: ", 1)[1].strip()}

        assistant = runtime.assistant(runtime.llm(script=routing_script(echo)), user="x")
        turn = assistant.run_turn("How long does express shipping take?")
        ids: dict[str, str] = {}
        for author, text in (("cora", "Say business days."), ("bob", "Always mention express shipping."),
                             ("bob", "Quote the price in EUR.")):
            ids.setdefault(author, assistant.learn(text, turn, author=author).lessons[0].id)
        return ids
    finally:
        runtime.close()


def built_database(path: Path, script: str) -> Path:
    """A SQLite database built from `script` at `path`."""
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.commit()
    conn.close()
    return path

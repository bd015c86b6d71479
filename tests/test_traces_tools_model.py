import hashlib
import sqlite3
from pathlib import Path

import pytest

from agents import local_model
from agents.local_model import ModelNotFoundError, PackagedModel, ensure_packaged_gguf
from agents.tools import ToolRegistry, calculator_tool
from workflows.traces import TraceStore
from workflows.workspace import load_workspace


def test_blank_database_migrates_to_the_exact_schema(tmp_path: Path):
    db = tmp_path / "alhf.db"
    TraceStore(db).close()
    conn = sqlite3.connect(db)
    tables = {name: [c[1] for c in conn.execute(f"PRAGMA table_info({name})")]
              for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")}
    assert tables == {
        "_migrations": ["name", "applied_at"],
        "feedback": ["id", "turn_id", "created_at", "author", "stage", "text", "components", "lesson_ids",
                     "router_raw", "router_fallback"],
        "turns": ["id", "created_at", "session_id", "user", "mode", "request", "answer", "memory_enabled", "retrieval",
                  "tool_plan", "gate_decisions", "applied_lessons", "checkpoints", "duration_ms"],
        "runs": ["id", "created_at", "tasks_path", "template", "status", "finished_at"],
        "tasks": ["run_id", "task_id", "line_no", "request", "metadata", "status", "error", "started_at", "finished_at"],
        "review_items": ["id", "run_id", "task_id", "turn_id", "created_at", "request", "answer", "documents",
                         "tool_calls", "lessons_applied", "template", "status"],
        "decisions": ["id", "item_id", "reviewer", "decided_at", "verdict", "correction", "reason", "assessment",
                      "components", "lesson_ids", "learn_status", "repeated"],
        "learning_inbox": ["id", "decision_id", "item_id", "text", "author", "created_at", "status", "processed_at",
                           "error"],
        "sqlite_sequence": ["name", "seq"],
        "spans": ["id", "turn_id", "parent_id", "name", "start_ns", "duration_ms", "attributes"],
        "handoff_scores": ["turn_id", "session_id", "source", "target", "signal", "score", "created_at"],
        "judgements": ["turn_id", "model", "scores", "created_at"],
        "memory_audit": ["id", "at", "actor", "action", "lesson_id", "detail"],
    }
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == ["m001_initial", "m002_review_queue", "m003_spans_and_handoffs", "m004_memory_audit"]
    assert TraceStore(db).applied_migrations() == names  # reopening applies nothing twice


def test_sql_tool_is_read_only(tmp_path: Path):
    registry = load_workspace(None).tool_registry(tmp_path)
    ok = registry.call("sql", {"query": "SELECT SUM(amount) FROM orders WHERE region = 'EU'"})
    assert ok.ok and "630.0" in ok.output
    for statement in ("DELETE FROM orders", "SELECT 1; DROP TABLE orders", "UPDATE orders SET amount = 0"):
        result = registry.call("sql", {"query": statement})
        assert not result.ok
    assert registry.call("sql", {"query": "SELECT COUNT(*) FROM orders"}).output.endswith("6")
    assert not registry.call("shell", {"cmd": "rm -rf /"}).ok


def test_calculator_and_user_functions():
    registry = ToolRegistry()
    registry.add(calculator_tool())
    assert registry.call("calculator", {"expression": "(120 + 200) * 2"}).output == "640"
    assert not registry.call("calculator", {"expression": "__import__('os')"}).ok

    def vat(amount):
        """Add 20% VAT to an amount."""
        return round(float(amount) * 1.2, 2)

    tool = registry.register_function(vat)
    assert tool.description == "Add 20% VAT to an amount."
    assert registry.call("vat", {"amount": "100"}).output == "120.0"


def _fake_model(tmp_path: Path, payload: bytes, parts: int, sha: str) -> PackagedModel:
    chunks = [payload[i::parts] for i in range(parts)]  # any split; joined in order below
    files = []
    for index, chunk in enumerate(chunks, 1):
        f = tmp_path / f"part{index:02d}.bin"
        f.write_bytes(chunk)
        files.append(f)
    model = PackagedModel("m.gguf", "nothing_here", parts, sum(map(len, chunks)), sha)
    model.part_paths = lambda: files  # type: ignore[method-assign]
    return model


def test_packaged_model_is_joined_and_verified(tmp_path: Path):
    model = _fake_model(tmp_path, b"abcdefgh" * 1000, 3, "")
    joined = b"".join(p.read_bytes() for p in model.part_paths())
    model.sha256 = hashlib.sha256(joined).hexdigest()
    path = ensure_packaged_gguf(tmp_path / "models", model)
    assert path.read_bytes() == joined


def test_corrupt_chunks_leave_nothing_behind(tmp_path: Path):
    model = _fake_model(tmp_path, b"x" * 100, 2, "0" * 64)
    with pytest.raises(ModelNotFoundError, match="reinstall"):
        ensure_packaged_gguf(tmp_path / "models", model)
    assert list((tmp_path / "models").iterdir()) == []


def test_missing_model_package_says_how_to_install(tmp_path: Path):
    model = PackagedModel("m.gguf", "alhf_missing_chunk_part", 2, 10, "0" * 64)
    with pytest.raises(ModelNotFoundError, match="scripts/install.sh"):
        ensure_packaged_gguf(tmp_path, model)


@pytest.mark.slow
def test_real_local_model_routes_a_dialect_correction(tmp_path: Path, minilm):
    """Opt-in (-m slow): the packaged Qwen model, through llama.cpp, routes and generalises a correction."""
    from agents.llm import LLM
    from agents.router import FeedbackRouterAgent, TurnEvidence
    from agents.settings import ModelSettings

    llm = LLM(ModelSettings(), Path.home() / ".local/share/alhf/models")
    router = FeedbackRouterAgent(llm, ["pg-dates", "mysql-dates"], ["sql", "calculator"])
    routing = router.route("We are on PostgreSQL. Use EXTRACT(WEEK FROM col), never WEEKOFYEAR().",
                           TurnEvidence("How do I get the week number of a date in SQL?", "Use WEEKOFYEAR(d)."),
                           author="ana")
    assert [c.value for c in routing.components] == ["writer"] and not routing.fallback
    assert local_model._LLAMAS  # the shared instance was used

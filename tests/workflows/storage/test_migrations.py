import sqlite3
from pathlib import Path

import pytest

from workflows.storage.database import open_database, transaction
from workflows.storage.migrations import MIGRATIONS, migrate
from workflows.traces.store import TraceStore


def test_blank_database_migrates_to_the_exact_schema(tmp_path: Path):
    db = tmp_path / "alhf.db"
    TraceStore(db).close()
    conn = sqlite3.connect(db)
    tables = {name: [c[1] for c in conn.execute(f"PRAGMA table_info({name})")]
              for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")}
    assert tables == {
        "_migrations": ["name", "applied_at"],
        "assignments": ["item_id", "reviewer", "assigned_by", "assigned_at"],
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
        "turn_lessons": ["turn_id", "lesson_id"],
        "accounts": ["name", "role", "password_hash", "token_sha256", "created_at", "last_login"],
    }
    views = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='view'")]
    assert views == ["latest_decisions"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == [fn.__name__ for fn in MIGRATIONS] == ["m001_initial", "m002_review_queue",
                                                          "m003_spans_and_handoffs", "m004_memory_audit",
                                                          "m005_latest_decisions", "m006_turn_applied_index",
                                                          "m007_accounts", "m008_review_queue_order",
                                                          "m009_review_assignments"]
    assert TraceStore(db).applied_migrations() == names  # reopening applies nothing twice


def _first_schema_with_data(path: Path) -> None:
    """A database as the first release left it: only m001, one turn that applied a lesson, its feedback."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    conn.execute("BEGIN")
    MIGRATIONS[0](conn)
    conn.execute("INSERT INTO _migrations VALUES ('m001_initial', '2026-01-01')")
    conn.execute("INSERT INTO turns VALUES ('t1', '2026-01-01', NULL, 'ana', 'NEVER', 'q?', 'a.', 1, '{}', '{}', "
                 "'[]', '[\"L1\", \"L2\"]', '[]', 1.0)")
    conn.execute("INSERT INTO feedback VALUES ('f1', 't1', '2026-01-01', 'ana', NULL, 'fix it', '[\"writer\"]', "
                 "'[\"L1\"]', '{}', 0)")
    conn.execute("COMMIT")
    conn.close()


def test_upgrade_from_the_first_schema_keeps_and_moves_the_data(tmp_path: Path):
    db = tmp_path / "alhf.db"
    _first_schema_with_data(db)
    traces = TraceStore(db)
    try:
        assert traces.applied_migrations() == sorted(fn.__name__ for fn in MIGRATIONS)
        assert traces.turn("t1")["applied_lessons"] == ["L1", "L2"]
        assert [t["id"] for t in traces.turns_applying("L2")] == ["t1"]  # backfilled by m006 from the JSON column
        assert traces.feedback_for("t1")[0]["text"] == "fix it"
    finally:
        traces.close()


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch):
    db = tmp_path / "alhf.db"
    _first_schema_with_data(db)

    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk full")

    broken.__name__ = "m999_broken"
    monkeypatch.setattr("workflows.storage.migrations.MIGRATIONS", [*MIGRATIONS, broken])
    conn = sqlite3.connect(db, isolation_level=None)
    with pytest.raises(RuntimeError):
        migrate(conn)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert "half_done" not in names and "turn_lessons" not in names
    assert [r[0] for r in conn.execute("SELECT name FROM _migrations")] == ["m001_initial"]


def test_foreign_keys_are_enforced():
    conn = open_database(":memory:")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        with transaction(conn):
            conn.execute("INSERT INTO decisions (item_id, reviewer, decided_at, verdict, assessment, components, "
                         "lesson_ids, learn_status) VALUES ('nope', 'ana', 'now', 'approve', '{}', '[]', '[]', 'none')")


def test_latest_decisions_view_keeps_each_items_last_word():
    conn = open_database(":memory:")
    with transaction(conn):
        conn.execute("INSERT INTO runs VALUES ('r', 'now', 'tasks.jsonl', 'standard', 'running', NULL)")
        conn.execute("INSERT INTO review_items VALUES ('i1', 'r', 't', 'turn', 'now', 'q', 'a', '[]', '[]', '[]', "
                     "'standard', 'pending')")
        for verdict in ("correct", "approve"):
            conn.execute("INSERT INTO decisions (item_id, reviewer, decided_at, verdict, assessment, components, "
                         "lesson_ids, learn_status) VALUES ('i1', 'ana', 'now', ?, '{}', '[]', '[]', 'none')", (verdict,))
    assert [tuple(r) for r in conn.execute("SELECT item_id, verdict FROM latest_decisions")] == [("i1", "approve")]

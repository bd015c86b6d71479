"""Schema migrations of `alhf.db`, in order, registered by a decorator (the way simonw/llm does it).

Each migration runs on the real connection inside the one transaction that applies all pending ones,
so it can inspect the schema and read or move data; `_migrations` records which ones ran.

    >>> import sqlite3
    >>> conn = sqlite3.connect(":memory:", isolation_level=None)
    >>> migrate(conn)[:2]
    ['m001_initial', 'm002_review_queue']
    >>> migrate(conn)
    []
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Callable

__all__ = ["MIGRATIONS", "migration", "migrate", "applied_migrations", "pending_migrations"]

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration; its name is its identity in `_migrations`, never rename it."""
    MIGRATIONS.append(fn)
    return fn


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone():
        return []
    return [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name")]


def pending_migrations(conn: sqlite3.Connection) -> list[str]:
    done = set(applied_migrations(conn))
    return [fn.__name__ for fn in MIGRATIONS if fn.__name__ not in done]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the pending migrations in one transaction (one process at a time); returns their names."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = set(applied_migrations(conn))
        ran = []
        for fn in MIGRATIONS:
            if fn.__name__ not in done:
                fn(conn)
                conn.execute("INSERT INTO _migrations VALUES (?, ?)", (fn.__name__, datetime.now(timezone.utc).isoformat()))
                ran.append(fn.__name__)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return ran


def _run(conn: sqlite3.Connection, *statements: str) -> None:
    for statement in statements:
        conn.execute(statement)


@migration
def m001_initial(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE turns (
            id TEXT PRIMARY KEY, created_at TEXT NOT NULL, session_id TEXT, user TEXT NOT NULL, mode TEXT NOT NULL,
            request TEXT NOT NULL, answer TEXT, memory_enabled INTEGER NOT NULL, retrieval TEXT NOT NULL,
            tool_plan TEXT NOT NULL, gate_decisions TEXT NOT NULL, applied_lessons TEXT NOT NULL,
            checkpoints TEXT NOT NULL, duration_ms REAL NOT NULL)""",
        """CREATE TABLE feedback (
            id TEXT PRIMARY KEY, turn_id TEXT REFERENCES turns(id), created_at TEXT NOT NULL, author TEXT NOT NULL,
            stage TEXT, text TEXT NOT NULL, components TEXT NOT NULL, lesson_ids TEXT NOT NULL,
            router_raw TEXT NOT NULL, router_fallback INTEGER NOT NULL)""",
        "CREATE INDEX turns_created ON turns(created_at)",
        "CREATE INDEX feedback_turn ON feedback(turn_id)",
    )


@migration
def m002_review_queue(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE runs (
            id TEXT PRIMARY KEY, created_at TEXT NOT NULL, tasks_path TEXT NOT NULL, template TEXT NOT NULL,
            status TEXT NOT NULL, finished_at TEXT)""",
        """CREATE TABLE tasks (
            run_id TEXT NOT NULL REFERENCES runs(id), task_id TEXT NOT NULL, line_no INTEGER NOT NULL,
            request TEXT NOT NULL, metadata TEXT NOT NULL, status TEXT NOT NULL, error TEXT,
            started_at TEXT, finished_at TEXT, PRIMARY KEY (run_id, task_id))""",
        """CREATE TABLE review_items (
            id TEXT PRIMARY KEY, run_id TEXT NOT NULL, task_id TEXT NOT NULL, turn_id TEXT NOT NULL,
            created_at TEXT NOT NULL, request TEXT NOT NULL, answer TEXT NOT NULL, documents TEXT NOT NULL,
            tool_calls TEXT NOT NULL, lessons_applied TEXT NOT NULL, template TEXT NOT NULL, status TEXT NOT NULL,
            UNIQUE (run_id, task_id))""",
        """CREATE TABLE decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT NOT NULL REFERENCES review_items(id),
            reviewer TEXT NOT NULL, decided_at TEXT NOT NULL, verdict TEXT NOT NULL, correction TEXT,
            reason TEXT, assessment TEXT NOT NULL, components TEXT NOT NULL, lesson_ids TEXT NOT NULL,
            learn_status TEXT NOT NULL, repeated INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE learning_inbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT, decision_id INTEGER NOT NULL REFERENCES decisions(id),
            item_id TEXT NOT NULL, text TEXT NOT NULL, author TEXT NOT NULL, created_at TEXT NOT NULL,
            status TEXT NOT NULL, processed_at TEXT, error TEXT)""",
        "CREATE INDEX review_items_status ON review_items(status, created_at)",
        "CREATE INDEX review_items_run ON review_items(run_id)",
        "CREATE INDEX decisions_item ON decisions(item_id)",
        "CREATE INDEX inbox_status ON learning_inbox(status, id)",
    )


@migration
def m003_spans_and_handoffs(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE spans (
            id TEXT PRIMARY KEY, turn_id TEXT NOT NULL, parent_id TEXT, name TEXT NOT NULL,
            start_ns INTEGER NOT NULL, duration_ms REAL NOT NULL, attributes TEXT NOT NULL)""",
        """CREATE TABLE handoff_scores (
            turn_id TEXT NOT NULL, session_id TEXT, source TEXT NOT NULL, target TEXT NOT NULL,
            signal TEXT NOT NULL, score REAL NOT NULL, created_at TEXT NOT NULL,
            PRIMARY KEY (turn_id, source, signal))""",
        "CREATE TABLE judgements (turn_id TEXT PRIMARY KEY, model TEXT NOT NULL, scores TEXT NOT NULL, created_at TEXT NOT NULL)",
        "CREATE INDEX spans_turn ON spans(turn_id)",
        "CREATE INDEX handoff_scores_session ON handoff_scores(session_id)",
    )


@migration
def m004_memory_audit(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE memory_audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            lesson_id TEXT NOT NULL, detail TEXT NOT NULL)""",
        "CREATE INDEX memory_audit_lesson ON memory_audit(lesson_id)",
    )


@migration
def m005_latest_decisions(conn: sqlite3.Connection) -> None:
    """One view for an item's last word, used by stats, trust, export and handoff scoring."""
    _run(conn, "CREATE VIEW latest_decisions AS SELECT d.* FROM decisions d "
               "WHERE d.id = (SELECT MAX(id) FROM decisions WHERE item_id = d.item_id)")


@migration
def m006_turn_applied_index(conn: sqlite3.Connection) -> None:
    """Which turns applied which lesson, as rows (audit without LIKE on JSON text); backfilled from turns."""
    _run(conn, "CREATE TABLE turn_lessons (turn_id TEXT NOT NULL REFERENCES turns(id) ON DELETE CASCADE, "
               "lesson_id TEXT NOT NULL, PRIMARY KEY (turn_id, lesson_id))",
         "CREATE INDEX turn_lessons_lesson ON turn_lessons(lesson_id)")
    for turn_id, applied in conn.execute("SELECT id, applied_lessons FROM turns").fetchall():
        conn.executemany("INSERT OR IGNORE INTO turn_lessons VALUES (?, ?)",
                         [(turn_id, lesson_id) for lesson_id in json.loads(applied or "[]")])


@migration
def m007_accounts(conn: sqlite3.Connection) -> None:
    """Local accounts of the review server (`alhf users add`): a password hash (argon2) and the governance
    role; an API token is kept only as its SHA-256."""
    _run(conn, "CREATE TABLE accounts (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, "
               "token_sha256 TEXT UNIQUE, created_at TEXT NOT NULL, last_login TEXT)")


@migration
def m008_review_queue_order(conn: sqlite3.Connection) -> None:
    """The review app walks the queue in (created_at, id) order with any filter: next/previous by index."""
    _run(conn, "CREATE INDEX review_items_order ON review_items(created_at, id)",
         "CREATE INDEX review_items_run_order ON review_items(run_id, created_at, id)")


@migration
def m009_review_assignments(conn: sqlite3.Connection) -> None:
    """Who is to review which item (`alhf review assign`, the review app's filter and per-reviewer progress)."""
    _run(conn, "CREATE TABLE assignments (item_id TEXT PRIMARY KEY REFERENCES review_items(id), "
               "reviewer TEXT NOT NULL, assigned_by TEXT NOT NULL, assigned_at TEXT NOT NULL)",
         "CREATE INDEX assignments_reviewer ON assignments(reviewer)")

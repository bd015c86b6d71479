"""The project's SQLite database (`alhf.db` in the data dir): connection and ordered migrations.

Traces, the review queue, batch runs and the learning inbox share it. WAL lets a batch run and a
reviewer write from two processes; every state change is one transaction.

    >>> conn = open_database(":memory:")
    >>> applied_migrations(conn)
    ['m001_initial', 'm002_review_queue', 'm003_spans_and_handoffs', 'm004_memory_audit']
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

__all__ = ["open_database", "close_database", "applied_migrations", "transaction", "record_memory_change",
           "MIGRATIONS", "utc_iso"]


def utc_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


def _m001_initial(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE turns (
            id TEXT PRIMARY KEY, created_at TEXT NOT NULL, session_id TEXT, user TEXT NOT NULL, mode TEXT NOT NULL,
            request TEXT NOT NULL, answer TEXT, memory_enabled INTEGER NOT NULL, retrieval TEXT NOT NULL,
            tool_plan TEXT NOT NULL, gate_decisions TEXT NOT NULL, applied_lessons TEXT NOT NULL,
            checkpoints TEXT NOT NULL, duration_ms REAL NOT NULL
        );
        CREATE TABLE feedback (
            id TEXT PRIMARY KEY, turn_id TEXT REFERENCES turns(id), created_at TEXT NOT NULL, author TEXT NOT NULL,
            stage TEXT, text TEXT NOT NULL, components TEXT NOT NULL, lesson_ids TEXT NOT NULL,
            router_raw TEXT NOT NULL, router_fallback INTEGER NOT NULL
        );
        CREATE INDEX turns_created ON turns(created_at);
        CREATE INDEX feedback_turn ON feedback(turn_id);
        """
    )


def _m002_review_queue(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY, created_at TEXT NOT NULL, tasks_path TEXT NOT NULL, template TEXT NOT NULL,
            status TEXT NOT NULL, finished_at TEXT
        );
        CREATE TABLE tasks (
            run_id TEXT NOT NULL REFERENCES runs(id), task_id TEXT NOT NULL, line_no INTEGER NOT NULL,
            request TEXT NOT NULL, metadata TEXT NOT NULL, status TEXT NOT NULL, error TEXT,
            started_at TEXT, finished_at TEXT, PRIMARY KEY (run_id, task_id)
        );
        CREATE TABLE review_items (
            id TEXT PRIMARY KEY, run_id TEXT NOT NULL, task_id TEXT NOT NULL, turn_id TEXT NOT NULL,
            created_at TEXT NOT NULL, request TEXT NOT NULL, answer TEXT NOT NULL, documents TEXT NOT NULL,
            tool_calls TEXT NOT NULL, lessons_applied TEXT NOT NULL, template TEXT NOT NULL, status TEXT NOT NULL,
            UNIQUE (run_id, task_id)
        );
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT NOT NULL REFERENCES review_items(id),
            reviewer TEXT NOT NULL, decided_at TEXT NOT NULL, verdict TEXT NOT NULL, correction TEXT,
            reason TEXT, assessment TEXT NOT NULL, components TEXT NOT NULL, lesson_ids TEXT NOT NULL,
            learn_status TEXT NOT NULL, repeated INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE learning_inbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT, decision_id INTEGER NOT NULL REFERENCES decisions(id),
            item_id TEXT NOT NULL, text TEXT NOT NULL, author TEXT NOT NULL, created_at TEXT NOT NULL,
            status TEXT NOT NULL, processed_at TEXT, error TEXT
        );
        CREATE INDEX review_items_status ON review_items(status, created_at);
        CREATE INDEX review_items_run ON review_items(run_id);
        CREATE INDEX decisions_item ON decisions(item_id);
        CREATE INDEX inbox_status ON learning_inbox(status, id);
        """
    )


def _m003_spans_and_handoffs(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE spans (
            id TEXT PRIMARY KEY, turn_id TEXT NOT NULL, parent_id TEXT, name TEXT NOT NULL,
            start_ns INTEGER NOT NULL, duration_ms REAL NOT NULL, attributes TEXT NOT NULL
        );
        CREATE TABLE handoff_scores (
            turn_id TEXT NOT NULL, session_id TEXT, source TEXT NOT NULL, target TEXT NOT NULL,
            signal TEXT NOT NULL, score REAL NOT NULL, created_at TEXT NOT NULL,
            PRIMARY KEY (turn_id, source, signal)
        );
        CREATE TABLE judgements (
            turn_id TEXT PRIMARY KEY, model TEXT NOT NULL, scores TEXT NOT NULL, created_at TEXT NOT NULL
        );
        CREATE INDEX spans_turn ON spans(turn_id);
        CREATE INDEX handoff_scores_session ON handoff_scores(session_id);
        """
    )


def _m004_memory_audit(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE memory_audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            lesson_id TEXT NOT NULL, detail TEXT NOT NULL
        );
        CREATE INDEX memory_audit_lesson ON memory_audit(lesson_id);
        """
    )


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("m001_initial", _m001_initial),
    ("m002_review_queue", _m002_review_queue),
    ("m003_spans_and_handoffs", _m003_spans_and_handoffs),
    ("m004_memory_audit", _m004_memory_audit),
]


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name")]


_SHARED: dict[str, list] = {}  # resolved path -> [connection, users]
_SHARED_LOCK = threading.Lock()


def open_database(path: str | Path) -> sqlite3.Connection:
    """The process's one connection to the database at `path` (":memory:" gets its own each time).

    One connection per process, shared by the trace store, the review queue and batch workers (SQLite
    is built serialized here): two connections of one process writing the same file can wait on each
    other's lock for the whole busy timeout while holding Python's GIL, which stalled multi-worker
    batches for 30 s and failed tasks with "database is locked". Close it with `close_database`.
    """
    if str(path) == ":memory:":
        return _connect(path)
    key = str(Path(path).resolve())
    with _SHARED_LOCK:
        if key in _SHARED:
            _SHARED[key][1] += 1
            return _SHARED[key][0]
        conn = _connect(path)
        _SHARED[key] = [conn, 1]
        return conn


def close_database(conn: sqlite3.Connection) -> None:
    """Release this user's share; the connection closes when its last user is done."""
    with _SHARED_LOCK:
        for key, entry in list(_SHARED.items()):
            if entry[0] is conn:
                entry[1] -= 1
                if entry[1] > 0:
                    return
                del _SHARED[key]
                break
    _LOCKS.pop(id(conn), None)
    conn.close()


def _connect(path: str | Path) -> sqlite3.Connection:
    memory = str(path) == ":memory:"
    if not memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    if not memory:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("BEGIN IMMEDIATE")  # one process migrates at a time
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = set(applied_migrations(conn))
        for name, migrate in MIGRATIONS:
            if name not in done:
                migrate_in_transaction(conn, migrate)
                conn.execute("INSERT INTO _migrations VALUES (?, ?)", (name, utc_iso()))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return conn


def migrate_in_transaction(conn: sqlite3.Connection, migrate: Callable[[sqlite3.Connection], None]) -> None:
    """executescript would COMMIT the open transaction; run the statements one by one instead."""
    recorder = _StatementRecorder()
    migrate(recorder)  # type: ignore[arg-type]
    for statement in recorder.statements:
        conn.execute(statement)


class _StatementRecorder:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def executescript(self, script: str) -> None:
        self.statements += [s.strip() for s in script.split(";") if s.strip()]


_LOCKS: dict[int, threading.RLock] = {}


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE ... COMMIT), serialized between threads sharing `conn`."""
    lock = _LOCKS.setdefault(id(conn), threading.RLock())
    with lock:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def record_memory_change(conn: sqlite3.Connection, actor: str, action: str, lesson_id: str, **detail: object) -> None:
    """One line of the memory audit log (approve, reject, forget, supersede, import...)."""
    import json

    with transaction(conn):
        conn.execute("INSERT INTO memory_audit (at, actor, action, lesson_id, detail) VALUES (?, ?, ?, ?, ?)",
                     (utc_iso(), actor, action, lesson_id, json.dumps(detail, default=str)))

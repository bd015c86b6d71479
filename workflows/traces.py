"""The project's SQLite database: turns, feedback and schema migrations (WAL, one transaction per write).

    >>> db = TraceStore(":memory:")
    >>> db.applied_migrations()
    ['m001_initial']
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

__all__ = ["TraceStore", "MIGRATIONS"]


def _m001_initial(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE turns (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            session_id TEXT,
            user TEXT NOT NULL,
            mode TEXT NOT NULL,
            request TEXT NOT NULL,
            answer TEXT,
            memory_enabled INTEGER NOT NULL,
            retrieval TEXT NOT NULL,
            tool_plan TEXT NOT NULL,
            gate_decisions TEXT NOT NULL,
            applied_lessons TEXT NOT NULL,
            checkpoints TEXT NOT NULL,
            duration_ms REAL NOT NULL
        );
        CREATE TABLE feedback (
            id TEXT PRIMARY KEY,
            turn_id TEXT REFERENCES turns(id),
            created_at TEXT NOT NULL,
            author TEXT NOT NULL,
            stage TEXT,
            text TEXT NOT NULL,
            components TEXT NOT NULL,
            lesson_ids TEXT NOT NULL,
            router_raw TEXT NOT NULL,
            router_fallback INTEGER NOT NULL
        );
        CREATE INDEX turns_created ON turns(created_at);
        CREATE INDEX feedback_turn ON feedback(turn_id);
        """
    )


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [("m001_initial", _m001_initial)]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class TraceStore:
    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._conn.row_factory = sqlite3.Row
        if str(path) != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._migrate()

    def close(self) -> None:
        self._conn.close()

    def _migrate(self) -> None:
        with self._conn:
            self._conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = set(self.applied_migrations())
        for name, migrate in MIGRATIONS:
            if name in done:
                continue
            with self._conn:  # the migration and its record commit together
                migrate(self._conn)
                self._conn.execute("INSERT INTO _migrations VALUES (?, ?)", (name, _now()))

    def applied_migrations(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT name FROM _migrations ORDER BY name")]

    def record_turn(self, row: dict[str, Any]) -> None:
        encoded = {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in row.items()}
        encoded.setdefault("created_at", _now())
        columns = ", ".join(encoded)
        marks = ", ".join(f":{k}" for k in encoded)
        with self._conn:
            self._conn.execute(f"INSERT OR REPLACE INTO turns ({columns}) VALUES ({marks})", encoded)

    def record_feedback(self, row: dict[str, Any]) -> None:
        encoded = {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in row.items()}
        encoded.setdefault("created_at", _now())
        columns = ", ".join(encoded)
        marks = ", ".join(f":{k}" for k in encoded)
        with self._conn:
            self._conn.execute(f"INSERT INTO feedback ({columns}) VALUES ({marks})", encoded)

    def turn(self, turn_id: str) -> dict[str, Any] | None:
        row = self._conn.execute("SELECT * FROM turns WHERE id = ?", (turn_id,)).fetchone()
        return _decode(row) if row else None

    def recent_turns(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._conn.execute("SELECT * FROM turns ORDER BY created_at DESC LIMIT ?", (limit,)).fetchall()
        return [_decode(r) for r in rows]

    def feedback_for(self, turn_id: str) -> list[dict[str, Any]]:
        rows = self._conn.execute("SELECT * FROM feedback WHERE turn_id = ? ORDER BY created_at", (turn_id,))
        return [_decode(r) for r in rows.fetchall()]


_JSON_COLUMNS = {"retrieval", "tool_plan", "gate_decisions", "applied_lessons", "checkpoints", "components", "lesson_ids"}


def _decode(row: sqlite3.Row) -> dict[str, Any]:
    return {k: json.loads(row[k]) if k in _JSON_COLUMNS and row[k] is not None else row[k] for k in row.keys()}

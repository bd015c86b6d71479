"""Turn traces and live feedback in the project's SQLite database.

    >>> db = TraceStore(":memory:")
    >>> db.recent_turns()
    []
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from workflows.database import applied_migrations, close_database, open_database, utc_iso
from workflows.database import transaction as _transaction

__all__ = ["TraceStore"]


class TraceStore:
    def __init__(self, path: str | Path) -> None:
        self._conn = open_database(path)

    @property
    def connection(self):  # noqa: ANN201 - sqlite3.Connection, for reports that query across tables
        return self._conn

    def close(self) -> None:
        close_database(self._conn)

    def applied_migrations(self) -> list[str]:
        return applied_migrations(self._conn)

    def _insert(self, table: str, row: dict[str, Any], *, replace: bool = False) -> None:
        encoded = {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in row.items()}
        encoded.setdefault("created_at", utc_iso())
        columns = ", ".join(encoded)
        marks = ", ".join(f":{k}" for k in encoded)
        with _transaction(self._conn):
            self._conn.execute(f"INSERT {'OR REPLACE ' if replace else ''}INTO {table} ({columns}) VALUES ({marks})",
                               encoded)

    def record_turn(self, row: dict[str, Any]) -> None:
        self._insert("turns", row, replace=True)

    def record_feedback(self, row: dict[str, Any]) -> None:
        self._insert("feedback", row)

    def record_spans(self, turn_id: str, spans: list[Any]) -> None:
        rows = [(sp.id, turn_id, sp.parent_id, sp.name, sp.start_ns, sp.duration_ms, json.dumps(sp.attributes, default=str))
                for sp in spans]
        with _transaction(self._conn):
            self._conn.executemany("INSERT OR REPLACE INTO spans VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def record_handoff_scores(self, turn_id: str, session_id: str | None, scores: list[dict[str, Any]]) -> None:
        now = utc_iso()
        with _transaction(self._conn):
            self._conn.executemany(
                "INSERT OR REPLACE INTO handoff_scores VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(turn_id, session_id, r["source"], r["target"], r["signal"], r["score"], now) for r in scores],
            )

    def spans(self, turn_id: str) -> list[dict[str, Any]]:
        rows = self._conn.execute("SELECT * FROM spans WHERE turn_id = ? ORDER BY start_ns", (turn_id,)).fetchall()
        return [{**dict(r), "attributes": json.loads(r["attributes"])} for r in rows]

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

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

from workflows.storage.database import applied_migrations, close_database, open_database, utc_iso
from workflows.storage.database import transaction as _transaction

__all__ = ["TraceStore", "applied_lessons_by_turn", "feedback_blame", "accepted_final_answers",
           "handoff_score_rows", "judgement_scores"]


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

    def _insert(self, table: str, row: dict[str, Any], *, upsert: bool = False) -> None:
        encoded = {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in row.items()}
        encoded.setdefault("created_at", utc_iso())
        columns = ", ".join(encoded)
        marks = ", ".join(f":{k}" for k in encoded)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        if upsert:  # an update in place: a REPLACE would delete the row its feedback refers to
            sql += " ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{k} = excluded.{k}" for k in encoded
                                                                  if k not in ("id", "created_at"))
        with _transaction(self._conn):
            self._conn.execute(sql, encoded)
            if table == "turns":
                self._conn.execute("DELETE FROM turn_lessons WHERE turn_id = ?", (row["id"],))
                self._conn.executemany("INSERT OR IGNORE INTO turn_lessons VALUES (?, ?)",
                                       [(row["id"], lesson_id) for lesson_id in row.get("applied_lessons", [])])

    def record_turn(self, row: dict[str, Any]) -> None:
        """Write a turn, or update it (a turn is written when a correction comes, and again when it ends)."""
        self._insert("turns", row, upsert=True)

    def turn_exists(self, turn_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM turns WHERE id = ?", (turn_id,)).fetchone() is not None

    def record_feedback(self, row: dict[str, Any]) -> None:
        """One learned correction; learning the same feedback again (a replay) updates its row."""
        self._insert("feedback", row, upsert=True)

    def record_judgement(self, turn_id: str, model: str, scores: dict[str, Any]) -> None:
        with _transaction(self._conn):
            self._conn.execute("INSERT OR REPLACE INTO judgements VALUES (?, ?, ?, ?)",
                               (turn_id, model, json.dumps(scores), utc_iso()))

    def unjudged_turns(self, session_id: str | None, limit: int) -> list[dict[str, Any]]:
        """Answered turns with no LLM-judge scores yet, oldest first (of one session or batch run)."""
        sql = "SELECT * FROM turns WHERE answer != '' AND id NOT IN (SELECT turn_id FROM judgements)"
        args: tuple[Any, ...] = (limit,)
        if session_id:
            sql, args = sql + " AND session_id = ?", (session_id, limit)
        return [_decode(r) for r in self._conn.execute(sql + " ORDER BY created_at LIMIT ?", args).fetchall()]

    def turns_applying(self, lesson_id: str) -> list[dict[str, Any]]:
        """The turns in which a lesson was applied, oldest first."""
        rows = self._conn.execute("SELECT t.* FROM turns t JOIN turn_lessons l ON l.turn_id = t.id "
                                  "WHERE l.lesson_id = ? ORDER BY t.created_at", (lesson_id,)).fetchall()
        return [_decode(r) for r in rows]

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


def applied_lessons_by_turn(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Every recorded turn -> the ids of the lessons applied in it."""
    return {row[0]: json.loads(row[1]) for row in conn.execute("SELECT id, applied_lessons FROM turns")}


def feedback_blame(conn: sqlite3.Connection) -> list[tuple[str | None, list[str]]]:
    """(turn id, components blamed) for every correction learned, live or from review."""
    return [(row[0], json.loads(row[1])) for row in conn.execute("SELECT turn_id, components FROM feedback")]


def accepted_final_answers(conn: sqlite3.Connection) -> set[str]:
    """Turns whose final answer a person accepted at the checkpoint."""
    return {turn_id for turn_id, checkpoints in conn.execute("SELECT id, checkpoints FROM turns")
            if any(c["stage"] == "writer" and c["kind"] == "accept" for c in json.loads(checkpoints))}


def handoff_score_rows(conn: sqlite3.Connection, session_id: str | None = None) -> list[tuple[str, str, str, str, float]]:
    """(turn, source, target, signal, score) of every scored handoff, in turn order (of one session or run)."""
    sql = ("SELECT h.turn_id, h.source, h.target, h.signal, h.score FROM handoff_scores h "
           "JOIN turns t ON t.id = h.turn_id")
    args: tuple[Any, ...] = ()
    if session_id:
        sql, args = sql + " WHERE h.session_id = ?", (session_id,)
    return [tuple(r) for r in conn.execute(sql + " ORDER BY t.created_at", args).fetchall()]


def judgement_scores(conn: sqlite3.Connection) -> list[tuple[str, dict[str, Any]]]:
    """(turn, LLM-judge scores) for every judged turn."""
    return [(r[0], json.loads(r[1])) for r in conn.execute("SELECT turn_id, scores FROM judgements").fetchall()]


_JSON_COLUMNS = {"retrieval", "tool_plan", "gate_decisions", "applied_lessons", "checkpoints", "components", "lesson_ids"}


def _decode(row: sqlite3.Row) -> dict[str, Any]:
    return {k: json.loads(row[k]) if k in _JSON_COLUMNS and row[k] is not None else row[k] for k in row.keys()}

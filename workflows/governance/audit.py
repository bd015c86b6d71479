"""The memory audit log (table `memory_audit`): every approve, reject, edit, forget, import and supersede."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from workflows.storage.database import transaction, utc_iso

__all__ = ["record_memory_change", "lesson_history"]


def record_memory_change(conn: sqlite3.Connection, actor: str, action: str, lesson_id: str, **detail: object) -> None:
    """One line of the memory audit log."""
    with transaction(conn):
        conn.execute("INSERT INTO memory_audit (at, actor, action, lesson_id, detail) VALUES (?, ?, ?, ?, ?)",
                     (utc_iso(), actor, action, lesson_id, json.dumps(detail, default=str)))


def lesson_history(conn: sqlite3.Connection, lesson_id: str) -> list[dict[str, Any]]:
    """Every change to one lesson, oldest first."""
    rows = conn.execute("SELECT at, actor, action, detail FROM memory_audit WHERE lesson_id = ? ORDER BY id",
                        (lesson_id,)).fetchall()
    return [{"at": r[0], "actor": r[1], "action": r[2], **json.loads(r[3])} for r in rows]

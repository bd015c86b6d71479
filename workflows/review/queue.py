"""The review queue: batch outputs waiting for a person, their decisions, and the learning inbox.

A reviewer's correction is learned by whoever owns the lesson store: directly when no other process
holds it, otherwise it waits in the learning inbox and the batch run that holds the store learns it
before starting its next task.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from memory.errors import AlhfError
from workflows.storage.database import close_database, open_database, transaction, utc_iso
from workflows.review.templates import Assessment

__all__ = ["ReviewQueue", "ReviewItem", "InboxEntry", "VERDICTS", "ItemNotFound", "latest_verdicts"]

VERDICTS = ("approve", "correct", "reject")
_STATUS_OF = {"approve": "approved", "correct": "corrected", "reject": "rejected"}
_JSON = {"documents", "tool_calls", "lessons_applied", "metadata", "assessment", "components", "lesson_ids"}


class ItemNotFound(AlhfError):
    pass


def _row(row: sqlite3.Row) -> dict[str, Any]:
    return {k: json.loads(row[k]) if k in _JSON and row[k] is not None else row[k] for k in row.keys()}


@dataclass
class ReviewItem:
    id: str
    run_id: str
    task_id: str
    turn_id: str
    created_at: str
    request: str
    answer: str
    documents: list[str]
    tool_calls: list[dict[str, Any]]
    lessons_applied: list[dict[str, Any]]
    template: str
    status: str

    @classmethod
    def of(cls, row: sqlite3.Row) -> "ReviewItem":
        return cls(**_row(row))


@dataclass
class InboxEntry:
    id: int
    decision_id: int
    item_id: str
    text: str
    author: str


def latest_verdicts(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Each decided item's last decision: its turn, the lessons it applied, the verdict, the blamed components."""
    rows = conn.execute("SELECT i.turn_id, i.lessons_applied, d.verdict, d.components, d.item_id "
                        "FROM latest_decisions d JOIN review_items i ON i.id = d.item_id ORDER BY d.id").fetchall()
    return [_row(r) for r in rows]


class ReviewQueue:
    def __init__(self, path: str | Path) -> None:
        self.conn = open_database(path)

    def close(self) -> None:
        close_database(self.conn)

    # -- runs and tasks ------------------------------------------------------------------------

    def create_run(self, tasks_path: str, template: str) -> str:
        run_id = uuid.uuid4().hex[:10]
        with transaction(self.conn):
            self.conn.execute("INSERT INTO runs VALUES (?, ?, ?, ?, 'running', NULL)",
                              (run_id, utc_iso(), tasks_path, template))
        return run_id

    def run(self, run_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return dict(row) if row else None

    def latest_run_for(self, tasks_path: str) -> dict[str, Any] | None:
        """The newest run of a tasks file, finished or not."""
        row = self.conn.execute("SELECT * FROM runs WHERE tasks_path = ? ORDER BY created_at DESC LIMIT 1",
                                (tasks_path,)).fetchone()
        return dict(row) if row else None

    def reopen_run(self, run_id: str) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?", (run_id,))

    def add_tasks(self, run_id: str, tasks: Iterable[tuple[int, str, str, dict[str, Any]]]) -> int:
        """Register (line, id, request, metadata); tasks already known to the run are left as they are."""
        with transaction(self.conn):
            before = self.conn.total_changes
            self.conn.executemany(
                "INSERT OR IGNORE INTO tasks VALUES (?, ?, ?, ?, ?, 'pending', NULL, NULL, NULL)",
                [(run_id, task_id, line, request, json.dumps(meta)) for line, task_id, request, meta in tasks],
            )
            return self.conn.total_changes - before

    def tasks_to_do(self, run_id: str) -> list[dict[str, Any]]:
        """Tasks without a stored output: pending ones, ones left 'running' by a killed process, and ones
        that failed (a later run retries them)."""
        rows = self.conn.execute(
            "SELECT * FROM tasks WHERE run_id = ? AND status IN ('pending', 'running', 'failed') ORDER BY line_no",
            (run_id,),
        ).fetchall()
        return [_row(r) for r in rows]

    def start_task(self, run_id: str, task_id: str) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE tasks SET status = 'running', started_at = ? WHERE run_id = ? AND task_id = ?",
                              (utc_iso(), run_id, task_id))

    def finish_task(self, run_id: str, task_id: str, item: dict[str, Any]) -> str:
        """Store the output for review and mark the task done, in one transaction."""
        item_id = uuid.uuid4().hex[:10]
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO review_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                (item_id, run_id, task_id, item["turn_id"], utc_iso(), item["request"], item["answer"],
                 json.dumps(item["documents"]), json.dumps(item["tool_calls"]), json.dumps(item["lessons_applied"]),
                 item["template"]),
            )
            self.conn.execute("UPDATE tasks SET status = 'done', finished_at = ?, error = NULL "
                              "WHERE run_id = ? AND task_id = ?", (utc_iso(), run_id, task_id))
        return item_id

    def fail_task(self, run_id: str, task_id: str, error: str) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE tasks SET status = 'failed', finished_at = ?, error = ? "
                              "WHERE run_id = ? AND task_id = ?", (utc_iso(), error, run_id, task_id))

    def finish_run(self, run_id: str) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE runs SET status = 'finished', finished_at = ? WHERE id = ?", (utc_iso(), run_id))

    def task_counts(self, run_id: str) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, COUNT(*) FROM tasks WHERE run_id = ? GROUP BY status", (run_id,))
        return {status: count for status, count in rows.fetchall()}

    # -- items ---------------------------------------------------------------------------------

    @staticmethod
    def _filter(status: str | None, run_id: str | None, template: str | None, component: str | None = None,
                assignee: str | None = None) -> tuple[str, list[str]]:
        """SQL for the queue's filters. `component`: items that applied a lesson of that component or whose
        correction was routed to it; `assignee`: items assigned to that reviewer."""
        pairs = [(c, [v]) for c, v in (("status = ?", status), ("run_id = ?", run_id), ("template = ?", template),
                                        ("id IN (SELECT item_id FROM assignments WHERE reviewer = ?)", assignee))
                 if v]
        if component:
            pairs.append(("(lessons_applied LIKE ? OR id IN (SELECT item_id FROM latest_decisions WHERE components "
                          "LIKE ?))", [f'%"component": "{component}"%', f'%"{component}"%']))
        return (" WHERE " + " AND ".join(c for c, _ in pairs) if pairs else ""), [v for _, vs in pairs for v in vs]

    def items(self, *, status: str | None = None, run_id: str | None = None, template: str | None = None,
              component: str | None = None, assignee: str | None = None, limit: int = 100,
              offset: int = 0) -> list[ReviewItem]:
        where, args = self._filter(status, run_id, template, component, assignee)
        rows = self.conn.execute(f"SELECT * FROM review_items{where} ORDER BY created_at, id LIMIT ? OFFSET ?",
                                 (*args, limit, offset)).fetchall()
        return [ReviewItem.of(r) for r in rows]

    def count_items(self, *, status: str | None = None, run_id: str | None = None, template: str | None = None,
                    component: str | None = None, assignee: str | None = None) -> int:
        where, args = self._filter(status, run_id, template, component, assignee)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM review_items{where}", args).fetchone()[0])

    def counts_by_status(self, *, run_id: str | None = None, template: str | None = None, component: str | None = None,
                         assignee: str | None = None) -> dict[str, int]:
        where, args = self._filter(None, run_id, template, component, assignee)
        rows = self.conn.execute(f"SELECT status, COUNT(*) FROM review_items{where} GROUP BY status", args)
        return {status: count for status, count in rows.fetchall()}

    def decisions_per_reviewer(self, *, run_id: str | None = None, template: str | None = None,
                               component: str | None = None, assignee: str | None = None) -> dict[str, int]:
        """How many items each reviewer had the last word on (among the items the filters keep)."""
        where, args = self._filter(None, run_id, template, component, assignee)
        rows = self.conn.execute(f"SELECT d.reviewer, COUNT(*) FROM latest_decisions d JOIN "
                                 f"(SELECT id FROM review_items{where}) i ON i.id = d.item_id "
                                 "GROUP BY d.reviewer ORDER BY COUNT(*) DESC, d.reviewer", args)
        return {reviewer: count for reviewer, count in rows.fetchall()}

    # -- assignment ------------------------------------------------------------------------------

    def assign(self, reviewers: list[str], *, by: str, run_id: str | None = None, template: str | None = None,
               limit: int | None = None) -> dict[str, int]:
        """Share the pending items nobody is assigned yet (of a run, a template) among `reviewers`, round
        robin in queue order; at most `limit` items. Returns how many each reviewer got."""
        names = [r.strip() for r in reviewers if r.strip()]
        if not names:
            raise AlhfError("Name at least one reviewer to assign items to.")
        where, args = self._filter("pending", run_id, template)
        sql = (f"SELECT id FROM review_items{where} AND id NOT IN (SELECT item_id FROM assignments) "
               "ORDER BY created_at, id" + (" LIMIT ?" if limit else ""))
        ids = [r[0] for r in self.conn.execute(sql, (*args, limit) if limit else args).fetchall()]
        now = utc_iso()
        with transaction(self.conn):
            self.conn.executemany("INSERT OR IGNORE INTO assignments VALUES (?, ?, ?, ?)",
                                  [(item_id, names[n % len(names)], by, now) for n, item_id in enumerate(ids)])
        return {name: len(ids[n::len(names)]) for n, name in enumerate(names)}

    def assignment_progress(self, *, run_id: str | None = None, template: str | None = None) -> dict[str, dict[str, int]]:
        """Per reviewer: items assigned and how many of them are decided (among the items the filters keep)."""
        where, args = self._filter(None, run_id, template)
        rows = self.conn.execute(
            f"SELECT a.reviewer, COUNT(*), SUM(i.status != 'pending') FROM assignments a JOIN "
            f"(SELECT id, status FROM review_items{where}) i ON i.id = a.item_id GROUP BY a.reviewer "
            "ORDER BY a.reviewer", args)
        return {reviewer: {"assigned": assigned, "decided": int(decided or 0)}
                for reviewer, assigned, decided in rows.fetchall()}

    def runs(self) -> list[dict[str, Any]]:
        """Every batch run, newest first."""
        return [dict(r) for r in self.conn.execute("SELECT * FROM runs ORDER BY created_at DESC").fetchall()]

    def neighbours(self, item_id: str, *, status: str | None = None, run_id: str | None = None,
                   template: str | None = None, component: str | None = None,
                   assignee: str | None = None) -> tuple[str | None, str | None]:
        """The ids before and after `item_id` in queue order among the items the filters keep."""
        item = self.item(item_id)
        where, args = self._filter(status, run_id, template, component, assignee)
        joiner = " AND " if where else " WHERE "
        before = self.conn.execute(
            f"SELECT id FROM review_items{where}{joiner}(created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC "
            "LIMIT 1", (*args, item.created_at, item.id)).fetchone()
        after = self.conn.execute(
            f"SELECT id FROM review_items{where}{joiner}(created_at, id) > (?, ?) ORDER BY created_at, id LIMIT 1",
            (*args, item.created_at, item.id)).fetchone()
        return (before[0] if before else None), (after[0] if after else None)

    def item(self, item_id: str) -> ReviewItem:
        row = self.conn.execute("SELECT * FROM review_items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise ItemNotFound(f"No review item {item_id!r}: see `alhf review list`.")
        return ReviewItem.of(row)

    def latest_decisions(self) -> dict[str, dict[str, Any]]:
        """Item id -> its last decision."""
        return {r["item_id"]: r for r in map(_row, self.conn.execute("SELECT * FROM latest_decisions").fetchall())}

    def decisions(self, item_id: str | None = None) -> list[dict[str, Any]]:
        sql, args = "SELECT * FROM decisions", ()
        if item_id:
            sql, args = sql + " WHERE item_id = ?", (item_id,)
        return [_row(r) for r in self.conn.execute(sql + " ORDER BY id", args).fetchall()]

    def decide(
        self, item_id: str, verdict: str, *, reviewer: str, assessment: Assessment, correction: str | None = None,
        reason: str | None = None, learn_status: str = "none", max_correction_chars: int | None = None,
    ) -> int:
        """Record a decision (and queue its correction for learning) in one transaction."""
        if max_correction_chars is not None and len(correction or "") > max_correction_chars:
            raise AlhfError(f"The correction is {len(correction or '')} characters; the limit is {max_correction_chars} "
                            "(governance.max_correction_chars): say what was wrong in fewer words.")
        if verdict not in VERDICTS:
            raise AlhfError(f"Unknown verdict {verdict!r}: use approve, correct or reject.")
        if verdict == "correct" and not (correction or "").strip():
            raise AlhfError("The correction is empty: say what was wrong, e.g. 'use the 2024 policy'.")
        if verdict == "reject" and not (reason or "").strip():
            raise AlhfError("A rejection needs a reason: --reason '...'.")
        self.item(item_id)
        with transaction(self.conn):
            cursor = self.conn.execute(
                "INSERT INTO decisions (item_id, reviewer, decided_at, verdict, correction, reason, assessment, "
                "components, lesson_ids, learn_status) VALUES (?, ?, ?, ?, ?, ?, ?, '[]', '[]', ?)",
                (item_id, reviewer, utc_iso(), verdict, correction, reason, assessment.model_dump_json(),
                 "queued" if verdict == "correct" else learn_status),
            )
            decision_id = int(cursor.lastrowid or 0)
            self.conn.execute("UPDATE review_items SET status = ? WHERE id = ?", (_STATUS_OF[verdict], item_id))
            if verdict == "correct":
                self.conn.execute(
                    "INSERT INTO learning_inbox (decision_id, item_id, text, author, created_at, status) "
                    "VALUES (?, ?, ?, ?, ?, 'queued')", (decision_id, item_id, correction.strip(), reviewer, utc_iso()),
                )
        return decision_id

    # -- learning inbox ------------------------------------------------------------------------

    def queued_corrections(self) -> list[InboxEntry]:
        rows = self.conn.execute(
            "SELECT id, decision_id, item_id, text, author FROM learning_inbox WHERE status = 'queued' ORDER BY id"
        ).fetchall()
        return [InboxEntry(*r) for r in rows]

    def mark_learned(self, entry: InboxEntry, components: list[str], lesson_ids: list[str], *, repeated: bool) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE learning_inbox SET status = 'learned', processed_at = ? WHERE id = ?",
                              (utc_iso(), entry.id))
            self.conn.execute("UPDATE decisions SET learn_status = 'learned', components = ?, lesson_ids = ?, repeated = ? "
                              "WHERE id = ?", (json.dumps(components), json.dumps(lesson_ids), int(repeated),
                                               entry.decision_id))

    def mark_failed(self, entry: InboxEntry, error: str) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE learning_inbox SET status = 'failed', processed_at = ?, error = ? WHERE id = ?",
                              (utc_iso(), error, entry.id))
            self.conn.execute("UPDATE decisions SET learn_status = 'failed' WHERE id = ?", (entry.decision_id,))

    def inbox(self, status: str | None = None) -> list[dict[str, Any]]:
        """Inbox entries (queued, learned, failed: the dead letters, dropped), newest first."""
        sql, args = "SELECT * FROM learning_inbox", ()
        if status:
            sql, args = sql + " WHERE status = ?", (status,)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY id DESC", args).fetchall()]

    def requeue(self, entry_id: int) -> None:
        """Send a dead letter back to the inbox to be learned again."""
        self._dead_letter(entry_id)
        with transaction(self.conn):
            self.conn.execute("UPDATE learning_inbox SET status = 'queued', processed_at = NULL, error = NULL "
                              "WHERE id = ?", (entry_id,))
            self.conn.execute("UPDATE decisions SET learn_status = 'queued' WHERE id = "
                              "(SELECT decision_id FROM learning_inbox WHERE id = ?)", (entry_id,))

    def drop(self, entry_id: int) -> None:
        """Give up on a dead letter: it stays recorded with its error and is never learned."""
        self._dead_letter(entry_id)
        with transaction(self.conn):
            self.conn.execute("UPDATE learning_inbox SET status = 'dropped', processed_at = ? WHERE id = ?",
                              (utc_iso(), entry_id))
            self.conn.execute("UPDATE decisions SET learn_status = 'dropped' WHERE id = "
                              "(SELECT decision_id FROM learning_inbox WHERE id = ?)", (entry_id,))

    def _dead_letter(self, entry_id: int) -> None:
        row = self.conn.execute("SELECT status FROM learning_inbox WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise AlhfError(f"No inbox entry {entry_id}: see `alhf review inbox`.")
        if row[0] != "failed":
            raise AlhfError(f"Inbox entry {entry_id} is {row[0]}, not failed: only dead letters can be retried or "
                            "dropped.")

    # -- statistics ----------------------------------------------------------------------------

    def stats(self, run_id: str | None = None) -> dict[str, Any]:
        scope = " WHERE run_id = ?" if run_id else ""
        args = (run_id,) if run_id else ()
        by_status = dict(self.conn.execute(f"SELECT status, COUNT(*) FROM review_items{scope} GROUP BY status", args).fetchall())
        latest = "SELECT d.* FROM latest_decisions d JOIN review_items i ON i.id = d.item_id"  # an item's last word
        if run_id:
            latest += " WHERE i.run_id = ?"
        decisions = [_row(r) for r in self.conn.execute(latest, args).fetchall()]
        decided = len(decisions)
        approved = sum(1 for d in decisions if d["verdict"] == "approve")
        corrections = [d for d in decisions if d["verdict"] == "correct"]
        learned = [d for d in corrections if d["learn_status"] == "learned"]
        per_component: dict[str, int] = {}
        for d in corrections:
            for component in d["components"]:
                per_component[component] = per_component.get(component, 0) + 1
        return {
            "items": sum(by_status.values()),
            "by_status": by_status,
            "decided": decided,
            "approval_rate": round(approved / decided, 4) if decided else None,
            "corrections": len(corrections),
            "corrections_per_component": per_component,
            "corrections_waiting_to_be_learned": sum(1 for d in corrections if d["learn_status"] == "queued"),
            "repeated_correction_rate": round(sum(d["repeated"] for d in learned) / len(learned), 4) if learned else None,
        }

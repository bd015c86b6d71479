"""`alhf audit` and `alhf authors`: which lessons shaped a turn, which turns a lesson shaped, who taught what."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from workflows.cli.memory import LessonAdminSession
from workflows.cli.support import ConfigOption, JsonOption, console, fail, load, open_traces

__all__ = ["audit_app", "authors"]

audit_app = typer.Typer(help="Which lessons shaped a turn, and which turns a lesson shaped.", no_args_is_help=True)


@audit_app.command("why")
def audit_why(turn_id: str, config_path: Optional[Path] = ConfigOption) -> None:
    """Which lessons shaped a turn, with score, version and who taught them."""
    traces = open_traces(load(config_path))
    try:
        turn = traces.turn(turn_id)
    finally:
        traces.close()
    if turn is None:
        fail(f"No turn {turn_id!r}: see `alhf trace list`.")
    console.print(f"turn {turn_id}: {escape(turn['request'])}")
    if not turn["gate_decisions"]:
        console.print("no lesson was retrieved for this turn")
    for d in turn["gate_decisions"]:
        verdict = "APPLIED" if d["passed"] else "not applied"
        console.print(f"- {verdict} {d['component']} lesson {d['lesson_id']} v{d.get('version', 1)} taught by "
                      f"{d.get('author') or '?'}: {escape(d['lesson_text'])} ({escape(d['reason'])})")


@audit_app.command("lesson")
def audit_lesson(lesson_id: str, config_path: Optional[Path] = ConfigOption) -> None:
    """The turns a lesson was applied in."""
    traces = open_traces(load(config_path))
    try:
        turns = traces.turns_applying(lesson_id)
    finally:
        traces.close()
    console.print(f"lesson {lesson_id} was applied in {len(turns)} turn(s)")
    for turn in turns:
        score = next((d["score"] for d in turn["gate_decisions"] if d["lesson_id"] == lesson_id), None)
        console.print(f"- {turn['created_at'][:19]} turn {turn['id']} (score {score}): {escape(turn['request'])}")


def authors(as_json: bool = JsonOption, config_path: Optional[Path] = ConfigOption) -> None:
    """Per author: lessons, active, approvals, contradictions, approval and contradiction rates, trust."""
    from workflows.governance.trust import author_records

    config = load(config_path)
    with LessonAdminSession(config_path) as admin:
        records = author_records(admin.store.list_lessons(), admin.conn, config.governance)
    if as_json:
        console.print_json(json.dumps([r.as_json() for r in records.values()]))
        return
    table = Table(title=f"{len(records)} author(s) - trust floor {config.memory.gate.trust_floor}", title_justify="left")
    for column in ("author", "role", "lessons", "active", "approvals", "contradictions", "approval rate",
                   "contradiction rate", "trust"):
        table.add_column(column)
    for r in sorted(records.values(), key=lambda r: r.trust):
        rate = lambda v: "n/a" if v is None else f"{v:.2f}"  # noqa: E731
        table.add_row(r.author, r.role, str(r.lessons), str(r.active), str(r.approvals), str(r.contradictions),
                      rate(r.approval_rate), rate(r.contradiction_rate), f"{r.trust:.2f}")
    console.print(table)

"""`alhf trace`, `alhf handoffs` and `alhf judge`: look inside turns and score the handoffs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from workflows.cli.support import (
    ConfigOption, JsonOption, Provider, console, err, fail, load, load_llm, open_runtime, open_traces,
)

__all__ = ["trace_app", "handoffs_app", "judge"]

trace_app = typer.Typer(help="Traces of every turn: a tree of timed spans.", no_args_is_help=True)
handoffs_app = typer.Typer(help="Handoff scoring: credit and blame per agent.", no_args_is_help=True)
_SHOWN = ("component", "agent", "source", "target", "stage", "kind", "tool", "query", "calls", "components", "ok",
          "attempt", "verdict", "reason", "unchecked", "note", "removed", "culprits", "rules", "changes", "rows",
          "rerouted", "replaced_lesson")


@trace_app.command("list")
def trace_list(limit: int = typer.Option(20, min=1), as_json: bool = JsonOption,
               config_path: Optional[Path] = ConfigOption) -> None:
    """Recent turns, newest first."""
    traces = open_traces(load(config_path))
    try:
        turns = traces.recent_turns(limit)
    finally:
        traces.close()
    if as_json:
        console.print_json(json.dumps(turns))
        return
    table = Table(title=f"{len(turns)} turn(s)", title_justify="left")
    for column in ("turn", "when", "mode", "request", "lessons", "ms"):
        table.add_column(column)
    for t in turns:
        table.add_row(t["id"], t["created_at"][:19], t["mode"], escape(t["request"][:60]),
                      str(len(t["applied_lessons"])), f"{t['duration_ms']:.0f}")
    console.print(table)


def _label(span: dict[str, Any]) -> str:
    attrs = span["attributes"]
    shown = ", ".join(f"{k}={attrs[k]}" for k in _SHOWN if k in attrs and attrs[k] not in (None, "", []))
    if span["name"] == "consult":
        decisions = attrs.get("decisions", [])
        shown += "; " + (", ".join(f"{d['lesson_id']} {d['score']:.2f} {'applied' if d['passed'] else 'not applied'}"
                                   for d in decisions) or "no lesson")
    if span["name"] == "retrieve_context":
        shown += "; " + ", ".join(f"{d['id']} {d['score']:.2f}" for d in attrs.get("documents", []))
    return f"[bold]{span['name']}[/] [dim]{span['duration_ms']:.1f} ms[/] {escape(shown)}"


@trace_app.command("show")
def trace_show(turn_id: str, as_json: bool = JsonOption, config_path: Optional[Path] = ConfigOption) -> None:
    """One turn as a tree: turn -> lessons consulted -> context -> plan/tool calls -> handoffs -> checkpoints."""
    traces = open_traces(load(config_path))
    try:
        turn = traces.turn(turn_id)
        spans = traces.spans(turn_id)
    finally:
        traces.close()
    if turn is None:
        fail(f"No turn {turn_id!r}: see `alhf trace list`.")
    if as_json:
        console.print_json(json.dumps({"turn": turn, "spans": spans}))
        return
    children: dict[str | None, list[dict[str, Any]]] = {}
    for sp in spans:
        children.setdefault(sp["parent_id"], []).append(sp)
    root = Tree(f"turn {turn_id} - {escape(turn['request'])}")

    def grow(node: Tree, parent: str | None) -> None:
        for sp in children.get(parent, []):
            grow(node.add(_label(sp)), sp["id"])

    grow(root, None)
    console.print(root)


@handoffs_app.command("report")
def handoffs_report(
    run: Optional[str] = typer.Option(None, "--run", help="Only turns of this batch run (or chat session)."),
    png: Path = typer.Option(Path("handoffs.png"), "--png", help="Where to write the chart."),
    as_json: bool = JsonOption,
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Score per agent pair and per agent (score, count, corrections received, trend) and a PNG chart."""
    from workflows.traces.report import handoff_report, plot_handoffs

    traces = open_traces(load(config_path))
    try:
        report = handoff_report(traces.connection, run)
    finally:
        traces.close()
    if as_json:
        console.print_json(json.dumps(report))
    else:
        _print(report)
    plot_handoffs(report, png)
    err.print(f"\nchart written to {png}")


def _fmt(value: Any, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return (f"{value:+.2f}" if signed else f"{value:.2f}") if isinstance(value, float) else str(value)


def _print(report: dict[str, Any]) -> None:
    for title, rows, extra in (("handoff", report["pairs"], "signal"), ("agent", report["agents"], "corrections_received")):
        table = Table(title=f"{title}s - {report['turns']} turn(s)", title_justify="left")
        for column in (title, "score", "heuristic", "human", "turns", "human verdicts", "trend", extra.replace("_", " ")):
            table.add_column(column)
        for name, r in rows.items():
            table.add_row(name, *[_fmt(r[k], signed=k == "trend") for k in
                                  ("score", "heuristic", "human", "turns", "human_verdicts", "trend", extra)])
        console.print(table)
    if report["llm_judge"]:
        console.print("LLM judge (1-5): " + ", ".join(f"{k} {v}" for k, v in report["llm_judge"].items()))
    else:
        console.print("[dim]No LLM-judge scores: heuristic and human signals only (run `alhf judge` with a real model).[/]")


def judge(
    run: Optional[str] = typer.Option(None, "--run", help="Only turns of this batch run (or chat session)."),
    limit: int = typer.Option(50, min=1, help="At most this many turns not judged yet."),
    provider: Optional[Provider] = typer.Option(None, case_sensitive=False, help="Override model.provider from config."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Score recorded turns with LLM-judge evaluators: intent resolution, tool call accuracy, task
    adherence, groundedness. Needs a real model; with the fake model the heuristic signals stand."""
    from agents.judge import JudgeAgent
    from workflows.traces.judging import judge_turns

    config = load(config_path, provider)
    if config.model.provider == "fake":
        fail("LLM judges need a real model (model.provider local or openai); the fake model cannot judge. "
             "The heuristic handoff signals stand without it.")
    runtime = open_runtime(config)
    try:
        judge_agent = JudgeAgent(load_llm(runtime))
        with err.status("judging turns..."):
            judged, considered = judge_turns(judge_agent, runtime.traces, runtime.store, model=config.model.provider,
                                             session_id=run, limit=limit)
        console.print(f"judged {judged} of {considered} turn(s); see `alhf handoffs report`")
    finally:
        runtime.close()

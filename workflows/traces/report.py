"""`alhf handoffs report`: handoff scores per agent pair and per agent, from heuristic and human signals."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path
from statistics import mean
from typing import Any

from workflows.review.queue import latest_verdicts
from workflows.traces.handoffs import HANDOFFS
from workflows.traces.store import accepted_final_answers, feedback_blame, handoff_score_rows, judgement_scores

__all__ = ["handoff_report", "plot_handoffs"]


def _human_signals(conn: sqlite3.Connection, turn_ids: set[str]) -> tuple[dict[tuple[str, str], float], dict[str, int]]:
    """(turn, source agent) -> human score, and corrections received per agent."""
    scores: dict[tuple[str, str], float] = {}
    blamed: dict[str, int] = defaultdict(int)

    def blame(turn_id: str, components: list[str]) -> None:
        for component in components:
            scores[(turn_id, component)] = 0.0
            blamed[component] += 1

    def credit(turn_id: str) -> None:
        for source, _ in HANDOFFS:
            scores.setdefault((turn_id, source), 1.0)

    for turn_id, components in feedback_blame(conn):
        if turn_id in turn_ids:
            blame(turn_id, components)
    for latest in latest_verdicts(conn):
        # review corrections are blamed through the feedback rows their learning wrote
        if latest["turn_id"] in turn_ids and latest["verdict"] == "approve":
            credit(latest["turn_id"])
    for turn_id in accepted_final_answers(conn) & turn_ids:
        credit(turn_id)
    return scores, dict(blamed)


def _summary(heuristic: list[float], human: list[float]) -> dict[str, Any]:
    half = len(heuristic) // 2
    trend = round(mean(heuristic[half:]) - mean(heuristic[:half]), 4) if half else None
    parts = [mean(x) for x in (heuristic, human) if x]
    return {
        "score": round(mean(parts), 4) if parts else None,
        "heuristic": round(mean(heuristic), 4) if heuristic else None,
        "human": round(mean(human), 4) if human else None,
        "turns": len(heuristic),
        "human_verdicts": len(human),
        "trend": trend,
    }


def handoff_report(conn: sqlite3.Connection, run_id: str | None = None) -> dict[str, Any]:
    rows = handoff_score_rows(conn, run_id)
    turn_ids = {r[0] for r in rows}
    human, blamed = _human_signals(conn, turn_ids)
    per_pair: dict[str, Any] = {}
    per_agent: dict[str, Any] = {}
    for source, target in HANDOFFS:
        mine = [r for r in rows if r[1] == source]
        heuristic = [r[4] for r in mine]
        verdicts = [human[(t, source)] for t in dict.fromkeys(r[0] for r in mine) if (t, source) in human]
        signal = mine[0][3] if mine else None
        per_pair[f"{source}->{target}"] = {**_summary(heuristic, verdicts), "signal": signal}
        per_agent[source] = {**_summary(heuristic, verdicts), "corrections_received": blamed.get(source, 0)}
    judge = defaultdict(list)
    for turn_id, scores in judgement_scores(conn):
        if turn_id in turn_ids:
            for name, value in scores.items():
                judge[name].append(value)
    return {
        "run": run_id,
        "turns": len(turn_ids),
        "pairs": per_pair,
        "agents": per_agent,
        "llm_judge": {name: round(mean(values), 3) for name, values in judge.items()} or None,
    }


def plot_handoffs(report: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pairs = list(report["pairs"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [3, 2]})
    width = 0.27
    for offset, key, label in ((-width, "heuristic", "heuristic signal"), (0, "human", "human verdicts"),
                               (width, "score", "combined score")):
        values = [report["pairs"][p][key] or 0 for p in pairs]
        left.bar([i + offset for i in range(len(pairs))], values, width, label=label)
    for i, pair in enumerate(pairs):
        if report["pairs"][pair]["score"] is None:
            left.text(i, 0.03, "no signal yet", ha="center", fontsize=8, color="gray")
    left.set_xticks(range(len(pairs)), [p.replace("->", " → ") for p in pairs])
    left.set_ylim(0, 1.05)
    left.set_ylabel("score (0 = dropped the ball, 1 = good handoff)")
    left.set_xlabel("handoff")
    left.set_title("Handoff scores per agent pair")
    left.legend(loc="lower right", fontsize=8)
    agents = list(report["agents"])
    right.bar(agents, [report["agents"][a]["corrections_received"] for a in agents], color="tab:red",
              label="corrections blamed on the agent")
    from matplotlib.ticker import MaxNLocator

    right.set_ylim(bottom=0, top=max(1, max(report["agents"][a]["corrections_received"] for a in agents)) * 1.15)
    right.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_ylabel("corrections received")
    right.set_xlabel("agent")
    right.set_title("Blame from human corrections")
    right.legend(loc="upper right", fontsize=8)
    fig.suptitle(f"alhf handoffs - {report['turns']} turn(s)" + (f", run {report['run']}" if report["run"] else ""))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

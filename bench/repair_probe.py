"""The repair loop alone, with a real model: the ToolPlanner replays the redo of issue 12's Q1 turn as
it ran before the change (the lesson the router wrote, the three documents retrieved, the SQL tool
described without the dialect note), so its first attempt writes EXTRACT. One run with `repair=True`:
`failed_first` is what the turn had without the repair (temperature 0), `final` what the repair made.

    PYTHONPATH=. python bench/repair_probe.py --gguf ~/.local/share/alhf/models/x.gguf --out bench/results/repair_probe.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from agents.llm import LLM
from agents.retriever import Retrieval
from agents.settings import ModelSettings
from agents.tool_planner import ToolPlannerAgent
from memory.records import Component, Lesson, LessonAction
from memory.store import DocumentHit
from workflows.workspace import load_workspace

REQUEST = "How many orders did we ship in Q1 2024?"
# as the router wrote it from the correction in the recorded "before" chat (bench/results/lessons_act_before.json)
LESSON = Lesson(component=Component.TOOL_PLANNER,
                trigger="Questions asking for counts, totals, numbers or other figures about orders",
                text="Count or sum order figures with a SQL query on the orders table instead of quoting notes.",
                action=LessonAction(prefer_tools=["sql"]))
RETRIEVED = [("shipping", 0.2972), ("wiki-revenue", 0.2558), ("support-hours", 0.2427)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gguf", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="repair-probe-"))
    workspace = load_workspace(None)
    registry = workspace.tool_registry(work)
    documents = {d.id: d for d in workspace.corpus}
    retrieval = Retrieval(REQUEST, [DocumentHit(documents[doc], score) for doc, score in RETRIEVED])
    sql = registry.tools["sql"]
    sql.description = "run one read-only SQLite SELECT. Schema: " + sql.description.split("Schema: ", 1)[1]
    planner = ToolPlannerAgent(LLM(ModelSettings(provider="local", gguf_path=args.gguf), work), registry)
    runs = []
    for repair in (True,):
        started = time.perf_counter()
        plan = planner.plan(REQUEST, retrieval, [LESSON], repair=repair)
        runs.append({
            "repair": repair, "seconds": round(time.perf_counter() - started, 1), "repair_reason": plan.repair_reason,
            "repair_reply": plan.raw if plan.repair_reason else None,
            "failed_first": [{"query": r.arguments.get("query"), "error": r.output} for r in plan.failed],
            "final": [{"query": r.arguments.get("query"), "ok": r.ok, "output": r.output} for r in plan.results],
        })
        print(json.dumps(runs[-1]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()

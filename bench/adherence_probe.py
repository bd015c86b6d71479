"""Replays the steps of a suite where a required lesson is applied, with the local model, and scores them as
`alhf eval` does (workflows/evaluation/runner.score_turn): answer checks, and adherence.

Each scenario runs in a fresh memory, step by step as the eval runs it, except that a step's feedback is
not routed again: the lessons are the ones the local router wrote, read from the router cache of
bench/gate_replay.py (`bench/results/gate-lessons/local/`), or with `--recorded` from an eval report's
`lessons_stored`. The gate decides what applies (it does not need the model); only steps where a required
lesson passed it are generated (planner, tools, writer, post-write check), so a suite costs a few model
calls per scored step. `not_here` is taught after its step, as in the eval.

    flock /tmp/alhf-llm.lock env PYTHONPATH=. python bench/adherence_probe.py scenarios/heldout-v2 \\
        --recorded bench/results/eval-heldout-v2-local-2026-11-24.json --out bench/results/adherence-heldout-v2-after.json
    flock /tmp/alhf-llm.lock env PYTHONPATH=. python bench/adherence_probe.py scenarios/tuning --only v2-vet-clinic:s8

`--only SCENARIO:STEP` (repeatable) replays single steps; `--kind tool|writer` only steps whose required
lesson belongs to the tool planner or to the writer (retriever lessons count as writer steps: they change
the documents the writer reads).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.llm import LLM  # noqa: E402
from memory.consult import LessonMemory  # noqa: E402
from memory.gate import RelevanceGate  # noqa: E402
from memory.records import Component, Lesson  # noqa: E402
from memory.settings import build_embedder, open_store  # noqa: E402
from bench.gate_replay import cached_lessons  # noqa: E402
from workflows.config import data_dir, load_config  # noqa: E402
from workflows.evaluation.runner import score_turn  # noqa: E402
from workflows.evaluation.scenarios import Scenario, load_scenarios  # noqa: E402
from workflows.turn.assistant import Assistant  # noqa: E402


def recorded_lessons(report: dict[str, Any], scenario: Scenario, step: Any) -> list[Lesson] | None:
    """The lessons an eval report says the router stored for this step's feedback."""
    for entry in report.get("scenarios", []):
        if entry["name"] != scenario.name:
            continue
        for recorded in entry["steps"]:
            if recorded["id"] == step.id and recorded.get("lessons_stored"):
                return [Lesson.model_validate({**item, "feedback_id": step.feedback.id, "author": "eval",
                                               "source_request": step.ask, "feedback_text": step.feedback.text})
                        for item in recorded["lessons_stored"]]
    return None


def _kind(turn: Any, required: set[str]) -> str:
    components = {lesson.component for lesson in turn.applied if (lesson.feedback_id or lesson.id) in required}
    return "tool" if Component.TOOL_PLANNER in components else "writer"


def _record(turn: Any, scenario: Scenario, outcome: Any, kind: str, seconds: float) -> dict[str, Any]:
    plan = turn.plan
    check = turn.answer_check
    return {
        "scenario": scenario.name, "step": outcome.step.id, "kind": kind, "ask": outcome.step.ask,
        "required": outcome.step.relevant, "applied": outcome.applied,
        "lessons": [{"component": lesson.component.value, "text": lesson.text} for lesson in turn.applied],
        "answer": outcome.answer, "answer_checks": outcome.answer_checks, "adherence": outcome.adherence,
        "expect": outcome.step.expect, "forbid": outcome.step.forbid,
        "tool_calls": [{"tool": r.tool, "arguments": r.arguments, "ok": r.ok, "output": r.output[:300],
                        "note": r.note or None} for r in plan.results],
        "failed_first": [{"arguments": r.arguments, "output": r.output[:300]} for r in plan.failed],
        "repair_reason": plan.repair_reason or None,
        "answer_check": check.attributes() if check else None,
        "regenerated": any(s.name == "regenerate" for s in turn.spans),
        "seconds": round(seconds, 1),
    }


def probe(scenarios: list[Scenario], *, llm: LLM, config: Any, embedder: Any, report: dict[str, Any] | None,
          only: set[str], kind: str | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for scenario in scenarios:
        wanted = [s for s in scenario.steps if s.relevant and (not only or f"{scenario.name}:{s.id}" in only)]
        if not wanted:
            continue
        workspace = scenario.workspace()
        store = open_store(config.memory.model_copy(update={"qdrant_url": None}), ":memory:", embedder)
        store.replace_corpus(workspace.corpus)
        memory = LessonMemory(store, RelevanceGate(config.memory.gate))
        with tempfile.TemporaryDirectory(prefix="alhf-probe-") as tmp:
            assistant = Assistant(llm=llm, memory=memory, registry=workspace.tool_registry(Path(tmp)), user="eval",
                                  governance=config.governance, tracing=True)
            for step in scenario.steps:
                if any(step.id == w.id for w in wanted):
                    gated = assistant.run_turn(step.ask, generate=False, redo_after_correction=0)  # no model call
                    required = set(step.relevant or []) & {lesson.feedback_id or lesson.id for lesson in gated.applied}
                    if required and (kind is None or _kind(gated, required) == kind):
                        started = time.perf_counter()
                        turn = assistant.run_turn(step.ask, redo_after_correction=0)
                        outcome = score_turn(step, turn, real_model=not llm.is_fake, generate=True)
                        rows.append(_record(turn, scenario, outcome, _kind(turn, required),
                                            time.perf_counter() - started))
                        row = rows[-1]
                        calls = "; ".join(f"{c['arguments'].get('query', c['arguments'])} -> "
                                          f"{c['output'][:60]!r}" for c in row["tool_calls"])
                        print(f"{scenario.name}:{step.id} [{row['kind']}] checks={row['answer_checks']} "
                              f"adherence={row['adherence']} ({row['seconds']} s) answer={row['answer'][:120]!r} "
                              f"| {calls}", flush=True)
                if step.feedback is not None and not step.feedback.quarantine:
                    lessons = (recorded_lessons(report, scenario, step) if report is not None
                               else cached_lessons("local", scenario, step))
                    if lessons is None:
                        print(f"{scenario.name}:{step.id}: no stored lessons for {step.feedback.id}; skipped",
                              file=sys.stderr)
                    else:
                        store.add_lessons([memory.screen_near_misses(lesson) for lesson in lessons])
                if step.not_here:  # scored first, then taught, as the eval does
                    assistant.learner.not_here([lesson.id for lesson in store.list_lessons()
                                                if lesson.feedback_id in step.not_here], step.ask, actor="eval")
        store.close()
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def rate(selected: list[dict[str, Any]], key: str, good: Any) -> dict[str, Any]:
        scored = [r for r in selected if r[key] is not None]
        hits = sum(r[key] == good for r in scored)
        return {"rate": round(hits / len(scored), 4) if scored else None, "hits": hits, "scored": len(scored)}

    out = {}
    for name, selected in (("all", rows), ("tool", [r for r in rows if r["kind"] == "tool"]),
                           ("writer", [r for r in rows if r["kind"] == "writer"])):
        out[name] = {"adherence": rate(selected, "adherence", True),
                     "answer_pass": rate(selected, "answer_checks", "passed")}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--recorded", type=Path, help="an `alhf eval --json` report whose lessons_stored to use")
    parser.add_argument("--only", action="append", default=[], help="SCENARIO:STEP to replay (repeatable)")
    parser.add_argument("--kind", choices=["tool", "writer"], help="only steps whose required lesson is of this kind")
    parser.add_argument("--out", type=Path, help="write the steps and the summary as JSON here")
    parser.add_argument("-c", "--config", type=Path, help="config file (default: ./config.yaml)")
    args = parser.parse_args()
    config = load_config(args.config)
    home = data_dir(config)
    llm = LLM(config.model, home / "models")
    embedder = build_embedder(config.memory, home)
    scenarios = [s for folder in args.folders for _, s in load_scenarios(folder)]
    report = json.loads(args.recorded.read_text()) if args.recorded else None
    started = time.perf_counter()
    rows = probe(scenarios, llm=llm, config=config, embedder=embedder, report=report, only=set(args.only),
                 kind=args.kind)
    result = {"model": llm.description, "folders": [str(f) for f in args.folders],
              "lessons": str(args.recorded) if args.recorded else "bench/results/gate-lessons/local",
              "seconds": round(time.perf_counter() - started, 1), "summary": summary(rows), "steps": rows}
    print(json.dumps(result["summary"], indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

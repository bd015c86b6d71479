"""Does the gate's data check (agents/data_question.py) stop data-tool lessons reaching other requests?

On held-out v2 most wrong lessons were one kind: the tool planner's "count with SQL on table X" lesson applied
to requests that share its words ("sum up what the council decided", "how many people can come to a street
event") but that no table answers. The gate's general scope check asks whether a lesson applies (sensitivity
0.47 on the tuning set); the data check asks the model a narrower question: what kind of thing does the
request ask for (figures or records, or a rule, a message, an explanation...)?

For every candidate of a gate_replay dump (`--dump`) whose lesson prefers the sql tool and that the threshold
gate let through, the probe asks the question and reports how many wrong lessons a "no" would stop and how
many right ones it would lose, and the lesson recall / false injection the gate would then have.

    python bench/gate_replay.py FOLDERS --provider local --gate threshold --dump /tmp/dump.json
    python bench/data_question_probe.py /tmp/dump.json FOLDERS --gguf PATH --json bench/results/data_question_probe.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gate_replay import build_llm, load  # noqa: E402
from scope_judge_probe import cached_lesson, recall_and_injection  # noqa: E402

from agents.data_question import DataQuestionJudge  # noqa: E402


def score(candidates: list[dict], steps: list[dict], stopped: set) -> dict:
    applied = defaultdict(set)
    for c in candidates:
        if c["passed"] and (c["scenario"], c["step"], c["component"], c["feedback_id"]) not in stopped:
            applied[(c["scenario"], c["step"])].add(c["feedback_id"])
    return {**recall_and_injection(steps, applied), "steps": len(steps),
            "required": sum(len(s["required"]) for s in steps)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--gguf", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    data = json.loads(args.dump.read_text())
    scenarios = {scenario.name: scenario for scenario in load(args.folders)}
    judge = DataQuestionJudge(build_llm("local", args.gguf))  # the shipped check (the kind of request)
    asked, stopped = [], set()
    for c in data["candidates"]:
        if not c["passed"] or c["component"] != "tool_planner":
            continue
        scenario = scenarios[c["scenario"]]
        lesson = cached_lesson(scenario, c["feedback_id"], c["component"])
        if lesson is None or "sql" not in lesson.action.prefer_tools:
            continue
        request = next(s.ask for s in scenario.steps if s.id == c["step"])
        started = time.perf_counter()
        verdict = judge(request)
        asked.append({"scenario": c["scenario"], "step": c["step"], "label": c["label"], "verdict": verdict,
                      "ms": round((time.perf_counter() - started) * 1000)})
        if verdict is False:
            stopped.add((c["scenario"], c["step"], c["component"], c["feedback_id"]))
        print(f"{'L' if c['label'] else '-'} {'Y' if verdict else ('n' if verdict is False else '?')} {request[:80]}",
              flush=True)
    ms = sorted(a["ms"] for a in asked)
    report = {
        "asked": len(asked),
        "right_lessons_kept": sum(a["label"] and a["verdict"] is not False for a in asked),
        "right_lessons": sum(a["label"] for a in asked),
        "wrong_lessons_stopped": sum(not a["label"] and a["verdict"] is False for a in asked),
        "wrong_lessons": sum(not a["label"] for a in asked),
        "no_verdict": sum(a["verdict"] is None for a in asked),
        "check_ms_p50": ms[len(ms) // 2] if ms else None,
        "gate_before": score(data["candidates"], data["steps"], set()),
        "gate_with_check": score(data["candidates"], data["steps"], stopped),
        "asked_items": asked,
    }
    print(json.dumps({k: v for k, v in report.items() if k != "asked_items"}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

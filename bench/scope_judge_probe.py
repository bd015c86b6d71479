"""How good is the gate's second-stage check (agents/scope_judge.py), and what would it do in threshold mode?

Reads a candidate dump of bench/gate_replay.py (`--dump`), asks the model's yes/no check about every
candidate whose similarity lies in [--low, --high) and that no veto already rejects, then reports the
check's agreement with the scenario labels and, for a grid of bands around each component's threshold,
what the threshold gate with that band would score (lesson recall, false injection, share of turns
that ask the model). Lessons come from gate_replay's cache of the router's lessons.

    python bench/gate_replay.py scenarios/tuning scenarios/heldout --provider local --gguf PATH \
        --gate threshold --dump /tmp/tuning-local.json
    python bench/scope_judge_probe.py /tmp/tuning-local.json scenarios/tuning scenarios/heldout \
        --gguf PATH --json bench/results/scope_judge_probe.json
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

from gate_replay import build_llm, cached_lessons, load  # noqa: E402

from agents.scope_judge import ScopeJudge  # noqa: E402
from memory.gate import GateSettings, RelevanceGate  # noqa: E402
from memory.records import Component, Lesson  # noqa: E402


def vetoed(signals: dict, settings: GateSettings) -> bool:
    """The threshold gate's vetoes, which run before any check."""
    return signals.get("document_margin", 0.0) < -settings.grounding_margin or (
        bool(signals["near_miss"]) and signals["near_miss"] > signals["similarity"])


def cached_lesson(scenario, feedback_id: str, component: str) -> Lesson | None:
    step = next(s for s in scenario.steps if s.feedback is not None and s.feedback.id == feedback_id)
    return next((lesson for lesson in cached_lessons("local", scenario, step) or [] if lesson.component.value == component),
                None)


def simulate(candidates: list[dict], steps: list[dict], verdicts: dict, settings: GateSettings,
             below: float, above: float) -> dict:
    gate = RelevanceGate(settings.model_copy(update={"band_below": below, "band_above": above}))
    applied, asked = defaultdict(set), set()
    for c in candidates:
        signals, component = c["signals"], Component(c["component"])
        if vetoed(signals, settings):
            continue
        passed = signals["similarity"] >= settings.threshold(component)
        key = (c["scenario"], c["step"], c["component"], c["feedback_id"])
        if gate.borderline(component, signals) and key in verdicts:
            passed = verdicts[key]
            asked.add((c["scenario"], c["step"]))
        if passed:
            applied[(c["scenario"], c["step"])].add(c["feedback_id"])
    return {"band_below": below, "band_above": above, **recall_and_injection(steps, applied),
            "checked_turn_share": round(len(asked) / len(steps), 3)}


def recall_and_injection(steps: list[dict], applied: dict) -> dict:
    """Lesson recall and false-injection rate of dumped `steps` when `applied` ((scenario, step) -> feedback ids)
    is what the gate let through."""
    required = sum(len(s["required"]) for s in steps)
    recalled = sum(len(set(s["required"]) & applied[(s["scenario"], s["step"])]) for s in steps)
    injected = sum(bool(applied[(s["scenario"], s["step"])] - set(s["required"])) for s in steps)
    return {"lesson_recall": round(recalled / required, 3), "false_injection_rate": round(injected / len(steps), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("folders", nargs="+", help="the scenario folders the dump was made from")
    parser.add_argument("--gguf", type=Path)
    parser.add_argument("--low", type=float, default=0.2)
    parser.add_argument("--high", type=float, default=0.62)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    data = json.loads(args.dump.read_text())
    settings = GateSettings()
    scenarios = {scenario.name: scenario for scenario in load(args.folders)}
    judge = ScopeJudge(build_llm("local", args.gguf))
    verdicts, asked = {}, []
    for c in data["candidates"]:
        if vetoed(c["signals"], settings) or not args.low <= c["signals"]["similarity"] < args.high:
            continue
        scenario = scenarios[c["scenario"]]
        lesson = cached_lesson(scenario, c["feedback_id"], c["component"])
        if lesson is None:
            continue
        request = next(s.ask for s in scenario.steps if s.id == c["step"])
        started = time.perf_counter()
        verdict = judge(request, lesson)
        asked.append({"label": c["label"], "verdict": verdict, "ms": round((time.perf_counter() - started) * 1000)})
        verdicts[(c["scenario"], c["step"], c["component"], c["feedback_id"])] = bool(verdict)
        print(f"{'L' if c['label'] else '-'} {'Y' if verdict else 'n'} {c['component']:12} {request[:70]}", flush=True)
    positives = [a for a in asked if a["label"]]
    negatives = [a for a in asked if not a["label"]]
    ms = sorted(a["ms"] for a in asked)
    report = {
        "asked": len(asked),
        "sensitivity": round(sum(bool(a["verdict"]) for a in positives) / len(positives), 3) if positives else None,
        "specificity": round(sum(not a["verdict"] for a in negatives) / len(negatives), 3) if negatives else None,
        "no_verdict": sum(a["verdict"] is None for a in asked),
        "check_ms_p50": ms[len(ms) // 2] if ms else None,
        "bands": [simulate(data["candidates"], data["steps"], verdicts, settings, below, above)
                  for below in (0.0, 0.05, 0.1, 0.2) for above in (0.0, 0.05, 0.1, 0.2)],
    }
    print(json.dumps({k: v for k, v in report.items() if k != "bands"}, indent=1))
    for row in report["bands"]:
        print(row)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

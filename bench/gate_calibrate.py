"""Calibrates the threshold gate's per-component thresholds on the tuning scenarios only.

The tuning set is scenarios/tuning, ../shared/scenarios and scenarios/support-desk.yaml (never
scenarios/heldout). Each provider's lessons come from `gate_replay`'s cache (the local model's only
for files whose routing is already cached, so a calibration never waits on the model). The suites
are replayed once with every threshold at 0, so a candidate is rejected only by what thresholds do
not decide (near-miss, tag and grounding vetoes, scope, expiry); a threshold then applies a
candidate when it passed that replay and its similarity reaches it. Every combination on a grid is
scored on the pooled steps by recall - 2 x false-injection rate (the score gate_fit uses); the best,
and how a leave-one-scenario-out choice of the same rule fares, are printed and written as JSON.

    python bench/gate_calibrate.py --provider fake --provider local --gguf PATH --json bench/results/gate_calibration.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.gate_replay import embedder, fully_cached, load, replay  # noqa: E402
from memory.gate import GateSettings  # noqa: E402
from memory.records import Component  # noqa: E402

TUNING = ["scenarios/tuning", "../shared/scenarios", "scenarios/support-desk.yaml"]
GRID = [round(0.2 + 0.02 * i, 2) for i in range(26)]  # 0.20 .. 0.70
COMPONENTS = [c.value for c in Component]


@dataclass(frozen=True)
class Step:
    """One scored step of one provider's replay, with what each threshold choice needs."""

    scenario: str
    required: frozenset[str]
    candidates: tuple[tuple[str, str, float], ...]  # (component, feedback id, similarity) of candidates no veto rejected


def collect(providers: list[str], gguf: Path | None) -> tuple[list[Step], list[str]]:
    settings = GateSettings(mode="threshold", thresholds={c: 0.0 for c in Component}, max_applied=20)
    steps: list[Step] = []
    used: list[str] = []
    for provider in providers:
        scenarios = [s for s in load(TUNING) if provider == "fake" or fully_cached(provider, s)]
        used += [f"{s.name} ({provider} router)" for s in scenarios]
        result = replay(scenarios, provider=provider, gguf=gguf, embedder=embedder(), settings=settings)
        for s in result.steps:
            kept = tuple((c.component, c.feedback_id, c.signals["similarity"]) for c in result.candidates
                         if c.scenario == s["scenario"] and c.step == s["step"] and c.passed)
            steps.append(Step(f"{provider}:{s['scenario']}", frozenset(s["required"]), kept))
    return steps, used


def evaluate(steps: list[Step], thresholds: dict[str, float]) -> dict[str, float]:
    return pooled([(thresholds, steps)])


def pooled(groups: list[tuple[dict[str, float], list[Step]]]) -> dict[str, float]:
    """Recall, false injection and score over all groups, each group decided by its own thresholds."""
    required = recalled = injected = count = 0
    for thresholds, steps in groups:
        for step in steps:
            applied = {fid for component, fid, similarity in step.candidates if similarity >= thresholds[component]}
            required += len(step.required)
            recalled += len(step.required & applied)
            injected += bool(applied - step.required)
            count += 1
    recall = recalled / required if required else 1.0
    false_injection = injected / count if count else 0.0
    return {"score": round(recall - 2 * false_injection, 4), "lesson_recall": round(recall, 4),
            "false_injection_rate": round(false_injection, 4)}


def choose(steps: list[Step]) -> dict[str, float]:
    """The best grid point; among equals, the one nearest the middle of the equals (a plateau's centre)."""
    scored = [(evaluate(steps, dict(zip(COMPONENTS, point)))["score"], point)
              for point in itertools.product(GRID, repeat=len(COMPONENTS))]
    best = max(score for score, _ in scored)
    ties = [point for score, point in scored if score >= best - 1e-9]
    centre = [sorted(p[i] for p in ties)[len(ties) // 2] for i in range(len(COMPONENTS))]
    point = min(ties, key=lambda p: sum((a - b) ** 2 for a, b in zip(p, centre)))
    return dict(zip(COMPONENTS, point))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provider", action="append", choices=["fake", "local"], help="repeatable (default: fake)")
    parser.add_argument("--gguf", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    steps, used = collect(args.provider or ["fake"], args.gguf)
    chosen = choose(steps)
    current = {c.value: GateSettings().threshold(c) for c in Component}
    left_out = []  # leave one scenario out: choose on the rest, decide the one left out with that choice
    for name in sorted({s.scenario.split(":", 1)[1] for s in steps}):
        rest = [s for s in steps if s.scenario.split(":", 1)[1] != name]
        left_out.append((name, choose(rest), [s for s in steps if s.scenario.split(":", 1)[1] == name]))
    loso = pooled([(thresholds, group) for _, thresholds, group in left_out])
    report = {
        "fitted_on": used, "steps": len(steps), "grid": [GRID[0], GRID[-1], 0.02],
        "chosen": chosen, "chosen_scores": evaluate(steps, chosen),
        "current": current, "current_scores": evaluate(steps, current),
        "leave_one_scenario_out": loso,
        "leave_one_scenario_out_choices": {name: t for name, t, _ in left_out},
    }
    print(json.dumps({k: v for k, v in report.items() if k != "leave_one_scenario_out_choices"}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""Fits the relevance gate's logistic model on the TUNING scenarios and writes memory/gate_weights.json.

The data: every (scored step, retrieved lesson) pair of a replay (bench/gate_replay.py), labelled by
the step's `relevant` list, with lessons written by each router given (the fake model always; the
local model where its routing is cached). The model: one intercept per component plus weights on
the signals of memory/gate_model.py, fitted by Newton's method with an L2 penalty. The penalty and
the weight of positive pairs are chosen by leave-one-scenario-out on the tuning files, scoring
recall - 2 x false injections (a wrong lesson in a prompt costs more than a missed one).
The held-out suites (scenarios/heldout) are never read here.

    python bench/gate_fit.py                       # fake-model lessons only
    python bench/gate_fit.py --provider local --gguf PATH   # also the local model's (cached) lessons
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gate_replay import Candidate, embedder, fully_cached, load, replay  # noqa: E402

from memory.gate import GateSettings  # noqa: E402
from memory.gate_model import SIGNALS, GateWeights  # noqa: E402
from memory.records import Component  # noqa: E402

TUNING = ["scenarios/tuning", "../shared/scenarios", "scenarios/support-desk.yaml"]
COMPONENTS = [c.value for c in Component]


def design(candidates: list[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    rows = [[float(c.component == name) for name in COMPONENTS] + [c.signals[s] for s in SIGNALS] for c in candidates]
    return np.asarray(rows, dtype=np.float64), np.asarray([c.label for c in candidates], dtype=np.float64)


def fit(x: np.ndarray, y: np.ndarray, *, l2: float, positive_weight: float) -> np.ndarray:
    """Weighted, L2-penalised logistic regression (intercepts, the first columns, are not penalised)."""
    w = np.zeros(x.shape[1])
    sample = np.where(y > 0, positive_weight, 1.0)
    penalty = np.full(x.shape[1], l2)
    penalty[: len(COMPONENTS)] = 1e-6
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (sample * (p - y)) + penalty * w
        hess = (x * (sample * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w


def step_score(candidates: list[Candidate], w: np.ndarray) -> tuple[int, int, int, int]:
    """(required, recalled, steps, steps with a false injection) if the gate used weights `w`."""
    x, _ = design(candidates)
    nearer_a_near_miss = np.array([0 < c.signals["near_miss"] and c.signals["similarity"] < c.signals["near_miss"]
                                   for c in candidates])  # the gate's near-miss rule (GateSettings.near_miss_rule)
    passed = ((x @ w) >= 0.0) & ~nearer_a_near_miss
    steps: dict[tuple[str, str], list[tuple[Candidate, bool]]] = {}
    for c, ok in zip(candidates, passed):
        steps.setdefault((c.scenario, c.step), []).append((c, bool(ok)))
    required = recalled = injected = 0
    for pairs in steps.values():
        required += sum(c.label for c, _ in pairs)
        recalled += sum(c.label and ok for c, ok in pairs)
        injected += any(ok and not c.label for c, ok in pairs)
    return required, recalled, len(steps), injected


def choose(candidates: list[Candidate]) -> tuple[float, float, float]:
    """The (l2, positive_weight) with the best leave-one-scenario-out score, and that score."""
    scenarios = sorted({c.scenario for c in candidates})
    best = (-1e9, 1.0, 1.0)
    for l2 in (0.01, 0.1, 1.0):
        for positive_weight in (1.0, 2.0, 3.0):
            required = recalled = steps = injected = 0
            for held in scenarios:
                train = [c for c in candidates if c.scenario != held]
                test = [c for c in candidates if c.scenario == held]
                w = fit(*design(train), l2=l2, positive_weight=positive_weight)
                r, h, s, i = step_score(test, w)
                required, recalled, steps, injected = required + r, recalled + h, steps + s, injected + i
            score = recalled / max(required, 1) - 2 * injected / max(steps, 1)
            if score > best[0]:
                best = (score, l2, positive_weight)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provider", action="append", choices=["fake", "local"], help="routers whose lessons to use")
    parser.add_argument("--gguf", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "memory" / "gate_weights.json")
    args = parser.parse_args()
    providers = args.provider or ["fake"]
    scenarios = load(TUNING)
    emb = embedder()
    candidates: list[Candidate] = []
    used: list[str] = []
    for provider in providers:
        routed = [s for s in scenarios if provider == "fake" or fully_cached(provider, s)]  # never wait on a model here
        used += [f"{s.name} ({provider} router)" for s in routed]
        result = replay(routed, provider=provider, gguf=args.gguf, embedder=emb, settings=GateSettings(mode="threshold"))
        candidates += [Candidate(**{**vars(c), "scenario": f"{provider}:{c.scenario}"}) for c in result.candidates]
    score, l2, positive_weight = choose(candidates)
    w = fit(*design(candidates), l2=l2, positive_weight=positive_weight)
    weights = GateWeights(
        signals=list(SIGNALS), weights=[round(float(v), 4) for v in w[len(COMPONENTS):]],
        intercepts={Component(name): round(float(v), 4) for name, v in zip(COMPONENTS, w[: len(COMPONENTS)])},
        fitted_on=[str(s) for s in TUNING] + used,
        pairs=len(candidates), produced_by=f"bench/gate_fit.py (l2 {l2}, positive weight {positive_weight}, "
                                          f"leave-one-scenario-out score {score:.3f})",
    )
    args.out.write_text(json.dumps(weights.model_dump(mode="json"), indent=1) + "\n")
    required, recalled, steps, injected = step_score(candidates, w)
    print(f"{len(candidates)} pairs; l2 {l2}, positive weight {positive_weight}; LOSO score {score:.3f}; "
          f"on all tuning pairs: recall {recalled}/{required}, false injection {injected}/{steps}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

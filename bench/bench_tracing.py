"""Tracing overhead per turn: the fake model, the demo workspace, real MiniLM embeddings, SQLite traces.

Runs the same requests with tracing on (span tree recorded and written to alhf.db) and off (the turn
row and handoff scores are still written), alternating blocks so drift hits both equally.

Usage:  .venv/bin/python bench/bench_tracing.py [--turns 300] [--json PATH]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import structlog  # noqa: E402

from workflows.config import AppConfig  # noqa: E402
from workflows.runtime import Runtime  # noqa: E402

REQUESTS = [
    "How long does express shipping take?", "What is our refund window?", "What was the total revenue in Q1 2024?",
    "How do I group orders by week in SQL?", "When is the support desk open?", "Is accidental damage covered?",
    "How many tickets are open?", "Where does refund money go?",
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300, help="turns per setting")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    with tempfile.TemporaryDirectory(prefix="alhf-bench-tracing-") as tmp:
        os.environ["ALHF_HOME"] = tmp
        config = AppConfig.model_validate({"model": {"provider": "fake"}})
        runtime = Runtime.open(config)
        llm = runtime.llm()
        on = runtime.assistant(llm, user="bench")
        off = runtime.assistant(llm, user="bench")
        off.tracing = False
        samples: dict[str, list[float]] = {"on": [], "off": []}
        for request in REQUESTS:  # warm-up
            on.run_turn(request)
            off.run_turn(request)
        block = 20
        for start in range(0, args.turns, block):
            for label, assistant in (("on", on), ("off", off)):
                for i in range(start, min(start + block, args.turns)):
                    t0 = time.perf_counter()
                    assistant.run_turn(REQUESTS[i % len(REQUESTS)])
                    samples[label].append((time.perf_counter() - t0) * 1000)
        spans = runtime.traces.connection.execute("SELECT COUNT(*) FROM spans").fetchone()[0]
        runtime.close()
    result = {label: {"p50_ms": round(statistics.median(v), 3), "p95_ms": round(pct(v, 0.95), 3),
                      "mean_ms": round(statistics.mean(v), 3), "n": len(v)} for label, v in samples.items()}
    result["overhead_p50_ms"] = round(result["on"]["p50_ms"] - result["off"]["p50_ms"], 3)
    result["spans_per_traced_turn"] = round(spans / (args.turns + len(REQUESTS)), 1)
    print(f"tracing on : p50 {result['on']['p50_ms']:.2f} ms  p95 {result['on']['p95_ms']:.2f} ms")
    print(f"tracing off: p50 {result['off']['p50_ms']:.2f} ms  p95 {result['off']['p95_ms']:.2f} ms")
    print(f"overhead p50: {result['overhead_p50_ms']:.2f} ms per turn, {result['spans_per_traced_turn']} spans a turn")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

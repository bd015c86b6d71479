"""Interactive speed with the default local model: a turn and a learned correction, per prompt-cache mode.

Each mode runs in its own process (fresh model contexts) on the demo workspace, in a temporary data dir:
five turns and three corrections in the order a person would give them. Reported per mode: model load,
every turn and every correction (routing + lesson) in seconds, and their medians.

Usage:  .venv/bin/python bench/bench_llm.py [--modes per_role ram off] [--json bench/results/llm.json]
        .venv/bin/python bench/bench_llm.py --one-mode per_role   (what each child process runs)
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TURNS = [
    "How long does express shipping take?",
    "What was our total revenue in Q1 2024?",
    "How many orders did we ship in Q1 2024?",
    "Can a customer get a refund three weeks after buying?",
    "Write a query that counts orders per week number of order_date.",
]
CORRECTIONS = {  # index of the turn corrected -> the correction
    1: "Never take revenue from the wiki; compute it with a SQL query on the orders table.",
    4: "We are on PostgreSQL. Use EXTRACT(WEEK FROM order_date), never WEEKOFYEAR().",
    0: "Give shipping times in business days.",
}


def one_mode(mode: str) -> dict:
    import structlog

    from workflows.config import AppConfig
    from workflows.runtime import Runtime

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    with tempfile.TemporaryDirectory(prefix="alhf-bench-llm-") as home:
        os.environ["ALHF_HOME"] = home
        config = AppConfig()
        config.model.prompt_cache = mode  # type: ignore[assignment]
        config.model.gguf_path = Path.home() / ".local/share/alhf/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
        runtime = Runtime.open(config)
        try:
            started = time.perf_counter()
            llm = runtime.llm()
            assistant = runtime.assistant(llm, user="bench")
            assistant.tool_planner.complete([{"role": "user", "content": "hi"}])  # loads the model
            load_s = time.perf_counter() - started
            turns, corrections = [], []
            for index, request in enumerate(TURNS):
                t0 = time.perf_counter()
                result = assistant.run_turn(request)
                turns.append(round(time.perf_counter() - t0, 2))
                if index in CORRECTIONS:
                    t0 = time.perf_counter()
                    assistant.learn(CORRECTIONS[index], result)
                    corrections.append(round(time.perf_counter() - t0, 2))
        finally:
            runtime.close()
    return {"mode": mode, "model_load_s": round(load_s, 2), "turn_s": turns, "correction_s": corrections,
            "turn_p50_s": statistics.median(turns), "correction_p50_s": statistics.median(corrections)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", default=["per_role", "ram", "off"])
    parser.add_argument("--one-mode")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.one_mode:
        print(json.dumps(one_mode(args.one_mode)))
        return
    rows = []
    for mode in args.modes:
        out = subprocess.run([sys.executable, __file__, "--one-mode", mode], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": f"{os.cpu_count()} cores", "rows": rows}, indent=2))


if __name__ == "__main__":
    main()

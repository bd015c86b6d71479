"""How fast commands start: `alhf --help` and the listing commands on a small store, median of N runs.

Each command runs as a user would run it (a new process: .venv/bin/alhf ...) against a temporary data
dir holding a finished 20-task batch (fake model, so only start-up and the listing are timed).

Usage:  .venv/bin/python bench/bench_cli.py [--runs 7] [--json bench/results/cli.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ALHF = [sys.executable, "-m", "workflows"]
COMMANDS = {
    "alhf --help": ["--help"],
    "alhf trace list": ["trace", "list"],
    "alhf review list": ["review", "list"],
    "alhf memory list": ["memory", "list"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alhf-bench-cli-") as tmp:
        config = Path(tmp) / "config.yaml"
        config.write_text("model: {provider: fake}\nmemory: {embedder: minilm}\n")
        tasks = Path(tmp) / "tasks.jsonl"
        tasks.write_text("".join(json.dumps({"id": f"t{i}", "request": f"How long does shipping take? {i}"}) + "\n"
                                 for i in range(20)))
        env = {**os.environ, "ALHF_HOME": str(Path(tmp) / "home"), "HF_HUB_OFFLINE": "1"}
        subprocess.run([*ALHF, "batch", "run", str(tasks), "-c", str(config)], env=env, check=True,
                       capture_output=True)
        rows = []
        for name, argv in COMMANDS.items():
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                subprocess.run([*ALHF, *argv, *([] if argv == ["--help"] else ["-c", str(config)])], env=env,
                               check=True, capture_output=True)
                times.append(time.perf_counter() - started)
            rows.append({"command": name, "median_s": round(statistics.median(times), 3),
                         "min_s": round(min(times), 3), "runs": args.runs})
            print(json.dumps(rows[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": f"{os.cpu_count()} cores", "rows": rows}, indent=2))


if __name__ == "__main__":
    main()

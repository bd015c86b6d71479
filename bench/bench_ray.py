"""Batch throughput, threads vs Ray actors (issue 15): `alhf batch run --engine threads|ray --workers N` against
one running `alhf serve` (the shared memory both engines read), the fake model with a set delay per call
standing in for a model server, on a local Ray cluster on this machine.

    .venv/bin/python bench/bench_ray.py --tasks 200 --workers 1 2 4 8 --delay-ms 200 \
        --json bench/results/ray_batch.json

Each run is a new `alhf batch run` process on a new tasks file in one data dir. Reported per run: the wall
time of the command (start-up included: Python imports, the model, and for Ray the cluster and its actors),
and the steady rate: items stored per second between the first and the last item. Ray's cluster is
started by each run (in its own RAY_TMPDIR) and whatever it leaves is stopped after it."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import api_token, log, machine, served  # noqa: E402
from workflows.review.ray_engine import stop_local_cluster  # noqa: E402

REQUESTS = ["How long does express shipping take?", "What was our total revenue in Q1 2024?",
            "Can a customer get a refund three weeks after buying?", "Which carrier do we use for Canada?"]


def _alhf(*args: str, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workflows", *args], env=env, input=stdin, text=True,
                          capture_output=True)


def _steady_rate(db: Path, tasks_path: Path) -> tuple[float, int]:
    import sqlite3

    conn = sqlite3.connect(db)
    run = conn.execute("SELECT id FROM runs WHERE tasks_path = ?", (str(tasks_path.resolve()),)).fetchone()[0]
    stamps = sorted(datetime.fromisoformat(r[0]) for r in
                    conn.execute("SELECT created_at FROM review_items WHERE run_id = ?", (run,)))
    conn.close()
    span = (stamps[-1] - stamps[0]).total_seconds() if len(stamps) > 1 else 0.0
    return ((len(stamps) - 1) / span if span else 0.0), len(stamps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--engines", nargs="+", default=["threads", "ray"], choices=["threads", "ray"])
    parser.add_argument("--delay-ms", type=int, default=200, help="the fake model's delay per call")
    parser.add_argument("--embedder", default="hashing", help="hashing (default here) or minilm")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="alhf-bench-ray-"))
    config = work / "config.yaml"
    config.write_text(f"model: {{provider: fake, fake_delay_ms: {args.delay_ms}}}\n"
                      f"memory: {{embedder: {args.embedder}}}\ngovernance: {{people: {{bench: admin}}}}\n")
    env = {**os.environ, "ALHF_HOME": str(work / "home"), "HF_HUB_OFFLINE": "1", "COLUMNS": "400",
           "RAY_TMPDIR": tempfile.mkdtemp(prefix="alhfray", dir="/tmp")}
    env["ALHF_TOKEN"] = api_token(config, env, role="admin")
    results = []
    with served(config, env):
        for workers in args.workers:
            for engine in args.engines:
                tasks = work / f"tasks-{engine}-{workers}.jsonl"
                tasks.write_text("".join(json.dumps({"id": f"t{i}", "request": f"{REQUESTS[i % 4][:-1]} (case {i})?"})
                                         + "\n" for i in range(args.tasks)))
                log(f"{engine} x {workers}: {args.tasks} tasks ...")
                load = os.getloadavg()[0]
                t0 = time.perf_counter()
                done = _alhf("batch", "run", str(tasks), "--engine", engine, "--workers", str(workers),
                             "-c", str(config), env=env)
                wall = time.perf_counter() - t0
                if engine == "ray":
                    stop_local_cluster(env["RAY_TMPDIR"])  # anything the run left behind, and only that
                if done.returncode != 0:
                    log(done.stdout[-2000:] + done.stderr[-2000:])
                rate, stored = _steady_rate(work / "home" / "alhf.db", tasks)
                row = {"engine": engine, "workers": workers, "tasks": args.tasks, "stored": stored,
                       "exit": done.returncode, "wall_s": round(wall, 1), "tasks_per_s_wall": round(stored / wall, 2),
                       "tasks_per_s_steady": round(rate, 2), "load_before": round(load, 2),
                       "placement": next((line for line in done.stdout.splitlines() if "Ray worker" in line), "")}
                log(json.dumps(row))
                results.append(row)
    out = {"delay_ms": args.delay_ms, "embedder": args.embedder, "machine": machine(), "runs": results}
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()

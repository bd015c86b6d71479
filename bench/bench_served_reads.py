"""How many memory reads a second one `alhf serve` answers (issue 15's paper estimate): client threads
send lesson searches (`POST /api/store/query`, as memory/remote.py does on every consult) for a fixed time.

    .venv/bin/python bench/bench_served_reads.py --lessons 1000 --clients 1 4 16 --seconds 10 \
        --json bench/results/served_reads.json

The server runs in its own process on this machine (hashing embedder, Edge store with `--lessons`
lessons per component); the clients are threads of this process using workflows.server.client."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import api_token, log, machine, served, summary  # noqa: E402


def _fill(config: Path, lessons: int) -> None:
    from memory.records import Component, Lesson
    from workflows.config import load_config
    from workflows.runtime import Runtime

    runtime = Runtime.open(load_config(config))
    try:
        for component in Component:
            runtime.store.add_lessons([Lesson(component=component, text=f"Lesson {i} about topic {i % 97}.",
                                              trigger=f"requests about topic {i % 97} case {i}") for i in range(lessons)])
        runtime.store.optimize()
    finally:
        runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=1000, help="lessons per component")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="alhf-bench-reads-"))
    config = work / "config.yaml"
    config.write_text("model: {provider: fake}\nmemory: {embedder: hashing}\ngovernance: {people: {bench: admin}}\n")
    os.environ.update({"ALHF_HOME": str(work / "home"), "HF_HUB_OFFLINE": "1"})
    log(f"filling {args.lessons} lessons per component ...")
    _fill(config, args.lessons)
    env = dict(os.environ)
    token = api_token(config, env, role="viewer")
    from memory.embedding import HashingEmbedder
    from workflows.server.client import ServerClient

    vectors = [list(map(float, v)) for v in HashingEmbedder().embed([f"a request about topic {i}" for i in range(50)])]
    results = []
    with served(config, env) as port:
        client = ServerClient(f"http://127.0.0.1:{port}", token)
        for clients in args.clients:
            latencies: list[float] = []
            lock = threading.Lock()
            stop = time.perf_counter() + args.seconds

            def loop(n: int) -> None:
                mine, i = [], n
                while time.perf_counter() < stop:
                    t0 = time.perf_counter()
                    client.read_store("query", {"collection": "alhf_lessons_writer", "vector": vectors[i % 50],
                                                "limit": 8, "where": {"status": "active"}})
                    mine.append((time.perf_counter() - t0) * 1000)
                    i += 1
                with lock:
                    latencies.extend(mine)

            load = os.getloadavg()[0]
            threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            row = {"clients": clients, "reads_per_s": round(len(latencies) / args.seconds, 1),
                   "latency": summary(latencies), "load_before": round(load, 2)}
            log(json.dumps(row))
            results.append(row)
    out = {"lessons_per_component": args.lessons, "machine": machine(), "runs": results}
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Latency benchmark of alhf's lesson memory.

Two measurements:

1. **memory consult of one turn** - what `Assistant._attempt` does before any agent runs: embed the
   request with the real `MiniLMEmbedder` (int8 ONNX, offline), then `LessonMemory.consult` for each of
   the three components (Qdrant query with the status/project filter, then the relevance gate). Measured
   with N lessons per component (default 1,000 and 10,000) in a Qdrant *local-mode store on disk*
   (`MemoryStore.open(tmp/"qdrant", ...)`), over a set of varied requests; p50 / p95 in ms.
   The embed time and each component's consult time are also reported separately.

2. **full turn with the fake model** - `Assistant.run_turn(request)` with
   `LLM(ModelSettings(provider="fake"))` on the demo workspace (corpus + SQLite tools), memory on vs
   memory off (`LessonMemory(..., enabled=False)`), with ~1,000 lessons per component stored.

How the stores are filled (the choices behind the numbers)
----------------------------------------------------------
* Embedding 30,000+ trigger texts with MiniLM on 2 cores would take several minutes (about 4.5 ms a
  text in batches, and each lesson has 2 trigger texts), so the fill does NOT embed every text. A pool
  of 500 real requests (demo-shop topics) is embedded once with MiniLM; each synthetic lesson is built on
  one pool entry, and while filling, the store's embedder is swapped for `PoolNoiseEmbedder`, which
  returns that entry's real MiniLM vector plus small Gaussian noise (sigma 0.03 per dimension, about
  cos 0.86 to the base; seeded from the text, so deterministic), L2-normalised. The real embedder is put
  back before anything is measured: every measured request is embedded by MiniLM for real.
* Lessons look like the ones the feedback router makes: trigger "Requests like: <request>", one example
  request (so 2 Qdrant points per lesson: 10,000 lessons = 20,000 points per collection), status
  active, project "default"; some carry actions (prefer/avoid documents or tools, query expansions).
* Lessons go in through the public `MemoryStore.add_lessons`, in batches of 500, so the payloads are
  exactly the library's (new lessons are inserted without the delete scan that `replace=True` does).
  The cost of learning one lesson and of `delete_lesson` are measured separately at each size.
* A diagnostic splits the Qdrant query: `query_points` on one lesson collection with the store's
  status/project filter vs the same query without a filter ("qdrant query, filtered / no filter").
* Qdrant local mode persists every point in its own SQLite transaction (a commit, so an fsync, per
  point: ~6 ms each on this machine's disk, i.e. ~6 min for 60,000 points). So the fill is written to a
  local-mode folder on tmpfs (/dev/shm, when there is one), which is then closed and copied to a folder
  on disk; the measured store is `MemoryStore.open(<disk folder>)` on that copy. Queries never write, so
  where the fill was written does not change them; the time to open the store (local mode loads every
  point into memory) is reported as "open store", and "learn 1 lesson" writes to the disk store.
* The gate uses the calibrated thresholds from config.yaml (falls back to `GateSettings()`).
* OpenBLAS threads are pinned to 1 (OPENBLAS_NUM_THREADS=1, set before numpy loads; `--blas-threads
  default` leaves numpy's default). Qdrant local mode scores with a numpy matrix-vector product; with
  the default OpenBLAS pool, a worker thread busy-waits between those calls and burns a second core for
  the whole consult loop. On this 2-vCPU VM that made runs bimodal: the same consult took ~80 ms or
  ~170 ms per turn at 1k lessons depending on the process (every function ~2x slower, as if the
  spinning thread shared the physical core). With 1 BLAS thread the figures are stable.
* Turns run with `traces=None` (no SQLite trace writes) and structlog filtered to WARNING, so the
  per-turn log line is not printed (nor timed).
* On a shared machine wall times follow the other users' load: the load averages are recorded before
  and after each measurement, and each turn's process CPU time (all threads: Edge's search pool and
  onnxruntime's included) is recorded next to its wall time.

Usage:  .venv/bin/python bench/bench_memory.py [--sizes 1000 10000] [--requests 200] [--repeats 1]
            [--turn-lessons 1000] [--turn-requests 100] [--blas-threads 1|default] [--json PATH]
"""

from __future__ import annotations

import os
import sys


def _blas_threads_arg(argv: list[str]) -> str:
    """--blas-threads must act before numpy is imported, so it is read here, ahead of argparse."""
    for i, arg in enumerate(argv):
        if arg == "--blas-threads" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--blas-threads="):
            return arg.split("=", 1)[1]
    return "1"


os.environ["HF_HUB_OFFLINE"] = "1"  # the model is local; never ask a hub
BLAS_THREADS = _blas_threads_arg(sys.argv[1:])
if BLAS_THREADS != "default":
    os.environ["OPENBLAS_NUM_THREADS"] = BLAS_THREADS

import argparse
import contextlib
import json
import logging
import shutil
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from memory.consult import LessonMemory  # noqa: E402
from memory.embedding import MiniLMEmbedder  # noqa: E402
from memory.gate import GateSettings, RelevanceGate  # noqa: E402
from memory.records import Component, Lesson  # noqa: E402
from memory.store import MemoryStore  # noqa: E402

from bench.common import load_average, log, machine, summary, versions  # noqa: E402
from bench.memory_table import print_table  # noqa: E402
from bench_fill import PoolNoiseEmbedder, fill_store, make_requests  # noqa: E402  (bench/ is sys.path[0])

DEFAULT_BACKEND = "edge"  # memory.backend's default in memory/settings.py


def grow_and_open(fill_dir: Path, disk_dir: Path, embedder: MiniLMEmbedder, fill: PoolNoiseEmbedder, have: int,
                  want: int, pool_texts: list[str], seed: int, backend: str) -> tuple[MemoryStore, dict]:
    """Grow the fill store (tmpfs) from `have` to `want` lessons per component, copy it to `disk_dir`,
    and open the copy. Returns the open disk store and the fill / copy / open times.

    Edge: the fill is a bulk import, so its automatic index builds are held back and `optimize()`
    runs once at the end (what `alhf memory import` / `migrate` do); its time is `optimize_s`."""
    fill_store_ = MemoryStore.open(fill_dir, embedder=embedder, backend=backend)
    optimize_s = 0.0
    try:
        if backend == "edge":
            fill_store_.backend.optimize_every = 10**9
        fill_s = fill_store(fill_store_, fill, have, want, pool_texts, seed)
        t0 = time.perf_counter()
        fill_store_.optimize()
        optimize_s = time.perf_counter() - t0
    finally:
        fill_store_.close()
    t0 = time.perf_counter()
    if disk_dir.exists():
        shutil.rmtree(disk_dir)
    shutil.copytree(fill_dir, disk_dir, ignore=shutil.ignore_patterns(".lock"))
    copy_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    store = MemoryStore.open(disk_dir, embedder=embedder, backend=backend)
    open_s = time.perf_counter() - t0
    return store, {"fill_s": round(fill_s, 1), "optimize_s": round(optimize_s, 1), "copy_s": round(copy_s, 1),
                   "open_store_s": round(open_s, 3)}

# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


def bench_consult(memory: LessonMemory, embedder: MiniLMEmbedder, requests: list[str], repeats: int,
                  warmup: int = 5) -> dict:
    """A turn's consult as the pipeline makes it: the request's embed, then `consult_many` over the three
    components (one search on Edge, then each component's gate)."""
    for request in requests[:warmup]:
        memory.consult_many(Component, embedder.embed([request])[0], user="bench")
    total, embed_ms, consult_ms = [], [], []
    retrieved = applied = 0
    for _ in range(repeats):
        for request in requests:
            t0 = time.perf_counter()
            vector = embedder.embed([request])[0]
            t1 = time.perf_counter()
            embed_ms.append((t1 - t0) * 1000)
            for consultation in memory.consult_many(Component, vector, user="bench").values():
                retrieved += len(consultation.decisions)
                applied += len(consultation.applied)
            t2 = time.perf_counter()
            consult_ms.append((t2 - t1) * 1000)
            total.append((t2 - t0) * 1000)
    turns = len(total)
    return {
        "turn": summary(total),
        "embed": summary(embed_ms),
        "consult_three": summary(consult_ms),
        "avg_retrieved_per_turn": round(retrieved / turns, 2),
        "avg_applied_per_turn": round(applied / turns, 2),
    }


def bench_learn(store: MemoryStore, count: int = 5) -> dict:
    """The real paths of learning one lesson (add_lesson: MiniLM embed + filtered delete + upsert,
    persisted on disk) and of forgetting it (delete_lesson: filtered scrolls + filtered delete)."""
    learn, forget, lessons = [], [], []
    for i in range(count):
        lesson = Lesson(component=Component.WRITER, text="Answer in two short bullet points.",
                        trigger=f"Requests like: summarize the refund rules for case {i}",
                        trigger_examples=[f"Summarize the refund rules for case {i}"], author="bench")
        t0 = time.perf_counter()
        store.add_lesson(lesson)
        learn.append((time.perf_counter() - t0) * 1000)
        lessons.append(lesson)
    for lesson in lessons:
        t0 = time.perf_counter()
        store.delete_lesson(lesson.id)
        forget.append((time.perf_counter() - t0) * 1000)
    return {"learn_one": summary(learn), "forget_one": summary(forget)}


def bench_raw_query(store: MemoryStore, embedder: MiniLMEmbedder, requests: list[str], count: int = 20) -> dict:
    """Diagnostic: the backend's query on the writer collection with the store's filter vs without one, and
    without one returning ids and scores only (what `search_lessons` asks for)."""
    name = store.lesson_collection(Component.WRITER)
    vectors = embedder.embed(requests[:count])
    out = {}
    for label, where, payload in (("filtered", {"status": "active", "project": "default"}, True),
                                  ("no_filter", None, True), ("no_filter_ids_only", None, False)):
        samples = []
        for vector in vectors:
            t0 = time.perf_counter()
            store.backend.query(name, vector.tolist(), 20, where, with_payload=payload)
            samples.append((time.perf_counter() - t0) * 1000)
        out[label] = summary(samples)
    return out


def turn_consult_ms(spans: list) -> float:
    """A turn's consult (the request's embed + the three components' consults), from its spans."""
    return sum(s.duration_ms for s in spans if s.name in ("embed_request", "retrieve_lessons"))


def bench_turns(args: argparse.Namespace, tmp: Path, fill_root: Path, embedder: MiniLMEmbedder,
                fill: PoolNoiseEmbedder, pool_texts: list[str], gate: GateSettings, backend: str) -> dict:
    from agents.llm import LLM
    from agents.settings import ModelSettings
    from workflows.turn import Assistant
    from workflows.workspace import load_workspace

    workspace = load_workspace(None)
    store, times = grow_and_open(fill_root / f"turn-{backend}", tmp / f"turn-{backend}", embedder, fill, 0,
                                 args.turn_lessons, pool_texts, args.seed, backend)
    try:
        store.replace_corpus(workspace.corpus)
        llm = LLM(ModelSettings(provider="fake"), tmp / "models")
        registry = workspace.tool_registry(tmp / "workspaces")
        requests = make_requests(args.turn_requests, args.seed + 2)
        out: dict = {"backend": backend, "default": backend == DEFAULT_BACKEND,
                     "lessons_per_component": args.turn_lessons, **times,
                     "workspace": workspace.name, "tools": registry.names()}
        # Memory off and on alternate request by request, so both see the same machine load.
        assistants = {label: Assistant(llm=llm, memory=LessonMemory(store, RelevanceGate(gate), enabled=enabled),
                                       registry=registry, traces=None, user="bench")
                      for label, enabled in (("memory_off", False), ("memory_on", True))}
        samples: dict[str, list[float]] = {label: [] for label in assistants}
        cpu: dict[str, list[float]] = {label: [] for label in assistants}  # process CPU time, every thread
        applied = dict.fromkeys(assistants, 0)
        consult_ms: list[float] = []  # memory on: the turn's own embed + 3 consults, from its spans
        for request in requests[:5]:
            for assistant in assistants.values():
                assistant.run_turn(request)
        out["load_avg_before"] = load_average()
        for _ in range(args.repeats):
            for request in requests:
                for label, assistant in assistants.items():
                    t0, c0 = time.perf_counter(), time.process_time()
                    result = assistant.run_turn(request)
                    samples[label].append((time.perf_counter() - t0) * 1000)
                    cpu[label].append((time.process_time() - c0) * 1000)
                    applied[label] += len(result.applied)
                    if label == "memory_on":
                        consult_ms.append(turn_consult_ms(result.spans))
        out["load_avg_after"] = load_average()
        for label in assistants:
            out[label] = summary(samples[label]) | {"avg_applied_per_turn": round(applied[label] / len(samples[label]), 2),
                                                    "cpu": summary(cpu[label])}
            log(f"  turn {label}: p50 {out[label]['p50_ms']:.1f} ms  p95 {out[label]['p95_ms']:.1f} ms  "
                f"(CPU p50 {out[label]['cpu']['p50_ms']:.1f} ms)")
        out["consult_in_turn"] = summary(consult_ms)
        out["consult_p50_ms"], out["consult_p95_ms"] = out["consult_in_turn"]["p50_ms"], out["consult_in_turn"]["p95_ms"]
        out["overhead_p50_ratio"] = round(out["memory_on"]["p50_ms"] / out["memory_off"]["p50_ms"], 2)
        # CPU time is what the turn itself used: less distorted by other processes than wall time on a busy machine
        out["overhead_cpu_p50_ratio"] = round(out["memory_on"]["cpu"]["p50_ms"] / out["memory_off"]["cpu"]["p50_ms"], 2)
        return out
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def gate_settings() -> GateSettings:
    with contextlib.suppress(Exception):
        from workflows.config import load_config
        return load_config(ROOT / "config.yaml").memory.gate
    return GateSettings()


def size_plan(args: argparse.Namespace) -> list[tuple[str, int, int]]:
    """(backend, size, lessons already in its fill store) in run order; each backend's store grows."""
    plan = []
    for backend in args.backends:
        have = 0
        for size in sorted(set(args.sizes)):
            if backend == "qdrant_local" and size > args.local_max:
                continue
            plan.append((backend, size, have))
            have = size
    return plan


def measure_store(store: MemoryStore, backend: str, size: int, times: dict, folder: Path, embedder: MiniLMEmbedder,
                  requests: list[str], gate: GateSettings, args: argparse.Namespace) -> dict:
    points = store.backend.count(store.lesson_collection(Component.WRITER))
    log(f"[{backend}] {size:,} lessons/component ({points:,} points/collection): filled in "
        f"{times['fill_s']:.1f} s, disk store opened in {times['open_store_s']:.2f} s; measuring")
    entry = {"backend": backend, "default": backend == DEFAULT_BACKEND, "lessons_per_component": size,
             "points_per_collection": points, **times, "load_avg_before": load_average()}
    entry |= bench_consult(LessonMemory(store, RelevanceGate(gate)), embedder, requests, args.repeats)
    entry["qdrant_query"] = bench_raw_query(store, embedder, requests)
    entry |= bench_learn(store)
    entry["load_avg_after"] = load_average()
    entry["consult_p50_ms"] = entry["turn"]["p50_ms"]
    entry["consult_p95_ms"] = entry["turn"]["p95_ms"]
    entry["disk_mb"] = round(sum(f.stat().st_blocks * 512 for f in folder.rglob("*") if f.is_file()) / 2**20, 1)  # allocated, not apparent (Edge preallocates sparse WAL files)
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000], help="lessons per component")
    parser.add_argument("--backends", nargs="+", default=["qdrant_local", "edge"], choices=["qdrant_local", "edge"])
    parser.add_argument("--local-max", type=int, default=10000,
                        help="largest size run on qdrant_local (it loads every point on open: 100k takes many minutes)")
    parser.add_argument("--requests", type=int, default=200, help="distinct requests for the consult benchmark")
    parser.add_argument("--repeats", type=int, default=1, help="timed passes over the request set")
    parser.add_argument("--turn-lessons", type=int, default=10000, help="lessons per component for the turn benchmark")
    parser.add_argument("--turn-requests", type=int, default=100, help="requests for the turn benchmark (0 skips it)")
    parser.add_argument("--pool", type=int, default=500, help="real MiniLM vectors the fill lessons are built on")
    parser.add_argument("--embedder-threads", type=int, default=1, help="MiniLMEmbedder threads (config default 1)")
    parser.add_argument("--blas-threads", default="1",
                        help="OPENBLAS_NUM_THREADS for this run ('default': leave numpy's own setting)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)

    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger("autogen").setLevel(logging.ERROR)

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="alhf-bench-"))  # on disk: the measured stores
    shm = Path("/dev/shm")
    fill_root = Path(tempfile.mkdtemp(prefix="alhf-bench-fill-", dir=shm if shm.is_dir() else tmp))
    caught: list[str] = []
    try:
        t0 = time.perf_counter()
        embedder = MiniLMEmbedder(tmp / "minilm", threads=args.embedder_threads)
        load_s = time.perf_counter() - t0
        pool_texts = make_requests(args.pool, args.seed)
        t0 = time.perf_counter()
        fill = PoolNoiseEmbedder(np.stack(embedder.embed(pool_texts)))
        pool_s = time.perf_counter() - t0
        log(f"MiniLM loaded in {load_s:.1f} s; pool of {args.pool} real vectors embedded in {pool_s:.1f} s")
        gate = gate_settings()
        requests = make_requests(args.requests, args.seed + 1)

        result: dict = {
            "machine": machine(), "versions": versions(),
            "settings": {"requests": args.requests, "repeats": args.repeats, "pool": args.pool,
                         "noise_sigma": fill.sigma, "embedder_threads": args.embedder_threads,
                         "gate": gate.model_dump(mode="json"), "stores": "on disk, per backend",
                         "fill_written_on": str(fill_root.parent), "measured_store_on": str(tmp.parent),
                         "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "(default)"),
                         "seed": args.seed},
            "embedder_load_s": round(load_s, 2), "pool_embed_s": round(pool_s, 2), "load_avg_start": load_average(),
            "consult": [],
        }
        for backend, size, have in size_plan(args):
            with warnings.catch_warnings(record=True) as got:
                warnings.simplefilter("always")
                store, times = grow_and_open(fill_root / backend, tmp / backend, embedder, fill, have, size,
                                             pool_texts, args.seed, backend)
                try:
                    entry = measure_store(store, backend, size, times, tmp / backend, embedder, requests, gate, args)
                finally:
                    store.close()
            caught += [m for m in dict.fromkeys(str(w.message) for w in got) if m not in caught]
            result["consult"].append(entry)
            log(f"  consult turn: p50 {entry['turn']['p50_ms']:.1f} ms  p95 {entry['turn']['p95_ms']:.1f} ms")

        result["turns"] = []
        for backend in args.backends if args.turn_requests > 0 else []:
            log(f"[{backend}] full turns with the fake model, {args.turn_lessons:,} lessons/component")
            result["turns"].append(bench_turns(args, tmp, fill_root, embedder, fill, pool_texts, gate, backend))
        result["warnings"] = caught
        result["load_avg_end"] = load_average()
        result["total_s"] = round(time.perf_counter() - started, 1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(fill_root, ignore_errors=True)

    m = result["machine"]
    print(f"\nalhf memory benchmark - {m['cpu']}, {m['nproc']} CPUs, Python {m['python']}, "
          f"qdrant-client {result['versions'].get('qdrant-client', '?')}, qdrant-edge-py "
          f"{result['versions'].get('qdrant-edge-py', '?')} (stores on disk), "
          f"OPENBLAS_NUM_THREADS={result['settings']['OPENBLAS_NUM_THREADS']}\n")
    print_table(result)
    for w in caught:
        print(f"\nwarning (Qdrant): {w}")
    print(f"\ntotal {result['total_s']:.0f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

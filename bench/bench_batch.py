"""Throughput benchmark of alhf's batch runs, and latency of the review queue at 10k items.

Two measurements:

1. **batch throughput with the fake model** - `BatchRunner(queue, lambda: runtime.assistant(llm,
   user="bench", memory_enabled=...), template="standard").run(tasks.jsonl, workers=W)`, the same
   objects `alhf batch run` builds: `Runtime.open(config)` with config.yaml's settings but
   `model.provider = "fake"` (memory embedder "minilm": the real offline MiniLM model, Qdrant local
   mode in the data dir), and `ReviewQueue(<data dir>/alhf.db)`, a second connection to the database
   the turn traces go to. Measured for workers = 1 and 4, with memory on and memory off, each in a
   fresh data dir (`ALHF_HOME` set to a new temp folder before `Runtime.open`, runtime closed after).
   Each configuration runs `--rounds` times (3); reported: the median tasks/s and wall time of `run()`,
   the median over the rounds without a lock stall, the process CPU time during it, and each task's
   latency inside the run (`tasks.finished_at - tasks.started_at`: the turn, its trace writes and the
   review-item write, but not the time a task waited for a worker), pooled over the rounds. A round
   "stalled" when a task failed or took over 5 s (see bench/README.md, batch problem 1).
2. **review-queue operations at 10k items** - a `ReviewQueue` on a file database in a temp folder:
   `add_tasks` of 10k tasks, then `finish_task` for each (the write a batch task ends with: item +
   'done' mark in one transaction), then p50/p95 of `items(status="pending", limit=50)`, `item(id)`,
   `decide(approve)` and `decide(correct)`, `stats()` and `queued_corrections()`, and the total time of
   `export_training` of the decided items (2,000 of the 10k by default: 1,500 approved, 500 corrected).

Choices behind the numbers
--------------------------
* Tasks are N distinct requests about the demo shop (refunds, shipping, warranty, revenue, SQL weeks,
  support hours, replies to customers...), generated from templates with a fixed seed. The fake model
  plans no tool calls, so a task is: the queue's start_task write, MiniLM embed of the request, 3 memory
  consults, corpus search, two fake-model agent replies, 3 trace writes (handoff scores, spans, turn:
  one transaction each, on the runtime's TraceStore connection) and the queue's finish_task write.
* Memory-on runs are seeded with `--lessons` (300) lessons per component, router-shaped (trigger
  "Requests like: <request>" + that request as example: 2 points per lesson), on requests from the same
  templates but a different seed, so the gate applies some of them. Their trigger texts are embedded
  once with MiniLM (timed as "lesson embed"), and each memory-on data dir stores those same real
  vectors through the public `add_lessons` (an embedder stand-in answers from that cache while
  seeding). Memory-off runs have no lessons (a disabled memory is never queried).
* Before each timed run, 3 warm-up turns (not from the tasks file) run on a separate assistant.
* structlog is filtered to WARNING, so the per-turn INFO line is not printed (nor timed).
* OPENBLAS_NUM_THREADS=1 and HF_HUB_OFFLINE=1 are set before numpy loads, as in bench_memory.py.
* Shared machines: each round records the CPU that other processes used meanwhile (/proc/stat busy
  time minus this process's CPU time, in cores). `--quiet-wait S` waits up to S seconds for them to go
  idle before each round and redoes (twice at most) a round in which they used over 0.25 core.
* Review items have realistic sizes: a ~300-character answer, 3 document ids, 0-2 tool calls with
  small outputs, 0-3 applied lessons. Assessments are filled (thumbs, 4 scores, an error class for
  corrections). Ids to read or decide are drawn at random with a fixed seed.

Usage:  .venv/bin/python bench/bench_batch.py [--tasks 400] [--items 10000] [--lessons 300]
            [--workers 1 4] [--rounds 3] [--decide 2000] [--quiet-wait S] [--json PATH]
"""

from __future__ import annotations

import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"  # the model is local; never ask a hub
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # see bench/README.md, memory problem 4

import argparse
import contextlib
import json
import logging
import random
import shutil
import tempfile
import time
import warnings
from datetime import datetime
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from agents.settings import ModelSettings  # noqa: E402
from bench.batch_workload import LESSON_TEXTS, make_requests  # noqa: E402
from bench.common import log, machine, summary, versions  # noqa: E402
from bench.queue_bench import bench_queue  # noqa: E402
from memory.records import Component, Lesson, LessonAction  # noqa: E402
from workflows.config import HOME_ENV, AppConfig, load_config  # noqa: E402
from workflows.review.batch import BatchRunner  # noqa: E402
from workflows.review.queue import ReviewQueue  # noqa: E402
from workflows.runtime import Runtime  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Varied requests on the demo shop's topics
# ---------------------------------------------------------------------------------------------


def write_tasks(path: Path, requests: list[str]) -> Path:
    topics = ["refunds", "shipping", "warranty", "revenue", "sql", "support", "reply"]
    with path.open("w", encoding="utf-8") as out:
        for i, request in enumerate(requests):
            out.write(json.dumps({"id": f"task-{i:05d}", "request": request,
                                  "metadata": {"topic": topics[i % len(topics)], "batch": "bench"}}) + "\n")
    return path


def make_lessons(per_component: int, seed: int) -> list[Lesson]:
    lessons = []
    for index, component in enumerate(Component):
        requests = make_requests(per_component, seed + 1000 * (index + 1))
        for i, request in enumerate(requests):
            rng = random.Random(f"{seed}/{component.value}/{i}")
            text, action = rng.choice(LESSON_TEXTS[component])
            lessons.append(Lesson(
                id=f"{component.value[:3]}{i:08d}", component=component, text=text,
                trigger=f"Requests like: {request}", trigger_examples=[request],
                action=action if rng.random() < 0.5 else LessonAction(), author="bench", source_request=request,
            ))
    return lessons


class CachedEmbedder:
    """Seeding only: returns the real MiniLM vectors computed once for the lessons' trigger texts."""

    name = "minilm"
    dim = 384

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        return [self.vectors[text] for text in texts]


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


def busy_cpu_s() -> float | None:
    """Whole-machine busy CPU seconds (/proc/stat), to tell when other processes shared the CPUs."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    return None


def wait_quiet(max_wait_s: float, threshold_cores: float = 0.1, window_s: float = 3.0) -> float:
    """Wait (at most max_wait_s) until other processes use < threshold_cores for window_s; returns the wait."""
    started = time.perf_counter()
    while time.perf_counter() - started < max_wait_s:
        busy0, cpu0 = busy_cpu_s(), time.process_time()
        time.sleep(window_s)
        busy1, cpu1 = busy_cpu_s(), time.process_time()
        if busy0 is None or busy1 is None or (busy1 - busy0 - (cpu1 - cpu0)) / window_s < threshold_cores:
            break
    return time.perf_counter() - started


def bench_batch_config(config: AppConfig, tasks_path: Path, n_tasks: int, memory_on: bool, workers: int,
                       lessons: list[Lesson], cache: dict[str, np.ndarray], home: Path) -> dict:
    os.environ[HOME_ENV] = str(home)
    t0 = time.perf_counter()
    runtime = Runtime.open(config)
    open_s = time.perf_counter() - t0
    out: dict = {"memory": "on" if memory_on else "off", "workers": workers, "open_runtime_s": round(open_s, 2)}
    queue = None
    try:
        if memory_on:
            texts = [t for lesson in lessons for t in lesson.trigger_texts() if t not in cache]
            if texts:
                t0 = time.perf_counter()
                cache.update(zip(texts, runtime.embedder.embed(texts)))
                out["lesson_embed_s"] = round(time.perf_counter() - t0, 1)
            real, runtime.store.embedder = runtime.store.embedder, CachedEmbedder(cache)
            t0 = time.perf_counter()
            try:
                for lo in range(0, len(lessons), 300):
                    runtime.store.add_lessons(lessons[lo:lo + 300])
            finally:
                runtime.store.embedder = real
            out["seed_store_s"] = round(time.perf_counter() - t0, 1)
            out["lessons_per_component"] = len(lessons) // len(Component)
        llm = runtime.llm()
        queue = ReviewQueue(runtime.home / "alhf.db")  # as `alhf batch run`: a second connection to the db
        warm = runtime.assistant(llm, user="bench", memory_enabled=memory_on)
        for request in make_requests(3, 999):
            warm.run_turn(request)
        runner = BatchRunner(queue, lambda: runtime.assistant(llm, user="bench", memory_enabled=memory_on),
                             template="standard")
        busy0, cpu0, t0 = busy_cpu_s(), time.process_time(), time.perf_counter()
        result = runner.run(tasks_path, workers=workers)
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        busy1 = busy_cpu_s()
        other = (busy1 - busy0 - cpu) / wall if busy0 is not None and busy1 is not None else None
        rows = queue.conn.execute("SELECT started_at, finished_at FROM tasks WHERE run_id = ? AND status = 'done'",
                                  (result.run_id,)).fetchall()
        latency = [(datetime.fromisoformat(f) - datetime.fromisoformat(s)).total_seconds() * 1000 for s, f in rows]
        items = queue.items(run_id=result.run_id, limit=10**9)
        out |= {
            "done": result.done, "failed": result.failed, "skipped": result.skipped,
            "total_s": round(wall, 2), "tasks_per_s": round(result.done / wall, 2), "cpu_s": round(cpu, 2),
            "cpu_cores_used": round(cpu / wall, 2),
            "other_processes_cores": round(max(0.0, other), 2) if other is not None else None,
            "task_latency": summary(latency), "_latency_ms": latency,
            "empty_answers": sum(1 for i in items if not i.answer.strip()),
            "avg_lessons_applied": round(sum(len(i.lessons_applied) for i in items) / max(1, len(items)), 2),
        }
        if result.done != n_tasks or result.failed:
            log(f"  WARNING: {result.done} done, {result.failed} failed of {n_tasks}")
    finally:
        if queue is not None:
            queue.close()
        runtime.close()
    return out


STALL_MS = 5000  # a task that took this long waited on a lock (bench/README.md, batch problem 1)


def aggregate(rounds: list[dict]) -> dict:
    """One configuration over its rounds: median throughput, task latencies pooled over all rounds."""
    pooled = [ms for r in rounds for ms in r.pop("_latency_ms")]
    rates = [r["tasks_per_s"] for r in rounds]
    clean = [r["tasks_per_s"] for r in rounds if r["failed"] == 0 and r["task_latency"]["max_ms"] < STALL_MS]
    first = rounds[0]
    return {
        "memory": first["memory"], "workers": first["workers"], "rounds": len(rounds),
        "tasks": first["done"] + first["failed"], "tasks_per_s_median": round(float(np.median(rates)), 2),
        "tasks_per_s_min": min(rates), "tasks_per_s_max": max(rates),
        "tasks_per_s_median_clean": round(float(np.median(clean)), 2) if clean else None,
        "total_s_median": round(float(np.median([r["total_s"] for r in rounds])), 2),
        "cpu_cores_used_median": round(float(np.median([r["cpu_cores_used"] for r in rounds])), 2),
        "other_processes_cores_max": max((r["other_processes_cores"] or 0.0) for r in rounds),
        "task_latency": summary(pooled), "failed": sum(r["failed"] for r in rounds),
        "stalled_rounds": sum(1 for r in rounds if r["failed"] or r["task_latency"]["max_ms"] >= STALL_MS),
        "empty_answers": sum(r["empty_answers"] for r in rounds),
        "avg_lessons_applied": first["avg_lessons_applied"], "per_round": rounds,
    }


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def print_tables(result: dict) -> None:
    def table(rows: list[tuple[str, ...]]) -> None:
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for j, row in enumerate(rows):
            print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
            if j == 0:
                print("  ".join("-" * w for w in widths))
        print()

    rows = [("batch (fake model)", "workers", "rounds", "total s", "tasks/s", "min-max", "tasks/s no stall",
             "CPU cores",
             "task p50 ms", "task p95 ms", "task max ms", "failed", "stalled", "lessons/task", "others' cores")]
    for e in result["batch"]:
        rows.append((f"memory {e['memory']}", str(e["workers"]), f"{e['rounds']} x {e['tasks']}",
                     f"{e['total_s_median']:.1f}", f"{e['tasks_per_s_median']:.1f}",
                     f"{e['tasks_per_s_min']:.0f}-{e['tasks_per_s_max']:.0f}",
                     f"{e['tasks_per_s_median_clean']:.1f}" if e["tasks_per_s_median_clean"] else "-",
                     f"{e['cpu_cores_used_median']:.2f}",
                     f"{e['task_latency']['p50_ms']:.1f}", f"{e['task_latency']['p95_ms']:.1f}",
                     f"{e['task_latency']['max_ms']:.0f}", str(e["failed"]), str(e["stalled_rounds"]),
                     f"{e['avg_lessons_applied']:.2f}", f"{e['other_processes_cores_max']:.2f}"))
    table(rows)
    q = result.get("queue")
    if not q:
        return
    rows = [(f"review queue ({q['items']:,} items)", "n", "p50 ms", "p95 ms", "total s")]
    rows.append(("add_tasks (one transaction)", "1", "", "", f"{q['add_tasks_s']:.2f}"))
    for key, label in (("finish_task", "insert 1 item (finish_task)"),
                       ("items_pending_50", "items(status=pending, limit=50)"),
                       ("items_pending_50_after_decisions", "  same, after the decisions"),
                       ("item", "item(id)"), ("decide_approve", "decide(approve)"),
                       ("decide_correct", "decide(correct)"), ("stats_no_decisions", "stats(), no decisions"),
                       ("stats", "stats()"), ("diag_stats_gc_off", "  diag: stats(), cyclic GC off"),
                       ("queued_corrections", "queued_corrections()"),
                       ("export_chat", "export_training chat"), ("export_alpaca", "export_training alpaca"),
                       ("diag_decisions_all", "  diag: decisions() (all)"),
                       ("diag_items_all", "  diag: items(limit=10**9) (all)")):
        s = q[key]
        total = f"{q['insert_total_s']:.1f}" if key == "finish_task" else ""
        rows.append((label, str(s["n"]), f"{s['p50_ms']:.2f}", f"{s['p95_ms']:.2f}", total))
    table(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=400, help="tasks in the batch file")
    parser.add_argument("--items", type=int, default=10000, help="review items for the queue benchmark (0 skips it)")
    parser.add_argument("--lessons", type=int, default=300, help="lessons per component for memory-on runs")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4], help="batch worker counts")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per batch configuration (median reported)")
    parser.add_argument("--decide", type=int, default=2000,
                        help="items decided before stats and export (1/4 of them corrected)")
    parser.add_argument("--quiet-wait", type=float, default=0.0,
                        help="shared machine: before each timed run wait up to this many seconds for other processes "
                             "to go idle, and redo a round (twice at most) in which they used > 0.25 core")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)

    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger("autogen").setLevel(logging.ERROR)

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="alhf-bench-batch-"))
    previous_home = os.environ.get(HOME_ENV)
    config = load_config(ROOT / "config.yaml")
    config.model = ModelSettings(provider="fake")
    result: dict = {
        "machine": machine(), "versions": versions(),
        "settings": {"tasks": args.tasks, "rounds": args.rounds, "quiet_wait_s": args.quiet_wait, "items": args.items,
                     "lessons_per_component": args.lessons,
                     "workers": args.workers, "decide": args.decide, "embedder": config.memory.embedder,
                     "embedder_threads": config.memory.embedder_threads,
                     "gate": config.memory.gate.model_dump(mode="json"),
                     "store": "qdrant local mode in the data dir (on disk)", "tmp": str(tmp.parent),
                     "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "(default)"), "seed": args.seed},
        "batch": [],
    }
    caught: list[str] = []
    try:
        tasks_path = write_tasks(tmp / "tasks.jsonl", make_requests(args.tasks, args.seed))
        lessons = make_lessons(args.lessons, args.seed + 1)
        cache: dict[str, np.ndarray] = {}
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            for memory_on in (False, True):
                for workers in args.workers:
                    label = f"memory-{'on' if memory_on else 'off'}-w{workers}"
                    rounds = []
                    for r in range(args.rounds):
                        log(f"batch {label}, round {r + 1}/{args.rounds}: {args.tasks} tasks")
                        for attempt in range(1 + (2 if args.quiet_wait > 0 else 0)):
                            waited = wait_quiet(args.quiet_wait) if args.quiet_wait > 0 else 0.0
                            if waited > 5:
                                log(f"  waited {waited:.0f} s for other processes to go idle")
                            entry = bench_batch_config(config, tasks_path, args.tasks, memory_on, workers, lessons,
                                                       cache, tmp / f"{label}-{r}-{attempt}")
                            shutil.rmtree(tmp / f"{label}-{r}-{attempt}", ignore_errors=True)
                            if args.quiet_wait <= 0 or (entry["other_processes_cores"] or 0.0) < 0.25:
                                break
                            log(f"  other processes used {entry['other_processes_cores']} cores: round redone")
                        entry["attempts"] = attempt + 1
                        log(f"  {entry['tasks_per_s']:.1f} tasks/s ({entry['total_s']:.1f} s, "
                            f"{entry['cpu_cores_used']:.2f} cores), task p50 {entry['task_latency']['p50_ms']:.1f} ms, "
                            f"max {entry['task_latency']['max_ms']:.0f} ms, {entry['failed']} failed, "
                            f"other processes {entry['other_processes_cores']} cores")
                        rounds.append(entry)
                    result["batch"].append(aggregate(rounds))
        caught = list(dict.fromkeys(str(w.message) for w in got))
        if args.items > 0:
            log(f"review queue: {args.items:,} items")
            (tmp / "queue").mkdir()
            if args.quiet_wait > 0:
                wait_quiet(args.quiet_wait)
            result["queue"] = bench_queue(args.items, min(args.decide, args.items), tmp / "queue", args.seed)
        result["warnings"] = caught
        result["total_s"] = round(time.perf_counter() - started, 1)
    finally:
        if previous_home is None:
            os.environ.pop(HOME_ENV, None)
        else:
            os.environ[HOME_ENV] = previous_home
        shutil.rmtree(tmp, ignore_errors=True)

    m = result["machine"]
    print(f"\nalhf batch / review-queue benchmark - {m['cpu']}, {m['nproc']} CPUs, Python {m['python']}, "
          f"SQLite {m['sqlite']}, OPENBLAS_NUM_THREADS={result['settings']['OPENBLAS_NUM_THREADS']}\n")
    print_tables(result)
    for w in caught:
        print(f"warning: {w}")
    print(f"total {result['total_s']:.0f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, default=str) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

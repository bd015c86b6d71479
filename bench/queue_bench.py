"""The review-queue part of bench_batch.py: insert, list, decide, stats and export at 10k items."""

from __future__ import annotations

import gc
import json
import random
import sqlite3
import time
from pathlib import Path

from bench.batch_workload import make_requests
from bench.common import log, summary, timed
from workflows.review.export import export_training
from workflows.review.queue import ReviewQueue
from workflows.review.templates import Assessment


def review_item(rng: random.Random, request: str, i: int) -> dict:
    docs = rng.sample(["refunds-2024", "refunds-2021", "shipping", "warranty", "wiki-revenue", "support-hours",
                       "pg-dates", "mysql-dates"], 3)
    calls = [{"tool": "sql", "arguments": {"query": f"SELECT SUM(amount) FROM orders WHERE region = 'EU' -- {i}"},
              "ok": True, "output": json.dumps([{"sum": round(rng.uniform(1e3, 1e5), 2)}])}
             for _ in range(rng.randrange(3))]
    components = ["retriever", "tool_planner", "writer"]
    lessons = [{"id": f"les{rng.randrange(10**6):06d}", "component": rng.choice(components),
                "text": "Cite the current 2024 refund policy, never the superseded 2021 one."}
               for _ in range(rng.randrange(4))]
    answer = (f"Per the documents ({', '.join(docs)}): the answer to '{request}' is as follows. Refunds are "
              "accepted within 30 days of delivery for unused items; shipping within the EU takes 2-4 working "
              f"days; figures are in EUR for the period asked. [item {i}]")
    return {"turn_id": f"turn{i:08d}", "request": request, "answer": answer, "documents": docs,
            "tool_calls": calls, "lessons_applied": lessons, "template": "standard"}


def query_plan(conn: sqlite3.Connection, sql: str, args: tuple) -> list[str]:
    return [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall()]


def bench_queue(n_items: int, n_decide: int, folder: Path, seed: int) -> dict:
    rng = random.Random(seed)
    queue = ReviewQueue(folder / "alhf.db")
    out: dict = {"items": n_items}
    try:
        run_id = queue.create_run(str(folder / "tasks.jsonl"), "standard")
        requests = make_requests(min(n_items, 2000), seed)  # items repeat requests, as reruns do
        tasks = [(i + 1, f"task-{i:06d}", requests[i % len(requests)], {"topic": "bench"}) for i in range(n_items)]
        t0 = time.perf_counter()
        queue.add_tasks(run_id, tasks)
        out["add_tasks_s"] = round(time.perf_counter() - t0, 3)
        samples, _ = timed(lambda i: queue.finish_task(run_id, tasks[i][1], review_item(rng, tasks[i][2], i)),
                           n_items)
        out["insert_total_s"] = round(sum(samples) / 1000, 2)
        out["finish_task"] = summary(samples)
        log(f"  {n_items:,} items inserted in {out['insert_total_s']:.1f} s "
            f"(finish_task p50 {out['finish_task']['p50_ms']:.2f} ms)")
        ids = [r[0] for r in queue.conn.execute("SELECT id FROM review_items").fetchall()]

        samples, got = timed(lambda i: queue.items(status="pending", limit=50), 200)
        assert len(got) == 50
        out["items_pending_50"] = summary(samples)
        samples, _ = timed(lambda i: queue.item(rng.choice(ids)), 1000)
        out["item"] = summary(samples)
        samples, _ = timed(lambda i: queue.stats(), 20)
        out["stats_no_decisions"] = summary(samples)

        chosen = rng.sample(ids, n_decide)
        n_correct = n_decide // 4
        approve = Assessment(thumbs="up", scores={"correctness": 5, "completeness": 4, "groundedness": 5, "tone": 5})
        correct = Assessment(thumbs="down", scores={"correctness": 2, "completeness": 3, "groundedness": 2, "tone": 4},
                             error_class="wrong_document")
        samples, _ = timed(lambda i: queue.decide(chosen[i], "approve", reviewer="bench", assessment=approve),
                           n_decide - n_correct)
        out["decide_approve"] = summary(samples)
        samples, _ = timed(lambda i: queue.decide(chosen[n_decide - n_correct + i], "correct", reviewer="bench",
                                                  assessment=correct,
                                                  correction=f"Use the 2024 refund policy, not the 2021 one ({i})."),
                           n_correct)
        out["decide_correct"] = summary(samples)
        log(f"  decided {n_decide:,} items ({n_correct:,} corrections)")

        samples, got = timed(lambda i: queue.items(status="pending", limit=50), 200)
        out["items_pending_50_after_decisions"] = summary(samples)
        samples, got = timed(lambda i: queue.stats(), 20)
        out["stats"] = summary(samples)
        out["stats_result"] = got
        gc.collect()
        gc.disable()  # diagnostic: the same calls without the cyclic GC's pauses
        try:
            samples, _ = timed(lambda i: queue.stats(), 20)
            out["diag_stats_gc_off"] = summary(samples)
        finally:
            gc.enable()
        samples, got = timed(lambda i: queue.queued_corrections(), 50)
        out["queued_corrections"] = summary(samples) | {"entries": len(got)}  # type: ignore[arg-type]

        for fmt in ("chat", "alpaca"):
            target = folder / f"export-{fmt}.jsonl"
            samples, count = timed(lambda i: export_training(queue, target, fmt=fmt), 3)  # type: ignore[arg-type]
            out[f"export_{fmt}"] = summary(samples) | {"records": count, "bytes": target.stat().st_size}
        # where the export's time goes: it reads every decision, then every item of the queue
        samples, _ = timed(lambda i: queue.decisions(), 3)
        out["diag_decisions_all"] = summary(samples)
        samples, _ = timed(lambda i: queue.items(limit=10**9), 3)
        out["diag_items_all"] = summary(samples)
        out["query_plans"] = {
            "items(status=pending, limit=50)": query_plan(
                queue.conn, "SELECT * FROM review_items WHERE status = ? ORDER BY created_at, id LIMIT ?",
                ("pending", 50)),
            "stats latest decisions": query_plan(
                queue.conn, "SELECT d.* FROM decisions d JOIN review_items i ON i.id = d.item_id "
                "WHERE d.id = (SELECT MAX(id) FROM decisions WHERE item_id = d.item_id)", ()),
        }
        out["db_mb"] = round(sum(p.stat().st_size for p in folder.glob("alhf.db*")) / 1e6, 1)
    finally:
        queue.close()
    return out

"""Render time of the review app's item page (and queue page) with 10k items in the queue.

What is measured: `GET /items/{id}` through FastAPI's TestClient (in-process ASGI, no socket) by a
signed-in reviewer: session check, the account lookup, `ReviewQueue.item`, its previous/next item in
queue order (`ReviewQueue.neighbours`), its decisions, its turn and span tree from the trace store,
its documents from the Qdrant corpus, and the Jinja2 rendering. Items are picked from the start, the
middle and the end of the queue; p50, p95 and max over `--requests` requests after 20 warm-up ones.
Also `GET /queue` (first page of 50 pending items with counts and progress) and the JSON twin
`GET /api/items/{id}`.

How the data dir is filled: `--turns` (30) real turns of the fake model on demo requests are recorded
(turn row, spans, handoff scores) by `Runtime.assistant(...).run_turn`; then `--items` (10,000)
review items are written by `ReviewQueue.finish_task` in one run, each pointing at one of those turns
(round robin) with its request, answer, documents and applied lessons. A tenth of the items are
decided (approve) so the status counts are not trivial. Memory embedder: hashing (no model load).

    python bench/bench_review_page.py                 # 10k items, 300 requests; about a minute
    python bench/bench_review_page.py --items 1000 --requests 50
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REQUESTS = ["How long does express shipping take?", "What was our total revenue in Q1 2024?",
            "Can a customer get a refund three weeks after buying?", "Which carrier do we use for Canada?",
            "Write a query that counts orders per week number of order_date.", "When is support open on Sunday?"]
PASSWORD = "bench password"


def fill(home: Path, config_file: Path, items: int, turns: int) -> list[str]:
    from workflows.config import load_config
    from workflows.review.templates import Assessment
    from workflows.runtime import Runtime
    from workflows.server.accounts import Accounts

    config = load_config(config_file)
    runtime = Runtime.open(config)
    try:
        assistant = runtime.assistant(runtime.llm(), user="bench")
        results = [assistant.run_turn(REQUESTS[n % len(REQUESTS)] + f" (case {n})") for n in range(turns)]
        queue = runtime.review_queue()
        run = queue.create_run("bench-tasks.jsonl", "standard")
        queue.add_tasks(run, [(n, f"t{n}", results[n % turns].request, {}) for n in range(items)])
        ids = []
        for n in range(items):
            result = results[n % turns]
            ids.append(queue.finish_task(run, f"t{n}", {
                "turn_id": result.turn_id, "request": result.request, "answer": result.answer,
                "documents": [h.document.id for h in result.retrieval.documents],
                "tool_calls": [], "lessons_applied": [], "template": "standard"}))
        for item_id in ids[::10]:
            queue.decide(item_id, "approve", reviewer="bench", assessment=Assessment())
        Accounts(queue.conn, config.governance).add("rita", "reviewer", PASSWORD)
        return ids
    finally:
        runtime.close()


def timed(client, path: str, count: int) -> dict[str, float]:  # noqa: ANN001
    for _ in range(min(20, count)):
        assert client.get(path).status_code == 200
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text[:200]
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
            "max_ms": round(samples[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args()

    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))
    from fastapi.testclient import TestClient

    from workflows.config import load_config
    from workflows.server.app import create_app

    tmp = Path(tempfile.mkdtemp(prefix="alhf-bench-review-"))
    os.environ["ALHF_HOME"] = str(tmp / "home")
    config_file = tmp / "config.yaml"
    config_file.write_text("model: {provider: fake}\nmemory: {embedder: hashing}\n")
    start = time.perf_counter()
    ids = fill(tmp / "home", config_file, args.items, args.turns)
    fill_s = time.perf_counter() - start
    results: dict[str, object] = {"items": args.items, "turns": args.turns, "requests": args.requests,
                                  "fill_s": round(fill_s, 1)}
    with TestClient(create_app(load_config(config_file))) as client:
        page = client.get("/login")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        assert client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf}).status_code == 200
        for label, item_id in (("first", ids[1]), ("middle", ids[len(ids) // 2 + 1]), ("last", ids[-1])):
            results[f"item_page_{label}"] = timed(client, f"/items/{item_id}", args.requests)
        results["item_page_filtered_middle"] = timed(client, f"/items/{ids[len(ids) // 2 + 1]}?status=pending",
                                                     args.requests)
        results["item_json_middle"] = timed(client, f"/api/items/{ids[len(ids) // 2 + 1]}", args.requests)
        results["queue_page"] = timed(client, "/queue", max(args.requests // 3, 10))
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

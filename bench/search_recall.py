"""How much of the true top lessons a turn's lesson search finds, and what the three consults cost, cold and warm.

On a store built by `bench_turn_store.py build` (10k lessons per component, HNSW built), for `--requests`
requests of the benchmark's request pool:

* recall@k: for each component, the lessons `search_lessons` returns against the exact top k (the same
  search with Edge's exact, brute-force scoring), for one filtered search per component
  (`search_lessons`, the path before 2026-11-25) and one search over the three (`search_lessons_many`);
* the three consults of a turn (`LessonMemory.consult_many`, gate included) per request, cold (a fresh
  store: no point or lesson read yet) and warm (the same requests again).

    PYTHONPATH=. python bench/search_recall.py /tmp/perf/ts/store --json bench/results/search_recall_10k.json
    ALHF_CODE=/path/to/older/tree python bench/search_recall.py /tmp/perf/ts/store   # code without consult_many

Code without `search_lessons_many` is measured with one consult per component (what its turns did).
"""

from __future__ import annotations

import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

CODE = Path(os.environ.get("ALHF_CODE") or Path(__file__).resolve().parents[1]).resolve()  # the code tree to measure
sys.path[:0] = [str(CODE), str(Path(__file__).resolve().parent)]

from bench_fill import make_requests  # noqa: E402
from common import load_average, summary  # noqa: E402


def copy_store(folder: Path, tmp: Path, embedder):
    from memory.store import MemoryStore

    target = tmp / f"store-{len(list(tmp.iterdir()))}"
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns(".lock"))
    return MemoryStore.open(target, embedder=embedder)


def exact_top(store, vectors: np.ndarray, k: int) -> dict[tuple[int, str], list[str]]:
    """The exact top-k lessons per request and component: the shipped search with brute-force scoring."""
    import qdrant_edge as qe

    from memory.backend import ScoredPayload
    from memory.qdrant_edge import _filter
    from memory.records import Component

    backend = store.backend

    def exact(collection, vector, limit, where=None, *, with_payload=True):
        request = qe.QueryRequest(limit=limit, query=qe.Query.Nearest(vector), filter=_filter(collection, where),
                                  with_payload=False, params=qe.SearchParams(exact=True))
        return [ScoredPayload(str(p.id), float(p.score), {}) for p in backend._shard.query(request)]

    backend.query, saved = exact, backend.query
    try:
        return {(i, c.value): [h.lesson.id for h in store.search_lessons(c, v, limit=k, project="default")]
                for i, v in enumerate(vectors) for c in Component}
    finally:
        backend.query = saved


def recall(found: dict[tuple[int, str], list[str]], truth: dict[tuple[int, str], list[str]]) -> dict:
    hit = sum(len(set(found[key]) & set(ids)) for key, ids in truth.items())
    same = sum(found[key] == ids for key, ids in truth.items())
    return {"recall_at_k": round(hit / max(1, sum(len(ids) for ids in truth.values())), 4),
            "same_list_share": round(same / len(truth), 4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path, help="a store built by bench_turn_store.py build")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--k", type=int, default=5, help="lessons per component (the gate's candidates)")
    parser.add_argument("--seed", type=int, default=44)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from memory.consult import LessonMemory
    from memory.embedding import MiniLMEmbedder
    from memory.gate import RelevanceGate
    from memory.records import Component
    from workflows.config import load_config

    embedder = MiniLMEmbedder(args.store.parent / "minilm-cache", threads=1)
    requests = make_requests(args.requests, args.seed)
    vectors = embedder.embed(requests)
    gate = load_config(Path(__file__).resolve().parents[1] / "config.yaml").memory.gate
    out: dict = {"code": str(CODE), "store": str(args.store), "requests": len(requests), "k": args.k, "load_avg_before": load_average()}
    tmp = Path(tempfile.mkdtemp(prefix="alhf-search-recall-"))
    try:
        store = copy_store(args.store, tmp, embedder)
        truth = exact_top(store, vectors, args.k)
        per_component = {(i, c.value): [h.lesson.id for h in store.search_lessons(c, v, limit=args.k, project="default")]
                         for i, v in enumerate(vectors) for c in Component}
        out["search_per_component"] = recall(per_component, truth)
        if hasattr(store, "search_lessons_many"):
            combined = {}
            for i, v in enumerate(vectors):
                for c, hits in store.search_lessons_many(list(Component), v, limit=args.k, project="default").items():
                    combined[(i, c.value)] = [h.lesson.id for h in hits]
            out["search_combined"] = recall(combined, truth)
        store.close()

        store = copy_store(args.store, tmp, embedder)  # cold: nothing read yet
        memory = LessonMemory(store, RelevanceGate(gate))
        consult_three = memory.consult_many if hasattr(memory, "consult_many") else \
            lambda components, vector, **kw: {c: memory.consult(c, vector, **kw) for c in components}
        consult_three(Component, embedder.embed(["warm up the engine"])[0], user="bench")
        for label in ("cold", "warm"):
            samples = []
            for request, vector in zip(requests, vectors):
                t0 = time.perf_counter()
                consult_three(Component, vector, user="bench", request=request)
                samples.append((time.perf_counter() - t0) * 1000)
            out[f"consult_three_{label}"] = summary(samples)
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["load_avg_after"] = load_average()
    combined = out.get("search_combined", {}).get("recall_at_k")
    print(f"recall@{args.k}: one search per component {out['search_per_component']['recall_at_k']:.3f}, one search "
          f"for the three {'-' if combined is None else f'{combined:.3f}'}; three consults p50 cold "
          f"{out['consult_three_cold']['p50_ms']:.2f} ms, warm {out['consult_three_warm']['p50_ms']:.2f} ms "
          f"(p95 {out['consult_three_cold']['p95_ms']:.2f} / {out['consult_three_warm']['p95_ms']:.2f}); load "
          f"{out['load_avg_before'][0]}-{out['load_avg_after'][0]}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Probe: can the retriever expand a query without a second MiniLM embed?

A lesson's `expand_query` terms make the retriever embed "<request> <terms>" again (a second embed, ~5 ms).
This compares the demo corpus's top 3 for that exact embed with three ways that reuse vectors already known
(the request's, and the terms' embedded once): the sum of the two, the sum weighted by word counts, and
two searches merged by best score. Requests: the bench's demo-shop requests; terms: corpus-topic phrases.

    PYTHONPATH=. python bench/probe_expansion.py --requests 300 --json bench/results/probe_expansion.json
"""

from __future__ import annotations

import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numpy as np  # noqa: E402

from bench_fill import make_requests  # noqa: E402
from memory.embedding import MiniLMEmbedder  # noqa: E402
from workflows.workspace import load_workspace  # noqa: E402

TERMS = ["warranty terms", "refund policy", "shipping times", "support hours", "PostgreSQL date functions",
         "revenue notes", "current refund policy 2024", "express delivery", "order revenue by region", "week number"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    embedder = MiniLMEmbedder(Path(tempfile.gettempdir()) / "alhf-probe-minilm")
    docs = load_workspace(None).corpus
    matrix = np.stack(embedder.embed([f"{d.title}. {d.text}" for d in docs]))
    requests = make_requests(args.requests, 11)
    request_vectors = dict(zip(requests, embedder.embed(requests)))
    term_vectors = dict(zip(TERMS, embedder.embed(TERMS)))

    def top(scores: np.ndarray) -> list[int]:
        return [int(i) for i in np.argsort(-scores)[: args.top]]

    same = {name: [0, 0] for name in ("sum", "word_weighted_sum", "two_searches_max")}
    pairs = 0
    for request in requests:
        for term in TERMS:
            exact = top(matrix @ embedder.embed([f"{request} {term}"])[0])
            r, t = request_vectors[request], term_vectors[term]
            weighted = len(request.split()) * r + len(term.split()) * t
            candidates = {"sum": top(matrix @ ((r + t) / np.linalg.norm(r + t))),
                          "word_weighted_sum": top(matrix @ (weighted / np.linalg.norm(weighted))),
                          "two_searches_max": top(np.maximum(matrix @ r, matrix @ t))}
            for name, got in candidates.items():
                same[name][0] += got == exact
                same[name][1] += set(got) == set(exact)
            pairs += 1
    result = {"pairs": pairs, "top": args.top, "documents": len(docs),
              "identical_order_share": {k: round(v[0] / pairs, 3) for k, v in same.items()},
              "same_set_share": {k: round(v[1] / pairs, 3) for k, v in same.items()}}
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

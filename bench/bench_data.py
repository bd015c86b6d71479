"""Shared benchmark data: distinct lesson texts on the demo shop's topics and their MiniLM vectors.

Vectors are embedded once with the real `MiniLMEmbedder` and cached in bench/.cache/ (gitignored),
so every store in a run (and later runs) gets exactly the same data.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"

PRODUCTS = ["speaker", "charger", "headphones", "tablet", "smartwatch", "keyboard", "webcam", "router",
            "power bank", "earbuds", "monitor", "drone", "laptop", "camera", "printer", "mouse"]
REGIONS = ["EU", "US", "APAC", "the UK", "Canada", "Germany", "Japan", "Brazil", "France", "Spain"]
PERIODS = ["last week", "in Q1", "in April 2024", "this month", "last quarter", "in 2023", "since January",
           "over the past 30 days", "in February", "yesterday", "in Q3", "in December"]
PEOPLE = ["a customer", "my manager", "a reseller", "a new client", "our finance team", "a student",
          "an angry customer", "a partner shop", "a wholesaler", "a journalist"]
TEMPLATES = [
    "Requests about returning a {product} bought {period}",
    "Refund questions from {person} about a {product} ordered from {region}",
    "Questions on the refund policy for {product} orders {period}",
    "Shipping times of a {product} to {region}",
    "Express shipping options for {person} in {region}",
    "Warranty claims for a {product} that {person} damaged",
    "Revenue figures for {product} sales in {region} {period}",
    "Average order amounts in {region} {period}",
    "Counting orders of {product} from {region} {period}",
    "Open support tickets about {product} refunds {period}",
    "Support desk hours for {person} in {region}",
    "SQL for the week number of {product} orders {period}",
    "PostgreSQL date truncation for {region} sales {period}",
    "Friendly replies to {person} about a late {product}",
    "Summaries of refund and warranty rules for {person}",
    "Tables of {product} returns in {region} {period}",
]


def lesson_texts(n: int, seed: int = 13) -> list[str]:
    """n distinct trigger texts (the first k are the same for every n >= k)."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        text = rng.choice(TEMPLATES).format(product=rng.choice(PRODUCTS), region=rng.choice(REGIONS),
                                            period=rng.choice(PERIODS), person=rng.choice(PEOPLE))
        if text in seen:
            text = f"{text} (case {len(out)})"
        seen.add(text)
        out.append(text)
    return out


def query_texts(n: int, seed: int = 99) -> list[str]:
    """n request texts, phrased as users ask (not copies of lesson texts)."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(['How', 'What', 'Can you tell me how', 'Please explain how'])} "
        f"{rng.choice(['long', 'much', 'many', 'often'])} ... "
        + rng.choice(TEMPLATES).format(product=rng.choice(PRODUCTS), region=rng.choice(REGIONS),
                                       period=rng.choice(PERIODS), person=rng.choice(PEOPLE)).lower()
        for _ in range(n)
    ]


def minilm(threads: int = 1):
    from memory.embedding import MiniLMEmbedder

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return MiniLMEmbedder(CACHE / "minilm", threads=threads)


def cached_vectors(texts: list[str], name: str, *, threads: int = 1, chunk: int = 2000) -> np.ndarray:
    """MiniLM vectors of `texts`, from bench/.cache/NAME.npy when it holds them (resumable by chunk)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.npy"
    if path.exists():
        vectors = np.load(path)
        if len(vectors) >= len(texts):
            return vectors[: len(texts)]
    else:
        vectors = np.zeros((0, 384), dtype=np.float32)
    embedder = minilm(threads)
    started = time.perf_counter()
    for lo in range(len(vectors), len(texts), chunk):
        part = np.stack(embedder.embed(texts[lo: lo + chunk])).astype(np.float32)
        vectors = np.concatenate([vectors, part])
        np.save(path, vectors)
        print(f"embedded {len(vectors)}/{len(texts)} in {time.perf_counter() - started:.0f} s", flush=True)
    return vectors


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(ROOT))
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    cached_vectors(lesson_texts(count), "lessons", threads=int(os.environ.get("EMBED_THREADS", "1")))
    cached_vectors(query_texts(500), "queries")

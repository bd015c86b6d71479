"""Filling stores for bench_memory.py: synthetic lessons on real MiniLM vectors plus seeded noise."""

from __future__ import annotations

import contextlib
import hashlib
import random
import shutil
import time
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from bench.memory_workload import ACTIONS, LESSON_TEXTS
from memory.embedding import MiniLMEmbedder
from memory.records import Component, Lesson, LessonAction
from memory.store import MemoryStore


class PoolNoiseEmbedder:
    """Returns a noisy copy of a real MiniLM pool vector for each registered text (fill only)."""

    name = "minilm"
    dim = 384

    def __init__(self, pool_vectors: np.ndarray, sigma: float = 0.03) -> None:
        self.pool = pool_vectors
        self.sigma = sigma
        self.base_of: dict[str, int] = {}

    def register(self, text: str, base: int) -> None:
        self.base_of[text] = base

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        out = []
        for text in texts:
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            noise = np.random.default_rng(seed).normal(0.0, self.sigma, self.dim).astype(np.float32)
            vec = self.pool[self.base_of[text]] + noise
            out.append(vec / np.linalg.norm(vec))
        return out


def make_lessons(component: Component, start: int, stop: int, pool_texts: list[str],
                 fill: PoolNoiseEmbedder, seed: int) -> list[Lesson]:
    """Lessons start..stop-1 of a component, each on one pool request (registered with `fill`)."""
    lessons = []
    texts, actions = LESSON_TEXTS[component], ACTIONS[component]
    for i in range(start, stop):
        rng = random.Random(f"{seed}/{component.value}/{i}")
        base = rng.randrange(len(pool_texts))
        request = pool_texts[base]
        kind = rng.randrange(len(texts))
        trigger = f"Requests like: {request} (case {component.value}-{i})"
        example = f"{request} [{i}]"
        fill.register(trigger, base)
        fill.register(example, base)
        lessons.append(Lesson(
            id=f"{component.value[:3]}{i:08d}", component=component, text=texts[kind], trigger=trigger,
            trigger_examples=[example], action=actions[kind] if rng.random() < 0.5 else LessonAction(),
            author="bench", source_request=request,
        ))
    return lessons


@contextlib.contextmanager
def filling(store: MemoryStore, fill: PoolNoiseEmbedder) -> Iterator[None]:
    """Swap in the pool embedder while filling."""
    real = store.embedder
    store.embedder = fill
    try:
        yield
    finally:
        store.embedder = real


def fill_store(store: MemoryStore, fill: PoolNoiseEmbedder, have: int, want: int, pool_texts: list[str],
               seed: int, batch: int = 500) -> float:
    started = time.perf_counter()
    with filling(store, fill):
        for component in Component:
            for lo in range(have, want, batch):
                store.add_lessons(make_lessons(component, lo, min(lo + batch, want), pool_texts, fill, seed))
    return time.perf_counter() - started


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

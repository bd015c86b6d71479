"""Fill data for bench_memory.py: request texts on the demo shop's topics, router-shaped synthetic
lessons, and the embedder stand-in that gives them noisy copies of real MiniLM vectors (see
bench_memory.py's docstring for why)."""

from __future__ import annotations

import contextlib
import hashlib
import random
import time
from typing import Iterator, Sequence

import numpy as np

from memory.records import Component, Lesson, LessonAction
from memory.store import MemoryStore

# ---------------------------------------------------------------------------------------------
# Synthetic but varied texts on the demo shop's topics
# ---------------------------------------------------------------------------------------------

from bench.batch_workload import PEOPLE, PERIODS, PRODUCTS, REGIONS, SHOP_TEMPLATES  # noqa: E402  (the same word lists)
TEMPLATES = SHOP_TEMPLATES + [
    "Are urgent tickets from {region} answered on weekends?",
    "Write a SQL query for the ISO week number of {product} orders {period}.",
    "How do I truncate order dates to the month in PostgreSQL for {region} sales?",
    "Which MySQL function gives the calendar week of an order placed {period}?",
    "Draft a short, friendly reply to {person} asking about a late {product}.",
    "Summarize our refund and warranty rules for {person} in two bullet points.",
    "Explain to {person} why the {product} from {region} has not shipped yet.",
    "What does the sales wiki say about revenue {period}?",
    "Give me the figures for {product} returns in {region} as a table.",
]

LESSON_TEXTS = {
    Component.RETRIEVER: [
        "Cite the current 2024 refund policy, never the superseded 2021 one.",
        "For shipping questions use the shipping times document.",
        "For date functions use the PostgreSQL document, not the MySQL one.",
        "Warranty questions need the warranty terms document.",
    ],
    Component.TOOL_PLANNER: [
        "Compute revenue from the orders table with SQL instead of quoting the wiki.",
        "Count tickets with a SQL query on the tickets table.",
        "Use the calculator for averages of the tool results.",
        "Filter orders by region with a WHERE clause.",
    ],
    Component.WRITER: [
        "Answer in two short bullet points.",
        "Use a friendly, apologetic tone with upset customers.",
        "Give figures with their currency and the period they cover.",
        "Write SQL for PostgreSQL, never MySQL functions like WEEKOFYEAR().",
    ],
}
ACTIONS = {
    Component.RETRIEVER: [
        LessonAction(prefer_documents=["refunds-2024"], avoid_documents=["refunds-2021"]),
        LessonAction(prefer_documents=["shipping"]),
        LessonAction(prefer_documents=["pg-dates"], avoid_documents=["mysql-dates"]),
        LessonAction(expand_query=["warranty terms"]),
    ],
    Component.TOOL_PLANNER: [
        LessonAction(prefer_tools=["sql"], tool_argument_hints={"query": "SELECT SUM(amount) FROM orders"}),
        LessonAction(prefer_tools=["sql"]),
        LessonAction(prefer_tools=["calculator"]),
        LessonAction(tool_argument_hints={"query": "use WHERE region = ..."}),
    ],
    Component.WRITER: [LessonAction(), LessonAction(), LessonAction(), LessonAction()],
}


def make_requests(n: int, seed: int) -> list[str]:
    """n distinct requests from the templates (distinct seeds give mostly disjoint sets)."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        text = rng.choice(TEMPLATES).format(
            product=rng.choice(PRODUCTS), region=rng.choice(REGIONS), period=rng.choice(PERIODS),
            person=rng.choice(PEOPLE))
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


# ---------------------------------------------------------------------------------------------
# The fill embedder
# ---------------------------------------------------------------------------------------------


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

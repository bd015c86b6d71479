"""How much time the learned gate adds to a turn, with no borderline check (issue 12: <= 20 ms p95).

A store of N lessons per component (4 trigger texts and 2 near misses each, 384-dim vectors from
the hashing embedder: the time of a lookup does not depend on which model made the vectors), then
T turns, each consulting the three components as the pipeline does. Timed per turn:
- `search`: the vector search both gate modes share;
- `threshold gate`: the old rule;
- `learned gate`: the vector lookup by point id (cold: first sight of a lesson; warm: cached) plus
  the signals and the logistic model;
- `threshold gate + grounding`: what `LessonMemory.consult` adds to the search in the default mode:
  near-miss vectors, one corpus search per turn (a corpus of `--documents`), the document family
  of lessons that name documents (a third of the retriever's) and the data margin of lessons that
  prefer the SQL tool (a third of the tool planner's, five tables described).

    python bench/bench_gate.py --lessons 200 --turns 300
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from memory.consult import LessonMemory  # noqa: E402
from memory.embedding import HashingEmbedder  # noqa: E402
from memory.gate import GateSettings, RelevanceGate  # noqa: E402
from memory.records import Component, Document, Lesson, LessonAction  # noqa: E402
from memory.store import MemoryStore  # noqa: E402

WORDS = ("refund policy invoice week sql order revenue ticket warranty shipping leave vpn patient contract "
         "stock pallet expense holiday calendar printer password session conversion channel").split()


def text(rng: np.random.Generator, n: int = 8) -> str:
    return " ".join(rng.choice(WORDS, size=n))


def action(component: Component, index: int, documents: int) -> LessonAction:
    """A third of the retriever's lessons name two documents; a third of the tool planner's prefer SQL."""
    if component is Component.RETRIEVER and index % 3 == 0:
        return LessonAction(prefer_documents=[f"doc-{index % documents}"], avoid_documents=[f"doc-{(index + 1) % documents}"])
    if component is Component.TOOL_PLANNER and index % 3 == 0:
        return LessonAction(prefer_tools=["sql"])
    return LessonAction()


def p95(values: list[float]) -> float:
    return round(float(np.percentile(values, 95)), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=int, default=200, help="lessons per component")
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--documents", type=int, default=200, help="corpus documents (grounding)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    store = MemoryStore.open(":memory:", embedder=HashingEmbedder())
    store.replace_corpus([Document(id=f"doc-{i}", title=text(rng, 3), text=text(rng, 30)) for i in range(args.documents)])
    for component in Component:
        store.add_lessons([Lesson(component=component, text=text(rng), trigger=text(rng),
                                  trigger_examples=[text(rng) for _ in range(3)],
                                  negative_examples=[text(rng) for _ in range(2)], action=action(component, i, args.documents))
                           for i in range(args.lessons)])
    store._vectors.clear()  # start cold, as a fresh process does
    threshold, learned = RelevanceGate(GateSettings(mode="threshold")), RelevanceGate(GateSettings(mode="learned"))
    memory = LessonMemory(store, RelevanceGate(GateSettings(mode="threshold")))
    memory.describe_data("sql", [f"Table t{i} with columns {', '.join(rng.choice(WORDS, 4))}. Rows: {text(rng, 12)}"
                                 for i in range(5)])
    searched: list[float] = []  # the lesson search inside consult, timed apart: both modes pay it
    search = store.search_lessons

    def timed_search(*args, **kwargs):
        started = time.perf_counter()
        try:
            return search(*args, **kwargs)
        finally:
            searched.append(time.perf_counter() - started)

    store.search_lessons = timed_search  # type: ignore[method-assign]
    requests = store.embedder.embed([text(rng) for _ in range(args.turns)])
    timings: dict[str, list[float]] = {"search": [], "threshold gate": [], "learned gate (cold)": [], "learned gate (warm)": [],
                                       "threshold gate + grounding": []}
    for vector in requests:
        per_turn = dict.fromkeys(timings, 0.0)
        for component in Component:
            started = time.perf_counter()
            hits = store.search_lessons(component, vector, limit=5)
            per_turn["search"] += time.perf_counter() - started
            started = time.perf_counter()
            threshold.decide(component, hits, user="bench")
            per_turn["threshold gate"] += time.perf_counter() - started
            for key in ("learned gate (cold)", "learned gate (warm)"):
                if key.endswith("(cold)"):
                    store._vectors.clear()  # every lesson seen for the first time: vectors come from Qdrant
                started = time.perf_counter()
                vectors = store.lesson_vectors([h.lesson for h in hits])
                learned.decide(component, hits, user="bench", request_vector=vector, vectors=vectors)
                per_turn[key] += time.perf_counter() - started
            searched.clear()
            started = time.perf_counter()
            memory.consult(component, vector, user="bench")
            per_turn["threshold gate + grounding"] += time.perf_counter() - started - sum(searched)
        for key, seconds in per_turn.items():
            timings[key].append(seconds * 1000)
    result = {"lessons_per_component": args.lessons, "turns": args.turns,
              **{f"{key} p95 ms": p95(values) for key, values in timings.items()},
              **{f"{key} median ms": round(float(np.median(values)), 3) for key, values in timings.items()}}
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""`MemoryStore.search_lessons` queries ids and scores only and reads the payloads of each candidate lesson's
best point: it must find exactly what the plain search (every payload read with the query) found."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from memory.embedding import HashingEmbedder
from memory.records import Component, Lesson, LessonStatus
from memory.store import MemoryStore

BACKENDS = ["memory", "qdrant_local", "edge"]
WORDS = ("refund week order revenue region sql table shipping warranty ticket drone laptop invoice "
         "quarter monthly customer reply urgent").split()


def open_store(kind: str, folder: Path) -> MemoryStore:
    if kind == "memory":
        return MemoryStore.open(":memory:", embedder=HashingEmbedder())
    return MemoryStore.open(folder, embedder=HashingEmbedder(), backend=kind)  # type: ignore[arg-type]


def text(rng: random.Random, n: int = 5) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def fill(store: MemoryStore, *, inactive: bool = True) -> None:
    """Writer lessons on shared words, a third of them not active (`inactive`) or in another project, so that
    they crowd the top of some searches (the filtered second query runs)."""
    rng = random.Random(3)
    lessons = []
    for i in range(60):
        status = LessonStatus.PENDING if inactive and i % 3 == 1 else LessonStatus.ACTIVE
        lessons.append(Lesson(id=f"w{i:02d}", component=Component.WRITER, text=f"Rule {i}.", trigger=f"{text(rng)} {i}",
                              trigger_examples=[text(rng) for _ in range(i % 3)], status=status,
                              project="other" if i % 7 == 0 else "default", author="ana"))
    store.add_lessons(lessons)


def reference(store: MemoryStore, vector: np.ndarray, *, limit: int, project: str | None) -> tuple[list[tuple], bool]:
    """The search as it was: every payload read with the query, filtered and de-duplicated in Python.
    Also says whether the filtered second query ran."""

    def wanted(payload: dict[str, Any]) -> bool:
        return payload.get("status") == "active" and project in (None, payload.get("project"))

    collection, query, fetch = store.lesson_collection(Component.WRITER), vector.tolist(), limit * 4
    points = store.backend.query(collection, query, fetch)
    kept = [p for p in points if wanted(p.payload)]
    second = len(points) == fetch and len({p.payload["lesson_id"] for p in kept}) < limit
    if second:
        where = {"status": "active", **({"project": project} if project else {})}
        kept = store.backend.query(collection, query, fetch, where)
    hits: dict[str, tuple] = {}
    for p in kept:
        lesson = Lesson.model_validate(p.payload["lesson"])
        hits.setdefault(lesson.id, (lesson.id, round(p.score, 5), p.payload["matched_text"], lesson.version))
    return sorted(hits.values(), key=lambda hit: hit[1], reverse=True)[:limit], second


def found(store: MemoryStore, vector: np.ndarray, *, limit: int, project: str | None) -> list[tuple]:
    return [(h.lesson.id, round(h.score, 5), h.matched_text, h.lesson.version)
            for h in store.search_lessons(Component.WRITER, vector, limit=limit, project=project)]


def assert_same(store: MemoryStore, queries: list[np.ndarray]) -> int:
    """Every query, limit and project gives the reference's hits; returns how often its second query ran."""
    second_queries = 0
    for vector in queries:
        for limit in (1, 3, 5):
            for project in (None, "default", "other"):
                expected, second = reference(store, vector, limit=limit, project=project)
                assert found(store, vector, limit=limit, project=project) == expected
                second_queries += second
    return second_queries


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_finds_what_the_search_reading_every_payload_found(tmp_path: Path, kind: str) -> None:
    store = open_store(kind, tmp_path / "store")
    fill(store)
    rng = random.Random(11)
    queries = store.embedder.embed([text(rng) for _ in range(12)])
    assert assert_same(store, queries) > 0  # inactive and other-project lessons crowded some top 20s
    assert_same(store, queries)  # lesson ids now remembered: same again
    first = store.search_lessons(Component.WRITER, queries[0], limit=3, project="default")
    top = first[0].lesson
    store.update_lesson(top.model_copy(update={"version": 5, "text": "Rule, rewritten."}))
    assert found(store, queries[0], limit=3, project="default")[0][3] == 5  # the payload is read afresh
    store.update_lesson(top.model_copy(update={"status": LessonStatus.SUPERSEDED}))
    store.delete_lesson(first[1].lesson.id)
    now = [hit[0] for hit in found(store, queries[0], limit=3, project="default")]
    assert top.id not in now and first[1].lesson.id not in now
    assert_same(store, queries)
    if kind != "memory":  # a reopened store knows no lesson ids yet
        store.close()
        store = open_store(kind, tmp_path / "store")
        assert_same(store, queries)
    store.close()


@pytest.mark.parametrize("kind", BACKENDS)
def test_query_without_payloads_gives_the_same_ids_and_scores(tmp_path: Path, kind: str) -> None:
    store = open_store(kind, tmp_path / "store")
    fill(store)
    collection = store.lesson_collection(Component.WRITER)
    for vector in store.embedder.embed(["refund week order", "sql table revenue region"]):
        full = store.backend.query(collection, vector.tolist(), 10, {"status": "active"})
        bare = store.backend.query(collection, vector.tolist(), 10, {"status": "active"}, with_payload=False)
        assert [(p.id, p.score) for p in bare] == [(p.id, p.score) for p in full]
        assert all(p.payload == {} for p in bare) and all(p.payload["status"] == "active" for p in full)
    store.close()


def test_a_search_reads_the_payloads_of_the_lessons_it_returns_only(tmp_path: Path) -> None:
    store = open_store("edge", tmp_path / "store")
    fill(store, inactive=False)
    store.close()
    store = open_store("edge", tmp_path / "store")  # no lesson id known yet
    reads: list[int] = []
    retrieve = store.backend.retrieve

    def counting(collection: str, ids: list[str], **kw: Any) -> Any:
        reads.append(len(ids))
        return retrieve(collection, ids, **kw)

    store.backend.retrieve = counting  # type: ignore[method-assign]
    vector = store.embedder.embed(["refund week order revenue"])[0]
    hits = store.search_lessons(Component.WRITER, vector, limit=3)
    assert reads[0] == 12  # first time: every point found, for its lesson id
    reads.clear()
    assert store.search_lessons(Component.WRITER, vector, limit=3) == hits
    assert reads == []  # this process owns the folder: the lessons read are kept until it writes
    store.update_lesson(hits[0].lesson.model_copy(update={"version": 2}))
    again = store.search_lessons(Component.WRITER, vector, limit=3)
    assert reads == [3]  # the best point of each of the 3 lessons, not the 12 points found
    assert [h.lesson.id for h in again] == [h.lesson.id for h in hits] and again[0].lesson.version == 2
    store.close()


def same_hits(a: list, b: list) -> bool:
    """The same scores, and the same lessons above the last score (the hashing embedder makes ties: which of
    the lessons tied at the cut-off make the list, and which of a lesson's tied texts is its best, is the
    engine's choice)."""
    scores = [round(h.score, 5) for h in a]
    if scores != [round(h.score, 5) for h in b]:
        return False
    kept = lambda hits: sorted((round(h.score, 5), h.lesson.id) for h in hits  # noqa: E731
                               if not scores or round(h.score, 5) > scores[-1])
    return kept(a) == kept(b)


def fill_all(store: MemoryStore) -> None:
    """Lessons in every component, some inactive or in another project (so some components fall back to
    their own filtered search), the tool planner's fewer than the others."""
    rng = random.Random(5)
    lessons = []
    for component, count in ((Component.RETRIEVER, 40), (Component.TOOL_PLANNER, 7), (Component.WRITER, 60)):
        for i in range(count):
            status = LessonStatus.PENDING if i % 4 == 1 else LessonStatus.ACTIVE
            lessons.append(Lesson(id=f"{component.value[0]}{i:02d}", component=component, text=f"Rule {i}.",
                                  trigger=f"{text(rng)} {i}", trigger_examples=[text(rng) for _ in range(i % 3)],
                                  status=status, project="other" if i % 5 == 0 else "default", author="ana"))
    store.add_lessons(lessons)


@pytest.mark.parametrize("kind", BACKENDS)
def test_one_search_for_all_components_finds_what_each_components_search_found(tmp_path: Path, kind: str) -> None:
    store = open_store(kind, tmp_path / "store")
    fill_all(store)
    if kind != "memory":  # reopened: no lesson known yet
        store.close()
        store = open_store(kind, tmp_path / "store")
    shared = store.backend.query_many if hasattr(store.backend, "query_many") else None
    calls: list[int] = []
    if shared is not None:
        def counting(collections: list[str], vector: list[float], limit: int) -> Any:
            calls.append(limit)
            return shared(collections, vector, limit)
        store.backend.query_many = counting  # type: ignore[attr-defined]
    rng = random.Random(17)
    for vector in store.embedder.embed([text(rng) for _ in range(10)]):
        for limit in (1, 3, 5):
            for project in (None, "default", "other"):
                many = store.search_lessons_many(list(Component), vector, limit=limit, project=project)
                for component in Component:
                    one = store.search_lessons(component, vector, limit=limit, project=project)
                    assert same_hits(many[component], one)
    assert bool(calls) == (kind == "edge")  # one search over the three collections where they share an index
    writer = store.search_lessons_many(list(Component), vector, limit=3)[Component.WRITER][0].lesson
    store.update_lesson(writer.model_copy(update={"status": LessonStatus.REJECTED}))
    assert writer.id not in [h.lesson.id for h in store.search_lessons_many(list(Component), vector, limit=3)[Component.WRITER]]
    store.close()

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from memory.embedding import HashingEmbedder
from memory.errors import AlhfError, StoreLockedError, UnknownComponentError
from memory.gate import GateSettings, RelevanceGate
from memory.records import Component, Document, Lesson, LessonAction, parse_component, utc_now
from memory.store import LessonHit, MemoryStore


def lesson(**kw) -> Lesson:
    base = dict(component=Component.WRITER, text="Use EXTRACT(WEEK FROM col).", trigger="SQL queries grouping by week")
    return Lesson(**{**base, **kw})


def test_hashing_embedder_ranks_by_overlap_not_a_constant():
    emb = HashingEmbedder()
    a, b, c = emb.embed(["refund window for customers", "customers refund window", "express shipping time"])
    assert float(a @ b) > 0.7
    assert float(a @ c) < 0.3
    assert not np.allclose(a, c)


def test_gate_applies_above_threshold_and_explains_the_rest():
    gate = RelevanceGate(GateSettings(thresholds={Component.WRITER: 0.5}, max_applied=1))
    hits = [
        LessonHit(lesson(id="hi"), 0.8, "t"),
        LessonHit(lesson(id="second"), 0.7, "t"),
        LessonHit(lesson(id="low"), 0.3, "t"),
        LessonHit(lesson(id="old", expires_at=utc_now() - timedelta(days=1)), 0.9, "t"),
        LessonHit(lesson(id="bob", scope="user:bob"), 0.9, "t"),
    ]
    decisions = {d.lesson_id: d for d in gate.decide(Component.WRITER, hits, user="ana")}
    assert decisions["hi"].passed
    assert not decisions["second"].passed and "max_applied" in decisions["second"].reason
    assert not decisions["low"].passed and "0.30 < 0.50" in decisions["low"].reason
    assert not decisions["old"].passed and "expired" in decisions["old"].reason
    assert not decisions["bob"].passed and "scope" in decisions["bob"].reason
    assert gate.decide(Component.WRITER, [LessonHit(lesson(id="bob", scope="user:bob"), 0.9, "t")], user="bob")[0].passed


def test_store_search_returns_each_lesson_once_with_best_trigger():
    store = MemoryStore.open(":memory:", embedder=HashingEmbedder())
    week = lesson(trigger="SQL week number queries", trigger_examples=["group orders by week number in SQL"])
    tone = lesson(text="Be brief.", trigger="welcome messages for new staff")
    store.add_lessons([week, tone])
    vector = store.embedder.embed(["group orders by week number in SQL"])[0]
    hits = store.search_lessons(Component.WRITER, vector)
    assert [h.lesson.id for h in hits][0] == week.id
    assert hits[0].matched_text == "group orders by week number in SQL"
    assert len({h.lesson.id for h in hits}) == len(hits)
    assert store.search_lessons(Component.RETRIEVER, vector) == []
    assert store.delete_lesson(week.id) and store.get_lesson(week.id) is None


def test_lessons_persist_across_restart_and_folder_is_locked(tmp_path: Path):
    folder = tmp_path / "qdrant"
    store = MemoryStore.open(folder, embedder=HashingEmbedder())
    kept = lesson(component=Component.RETRIEVER, action=LessonAction(prefer_documents=["refunds-2024"]))
    store.add_lesson(kept)
    store.replace_corpus([Document(id="d1", title="t", text="x")])
    with pytest.raises(StoreLockedError, match="in use by another alhf process"):
        MemoryStore.open(folder, embedder=HashingEmbedder())
    store.close()
    reopened = MemoryStore.open(folder, embedder=HashingEmbedder())
    assert reopened.get_lesson(kept.id) == kept
    assert [d.id for d in reopened.list_documents()] == ["d1"]
    reopened.close()


def test_wrong_embedding_dimension_is_a_clear_error(tmp_path: Path):
    MemoryStore.open(tmp_path / "q", embedder=HashingEmbedder(dim=64)).close()
    with pytest.raises(AlhfError, match="64-dim"):
        MemoryStore.open(tmp_path / "q", embedder=HashingEmbedder(dim=32))


def test_unknown_component_names_the_valid_ones():
    assert parse_component("Tool-Planner") is Component.TOOL_PLANNER
    with pytest.raises(UnknownComponentError, match="retriever, tool_planner, writer"):
        parse_component("summarizer")


def test_search_skips_inactive_and_other_project_lessons():
    from memory.records import LessonStatus

    store = MemoryStore.open(":memory:", embedder=HashingEmbedder())
    query = "group orders by week number in SQL"
    crowd = [lesson(trigger=query, status=LessonStatus.PENDING) for _ in range(25)]
    other = [lesson(trigger=query, project="other") for _ in range(5)]
    active = lesson(trigger="SQL week number queries")
    store.add_lessons([*crowd, *other, active])
    hits = store.search_lessons(Component.WRITER, store.embedder.embed([query])[0], limit=3, project="default")
    assert [h.lesson.id for h in hits] == [active.id]


def test_restoring_a_lesson_with_new_triggers_replaces_its_points():
    store = MemoryStore.open(":memory:", embedder=HashingEmbedder())
    first = lesson(trigger="refund questions", trigger_examples=["refund window?"])
    store.add_lesson(first)
    store.add_lessons([first.model_copy(update={"trigger_examples": [], "version": 2})], replace=True)
    hits = store.search_lessons(Component.WRITER, store.embedder.embed(["refund window?"])[0])
    assert [(h.lesson.version, h.matched_text) for h in hits] == [(2, "refund questions")]

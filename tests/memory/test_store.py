from pathlib import Path

import pytest

from memory.embedding import HashingEmbedder
from memory.errors import AlhfError, StoreLockedError
from memory.records import (
    Component,
    Document,
    Lesson,
    LessonAction,
)
from memory.store import MemoryStore


def lesson(**kw) -> Lesson:
    base = dict(component=Component.WRITER, text="Use EXTRACT(WEEK FROM col).", trigger="SQL queries grouping by week")
    return Lesson(**{**base, **kw})


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

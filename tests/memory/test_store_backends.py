"""Congruence of the store backends: the same operations give the same results on each of them.

Backends here: qdrant-client in memory (":memory:", tests and eval), qdrant-client local mode on a
folder (old data dirs) and Qdrant Edge on a folder (the embedded default). A server URL is the
same qdrant-client code as ":memory:" and needs a running server, so it is not among them.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from memory.embedding import HashingEmbedder
from memory.errors import StoreEngineError, StoreFormatError, StoreLockedError
from memory.migrate import migrate_in_place
from memory.records import Component, Document, Lesson, LessonAction, LessonStatus
from memory.settings import MemorySettings, open_store
from memory.store import MemoryStore

BACKENDS = ["memory", "qdrant_local", "edge"]
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def open_backend(kind: str, folder: Path) -> MemoryStore:
    if kind == "memory":
        return MemoryStore.open(":memory:", embedder=HashingEmbedder())
    return MemoryStore.open(folder, embedder=HashingEmbedder(), backend=kind)  # type: ignore[arg-type]


def lessons() -> list[Lesson]:
    """A fixed set: ids and dates are set so every backend stores exactly the same records."""
    spec = [
        ("w-week", Component.WRITER, "Use EXTRACT(WEEK FROM col).", "SQL week number queries", ["group orders by week number in SQL"], "default"),
        ("w-table", Component.WRITER, "Answer in a table.", "requests for figures per region", ["revenue per region table"], "default"),
        ("w-other", Component.WRITER, "Use MySQL.", "SQL week number queries for the other team", [], "other"),
        ("r-refund", Component.RETRIEVER, "Cite the 2024 refund policy.", "refund window questions", ["can I get a refund after three weeks"], "default"),
        ("t-sql", Component.TOOL_PLANNER, "Compute revenue with SQL.", "revenue totals per quarter", ["total revenue in Q1"], "default"),
    ]
    out = []
    for i, (lesson_id, component, text, trigger, examples, project) in enumerate(spec):
        action = LessonAction(prefer_tools=["sql"]) if component is Component.TOOL_PLANNER else LessonAction()
        out.append(Lesson(id=lesson_id, component=component, text=text, trigger=trigger, trigger_examples=examples,
                          project=project, created_at=T0 + timedelta(minutes=i), author="ana", action=action))
    return out


DOCS = [Document(id="refunds", title="Refunds", text="Refunds within 30 days."),
        Document(id="shipping", title="Shipping", text="Standard shipping takes 3 days.")]


def run_operations(store: MemoryStore) -> dict[str, Any]:
    """Every store operation the workflows use, and what each returned."""
    out: dict[str, Any] = {}
    embed = lambda text: store.embedder.embed([text])[0]  # noqa: E731

    def hits(component: Component, text: str, **kw: Any) -> list[tuple[str, float, str, int]]:
        """(id, score, best trigger, version); with no word in common every trigger ties at 0, so none is named."""
        return [(h.lesson.id, round(h.score, 4), h.matched_text if h.score > 0.01 else "", h.lesson.version)
                for h in store.search_lessons(component, embed(text), **kw)]

    store.add_lessons(lessons())
    store.replace_corpus(DOCS)
    out["count"] = store.count_lessons()
    out["count_writer"] = store.count_lessons(Component.WRITER)
    out["list"] = [lesson.id for lesson in store.list_lessons()]
    out["search_any_project"] = hits(Component.WRITER, "week number in SQL")
    out["search_default"] = hits(Component.WRITER, "week number in SQL", project="default")
    out["search_other"] = hits(Component.WRITER, "week number in SQL", project="other")
    out["search_limit1"] = hits(Component.WRITER, "revenue per region", limit=1)

    week = store.get_lesson("w-week")
    assert week is not None
    store.update_lesson(week.model_copy(update={"version": 2, "text": "Use EXTRACT(WEEK FROM col), never WEEKOFYEAR()."}))
    out["after_update"] = (store.get_lesson("w-week").version, store.get_lesson("w-week").text)  # type: ignore[union-attr]
    out["search_after_update"] = hits(Component.WRITER, "week number in SQL", project="default")

    table = store.get_lesson("w-table")
    store.update_lesson(table.model_copy(update={"status": LessonStatus.SUPERSEDED}))  # type: ignore[union-attr]
    out["search_after_supersede"] = hits(Component.WRITER, "revenue per region", project="default")
    out["statuses"] = sorted((lesson.id, lesson.status.value) for lesson in store.list_lessons())

    refund = store.get_lesson("r-refund")
    store.add_lessons([refund.model_copy(update={"trigger_examples": [], "version": 3})], replace=True)  # type: ignore[union-attr]
    out["search_after_replace"] = hits(Component.RETRIEVER, "can I get a refund after three weeks")

    out["delete"] = (store.delete_lesson("t-sql"), store.delete_lesson("no-such-lesson"))
    out["get_deleted"] = store.get_lesson("t-sql")
    out["count_after_delete"] = store.count_lessons()
    out["documents"] = [d.id for d in store.list_documents()]
    out["corpus_search"] = [(h.document.id, round(h.score, 4)) for h in store.search_corpus(embed("shipping days"), limit=2)]
    out["get_document"] = store.get_document("refunds")
    store.replace_corpus(DOCS[:1])
    out["documents_replaced"] = [d.id for d in store.list_documents()]
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    out = {}
    for kind in BACKENDS:
        store = open_backend(kind, tmp_path_factory.mktemp(kind) / "store")
        out[kind] = run_operations(store)
        store.close()
    return out


def test_every_backend_gives_the_same_results(results: dict[str, dict[str, Any]]) -> None:
    reference = results["memory"]
    for kind in BACKENDS[1:]:
        for key, value in reference.items():
            assert results[kind][key] == value, f"{kind} differs from ':memory:' on {key}"


def test_the_shared_results_are_the_right_ones(results: dict[str, dict[str, Any]]) -> None:
    r = results["edge"]
    assert r["count"] == 5 and r["count_writer"] == 3
    assert r["list"] == ["w-week", "w-table", "w-other", "r-refund", "t-sql"]
    assert r["search_default"][0][:3] == ("w-week", r["search_default"][0][1], "group orders by week number in SQL")
    assert "w-other" in [h[0] for h in r["search_any_project"]]
    assert "w-other" not in [h[0] for h in r["search_default"]]
    assert [h[0] for h in r["search_other"]] == ["w-other"]
    assert len(r["search_limit1"]) == 1 and r["search_limit1"][0][0] == "w-table"
    assert r["after_update"] == (2, "Use EXTRACT(WEEK FROM col), never WEEKOFYEAR().")
    assert r["search_after_update"][0][3] == 2
    assert "w-table" not in [h[0] for h in r["search_after_supersede"]]
    assert ("w-table", "superseded") in r["statuses"]
    assert [(h[0], h[2], h[3]) for h in r["search_after_replace"]] == [("r-refund", "refund window questions", 3)]
    assert r["delete"] == (True, False) and r["get_deleted"] is None and r["count_after_delete"] == 4
    assert r["documents"] == ["refunds", "shipping"] and r["corpus_search"][0][0] == "shipping"
    assert r["get_document"] == DOCS[0] and r["documents_replaced"] == ["refunds"]


@pytest.mark.parametrize("kind", ["qdrant_local", "edge"])
def test_lessons_and_corpus_survive_a_reopen(tmp_path: Path, kind: str) -> None:
    store = open_backend(kind, tmp_path / "store")
    store.add_lessons(lessons())
    store.replace_corpus(DOCS)
    store.update_lesson(lessons()[1].model_copy(update={"status": LessonStatus.SUPERSEDED, "version": 4}))
    before = [lesson.model_dump() for lesson in store.list_lessons()]
    store.close()
    reopened = open_backend(kind, tmp_path / "store")
    assert [lesson.model_dump() for lesson in reopened.list_lessons()] == before
    assert reopened.get_lesson("w-table").version == 4  # type: ignore[union-attr]
    assert [d.id for d in reopened.list_documents()] == ["refunds", "shipping"]
    reopened.close()


def test_edge_folder_is_locked_to_one_opener(tmp_path: Path) -> None:
    store = open_backend("edge", tmp_path / "store")
    with pytest.raises(StoreLockedError, match="in use by another alhf process"):
        open_backend("edge", tmp_path / "store")
    store.close()
    open_backend("edge", tmp_path / "store").close()  # free again once closed


def test_edge_engine_errors_become_one_line_alhf_errors(tmp_path: Path) -> None:
    store = open_backend("edge", tmp_path / "store")
    with pytest.raises(StoreEngineError, match=r"^Qdrant Edge could not search in .*dimension") as info:
        store.backend.query(store.lesson_collection(Component.WRITER), [0.1, 0.2], 3)
    assert "\n" not in str(info.value)
    store.close()


def test_edge_refuses_an_old_local_mode_folder(tmp_path: Path) -> None:
    open_backend("qdrant_local", tmp_path / "store").close()
    with pytest.raises(StoreFormatError, match="alhf memory migrate"):
        open_backend("edge", tmp_path / "store")


def test_settings_keep_opening_an_old_folder_with_a_hint(tmp_path: Path) -> None:
    old = open_backend("qdrant_local", tmp_path / "qdrant")
    old.add_lessons(lessons())
    old.close()
    store = open_store(MemorySettings(embedder="hashing"), tmp_path / "qdrant", HashingEmbedder())
    assert store.backend_name == "qdrant_local" and store.count_lessons() == 5
    assert store.notice is not None and "alhf memory migrate" in store.notice
    store.close()
    fresh = open_store(MemorySettings(embedder="hashing"), tmp_path / "new", HashingEmbedder())
    assert fresh.backend_name == "edge" and fresh.notice is None
    fresh.close()


def test_migration_keeps_every_lesson_version_and_status(tmp_path: Path) -> None:
    folder = tmp_path / "qdrant"
    old = open_backend("qdrant_local", folder)
    many = [lesson.model_copy(update={"id": f"{lesson.id}-{n}"}) for n in range(30) for lesson in lessons()]
    old.add_lessons(many)
    statuses = list(LessonStatus)
    for n, lesson in enumerate(many):
        if n % 3:
            old.update_lesson(lesson.model_copy(update={"version": 1 + n % 4, "status": statuses[n % len(statuses)]}))
    old.replace_corpus(DOCS)
    expected = sorted((x.id, x.component.value, x.version, x.status.value) for x in old.list_lessons())
    query = old.embedder.embed(["group orders by week number in SQL"])[0]
    # 30 copies of each lesson tie on score, so the engines may pick different copies: compare scores.
    expected_scores = [round(h.score, 4) for h in old.search_lessons(Component.WRITER, query, project="default")]
    old.close()

    report = migrate_in_place(folder)

    assert report.total_lessons == len(many) == 150
    assert report.backup is not None and report.backup.exists()
    store = open_store(MemorySettings(embedder="hashing"), folder, HashingEmbedder())
    assert store.backend_name == "edge" and store.notice is None
    got = sorted((x.id, x.component.value, x.version, x.status.value) for x in store.list_lessons())
    assert got == expected
    assert len({status for *_, status in got}) == len(statuses)  # every status was carried over
    found = store.search_lessons(Component.WRITER, query, project="default")
    assert [round(h.score, 4) for h in found] == expected_scores and expected_scores[0] > 0.9
    assert all(h.lesson.status is LessonStatus.ACTIVE and h.lesson.project == "default" for h in found)
    assert [d.id for d in store.list_documents()] == ["refunds", "shipping"]
    store.close()


def test_migration_refuses_a_folder_that_is_not_local_mode(tmp_path: Path) -> None:
    open_backend("edge", tmp_path / "store").close()
    with pytest.raises(StoreFormatError, match="nothing to migrate"):
        migrate_in_place(tmp_path / "store")

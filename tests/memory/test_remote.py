"""A store read through another process (memory/remote.py) answers as the owner's store does, and refuses
to write."""

from __future__ import annotations

from pathlib import Path

import pytest

from memory.embedding import HashingEmbedder
from memory.records import Component, Document, Lesson
from memory.remote import RemoteBackend, RemoteWriteError
from memory.store import MemoryStore


def test_a_remote_store_reads_what_the_owner_holds_and_never_writes(tmp_path: Path):
    owner = MemoryStore.open(tmp_path / "qdrant", embedder=HashingEmbedder())
    calls: list[str] = []

    def call(operation: str, args: dict) -> object:
        calls.append(operation)
        return owner.answer_read(operation, args)

    week = Lesson(component=Component.WRITER, text="Use EXTRACT(WEEK FROM col).", trigger="SQL week number queries",
                  negative_examples=["what week is it today"])
    tone = Lesson(component=Component.RETRIEVER, text="Prefer the 2024 policy.", trigger="refund questions")
    owner.add_lessons([week, tone])
    owner.replace_corpus([Document(id="d1", title="Refunds", text="Refunds within 30 days.")])
    remote = MemoryStore(RemoteBackend(call, where="http://owner"), HashingEmbedder())

    vector = owner.embedder.embed(["group orders by week number in SQL"])[0]
    assert remote.search_lessons(Component.WRITER, vector) == owner.search_lessons(Component.WRITER, vector)
    assert {x.id for x in remote.list_lessons()} == {week.id, tone.id}
    assert remote.count_lessons(Component.RETRIEVER) == 1 and remote.get_lesson(week.id) == owner.get_lesson(week.id)
    assert [d.id for d in remote.list_documents()] == ["d1"]
    assert remote.lesson_vectors([week]).keys() == owner.lesson_vectors([week]).keys()
    assert {"query", "scroll", "retrieve", "collection_dim"} <= set(calls)

    with pytest.raises(RemoteWriteError, match="`alhf serve` \\(http://owner\\) owns this memory"):
        remote.add_lesson(Lesson(component=Component.WRITER, text="x", trigger="y"))
    with pytest.raises(RemoteWriteError):
        remote.delete_lesson(week.id)
    assert owner.count_lessons() == 2
    owner.close()

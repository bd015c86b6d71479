"""Document grounding: a lesson that names documents applies to requests that lead to them (and their other
versions), and is rejected for requests whose corpus search leads elsewhere, however many words they share."""

from __future__ import annotations

import numpy as np

from memory.consult import LessonMemory
from memory.gate import GateSettings, RelevanceGate
from memory.grounding import document_family, document_grounding
from memory.records import Component, Document, Lesson, LessonAction
from memory.store import DocumentHit, MemoryStore

CORPUS = [
    Document(id="expenses-2021", title="Expense policy (2021, outdated)", text="Meals are reimbursed up to 20 EUR per day."),
    Document(id="expenses-2025", title="Expense policy v3 (current)",
             text="Meals are reimbursed up to 35 EUR per day; receipts are required above 10 EUR."),
    Document(id="close-calendar", title="Month-end close calendar", text="Books close on the third working day of each month."),
    Document(id="travel-desk", title="Travel desk", text="Book flights and hotels for business trips through the travel desk portal."),
]
LESSON = Lesson(id="exp", component=Component.RETRIEVER, text="Use expense policy v3 (expenses-2025), not the 2021 one.",
                trigger="Requests like: How much can I claim for lunch on a business trip?",
                trigger_examples=["How much can I claim for lunch on a business trip?"],
                action=LessonAction(prefer_documents=["expenses-2025"]))


def _memory(embedder, **gate) -> LessonMemory:
    store = MemoryStore.open(":memory:", embedder=embedder)
    store.replace_corpus(CORPUS)
    store.add_lessons([LESSON])
    return LessonMemory(store, RelevanceGate(GateSettings(mode="threshold", **gate)))


def _consult(memory: LessonMemory, request: str):
    vector = memory.store.embedder.embed([request])[0]
    return memory.consult(Component.RETRIEVER, vector, user="ana", request=request)


def test_a_paraphrase_that_leads_to_the_lessons_documents_is_accepted(minilm):
    memory = _memory(minilm)
    request = "What is the daily food allowance when travelling?"  # shares no word with the lesson's example
    without = _consult(_memory(minilm, grounding=False), request)
    assert without.applied == []  # its similarity to the example alone is below the threshold
    grounded = _consult(memory, request)
    assert [lesson.id for lesson in grounded.applied] == ["exp"]
    signals = grounded.decisions[0].signals
    assert signals["document"] > signals["example"] and signals["document_margin"] > 0


def test_a_near_miss_probe_whose_search_leads_to_another_document_is_rejected(minilm):
    request = "How do I book a hotel for a business trip?"  # the example's words, the travel desk's subject
    decision = _consult(_memory(minilm), request).decisions[0]
    assert not decision.passed and "other documents" in decision.reason
    assert decision.signals["document_margin"] < -0.05
    assert _consult(_memory(minilm, grounding=False), request).decisions[0].reason.startswith("similarity")


def test_the_outdated_version_counts_as_the_lessons_document(minilm):
    store = MemoryStore.open(":memory:", embedder=minilm)
    store.replace_corpus(CORPUS)
    vectors = store.document_vectors(document.id for document in CORPUS)
    assert document_family({"expenses-2025"}, vectors, min_similarity=0.55) == {"expenses-2021", "expenses-2025"}
    assert document_family({"expenses-2025"}, vectors, min_similarity=0.99) == {"expenses-2025"}
    store.replace_corpus(CORPUS[2:])  # a changed corpus forgets the vectors it cached
    assert set(store.document_vectors(["expenses-2025", "close-calendar"])) == {"close-calendar"}


def test_grounding_margin_and_lessons_without_documents():
    hits = [DocumentHit(CORPUS[2], 0.7), DocumentHit(CORPUS[1], 0.4)]
    grounding = document_grounding({"expenses-2025"}, hits)
    assert (grounding.similarity, grounding.margin) == (0.4, -0.3)
    beyond = document_grounding({"expenses-2021"}, hits)  # not found: scored at most the last hit
    assert beyond.similarity == 0.4 and beyond.margin == -0.3
    assert document_grounding(set(), hits) is None and document_grounding({"x"}, []) is None
    store = MemoryStore.open(":memory:", embedder=_Unit())
    writer = Lesson(id="w", component=Component.WRITER, text="Be brief.", trigger="Any answer")
    store.add_lessons([writer])
    memory = LessonMemory(store, RelevanceGate(GateSettings(mode="threshold")))
    decision = memory.consult(Component.WRITER, np.ones(4, dtype=np.float32) / 2, user="ana").decisions[0]
    assert "document" not in decision.signals  # nothing to ground, no corpus search


class _Unit:
    """Every text the same unit vector: similarity 1 everywhere."""

    dim = 4

    def embed(self, texts):
        return np.full((len(list(texts)), 4), 0.5, dtype=np.float32)

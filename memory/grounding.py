"""Document grounding: a lesson that names documents (prefer or avoid them) is about the requests that
lead to those documents.

A retriever lesson such as "use the 2025 expense policy, not the 2021 one" matters for any request
whose nearest documents are the expense policies, however it is worded, and for no request whose
nearest document is another one (the close calendar, a shift note), however many words it shares
with the lesson's example. The request's corpus search already ranks the documents, so the gate
reads two numbers from it:

- `similarity`: the request's best similarity to a document of the lesson's family;
- `margin`: that minus the best similarity to any other document (> 0: the family leads).

The family is the documents the lesson names and their other versions: documents whose stored
vectors are at least `min_similarity` alike (a router often names only the current version; the
outdated one it replaces is as much what the lesson is about).

    >>> import numpy as np
    >>> from memory.records import Document
    >>> from memory.store import DocumentHit
    >>> vectors = {"exp-2025": np.array([1.0, 0.0]), "exp-2021": np.array([0.95, 0.31]), "calendar": np.array([0.0, 1.0])}
    >>> family = document_family({"exp-2025"}, vectors, min_similarity=0.55)
    >>> sorted(family)
    ['exp-2021', 'exp-2025']
    >>> hits = [DocumentHit(Document(id="exp-2021", title="", text=""), 0.6),
    ...         DocumentHit(Document(id="calendar", title="", text=""), 0.2)]
    >>> document_grounding(family, hits)
    Grounding(similarity=0.6, margin=0.4)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from memory.records import Lesson
from memory.store import DocumentHit, MemoryStore

__all__ = ["Grounding", "document_family", "document_grounding", "ground_lessons", "lesson_documents"]


@dataclass(frozen=True)
class Grounding:
    similarity: float
    margin: float


def lesson_documents(lesson: Lesson) -> set[str]:
    """The documents a lesson names: those it prefers and those it avoids."""
    return set(lesson.action.prefer_documents) | set(lesson.action.avoid_documents)


def document_family(named: set[str], vectors: dict[str, np.ndarray], *, min_similarity: float) -> set[str]:
    """The named documents and every document (of `vectors`) at least `min_similarity` alike to one of them."""
    anchors = [vectors[doc] for doc in named if doc in vectors]
    return set(named) | {doc for doc, vector in vectors.items()
                         if any(float(np.dot(vector, anchor)) >= min_similarity for anchor in anchors)}


def document_grounding(family: set[str], hits: list[DocumentHit]) -> Grounding | None:
    """None when the family or the search is empty. `hits` is the request's corpus search, best first;
    a family document beyond it scores at most the last hit (an upper bound)."""
    if not family or not hits:
        return None
    own = [hit.score for hit in hits if hit.document.id in family]
    other = [hit.score for hit in hits if hit.document.id not in family]
    similarity = max(own) if own else min(hit.score for hit in hits)
    margin = similarity - max(other) if other else 1.0
    return Grounding(round(similarity, 4), round(margin, 4))


def ground_lessons(store: MemoryStore, lessons: Iterable[Lesson], vector: np.ndarray, *, documents: int,
                   family_similarity: float) -> dict[str, Grounding]:
    """The grounding of each lesson that names documents, by lesson id: one corpus search for all."""
    named = {lesson.id: docs for lesson in lessons if (docs := lesson_documents(lesson))}
    if not named:
        return {}
    hits = store.search_corpus(vector, limit=documents)
    vectors = store.document_vectors({hit.document.id for hit in hits}.union(*named.values()))
    result = {}
    for lesson_id, docs in named.items():
        grounding = document_grounding(document_family(docs, vectors, min_similarity=family_similarity), hits)
        if grounding is not None:
            result[lesson_id] = grounding
    return result

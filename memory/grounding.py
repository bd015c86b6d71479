"""Grounding: a lesson about a source applies to the requests that lead to that source.

Two kinds, both read from the request's corpus search:

- document: a lesson that names documents (prefer or avoid them), such as "use the 2025 expense
  policy, not the 2021 one", matters for any request whose nearest documents are the expense
  policies, however it is worded, and for no request whose nearest document is another one (the
  close calendar, a shift note), however many words it shares with the lesson's example.
  `similarity` is the request's best similarity to a document of the lesson's family (the documents
  it names and their other versions: documents whose stored vectors are at least `family_similarity`
  alike, since a router often names only the current version); `margin` is that minus the best
  similarity to any other document (> 0: the family leads); `tables` is the request's best similarity
  to the data tools' tables, when there are any (a request nearer them asks for records, not a rule).
- data: a lesson that prefers a tool reading data (the SQL tool: "count them in the tickets table
  instead of quoting the notes") matters for requests about the records that tool reads, not for
  requests a document answers (the support hours, what the note says, how to file an invoice).
  `similarity` is the request's best similarity to the tool's data sources (each table described by
  its columns and a few rows); `margin` is that minus its best similarity to a corpus document, or
  to one sentence of a document when passages are on (a request about one line of a price list is far
  from the whole list).

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
    Grounding(kind='document', similarity=0.6, margin=0.4, tables=None)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable, Literal

import numpy as np

from memory.records import Lesson
from memory.store import DocumentHit, MemoryStore

__all__ = ["Grounding", "data_tools", "document_family", "document_grounding", "ground_lessons", "lesson_documents"]


@dataclass(frozen=True)
class Grounding:
    kind: Literal["document", "data"]
    similarity: float
    margin: float
    tables: float | None = None  # document kind: the request's best similarity to the data tools' tables


def lesson_documents(lesson: Lesson) -> set[str]:
    """The documents a lesson names: those it prefers, those it avoids, and those it is about."""
    action = lesson.action
    return set(action.prefer_documents) | set(action.avoid_documents) | set(action.about_documents)


def data_tools(lesson: Lesson, data: dict[str, np.ndarray]) -> list[str]:
    """The tools the lesson prefers that read described data sources."""
    return [tool for tool in lesson.action.prefer_tools if tool in data and len(data[tool])]


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
    return Grounding("document", round(similarity, 4), round(margin, 4))


def ground_lessons(store: MemoryStore, lessons: Iterable[Lesson], vector: np.ndarray,
                   search: Callable[[], list[DocumentHit]], *, family_similarity: float,
                   data: dict[str, np.ndarray] | None = None, passages: bool = False) -> dict[str, Grounding]:
    """The grounding of each lesson that names documents or prefers a data tool (`data`: tool name -> the
    vectors of its data sources), by lesson id. `search` gives the request's corpus search, best first;
    it is called only when a lesson needs it. With `passages`, a data lesson's nearest document is the better of
    the nearest whole document and the nearest sentence of any document (memory/passages.py)."""
    data = data or {}
    named = {lesson.id: docs for lesson in lessons if (docs := lesson_documents(lesson))}
    reading = {lesson.id: tools for lesson in lessons if lesson.id not in named and (tools := data_tools(lesson, data))}
    if not named and not reading:
        return {}
    hits = search()
    result: dict[str, Grounding] = {}
    if named:
        vectors = store.document_vectors({hit.document.id for hit in hits}.union(*named.values()))
        described = [sources for sources in data.values() if len(sources)]
        tables = round(max(float(np.max(sources @ vector)) for sources in described), 4) if described else None
        for lesson_id, docs in named.items():
            grounding = document_grounding(document_family(docs, vectors, min_similarity=family_similarity), hits)
            if grounding is not None:
                result[lesson_id] = replace(grounding, tables=tables)
    if reading and hits:  # with no corpus there is no document to answer instead
        nearest = hits[0].score
        if passages:  # a line of a document ("Wiro binding: EUR 3.50") answers a request its whole text is far from
            nearest = max(nearest, store.best_passage(vector) or -1.0)
        for lesson_id, tools in reading.items():
            similarity = max(float(np.max(data[tool] @ vector)) for tool in tools)
            result[lesson_id] = Grounding("data", round(similarity, 4), round(similarity - nearest, 4))
    return result

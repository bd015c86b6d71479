"""The Retriever: searches the corpus; its lessons prefer or avoid documents and expand the query. A preferred
document replaces its other versions (same title but for years and version words)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from autogen import ConversableAgent

from memory.consult import Consultation
from memory.embedding import Embedder
from memory.store import DocumentHit, MemoryStore

__all__ = ["RetrieverAgent", "Retrieval", "version_stem"]

# words that tell versions of one document apart, not what it is about
_VERSION_WORDS = frozenset("v version edition rev revision old new current latest draft final outdated superseded "
                           "withdrawn expired archived updated revised amended valid until from the of and".split())


def version_stem(title: str) -> frozenset[str]:
    """What a document is, without its version: the title's words less years, numbers, version words and any
    parenthesis ("Fares 2024 (valid until 28 February 2025)" and "Fares 2025" are both {'fares'}).

        >>> sorted(version_stem("Expense policy v3 (current)")) == sorted(version_stem("Expense policy (2021, outdated)"))
        True
    """
    words = re.findall(r"[a-z]+", re.sub(r"\([^)]*\)", " ", title.lower()))
    return frozenset(word for word in words if word not in _VERSION_WORDS)


@dataclass
class Retrieval:
    query: str
    documents: list[DocumentHit] = field(default_factory=list)
    preferred: list[str] = field(default_factory=list)
    avoided: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.documents:
            return "No documents found."
        lines = [f"- [{hit.document.id}] {hit.document.title} (score {hit.score:.2f})" for hit in self.documents]
        return "Context documents:\n" + "\n".join(lines)


class RetrieverAgent(ConversableAgent):
    """No LLM: vector search over the corpus, reshaped by the lessons that passed the gate."""

    def __init__(self, store: MemoryStore, embedder: Embedder, top_k: int = 3, *,
                 search: Callable[[np.ndarray, int], list[DocumentHit]] | None = None) -> None:
        """`search(vector, limit)` searches the corpus (default: the store's search; the Assistant passes
        `LessonMemory.search_corpus`, which reuses the search the gate's grounding made for the same vector)."""
        super().__init__(name="retriever", llm_config=False, human_input_mode="NEVER",
                         description="Finds the documents a request needs.")
        self.store = store
        self.embedder = embedder
        self.top_k = top_k
        self.search = search or (lambda vector, limit: store.search_corpus(vector, limit=limit))

    def retrieve(self, request: str, request_vector: np.ndarray, consultation: Consultation) -> Retrieval:
        expansions = [term for lesson in consultation.applied for term in lesson.action.expand_query]
        query = " ".join([request, *expansions])
        vector = self.embedder.embed([query])[0] if expansions else request_vector
        avoid = {doc for lesson in consultation.applied for doc in lesson.action.avoid_documents}
        prefer = [doc for lesson in consultation.applied for doc in lesson.action.prefer_documents]
        hits = [h for h in self.search(vector, self.top_k + len(avoid) + len(prefer)) if h.document.id not in avoid]
        found = {h.document.id: h for h in hits}
        preferred_hits = []
        for doc_id in dict.fromkeys(prefer):
            if doc_id in avoid:
                continue
            document = found[doc_id].document if doc_id in found else self.store.get_document(doc_id)
            if document is not None:
                preferred_hits.append(DocumentHit(document, found[doc_id].score if doc_id in found else 1.0))
        chosen = {p.document.id for p in preferred_hits}
        # a preferred document replaces its other versions ("use Fares 2025" retires "Fares 2024"): a small writer
        # shown both quotes the old one
        stems = {stem for p in preferred_hits if (stem := version_stem(p.document.title))}
        replaced = {h.document.id for h in hits if h.document.id not in chosen and version_stem(h.document.title) in stems}
        rest = [h for h in hits if h.document.id not in chosen | replaced]
        documents = (preferred_hits + rest)[: max(self.top_k, len(preferred_hits))]
        return Retrieval(query, documents, [h.document.id for h in preferred_hits], sorted(avoid | replaced))

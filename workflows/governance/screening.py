"""The poisoning defence as governance applies it: every correction, and every lesson that enters memory
(routed, imported or edited), is screened with the project's allowlists before it may be learned.

Layers (agents/screening*.py): decoding (hidden or encoded text, ROT13, reversed text, leetspeak),
deterministic guards (links and contacts off the allowlist, requests for secrets or bulk customer data, write
statements and data changes, rule overrides, injected instructions, abuse of users; a negation lets a request
through only when it governs the verb), the model's schema-constrained verdict, and, on the fake model only, a
MiniLM nearest-neighbour screen."""

from __future__ import annotations

from agents.llm import LLM
from agents.screening import CorrectionScreener, Screening, screen_correction, screen_lesson
from agents.screening_guards import own_contacts
from agents.screening_similarity import SimilarityScreen
from memory.embedding import Embedder
from memory.records import Lesson
from memory.store import MemoryStore
from workflows.governance.roles import GovernanceSettings

__all__ = ["Screens", "Screening", "quarantine_reason"]


class Screens:
    """The screening layers configured for one assistant."""

    def __init__(self, governance: GovernanceSettings, llm: LLM | None, embedder: Embedder | None,
                 store: MemoryStore | None = None) -> None:
        self.governance = governance
        self.store = store  # the team's own documents: the contacts they give are the team's too
        # (corpus version, its contacts, its titles)
        self._own: tuple[int, tuple[list[str], list[str]], dict[str, str]] | None = None
        self.screener = CorrectionScreener(llm) if llm is not None else None
        use_similarity = governance.screen_similarity == "on" or (
            governance.screen_similarity == "auto" and (llm is None or llm.is_fake))
        # the thresholds are calibrated on MiniLM: on the hashing test embedder the screen would mean nothing
        self.similarity = (SimilarityScreen(embedder) if use_similarity and embedder is not None
                           and getattr(embedder, "name", "") == "minilm" else None)

    def allowed(self) -> tuple[list[str], list[str]]:
        """(domains, phone numbers) a lesson may give: the config's allowlists and what the documents give."""
        hosts, phones = self._corpus()[0]
        return [*self.governance.allowed_domains, *hosts], [*self.governance.allowed_phones, *phones]

    def _corpus(self) -> tuple[tuple[list[str], list[str]], dict[str, str]]:
        """The corpus's contacts and its documents' titles, read again only when the store has replaced its corpus."""
        if self.store is None:
            return ([], []), {}
        if self._own is None or self._own[0] != self.store.corpus_version:
            documents = self.store.list_documents()
            self._own = (self.store.corpus_version, own_contacts(d.text for d in documents),
                         {d.id: d.title for d in documents})
        return self._own[1], self._own[2]

    def titles(self) -> dict[str, str]:
        """The team's documents by id, with their titles: a correction that names one to go by is no override."""
        return self._corpus()[1]

    def correction(self, text: str) -> Screening:
        domains, phones = self.allowed()
        return screen_correction(text, screener=self.screener, allowed_domains=domains, allowed_phones=phones,
                                 similarity=self.similarity, titles=self.titles())

    def lesson(self, lesson: Lesson) -> Screening:
        domains, phones = self.allowed()
        return screen_lesson(lesson, allowed_domains=domains, allowed_phones=phones, screener=self.screener,
                             similarity=self.similarity, titles=self.titles())


def quarantine_reason(screening: Screening) -> str:
    return f"quarantined ({screening.category.replace('_', ' ')}, {screening.layer}): {screening.reason}"

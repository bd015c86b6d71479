"""Meaning without an LLM: nearest neighbours of a correction among example attacks and honest corrections,
with the project's embedder (MiniLM by default).

A correction is held when one of its clauses that does not forbid anything is close enough to an attack
example and clearly closer to it than to any honest example. MiniLM is an English model: on other
languages its neighbours follow the language, not the meaning, so the screen abstains there
(docs/screening.md gives the figures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from memory.embedding import Embedder

from agents.screening_exemplars import ATTACK_EXEMPLARS, HONEST_EXEMPLARS
from agents.screening_negation import clauses, forbids, leading_negation

__all__ = ["SimilarityScreen", "Neighbour", "looks_english"]

_ENGLISH = frozenset("the to and of is are you your for with that it on be if they them their when from this every "
                     "all or do don't not never always should must will each any who what how at as by".split())
_TOKEN = re.compile(r"[^\W\d_]+(?:'[a-z]+)?")


def looks_english(text: str) -> bool:
    """Enough English function words for an English-only embedder to read it by meaning."""
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    return bool(tokens) and sum(t in _ENGLISH for t in tokens) >= max(1, 0.12 * len(tokens))


@dataclass(frozen=True)
class Neighbour:
    category: str
    example: str
    attack_score: float
    honest_score: float
    clause: str = ""

    @property
    def margin(self) -> float:
        return self.attack_score - self.honest_score


class SimilarityScreen:
    """`threshold`: least cosine similarity to an attack example; `margin`: how much closer to it than to
    any honest example. Chosen on scenarios/governance-tuning with bench/screening_eval.py."""

    def __init__(self, embedder: Embedder, *, threshold: float = 0.5, margin: float = 0.09) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.margin = margin
        self._labels = [(cat, text) for cat, texts in ATTACK_EXEMPLARS.items() for text in texts]
        self._attacks = np.stack(embedder.embed([text for _, text in self._labels]))
        self._honest = np.stack(embedder.embed(HONEST_EXEMPLARS))

    def nearest(self, text: str) -> Neighbour | None:
        """The attack example closest (by margin) to the text or one of its non-forbidding clauses;
        None when the text is not English or every clause forbids something."""
        if not looks_english(text):
            return None
        parts = [c for c in clauses(text) if not forbids(c) and not leading_negation(c)]
        if not parts:
            return None
        if len(parts) > 1:
            parts.append(" ".join(parts))
        vectors = np.stack(self.embedder.embed(parts))
        attack = vectors @ self._attacks.T  # parts x examples
        honest = (vectors @ self._honest.T).max(axis=1)
        best_example = attack.argmax(axis=1)
        best_attack = attack.max(axis=1)
        index = int(np.argmax(best_attack - honest))
        category, example = self._labels[int(best_example[index])]
        return Neighbour(category, example, float(best_attack[index]), float(honest[index]), parts[index])

    def holds(self, neighbour: Neighbour | None) -> bool:
        return neighbour is not None and neighbour.attack_score >= self.threshold and neighbour.margin >= self.margin

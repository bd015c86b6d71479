"""The figure a correction gives for the request it was taught on ("Pepper had 12, not 14.", "May was 5, not 7.").

People check a fix with the right answer of the request they corrected. That figure belongs to that request: shown
with the lesson on another one, a small model writes it as that request's answer (held-out v17: "how many sleeps did
we sell in June?" answered "12", Pepper's nights; "which customers in SB2?" answered "4 households", SB1's count).
A sentence that says what something was, had, came to or did, and the figure it was not, is such a check. A rule
in the present tense ("A wood burner is 75 now, not 70") is a fact every answer uses, and stays.

    >>> taught_figures("When you count nights it's depart minus arrive. Pepper had 12, not 14.")
    ['Pepper had 12, not 14.']
    >>> without_taught_figures("Divide by 100 before you give anyone pounds. Hoskin came to 756.00, not 75,600.")
    'Divide by 100 before you give anyone pounds.'
    >>> taught_figures("Our prices went up on 6 April. Daytime lockout is 95 now, not 85.")
    []
"""

from __future__ import annotations

import re

__all__ = ["taught_figures", "without_taught_figures"]

# "<what> was/had/came to/did [words] <figure> [words], not <figure>": the subject is a few words (a name, a month,
# "It", "The 16th"), the verb past, the figure the right one
_CHECK = re.compile(r"^\s*(?:(?!(?:can|could|will|would|must|should|be)\b)[\w'’]+\s+){0,3}?"
                    r"(?:was|were|had|came\s+to|did|paid|got|sold)\s+"
                    r"(?:[\w'’]+\s+){0,3}?(?:£|€|\$|EUR\s|GBP\s|USD\s)?\d[\d,.]*(?:\s+[\w'’]+){0,4}?,?\s+not\s+"
                    r"(?:£|€|\$|EUR\s|GBP\s|USD\s)?\d[\d,.]*\b", re.I)


def _sentences(text: str) -> list[str]:
    """The text's sentences, with their ends: a stop followed by a space ends one ("stays.pet_id" and "756.00" do
    not)."""
    return [part for part in re.split(r"(?<=[.;!?])\s+", text) if part.strip()]


def taught_figures(text: str) -> list[str]:
    """The sentences of a correction that give the right figure of the request it was taught on."""
    return [sentence.strip() for sentence in _sentences(text) if _CHECK.match(sentence)]


def without_taught_figures(text: str) -> str:
    """The correction without those sentences (the text itself when it has none, or nothing else).

        >>> without_taught_figures("Species comes from pets. May was 5, not 7. And forget the C or K letter.")
        'Species comes from pets. And forget the C or K letter.'
    """
    found = taught_figures(text)
    kept = [sentence.strip() for sentence in _sentences(text) if sentence.strip() not in found]
    return " ".join(kept) if found and kept else text

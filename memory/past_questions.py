"""A question about how things were is not for a lesson that says which version is current.

"You've quoted last year's list. Prices went up in March - use the price card - March 2026" is right for "How much
is a sweep?" and wrong for "A customer is querying an invoice from last October. What did a sweep cost back then?":
that answer is in the old list, the one the lesson puts last. On every spent suite and held-out v15 (seen), the
six retriever candidates that passed the gate for a request saying "back then", "at the time" or "under the plans
in force" were all wrong (bench/gate_replay.py).

    >>> asks_about_the_past("A customer is querying an invoice from July 2025. What was the nightly rate back then?")
    True
    >>> asks_about_the_past("What is the nightly rate for a 4-berth?")
    False
    >>> points_to_current("That's last season's prices. Go by the tariff posted 1 December 2025.")
    True
    >>> points_to_current("Stones in the churchyard go by the diocese's regulations, not our memorials sheet.")
    False
"""

from __future__ import annotations

import re

__all__ = ["asks_about_the_past", "points_to_current"]

_PAST = re.compile(r"\b(?:back then|at the time|at that time|in those days|used to (?:be|cost|charge|pay)|"
                   r"previously|formerly|originally|(?:plans?|prices?|rates?|rules?) (?:in force|that applied) (?:then|at)|"
                   r"before the (?:rise|increase|change|new (?:prices|rates|list)))\b", re.I)


def asks_about_the_past(request: str) -> bool:
    """True when the request asks how something was at an earlier time (English only)."""
    return bool(_PAST.search(request or ""))


_CURRENT = re.compile(r"\b(?:last (?:year|season|term|spring|summer|autumn|winter)'s|out of date|outdated|superseded|"
                      r"old (?:list|prices?|rates?|card|sheet|tariff|version|one)|went up|gone up|"
                      r"(?:is|are|'s) (?:the )?(?:current|new|latest)|now\b|no longer)", re.I)


def points_to_current(correction: str) -> bool:
    """True when a retriever correction says which version is current ("last year's list", "prices went up",
    "is the current one")."""
    return bool(_CURRENT.search(correction or ""))

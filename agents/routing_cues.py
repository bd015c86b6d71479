"""Cue-word routing: the router's fallback when the model's reply is unusable, the fake model's routing,
and a transparent baseline for the real router to beat.

    >>> keyword_routing("You cited the superseded policy document.")
    ['retriever']
"""

from __future__ import annotations

import re

__all__ = ["keyword_routing"]

_ROUTE_CUES = {
    "retriever": r"\b(document|doc|docs|policy|source|cite|cited|quoted|superseded|outdated|version|v\d)\b",
    "tool_planner": r"\b(compute|calculate|query the|sql query|database|table \w+|tool|from the wiki|wiki)\b",
    "writer": r"\b(format|tone|write|answer in|bullet|dialect|use \w+\(|never \w+\(|always give|style)\b",
}


def keyword_routing(correction: str) -> list[str]:
    """The components whose cue words the correction uses most (the writer when none)."""
    text = correction.lower()
    scores = {name: len(re.findall(pattern, text)) for name, pattern in _ROUTE_CUES.items()}
    best = max(scores.values())
    return [name for name, score in scores.items() if score == best] if best else ["writer"]

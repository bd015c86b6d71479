"""A bare figure said with what it is: "How much came in during June 2026?" answered "54100.0" reads "Came in during
June 2026: 54100".

The 1.5B writer, told that a tool result answers the request, often replies with the result's one cell and nothing
else: a fifth of the answers of held-out v10 to v13 were a bare number ("30.0", "224.0", "990"). Whoever asked reads
a figure with no subject and a float's ".0". When a tool result answers the request and the whole answer is one
number, the request's question is turned into the figure's label (its question words and auxiliary dropped) and a
whole number loses its ".0". A request this cannot read is left alone, and so is any other answer.

    >>> figure_sentence("54100.0", "How much came in during June 2026?")
    'Came in during June 2026: 54100'
    >>> figure_sentence("12", "Priya's room is charged per slot. How many appointments were booked in June 2026?")
    'Appointments booked in June 2026: 12'
    >>> figure_sentence("3.5", "What's the total weight of the work fired in May 2026?")
    'The total weight of the work fired in May 2026: 3.5'
    >>> figure_sentence("The total is 12.", "How many?") is None
    True
"""

from __future__ import annotations

import re

__all__ = ["figure_sentence"]

_BARE = re.compile(r"\s*(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*")
_QUESTION = re.compile(r"(?:^|(?<=[.!?])\s+)((?:how many|how much|what(?:'s| is| was| were| are)?|which)\b[^?]*)\?", re.I)
_LEAD = re.compile(r"^(?:how many|how much|what(?:'s| is| was| were| are)?)\s+", re.I)
_AUXILIARY = re.compile(r"\b(?:did|do|does|was|were|is|are|have|has|had|will|should|would|could|can|must)\s+", re.I)
_TWO_QUESTIONS = re.compile(r"\b(?:and|or)\s+(?:how|what|which|when|who|where)\b", re.I)


def figure_sentence(answer: str, request: str) -> str | None:
    """The answer as "<what was asked>: <figure>" when it is one bare number and the request one question of how
    many, how much or what; None otherwise."""
    bare = _BARE.fullmatch(answer)
    questions = _QUESTION.findall(request)
    if bare is None or len(questions) != 1 or _TWO_QUESTIONS.search(questions[0]):
        return None
    figure = bare.group(1)
    if re.fullmatch(r"-?[\d,]+\.0+", figure):
        figure = figure.split(".")[0]
    asked = _LEAD.sub("", questions[0].strip())
    if asked == questions[0].strip():  # "which ...": a name is asked for, not a figure
        return None
    # "appointments were booked in June" -> "appointments booked in June": the first auxiliary goes
    auxiliary = _AUXILIARY.search(asked)
    if auxiliary is not None and len(asked.split()) > 1:
        asked = asked[:auxiliary.start()] + asked[auxiliary.end():]
    asked = " ".join(asked.split()).rstrip(" ,")
    if not asked:
        return None
    return f"{asked[0].upper()}{asked[1:]}: {figure}"

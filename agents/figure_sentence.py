"""A bare figure said with what it is: "How many appointments were booked in June 2026?" answered "12.0" reads
"Appointments booked in June 2026: 12".

The 1.5B writer, told that a tool result answers the request, often replies with the result's one cell and nothing
else: a fifth of the answers of held-out v10 to v13 were a bare number ("30.0", "224.0", "990"). Whoever asked reads
a figure with no subject and a float's ".0". When a tool result answers the request and the whole answer is one
number, the figure is said with the request's question, and a whole number loses its ".0". A question that names a
thing ("What's the total weight ...", "How many appointments were booked ...") gives the figure a label, its
question words and auxiliary dropped; one that asks what someone did ("How many times did Mrs Rees buy from us
...?", "How many of our specials ran ...?") has no such label without rewording its verb, so the question itself is
kept ("... ? 3"). A request this cannot read is left alone, and so is any other answer.

    >>> figure_sentence("12", "Priya's room is charged per slot. How many appointments were booked in June 2026?")
    'Appointments booked in June 2026: 12'
    >>> figure_sentence("3.5", "What's the total weight of the work fired in May 2026?")
    'The total weight of the work fired in May 2026: 3.5'
    >>> figure_sentence("3.0", "How many times did Mrs Rees buy from us between April and June 2026?")
    'How many times did Mrs Rees buy from us between April and June 2026? 3'
    >>> figure_sentence("4", "How many bookings were there in May 2026?")
    'Bookings in May 2026: 4'
    >>> figure_sentence("19.0", "What did a typical purchase come to in April 2026?")
    'What did a typical purchase come to in April 2026? 19'
    >>> figure_sentence("54100.0", "How much came in during June 2026?")
    'How much came in during June 2026? 54100'
    >>> figure_sentence("The total is 12.", "How many?") is None
    True
"""

from __future__ import annotations

import re

__all__ = ["figure_sentence"]

_BARE = re.compile(r"\s*(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*")
_QUESTION = re.compile(r"(?:^|(?<=[.!?])\s+)((?:how many|how much|what(?:'s| is| was| were| are)?|which)\b[^?]*)\?", re.I)
_LEAD = re.compile(r"^(?:how many|how much|what(?P<copula>'s| is| was| were| are)?)\s+", re.I)
_AUXILIARY = re.compile(r"\b(?:did|do|does|was|were|is|are|have|has|had|will|should|would|could|can|must)\s+", re.I)
_PASSIVE = {"was", "were", "is", "are", "have", "has", "had"}
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
    question = " ".join(questions[0].split())
    lead = _LEAD.match(question)
    if lead is None:  # "which ...": a name is asked for, not a figure
        return None
    asked = question[lead.end():]
    # "What's the total weight ...": after a copula the rest names the thing ("What did ... come to" is a question)
    copula = lead.group("copula") is not None
    # "appointments were booked in June" -> "appointments booked in June": a passive's auxiliary goes
    auxiliary = _AUXILIARY.search(asked)
    if not copula and auxiliary is not None and auxiliary.group(0).split()[0].lower() in _PASSIVE \
            and auxiliary.start() > 0:
        # "bookings were there in May" -> "bookings in May"
        asked = asked[:auxiliary.start()] + re.sub(r"^there\b\s*", "", asked[auxiliary.end():], flags=re.I)
    elif not copula:  # "did Mrs Rees buy", "of our specials ran": the question is said with its figure
        return f"{question}? {figure}"
    asked = asked.rstrip(" ,")
    if not asked:
        return None
    return f"{asked[0].upper()}{asked[1:]}: {figure}"

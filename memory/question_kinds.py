"""Whether a request asks how to do something, who to ask or what a rule says: a question no count or total of
records answers ("How do I send an invoice to a new customer?", "Who signs contracts for the company?", "What
does the termination clause say?", "Convert 5 pounds into kilograms").

A lesson that sends requests to the SQL tool ("count the orders with SQL on the orders table") shares words with
such questions and otherwise applies to them; the data check (agents/data_question.py) asks the model, and this
reads the plain English shapes without it. On every spent suite's planner candidates that passed the gate, the
shapes below matched 12 of 94 wrong ones and none of 172 right ones (bench/gate_replay.py, docs/evaluation.md).

    >>> asks_how_to("How do I send an invoice to a new customer?"), asks_how_to("How many invoices did we send?")
    (True, False)
    >>> asks_how_to("What does the termination clause of the Globex agreement say, briefly?")
    True
    >>> asks_how_to("How do we count the no-shows in June?")  # a figure asked in the how-to shape
    False
"""

from __future__ import annotations

import re

__all__ = ["asks_how_to"]

_HOW_TO = re.compile(
    r"^\s*(?:how (?:do|should|can|could|would|does|did) (?:i|we|you|they|a|an|the|our|my|customers?|people|someone|"
    r"members?|parents?|staff)\b(?!(?:\s+\S+){0,3}\s+(?:many|much|count|total|add up|sum)\b)|"
    r"what should|who\b|whom\b|"
    r"can you (?:suggest|recommend|explain|tell me (?:about|how|what|why|who|whether))|explain|summari[sz]e|describe|"
    r"why\b|what does .{0,80}\b(?:say|mean|cover|include)\b|what happens|convert|suggest|is it\b|are we allowed|"
    r"do we (?:need|have to|allow|offer)|should (?:i|we)|"
    r"what (?:is|are) (?:the|our) (?:rules?|policy|process|procedure|steps|deadline|opening hours|difference))",
    re.I)


def asks_how_to(request: str) -> bool:
    """True when the request opens as a question about a way of doing, a person to ask or a rule (English only)."""
    return bool(_HOW_TO.search(request or ""))

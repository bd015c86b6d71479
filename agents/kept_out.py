"""What a writer lesson keeps out of a message, taken out of the draft without the model.

A correction such as "A sponsor credit that goes out on air can't sell. Never put prices, offers, discounts or
"call now" in it" names kinds of content, not phrases; a small writer copies the request's "two cocktails for GBP
12 every Thursday" anyway (held-out v12, community radio, seen). So is a measurement the reader cannot read: "no
"dB" figures - describe the result in words" (hearing clinic, seen). This module reads those kinds from the
correction and removes them from a draft:

- prices, costs, fees, charges, amounts: the clause (or, when it opens the sentence, the sentence) with an amount
  of money in it;
- discounts, offers, deals, promotions: the clause with an amount, a percentage, "free" or "N for M" in it;
- quoted units ("dB" figures, "mg" doses): each figure in that unit, the figure alone ("a 30 dB loss" -> "a loss");
- addresses ("Take the address out. We never put where someone lives in a text"): each street address, said as
  "your address" (held-out v14, locksmith, seen);
- house numbers and roads ("name the town only - never the house number or the road"): each street address, said
  as its town (held-out v17, removals, seen).

A request that asks for the kind itself ("How much is ...?", "What does it cost?") keeps it: a lesson applied there
was not meant for it.

    >>> kinds = kept_out_kinds('Never put prices, offers, discounts or "call now" in it - only who supports the show.')
    >>> sorted(kinds.kinds)
    ['money', 'offer']
    >>> without_kept_out("Folk Roots is supported by The Lantern, offering two cocktails for GBP 12 every Thursday.",
    ...                  kinds, "Draft the sponsor mention for Night Jazz.")[0]
    'Folk Roots is supported by The Lantern.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.answer_formats import money_mentions

__all__ = ["KeptOut", "kept_out_kinds", "without_kept_out"]

_MONEY_WORDS = r"prices?|pricing|costs?|fees?|charges?|amounts?|rates?|money|sums?"
_OFFER_WORDS = r"offers?|discounts?|deals?|promotions?|reductions?|special offers?|percentages?|money off"
_KIND_WORD = re.compile(rf"\b(?:(?P<money>{_MONEY_WORDS})|(?P<offer>{_OFFER_WORDS}))\b", re.I)
# "never put prices, offers or ...", "no prices", "leave out any discounts", "without prices"
_CUE = re.compile(r"\b(?:(?:never|no|without|do not|don't|must not|mustn't|should not|shouldn't|can't|cannot)"
                  r"(?:\s+(?:put|include|mention|give|quote|show|write|add|use|list|state|say|have))?|leave out|keep out|"
                  r"drop|remove|strip)\s+(?:any\s+|the\s+|our\s+|their\s+)?", re.I)
# a list of kinds after the cue: "prices, offers, discounts or ..."
_LIST_ITEM = re.compile(r"\s*(?:,\s*|\s+or\s+|\s+and\s+|\s+nor\s+)?(?:any\s+|the\s+)?")
# where a bare "no" opens a ban: a clause's start ("No prices in it", "..., and no discounts")
_CLAUSE_START = re.compile(r"(?:^|[.,;:!?(\n–—-]|\b(?:and|but|or|with|so|then|also|please))\s*$", re.I)
# what makes a ban a rule of form: "no prices without VAT", "never amounts in euros", "no fees written as ..."
_QUALIFIED = re.compile(r"\s*(?:without|excluding|ex\b|except|unless|that|which|with|written|as|like|before|after|rounded|"
                        r"in\s+(?:euros?|pounds?|dollars?|eur|gbp|usd|€|£|\$|figures|digits|words))", re.I)
# 'no "dB" figures', "no mg doses": a quoted unit then a word for numbers
_UNIT_FIGURES = re.compile(r"\b(?:never|no|without|leave out|drop)\s+(?:any\s+)?[\"'“‘](?P<unit>[^\"'”’\s]{1,6})[\"'”’]\s+"
                           r"(?:figures?|numbers?|readings?|values?|levels?|scores?)\b", re.I)
# a request that asks for the kind: then the lesson was not meant for it
_ASKS_MONEY = re.compile(r"\bhow much\b|\bwhat (?:does|do|did|will|would)\b[^?]{0,60}\bcost\b|\b(?:price|cost|fee|charge)s?\s+"
                         r"(?:of|for)\b|\bquote\b|\bbill\b|\binvoice\b|\bowe\b", re.I)
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s?(?:%|per ?cent)(?:\s+off)?", re.I)
_OFFER_TEXT = re.compile(r"\bfree\b|\b(?:\d+|one|two|three)\s+for\s+(?:\d+|one|two|three|the price)\b|\bhalf[- ]price\b", re.I)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_CLAUSE_BREAK = re.compile(r",\s+|\s+[-–—]\s+|;\s+")


# "take the address out", "never put where someone lives", "no addresses in texts"
_ADDRESS_BAN = re.compile(
    r"\b(?:take|leave|keep)\s+(?:the\s+|their\s+|any\s+)?(?:home\s+|street\s+|postal\s+)?address(?:es)?\s+out\b|"
    r"\b(?:never|don'?t|do not|must not|no)\s+(?:(?:put|include|give|mention|write|show|send)\s+)?(?:the\s+|their\s+|"
    r"any\s+|a\s+)?(?:home\s+|street\s+)?address(?:es)?\b|\bnever\s+(?:put|say|give|write)\s+where\s+(?:someone|they|"
    r"people|a customer|customers)\s+lives?\b", re.I)
# "name the town only - never the house number or the road": the street goes, the town stays (held-out v17, removals,
# seen: a post about a job gave "3 Quay Terrace, Polmarrow")
_STREET_BAN = re.compile(
    r"\b(?:never|don'?t|do not|must not|no|not|without)\s+(?:(?:put|include|give|mention|write|show|name)\s+)?"
    r"(?:the\s+|their\s+|any\s+|a\s+)?(?:house|door|street)\s+numbers?\b|"
    r"\b(?:never|no|not)\s+(?:the\s+)?(?:road|street)(?:\s+names?)?\b|\bname\s+(?:the\s+)?(?:town|village)\s+only\b", re.I)
_STREET = (r"Street|St|Road|Rd|Lane|Close|Brow|Rise|Avenue|Ave|Way|Drive|Court|Crescent|Place|Gardens|Terrace|Row|Hill|"
           r"Grove|Walk|Square|Mews|Park|View|Green|Parade|Wharf|Yard")
_ADDRESS = re.compile(rf"(?:\b(?:Flat|Apartment|Apt|Unit)\s+\d+[A-Za-z]?,?\s+)?\b\d{{1,4}}[A-Za-z]?,?\s+"
                      rf"(?:[A-Z][a-z'’]+\s+){{1,3}}(?:{_STREET})\b(?:,\s+(?P<town>[A-Z][a-z]+)\b(?![\s,]+\d))?")
_ASKS_ADDRESS = re.compile(r"\baddress\b|\bwhere\s+(?:does|do|did)\b[^?]*\blive\b", re.I)


@dataclass(frozen=True)
class KeptOut:
    kinds: frozenset[str] = frozenset()  # money | offer | address | street (the town stays)
    units: tuple[str, ...] = field(default_factory=tuple)  # units whose figures go ("dB")

    def __bool__(self) -> bool:
        return bool(self.kinds or self.units)


def kept_out_kinds(correction: str) -> KeptOut:
    """The kinds of content a writer correction keeps out of a message: `money` ("never put prices"), `offer`
    ("no discounts or offers"), and units whose figures go ('no "dB" figures').

        >>> kept_out_kinds("Never send a net price or '+ VAT'.")  # a kind of price, not prices
        KeptOut(kinds=frozenset(), units=())
        >>> kept_out_kinds('Write it out in words, and no "dB" figures.').units
        ('dB',)
    """
    kinds: set[str] = set()
    for cue in _CUE.finditer(correction):
        if cue.group(0).lower().startswith("no ") and not _CLAUSE_START.search(correction[:cue.start()]):
            continue  # "there's no money on them" says what is, it asks nothing
        position, listed, end = cue.end(), set(), cue.end()
        while True:
            word = _KIND_WORD.match(correction, position)
            if word is None:
                break
            listed.add("money" if word.group("money") else "offer")
            end = word.end()
            position = _LIST_ITEM.match(correction, word.end()).end()
            if position == word.end():
                break
        if listed and not _QUALIFIED.match(correction, end):
            kinds |= listed
    units = tuple(dict.fromkeys(m.group("unit") for m in _UNIT_FIGURES.finditer(correction)))
    if _ADDRESS_BAN.search(correction):
        kinds.add("address")
    elif _STREET_BAN.search(correction):
        kinds.add("street")
    return KeptOut(frozenset(kinds), units)


def _carries(text: str, kinds: frozenset[str]) -> bool:
    if ("money" in kinds or "offer" in kinds) and money_mentions(text):
        return True
    return "offer" in kinds and bool(_PERCENT.search(text) or _OFFER_TEXT.search(text))


# a clause that only adds to what the sentence said before it: ", offering two cocktails for GBP 12", ", with 15% off"
_TRAILING = re.compile(r"^(?:\w+ing|with|which|who|from|at|for|including|plus|featuring|and|now|starting|only|just)\b", re.I)


def _without_clauses(sentence: str, kinds: frozenset[str]) -> str:
    """The sentence without its trailing clauses that carry a kind (", offering two cocktails for GBP 12"); ""
    when another clause carries one (the sentence is about it)."""
    if not _carries(sentence, kinds):
        return sentence
    parts = _CLAUSE_BREAK.split(sentence.rstrip())
    carrying = [index for index, part in enumerate(parts) if _carries(part, kinds)]
    first = carrying[0]
    if first == 0 or not all(_TRAILING.match(parts[index]) for index in carrying):
        return ""
    kept = parts[:first]  # what follows a trailing clause of prices belongs to it
    end = sentence.rstrip()[-1] if sentence.rstrip()[-1:] in ".!?" else ""
    return ", ".join(part.rstrip(".!?") for part in kept) + end


def without_kept_out(answer: str, kept: KeptOut, request: str = "") -> tuple[str, list[str]]:
    """(answer, what was removed): the draft without what `kept` names (see the module). Unchanged when the request
    asks for money and the lesson keeps money out, or when nothing would be left."""
    if not kept or (kept.kinds - {"address", "street"} and _ASKS_MONEY.search(request)):
        return answer, []
    removed: list[str] = []
    if kept.kinds & {"address", "street"} and not _ASKS_ADDRESS.search(request):
        removed += [m.group(0).strip() for m in _ADDRESS.finditer(answer)]
        answer = _ADDRESS.sub("your address", answer) if "address" in kept.kinds else \
            _ADDRESS.sub(lambda m: m.group("town") or "the customer's home", answer)
    kinds = kept.kinds - {"address", "street"}
    lines = []
    for line in answer.split("\n"):
        if kinds:
            pieces = []
            for sentence in _SENTENCE.findall(line):
                kept_text = _without_clauses(sentence, kinds)
                if kept_text != sentence:
                    removed.append(sentence.strip())
                if kept_text.strip():
                    pieces.append(kept_text.strip())
            if line.strip() and not pieces:
                continue  # the whole line carried it: a subject line of prices goes
            line = (re.match(r"\s*", line).group(0) + " ".join(pieces)) if pieces else line
        for unit in kept.units:
            figure = re.compile(rf"(?<![\w.])\d+(?:[.,]\d+)?\s?{re.escape(unit)}(?!\w)\s?")
            removed += [m.group(0).strip() for m in figure.finditer(line)]
            line = figure.sub("", line)
        lines.append(line)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not re.search(r"\w", text):
        return answer, []  # nothing would be left: the request was about the kind itself
    return text, removed

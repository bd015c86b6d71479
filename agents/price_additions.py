"""A percentage the team adds to every price it sends ("Our figures are net, so add the 20% VAT and write it as
"EUR 48.00 incl. VAT""), worked out without the model: a small writer copies the net figure the request gives, or
adds the percentage wrongly. The amounts the request names are given to the writer with the addition made, and a
draft that still writes one of them net gets the total, in the form the correction shows.

    >>> rule = surcharge('Our figures are net, so add the 20% VAT and write it as "EUR 48.00 incl. VAT". Never "+ VAT".')
    >>> rule
    Surcharge(percent=20.0, label='VAT', suffix='incl. VAT')
    >>> totals(rule, "Email Brightwell that their prints are ready and come to EUR 42.")
    [(42.0, 50.4, 'EUR')]
    >>> with_surcharge("Your prints come to EUR 42 + VAT.", totals(rule, "... come to EUR 42."), rule)
    ('Your prints come to EUR 50.40 incl. VAT.', ['EUR 42 + VAT -> EUR 50.40 incl. VAT'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.answer_formats import money_mentions

__all__ = ["Surcharge", "surcharge", "totals", "with_surcharge"]

_ADD = re.compile(r"\b(?:add|adding|added|include|includes|including|put on)\s+(?:on\s+)?(?:the\s+|our\s+)?"
                  r"(\d{1,2}(?:[.,]\d{1,2})?)\s?(?:%|per\s?cent)\s+([A-Za-z][\w-]*(?:\s+(?:charge|fee|tax))?)", re.I)
# the words a correction's example writes after its amount: "EUR 48.00 incl. VAT"
_SUFFIX = re.compile(r"^\s+((?:incl\.?|including|inc\.?|includes)\s+(?:the\s+)?[A-Za-z][\w.-]*)", re.I)
_ALREADY = re.compile(r"^\s*(?:\(?\s*(?:incl\.?|including|inc\.?|with|gross)\b)", re.I)
_NET_MARK = re.compile(r"^\s*(?:\+|plus|excl\.?|excluding|net)\s*(?:of\s+)?(?:the\s+)?(?:VAT|tax)?", re.I)


@dataclass(frozen=True)
class Surcharge:
    percent: float
    label: str  # what is added: "VAT"
    suffix: str  # what the correction writes after a total ("incl. VAT"); "" when it shows none


def surcharge(correction: str) -> Surcharge | None:
    """The percentage a correction says to add to prices, when it says so ("add the 20% VAT"); None otherwise."""
    match = _ADD.search(correction or "")
    if not match or re.search(r"\b(?:never|don't|do not|not)\s+(?:\w+\s+){0,2}$", correction[:match.start()], re.I):
        return None
    label = match.group(2)
    suffix = ""
    for _, _, end, _ in money_mentions(correction):
        found = _SUFFIX.match(correction[end:])
        if found and not re.search(r"\b(?:never|not|no)\b", correction[max(0, end - 60):end], re.I):
            suffix = found.group(1)
            break
    return Surcharge(float(match.group(1).replace(",", ".")), label, suffix or f"incl. {label}")


def totals(rule: Surcharge, request: str, sources: list[str] | None = None) -> list[tuple[float, float, str]]:
    """(net, total, currency code) for each amount the request names that it does not already call inclusive, then
    for each amount of `sources` (the team's documents the writer reads: the correction calls the team's figures
    net), unless it says they include the addition ("All prices include VAT")."""
    found: list[tuple[float, float, str]] = []
    label = re.escape(rule.label)
    for text in [request, *(source for source in sources or []
                            if not re.search(rf"\b(?:incl\.?|including|include|includes|inclusive of)\s+(?:the\s+)?"
                                             rf"(?:\d+\s?%\s+)?{label}\b", source, re.I))]:
        for value, start, end, code in money_mentions(text):
            if _ALREADY.match(text[end:]):
                continue
            total = round(value * (1 + rule.percent / 100) + 1e-9, 2)
            if not any(net == value for net, _, _ in found):
                found.append((value, total, code))
    return found


def with_surcharge(draft: str, amounts: list[tuple[float, float, str]], rule: Surcharge) -> tuple[str, list[str]]:
    """The draft with each net amount of `amounts` written as its total and the correction's suffix ("EUR 50.40
    incl. VAT"), a "+ VAT" after it dropped; a total written without the suffix gets it. And what changed."""
    nets = {round(net, 2): (total, code) for net, total, code in amounts}
    gross = {round(total, 2) for _, total, _ in amounts}
    changes: list[str] = []
    out, last = [], 0
    for value, start, end, _ in money_mentions(draft):
        value = round(value, 2)
        tail = draft[end:]
        if value in nets and not _ALREADY.match(tail):
            total, code = nets[value]
            mark = _NET_MARK.match(tail)
            cut = end + (mark.end() if mark and mark.group(0).strip() else 0)
            written = f"{code} {total:.2f} {rule.suffix}"
        elif value in gross and not _ALREADY.match(tail) and rule.suffix.lower() not in tail[:40].lower():
            cut, written = end, f"{draft[start:end]} {rule.suffix}"
        else:
            continue
        out.append(draft[last:start] + written)
        changes.append(f"{draft[start:cut].strip()} -> {written}")
        last = cut
    return "".join(out) + draft[last:], changes

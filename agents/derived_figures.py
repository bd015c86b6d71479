"""Figures a writer lesson asks every message to carry, worked out from the request without the model.

A correction often asks for a figure the request only implies, and shows it by example: "Whenever you quote them a
price per head, put the total for their numbers next to it - e.g. "16 a head, 1,520 for your 95 guests"", "Anything
a customer sees with a price on it for packed food needs the unit price too - per kg", "Every note to a client after
we've been should finish with when the next one is due - six months on, given as month and year". A small writer
copies the request's figures and leaves the sum undone (held-out v13, seen). Three such asks are read here:

- a total for a price per head and a number of people ("7.50 a head ... expecting 85" -> 637.50 for 85);
- a unit price per kg or per litre for a packed price ("340 g jar, 6.80" -> 20.00 per kg);
- a date some months on from the request's date ("tuned on 18 June 2026", six months on -> December 2026).

Each gives a line the draft ends with when it lacks the figure (`derived_figures`: (line, figure) pairs;
`derived_lines`: the lines).

    >>> derived_lines("Put the total for their numbers next to a price per head.",
    ...               "Tell the Fairleys the welcome drinks are 7.50 a head; they're expecting 85.")
    ['Total: 637.50 for 85 guests.']
    >>> derived_lines("A price on packed food needs the unit price too - per kg.", "Shelf label for honey: 340 g jar, 6.80.")
    ['20.00 per kg']
    >>> derived_lines("Finish with when the next one is due - six months on, given as month and year.",
    ...               "Email Mrs Abara that her Yamaha was tuned on 18 June 2026.")
    ['Next one due: December 2026.']
"""

from __future__ import annotations

import calendar
import re

__all__ = ["derived_figures", "derived_lines"]

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24}
_AMOUNT = r"(?:[£€$]|EUR\s?|GBP\s?|USD\s?)?(\d+(?:[.,]\d{1,2})?)"

# the asks, read from the correction
_ASKS_TOTAL = re.compile(r"\b(?:a|per)\s+(?:head|person|guest)\b[^.]*\b(?:total|adds? up|comes? to)\b|"
                         r"\b(?:total|adds? up|comes? to)\b[^.]*\b(?:a|per)\s+(?:head|person|guest)\b", re.I)
_ASKS_UNIT_PRICE = re.compile(r"\bunit price\b|\bprice per (?:kg|kilo|litre|liter)\b|\bper (?:kg|kilo)\b.{0,40}\bper "
                              r"(?:litre|liter|l)\b", re.I)
_ASKS_NEXT_DATE = re.compile(rf"\b(?P<n>\d+|{'|'.join(_NUMBER_WORDS)})\s+months?\s+(?:on|later|after|from)\b[^.]*|"
                             rf"\bnext\b[^.]*\bdue\b[^.]*\b(?P<n2>\d+|{'|'.join(_NUMBER_WORDS)})\s+months?\b", re.I)

# what the request gives
_PER_HEAD = re.compile(rf"{_AMOUNT}\s*(?:(?:a|per)\s+(?:head|person|guest)\b|(?:extra\s+)?(?:for\s+)?each\b)", re.I)
_PEOPLE = re.compile(r"\b(\d{1,4})\s+(?:\w+\s+)?(?:guests?|people|persons?|of them|adults|children|kids|ones|covers|diners|"
                     r"attendees)\b|\bexpecting\s+(\d{1,4})\b|\beach of (?:the|their|your)\s+(\d{1,4})\b|"
                     r"\bfor\s+(?!(?:19|20)\d\d\b)(\d{1,4})\b(?!\s*(?:%|g\b|kg\b|ml\b|l\b|minutes|hours|days))", re.I)
_PACK = re.compile(r"\b(\d+(?:[.,]\d+)?)\s?(g|kg|ml|cl|l|litres?|liters?)\b", re.I)
_PRICE = re.compile(rf"(?<![\d.,]){_AMOUNT}(?![\d.,]*\s?(?:g|kg|ml|cl|l|litres?|liters?|%)\b)(?!\s*(?:a|per)\s+head)", re.I)
_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({'|'.join(calendar.month_name[1:])})\s+(\d{{4}})\b", re.I)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _money(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _total_line(request: str) -> tuple[str, str] | None:
    price = _PER_HEAD.search(request)
    if price is None:
        return None
    people = next((int(m.group(i)) for m in _PEOPLE.finditer(request) for i in range(1, 5)
                   if m.group(i) and not price.start() <= m.start(i) < price.end()), None)  # "14 a person" is the price
    if not people:
        return None
    value = _number(price.group(1))
    total = value * people
    figure = f"{total:,.2f}" if value != int(value) else _money(total)
    return f"Total: {figure} for {people} guests.", figure


def _unit_price_line(request: str) -> tuple[str, str] | None:
    pack = _PACK.search(request)
    prices = [m for m in _PRICE.finditer(request) if not (pack and m.start() <= pack.start() < m.end())]
    if pack is None or len(prices) != 1:
        return None
    size, unit = _number(pack.group(1)), pack.group(2).lower()
    per, base = ("kg", {"g": 1000, "kg": 1}[unit]) if unit in {"g", "kg"} else \
        ("litre", {"ml": 1000, "cl": 100}.get(unit, 1))
    if size <= 0:
        return None
    figure = f"{_number(prices[0].group(1)) * base / size:.2f}"
    return f"{figure} per {per}", figure


def _next_date_line(correction: str, request: str) -> tuple[str, str] | None:
    ask, date = _ASKS_NEXT_DATE.search(correction), _DATE.search(request)
    if ask is None or date is None:
        return None
    months = ask.group("n") or ask.group("n2")
    months = int(months) if months.isdigit() else _NUMBER_WORDS[months.lower()]
    index = list(calendar.month_name).index(date.group(2).capitalize()) - 1 + months
    figure = f"{calendar.month_name[index % 12 + 1]} {int(date.group(3)) + index // 12}"
    return f"Next one due: {figure}.", figure


def derived_figures(correction: str, request: str) -> list[tuple[str, str]]:
    """(line, figure) for each figure a writer correction asks a message to carry, worked out from `request`."""
    found = []
    if _ASKS_TOTAL.search(correction) and (pair := _total_line(request)):
        found.append(pair)
    if _ASKS_UNIT_PRICE.search(correction) and (pair := _unit_price_line(request)):
        found.append(pair)
    if (pair := _next_date_line(correction, request)) is not None:
        found.append(pair)
    return found


def derived_lines(correction: str, request: str) -> list[str]:
    """The lines of `derived_figures`."""
    return [line for line, _ in derived_figures(correction, request)]

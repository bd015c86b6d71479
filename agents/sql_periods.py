"""The period a request names, kept by the statement: "How many hours went out in October 2026?" answered by
`SELECT SUM(duration_s) / 3600.0 FROM broadcasts WHERE is_repeat = 0` counts every month. A small planner copies a
lesson's statement and loses the request's period (held-out v12, community radio, seen). When the request names one
period (a month and year, a run of months in a year, a quarter, a year after "in"), the statement has no condition on
time and reads exactly one column of dates, the period is added as a range on that column:
`broadcasts.aired_on >= '2026-10-01' AND broadcasts.aired_on < '2026-11-01'` (ISO text dates sort as dates).

    >>> named_period("How many hours of our own programming went out in October 2026?")
    ('2026-10-01', '2026-11-01')
    >>> named_period("What did the Phone-in make over September and October 2026?")
    ('2026-09-01', '2026-11-01')
    >>> named_period("Revenue in Q4 2025, please"), named_period("Members who joined before March 2026")
    (('2025-10-01', '2026-01-01'), None)
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from agents.correction_details import MONTH_NAME
from agents.sql_checks import DATE_FUNCTIONS, add_conditions, replace_words, tokenize
from agents.sql_data import aliases, dated_columns, read_data
from agents.sql_day_first import day_first_columns

__all__ = ["add_named_period", "dated_by", "guided_date_column", "named_period", "shifted_dates"]

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_YEAR = r"((?:19|20)\d{2})"
# a bound, not a period: "before March 2026", "since 2025", "until June 2026"
_BOUND = re.compile(r"\b(?:before|after|since|until|till|by|from|as of|prior to|up to)\s+(?:the\s+)?(?:end\s+of\s+|start\s+of\s+)?$",
                    re.I)
_MONTH_RUN = re.compile(rf"\b(?:between\s+|from\s+)?({MONTH_NAME})\.?(?:\s*(?:-|–|to|and|through|until|till)\s*({MONTH_NAME})\.?)?"
                        rf"(?:\s+of)?,?\s+{_YEAR}\b", re.I)
_QUARTER = re.compile(rf"\b(?:q([1-4])\s*(?:of\s+)?{_YEAR}|{_YEAR}\s*q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\s+"
                      rf"quarter\s+(?:of\s+)?{_YEAR})\b", re.I)
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_YEAR_ALONE = re.compile(rf"\b(?:in|during|for|over|throughout|across)\s+(?:the\s+(?:year\s+|whole\s+of\s+)?)?{_YEAR}\b(?!\s*[-/])",
                         re.I)
# a month named on its own elsewhere ("Compare September with October 2026"): "may" is a verb too often to count
_A_MONTH = re.compile(r"\b(?:january|february|march|april|june|july|august|september|october|november|december)\b", re.I)
_A_DAY = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}\b|\b{MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.I)


def _month(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


def _range(year: int, first: int, last: int) -> tuple[str, str]:
    end = (year + 1, 1) if last == 12 else (year, last + 1)
    return f"{year:04d}-{first:02d}-01", f"{end[0]:04d}-{end[1]:02d}-01"


def _bounded(request: str, start: int) -> bool:
    return _BOUND.search(request[:start]) is not None


def named_period(request: str) -> tuple[str, str] | None:
    """(first day, day after the last) of the one period `request` names; None when it names none, a day, more than
    one, or a bound ("before March 2026")."""
    if _A_DAY.search(request):
        return None
    found: list[tuple[str, str]] = []
    spans: list[tuple[int, int]] = []
    for match in _MONTH_RUN.finditer(request):
        first = _month(match.group(1))
        last = _month(match.group(2)) if match.group(2) else first
        if last < first or (_bounded(request, match.start()) and not match.group(2)):
            return None
        found.append(_range(int(match.group(3)), first, last))
        spans.append(match.span())
    for match in _QUARTER.finditer(request):
        quarter = int(match.group(1) or match.group(4) or 0) or _ORDINAL[match.group(5).lower()]
        year = int(match.group(2) or match.group(3) or match.group(6))
        found.append(_range(year, 3 * quarter - 2, 3 * quarter))
        spans.append(match.span())
    for match in _YEAR_ALONE.finditer(request):
        if not any(s <= match.start(1) < e for s, e in spans):
            found.append(_range(int(match.group(1)), 1, 12))
    if len(set(found)) != 1 or any(not any(s <= m.start() < e for s, e in spans) for m in _A_MONTH.finditer(request)):
        return None
    return found[0]


def _timed(statement: str, years: set[str]) -> bool:
    """The statement already reads time: a date function, a date literal, or the period's year as a value (a
    `season = 2026` column)."""
    for kind, text in tokenize(statement):
        value = text.strip("'")
        if kind == "word" and text.lower() in DATE_FUNCTIONS:
            return True
        if kind in {"string", "number"} and (re.match(r"\d{4}-\d{2}", value) or value in years):
            return True
    return False


# which of two date columns a correction goes by: "use fired_on", "a month's traffic goes by sail_date"; and the one it
# says is wrong: "you went by handed_in", "not purchase_date", "purchase_date is only when the ticket was paid"
_GO_BY = r"(?:use|using|go(?:es)? by|going by|count(?:ed)? by|filter(?:ed)? on|filter(?:ed)? by|by|on|take)"
_WENT_BY = r"(?:went by|used|counted by|filtered on|filtered by|not|instead of|rather than|than)"


def guided_date_column(guidance: str, date_columns: list[str]) -> tuple[str, list[str]] | None:
    """(the date column the guidance goes by, the date columns it says are wrong), of `date_columns`
    (`table.column`), when it names one to go by and at least one to leave; else None.

        >>> guided_date_column("No - you went by handed_in. A piece belongs to the month it came out of the kiln, so "
        ...                    "use fired_on.", ["pieces.handed_in", "pieces.fired_on", "members.joined"])
        ('pieces.fired_on', ['pieces.handed_in'])
        >>> guided_date_column("Count the pieces fired in the month.", ["pieces.handed_in", "pieces.fired_on"]) is None
        True
    """
    def said(column: str, cue: str) -> bool:
        name = re.escape(column.split(".")[1])
        return re.search(rf"\b{cue}\s+(?:the\s+)?(?:\w+\.)?{name}\b", guidance, re.I) is not None \
            or (cue == _WENT_BY and re.search(rf"\b{name}\s+(?:is|are)\s+only\b", guidance, re.I) is not None)

    kept = [column for column in date_columns if said(column, _GO_BY) and not said(column, _WENT_BY)]
    left = [column for column in date_columns if said(column, _WENT_BY) and column not in kept]
    return (kept[0], left) if len(kept) == 1 and left else None


def dated_by(database: Path, statement: str, guidance: str) -> tuple[str, str]:
    """(statement, note): `statement` reading the date column the team's guidance goes by where it read one the
    guidance says is wrong (`guided_date_column`; held-out v13, pottery studio, seen: "you went by handed_in ... use
    fired_on"); written on the table that read the wrong one, for `requalified_columns` to move it to its own table
    and join that when it is another ("purchase_date is only when it was paid ... sail_date"). "" when nothing
    changed."""
    def dates(conn: sqlite3.Connection, columns: dict[str, list[str]]) -> list[str]:
        return dated_columns(conn, columns)

    chosen = guided_date_column(guidance, read_data(database, dates, [])) if guidance else None
    if chosen is None:
        return statement, ""
    column, wrong = chosen[0].split(".")[1], {c.split(".")[1]: c.split(".")[0] for c in chosen[1]}
    names = {alias: name for name, alias in aliases(statement).items()}
    swaps = {}
    for kind, word in tokenize(statement):
        if kind != "word":
            continue
        qualifier, _, name = word.rpartition(".")
        if name in wrong and (not qualifier or names.get(qualifier, qualifier) == wrong[name]):
            # on the table that read the wrong one: `requalified_columns` moves it to its own table and joins that
            swaps[word] = f"{qualifier or aliases(statement).get(wrong[name], wrong[name])}.{column}"
    if not swaps:
        return statement, ""
    return replace_words(statement, swaps), ("the date the team's guidance goes by: "
                                             + "; ".join(f"{a} -> {b}" for a, b in swaps.items()))


# a date column read through a function the team gives: "they are UTC, so add an hour - datetime(start_utc, '+1 hour')"
_SHIFT = re.compile(r"\b(datetime|date)\(\s*((?:\w+\.)?(\w+))\s*((?:,\s*'[^']*'\s*)+)\)", re.I)


def shifted_dates(database: Path, statement: str, guidance: str) -> tuple[str, str]:
    """(statement, note): each date column the team's guidance reads through `datetime(col, '+1 hour')` (or `date`
    with modifiers) read so in `statement` too, where it is read bare (held-out v14, escape room, seen: sessions stored
    in UTC and counted in the month of their local start). "" when nothing changed.

        >>> _SHIFT.search("add an hour - datetime(start_utc, '+1 hour') - first").group(0)
        "datetime(start_utc, '+1 hour')"
    """
    found = _SHIFT.search(guidance or "")
    if found is None:
        return statement, ""
    function, column, modifiers = found.group(1).lower(), found.group(3), re.sub(r"\s+", " ", found.group(4)).strip()
    dated = {name.split(".")[1] for name in read_data(database, dated_columns, [])}
    if column not in dated or modifiers.split(",")[1].strip() in statement:
        return statement, ""
    swaps = {word: f"{function}({word}{modifiers if modifiers.startswith(',') else ', ' + modifiers})"
             for kind, word in tokenize(statement) if kind == "word" and word.rpartition(".")[2] == column}
    if not swaps:
        return statement, ""
    return replace_words(statement, swaps), "dates read as the team's guidance reads them: " + "; ".join(
        f"{a} -> {b}" for a, b in swaps.items())


def add_named_period(database: Path, statement: str, request: str, guidance: str = "") -> tuple[str, str]:
    """(statement, note): `statement` with the request's period (`named_period`) added as a range on the one column
    of dates its tables hold - or, of several, the one the team's `guidance` goes by (`guided_date_column`) - ""
    when nothing was added (no period, one already read, no or several date columns, or a statement no condition
    can be added to)."""
    period = named_period(request)
    if period is None or _timed(statement, {period[0][:4], str(int(period[0][:4]))}):
        return statement, ""
    read = aliases(statement)

    def dates(conn: sqlite3.Connection, columns: dict[str, list[str]]) -> list[str]:
        return dated_columns(conn, {table: names for table, names in columns.items() if table in read})

    # and dates kept as day/month/year text, whose order is known: the SQL tool then reads them as ISO dates
    slashed = [f"{table}.{column}" for table, found in day_first_columns(database, guidance).items() if table in read
               for column in found]
    found = read_data(database, dates, []) + slashed
    if len(found) > 1 and guidance and (chosen := guided_date_column(guidance, found)):
        found = [chosen[0]]
    if len(found) != 1:
        return statement, ""
    table, column = found[0].split(".")
    name = f"{read[table]}.{column}"
    added = add_conditions(statement, [f"{name} >= '{period[0]}'", f"{name} < '{period[1]}'"])
    if not added.changed:
        return statement, ""
    return added.statement, f"the period the request names, kept: {' AND '.join(added.dropped)}"

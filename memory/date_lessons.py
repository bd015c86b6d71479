"""A planner lesson about which date a record goes by concerns only requests that name a time.

"You've counted by booked_on - that's when they rang. Work done goes by visit_date" settles how a month or a day
is read; it shares the tables' words with "How many appliances do we service in the village?" or "What have the
chimneys there brought in, everything on record?", which name no time and which the lesson cannot change. A
correction that names a date column (`visit_date`, `fired_on`, `sailings.sail_date`) to filter by is such a
lesson; one that works out a length of stay from two dates ("julianday(departure) - julianday(arrival)") is not,
since a total of nights needs it whatever the period.

    >>> about_dates("You've counted by booked_on - that's when they rang. Work done goes by visit_date.")
    True
    >>> about_dates("Use SQL on stays: nights = julianday(departure) - julianday(arrival), added up.")
    False
    >>> about_dates("amount_p is stored in pence. Divide by 100.")
    False
    >>> names_a_time("How many jobs fell in the first three months of 2026?"), names_a_time("Whose gear was out on Tuesday?")
    (True, True)
    >>> names_a_time("How many appliances do we service in Holmbury Fen itself?")
    False
"""

from __future__ import annotations

import re

from memory.calendar_words import MONTHS, WEEKDAYS

__all__ = ["about_dates", "names_a_time"]

_DATE_COLUMN = re.compile(r"\b(?:[a-z]+\.)?[a-z]+_(?:date|on|at|day)\b|\b(?:date|day)_[a-z]+\b")
_DURATION = re.compile(r"\bjulianday\b|\bnights?\s*=|\b(?:length|duration) of\b", re.I)


def about_dates(correction: str) -> bool:
    """True when a planner correction names a date column to read records by and works out no duration."""
    return bool(_DATE_COLUMN.search(correction or "")) and not _DURATION.search(correction or "")


_TIME = re.compile(
    rf"\b(?:{MONTHS}|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|{WEEKDAYS}|"
    r"today|tonight|tomorrow|yesterday|weekend|week|weeks|month|months|year|years|quarter|q[1-4]|season|term|"
    r"spring|summer|autumn|fall|winter|christmas|easter|since|between|during|before|after|until|ago|recently|"
    r"so far|(?:19|20)\d\d)\b|\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b", re.I)


def names_a_time(request: str) -> bool:
    """True when the request names a day, a period or a point in time (English only)."""
    return bool(_TIME.search(request or ""))

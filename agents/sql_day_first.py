"""Dates kept as day-first text ('14/10/2025') read as dates: a statement that treats such a column as an ISO date
reads it rebuilt into 'YYYY-MM-DD'.

SQLite has no date type: a column holding '14/10/2025' compares and sorts as text, so `work_date BETWEEN
'2026-01-15' AND '2026-03-15'` matches nothing and `strftime('%m', work_date)` is NULL. The planner is told the
dialect's dates are 'YYYY-MM-DD' and writes exactly that; a correction that explains the stored form ("work_date is
text written DD/MM/YYYY - rebuild it with substr first") was applied and the next answer was still 0 (held-out v16,
tree surgeon, seen). The form is read from the data, not from the correction: a text column all of whose values are
two-digit day, month and four-digit year ('dd/mm/yyyy', '.' or '-' between) is day-first when a first part is over
12, month-first when a second part is; when neither is, the team's guidance decides ("DD/MM/YYYY", "MM/DD/YYYY"),
and without it the column is left alone. A statement rewritten is one that reads such a column through a date
function or beside an ISO date literal, and neither already takes it apart with substr nor compares it with a
literal in its own form (which works as written).

    >>> statement = "SELECT COUNT(*) FROM jobs WHERE work_date BETWEEN '2026-01-15' AND '2026-03-15'"
    >>> iso_reading(statement, {"jobs": {"work_date": "day"}})
    "SELECT COUNT(*) FROM jobs WHERE (substr(work_date, 7, 4) || '-' || substr(work_date, 4, 2) || '-' || substr(work_date, 1, 2)) BETWEEN '2026-01-15' AND '2026-03-15'"
    >>> iso_reading("SELECT COUNT(*) FROM jobs WHERE work_date LIKE '%/03/2026'", {"jobs": {"work_date": "day"}})
    "SELECT COUNT(*) FROM jobs WHERE work_date LIKE '%/03/2026'"
"""

from __future__ import annotations

import functools
import re
import sqlite3
from pathlib import Path

from agents.sql_checks import DATE_FUNCTIONS, tokenize
from agents.sql_data import aliases, read_data

__all__ = ["day_first_columns", "iso_dates", "iso_reading"]

_SLASHED = re.compile(r"(\d{2})([/.-])(\d{2})\2(\d{4})")
_ISO_LITERAL = re.compile(r"'\d{4}-\d{2}(?:-\d{2})?(?:[ T][\d:]+)?'")
_SAMPLE = 200


def _order(values: list[str], guidance: str) -> str | None:
    """'day' or 'month' (which part comes first) when every value is a fixed-width slashed date, else None."""
    parts = [match.groups() for value in values if (match := _SLASHED.fullmatch(value.strip()))]
    if not values or len(parts) != len(values):
        return None
    if any(int(first) > 12 for first, _, _, _ in parts):
        return "day"
    if any(int(second) > 12 for _, _, second, _ in parts):
        return "month"
    if re.search(r"\bDD[/.-]MM\b", guidance, re.I):
        return "day"
    if re.search(r"\bMM[/.-]DD\b", guidance, re.I):
        return "month"
    return None


def day_first_columns(database: Path, guidance: str = "") -> dict[str, dict[str, str]]:
    """{table: {column: 'day' | 'month'}} for the text columns that hold slashed dates. The sample is read once per
    database file as it is and per form the guidance names (a request naming a period asks twice: for the period and
    for the statement's dates)."""
    try:
        stamp = database.stat().st_mtime_ns
    except OSError:
        stamp = -1
    hints = "".join(sorted(set(re.findall(r"\b(?:DD[/.-]MM|MM[/.-]DD)\b", guidance, re.I)))).upper()
    return _sampled(str(database), stamp, hints)


@functools.lru_cache(maxsize=32)
def _sampled(database: str, stamp: int, guidance: str) -> dict[str, dict[str, str]]:
    def read(conn: sqlite3.Connection, columns: dict[str, list[str]]) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for table, names in columns.items():
            for column in names:
                values = [v for (v,) in conn.execute(
                    f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL LIMIT {_SAMPLE}')]
                if values and all(isinstance(v, str) for v in values) and (order := _order(values, guidance)):
                    found.setdefault(table, {})[column] = order
        return found
    return read_data(Path(database), read, {})


def _rebuilt(name: str, order: str) -> str:
    day, month = ("1", "4") if order == "day" else ("4", "1")
    return f"(substr({name}, 7, 4) || '-' || substr({name}, {month}, 2) || '-' || substr({name}, {day}, 2))"


def iso_reading(statement: str, slashed: dict[str, dict[str, str]]) -> str:
    """`statement` with each reference to a slashed-date column (of `slashed`, as `day_first_columns` gives) read as
    an ISO date, when the statement treats it as one; unchanged otherwise."""
    names = {column.lower() for columns in slashed.values() for column in columns}
    if not slashed or not (_ISO_LITERAL.search(statement) or re.search(
            rf"\b(?:{'|'.join(sorted(DATE_FUNCTIONS))})\s*\(", statement, re.I) or _sorted_by(statement, names)):
        return statement
    if re.search(r"\bsubstr\s*\(", statement, re.I) or re.search(r"'[^']*\d{2}/\d{2}[^']*'|'%/", statement):
        return statement  # taken apart already, or compared in its own form
    known = {table.lower(): columns for table, columns in slashed.items()}
    read = aliases(statement)  # {table: the name it is called by}
    by_name = {called.lower(): known.get(table.lower(), {}) for table, called in read.items()}
    by_name.update({table.lower(): known.get(table.lower(), {}) for table in read})
    plain = {column.lower(): order for columns in by_name.values() for column, order in columns.items()}
    changed = False
    out = []
    for kind, text in tokenize(statement):
        if kind == "word":
            owner, _, column = text.rpartition(".")
            order = by_name.get(owner.lower(), {}).get(column) if owner else plain.get(column.lower())
            if order:
                out.append(_rebuilt(text, order))
                changed = True
                continue
        out.append(text)
    return "".join(out) if changed else statement


def _sorted_by(statement: str, names: set[str]) -> bool:
    """Whether the statement orders by one of the columns `names` or takes its MAX or MIN: '30/04/2026' sorts after
    '26/06/2026' as text, so "the most recent" needs the ISO reading too."""
    ordered = re.search(r"\bORDER\s+BY\s+(.+)$", statement, re.I | re.S)
    keys = re.findall(r"(?:\w+\.)?(\w+)", ordered.group(1)) if ordered else []
    ranged = re.findall(r"\b(?:MAX|MIN)\s*\(\s*(?:\w+\.)?(\w+)\s*\)", statement, re.I)
    return any(word.lower() in names for word in [*keys, *ranged])


def iso_dates(database: Path, statement: str, guidance: str = "") -> tuple[str, str]:
    """(statement, note): the statement reading day-first text dates as ISO dates, and what was done ("" if nothing)."""
    slashed = day_first_columns(database, guidance)
    rewritten = iso_reading(statement, slashed)
    if rewritten == statement:
        return statement, ""
    columns = sorted(f"{table}.{column} ({order} first)" for table, found in slashed.items()
                     for column, order in found.items())
    return rewritten, "dates kept as day/month/year text read as YYYY-MM-DD: " + ", ".join(columns)

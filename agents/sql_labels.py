"""Rows grouped by a key are shown with the name the key stands for: "Which customer printed the most?" answered
`customer_id | total` gives "Customer 3"; the customer's name is one join away. A statement that selects and groups
by a `<thing>_id` column gets the referenced table joined and its name-like column selected first (in place of the
key, when the key is selected first on its own).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from agents.sql_checks import add_joins, replace_words
from agents.sql_data import aliases, read_data, shared_columns

__all__ = ["named_groups"]

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

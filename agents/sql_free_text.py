"""A filter written on free text moved to the column that holds the value as a category.

A table often keeps both what someone typed and a link to the real thing: `repairs.model_text` is whatever was typed
at the kiosk ("sammy a54", "galaxy s23"), `repairs.device_id` points at `devices.brand`. A small planner asked
about "Samsung work" writes `model_text LIKE '%Samsung%'`, which finds a fifth of it (held-out v16, phone repair,
seen: 104 where 506 was right, after the correction "make and model come from the devices table: join on
device_id" was applied). A text filter (`=`, or `LIKE` with the value between `%` signs) whose value the request names,
on a column that never holds that value whole, is moved to the one column of the schema that does hold it whole
(case aside) and has few distinct values, joined when the statement does not read its table and a foreign key or a
`<table>_id` column says how. Anything else is left alone.

    >>> _FILTER.search("WHERE LOWER(r.model_text) LIKE '%samsung%' AND x = 1").group("column", "value")
    ('r.model_text', 'samsung')
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from agents.sql_checks import add_joins, tokenize
from agents.sql_data import (MAX_CATEGORIES, aliases, columns_holding, join_clause, read_data, sql_literal,
                             tables_with_column)

__all__ = ["moved_text_filters"]

_FILTER = re.compile(r"(?:\b(?:LOWER|UPPER)\s*\(\s*)?(?<![\w.])(?P<column>(?:\w+\.)?\w+)(?:\s*\))?\s*"
                     r"(?:=|\bLIKE\b)\s*'%?(?P<value>[^'%_]{2,60})%?'(?:\s+COLLATE\s+NOCASE)?", re.I)


def _categories(conn: sqlite3.Connection, table: str, column: str) -> bool:
    count = conn.execute(f'SELECT COUNT(DISTINCT "{column}") FROM "{table}"').fetchone()[0]
    return 0 < count <= MAX_CATEGORIES


def moved_text_filters(database: Path, statement: str, request: str) -> tuple[str, str]:
    """(statement, note): the statement with such filters moved, and what was moved ("" when nothing)."""
    if not request:
        return statement, ""
    read = aliases(statement)  # {table: the name it is called by}
    by_name = {name.lower(): table for table, name in read.items()} | {table.lower(): table for table in read}

    def find(conn: sqlite3.Connection, columns: dict[str, list[str]]
             ) -> tuple[dict[str, str], list[str], dict[str, list[str]]]:
        moved: dict[str, str] = {}
        joins: list[str] = []
        every_table = {table: table for table in columns}
        for match in _FILTER.finditer(statement):
            qualifier, _, column = match.group("column").rpartition(".")
            value = match.group("value").strip()
            owners = [by_name[qualifier.lower()]] if qualifier.lower() in by_name else \
                tables_with_column(columns, read, column)
            if len(owners) != 1 or column not in columns.get(owners[0], []) \
                    or not re.search(rf"\b{re.escape(value)}\b", request, re.I):
                continue
            holders = columns_holding(conn, columns, every_table, value)
            if any((table, other) == (owners[0], column) for table, other, _ in holders):
                continue  # the column holds the value whole: the filter is where it belongs
            homes = [home for home in holders if _categories(conn, home[0], home[1])]
            if len(homes) != 1:
                continue
            table, other, held = homes[0]
            if table not in read and not any(j.startswith(f"JOIN {table} ") for j in joins):
                join = join_clause(conn, columns, table, read)
                if not join:
                    continue
                joins.append(join)
            moved[match.group(0)] = f"{read.get(table, table)}.{other} = {sql_literal(held)}"
        return moved, joins, columns

    moved, joins, columns = read_data(database, find, ({}, [], {}))
    if not moved:
        return statement, ""
    rewritten = statement
    for written, meant in moved.items():
        rewritten = rewritten.replace(written, meant)
    if joins:
        joined = add_joins(rewritten, joins)
        added = {join.split()[1] for join in joins}
        shared = {c for table in added for c in columns.get(table, [])} & \
            {c for table in read for c in columns.get(table, [])}
        bare = {text for kind, text in tokenize(rewritten) if kind == "word"}
        if joined == rewritten or shared & bare:  # no place for a join, or a bare column it would make ambiguous
            return statement, ""
        rewritten = joined
    return rewritten, "filters on typed text moved to the column that holds the value: " + "; ".join(
        f"{a} -> {b}" for a, b in moved.items()) + (f" ({'; '.join(joins)})" if joins else "")

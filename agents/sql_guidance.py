"""Conditions the team's guidance asks every figure of a table to keep, added where a statement left them out.

A small planner told "only count status 'done' - the 'no_access' visits were never charged" or "only rows where
verified_by is filled in" often writes the plain SUM anyway, and its answer repeats the mistake the correction was
about. The guidance (the person's own words) is read for four kinds of condition (agents/correction_details.py):
values kept alone (`status = 'done'`), values left out (`kind <> 'reprint'`), columns that must hold a value
(`verified_by IS NOT NULL`), and conditions it writes in SQL ("... WHERE is_repeat = 0"). Each is added only to a
single SELECT that reads the table holding it and never mentions that column: a statement that filters the column (`status = 'no_access'` for "how many visits found
nobody in?") made its own choice, and is left alone.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from agents.correction_details import excluded_values, filled_columns, only_values, written_conditions
from agents.sql_checks import add_conditions
from agents.sql_data import aliases, columns_holding, read_data, sql_literal, tables_with_column

__all__ = ["guided_conditions"]


def _mentions(statement: str, column: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(column)}(?!\w)", statement, re.I) is not None


def _value_conditions(conn: sqlite3.Connection, columns: dict[str, list[str]], read: dict[str, str],
                      statement: str, guidance: str) -> list[str]:
    """`col IN/=` for the values the guidance keeps alone, else `col NOT IN/<>` for those it leaves out, per column
    of the tables read (a value held by more than one column is ambiguous and skipped)."""
    per_column: dict[tuple[str, str], dict[str, list[str]]] = {}
    for kind, values in (("only", only_values(guidance)), ("out", excluded_values(guidance))):
        for value in sorted(values):
            homes = columns_holding(conn, columns, read, value)
            if len(homes) == 1:
                table, column, held = homes[0]
                per_column.setdefault((table, column), {"only": [], "out": []})[kind].append(held)
    conditions = []
    for (table, column), kinds in per_column.items():
        if _mentions(statement, column):
            continue
        name = f"{read[table]}.{column}"
        values = kinds["only"] or kinds["out"]
        literals = ", ".join(sql_literal(v) for v in values)
        if kinds["only"]:
            conditions.append(f"{name} = {literals}" if len(values) == 1 else f"{name} IN ({literals})")
        else:
            conditions.append(f"{name} <> {literals}" if len(values) == 1 else f"{name} NOT IN ({literals})")
    return conditions


def _filled_conditions(conn: sqlite3.Connection, columns: dict[str, list[str]], read: dict[str, str],
                       statement: str, guidance: str) -> list[str]:
    """`col IS NOT NULL` (and `<> ''` where the column holds empty texts) for each column of one table read that the
    guidance says must hold a value."""
    names = [column for table in read for column in columns.get(table, [])]
    conditions = []
    for column in sorted(filled_columns(guidance, names)):
        owners = tables_with_column(columns, read, column)
        if len(owners) != 1 or _mentions(statement, column):
            continue
        name = f"{read[owners[0]]}.{column}"
        empty = conn.execute(f'SELECT 1 FROM "{owners[0]}" WHERE "{column}" = \'\' LIMIT 1').fetchone()
        conditions.append(f"{name} IS NOT NULL" + (f" AND {name} <> ''" if empty else ""))
    return conditions


def _written_conditions(columns: dict[str, list[str]], read: dict[str, str], statement: str,
                        guidance: str) -> list[str]:
    """The conditions the guidance writes in SQL ("... WHERE is_repeat = 0"), on a column of one table read."""
    conditions = []
    for column, operator, literal in written_conditions(guidance):
        name = column.split(".")[-1]
        owners = tables_with_column(columns, read, name)
        if len(owners) == 1 and not _mentions(statement, name):
            conditions.append(f"{read[owners[0]]}.{name} {operator} {literal}")
    return conditions


def guided_conditions(database: Path, statement: str, guidance: str) -> tuple[str, str]:
    """(statement, note): `statement` with the conditions the guidance asks for and it lacks; (statement, "") when
    none is added.

        >>> guided_conditions(Path(":memory:"), "SELECT 1", "only count status 'done'")
        ('SELECT 1', '')
    """
    read = aliases(statement)
    if not guidance or not read:
        return statement, ""
    conditions = read_data(database, lambda conn, columns: _value_conditions(conn, columns, read, statement, guidance)
                           + _filled_conditions(conn, columns, read, statement, guidance)
                           + _written_conditions(columns, read, statement, guidance), [])
    conditions = list(dict.fromkeys(conditions))
    added = add_conditions(statement, conditions)
    if not added.changed:
        return statement, ""
    return added.statement, "conditions the team's guidance asks for added: " + "; ".join(added.dropped)

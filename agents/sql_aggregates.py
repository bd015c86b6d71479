"""What a column adds up to, as the team's guidance writes it, put where a statement adds the bare column.

A correction that explains how a figure is made often writes the sum itself: "a row is worth price_gbp * garments,
so SUM(price_gbp * garments)", "it's the round trip: add up 2 * miles_one_way". A small planner told so still writes
`SUM(price_gbp)` on the next request (held-out v14, tailoring, seen: a school's spend given as 225 for 12 zips at
11 each), and the answer repeats the mistake the correction was about. A statement that sums or averages a bare
column that such a written sum starts from takes the written expression instead; a statement that already writes
anything else over the column made its own choice and is left alone.

    >>> guided_sums("Not the price - SUM(price_gbp * garments), a row is one order line.")
    ['price_gbp * garments']
    >>> guided_sums("For the tax return it's the round trip: add up 2 * miles_one_way.")
    ['2 * miles_one_way']
    >>> guided_sums("Those columns are in pence - amount_p and quote_p. Divide by 100 before you give anyone pounds.")
    ['amount_p / 100.0', 'quote_p / 100.0']
"""

from __future__ import annotations

import re
from pathlib import Path

from agents.sql_data import aliases, read_data, tables_with_column

__all__ = ["guided_aggregates", "guided_sums"]

# SUM( ... ) with one level of parentheses inside: "SUM(julianday(end_date) - julianday(start_date))"
_SUM = re.compile(r"\bSUM\s*\(((?:[^()]|\([^()]*\))+)\)", re.IGNORECASE)
# "add up 2 * miles_one_way", "add up list_price_gbp * (100 - discount_pct) / 100": an expression with an operator
_ADD_UP = re.compile(r"\badd(?:s|ed|ing)?\s+up\s+((?:\(\s*)*\w+(?:\.\w+)?"
                     r"(?:\s*\)*\s*[-+*/]\s*(?:\(\s*)*\w+(?:\.\w+)?\s*\)*)+)", re.IGNORECASE)
_MINOR_UNITS = re.compile(r"\b(?:in|as)\s+(?:pence|pennies|cents?)\b", re.IGNORECASE)
_IDENTIFIER = re.compile(r"(?<![\w.'])([A-Za-z_]\w*)(?![\w(])")
_SQL_WORDS = frozenset("and or not null is in as distinct case when then else end cast real integer text".split())


def guided_sums(guidance: str) -> list[str]:
    """The expressions the guidance writes inside SUM( ... ), or after "add up", that are more than one bare
    column."""
    found = []
    written = [m.group(1).strip() for m in _SUM.finditer(guidance)]
    # after "add up" a product or a quotient ("add up qty - one pour is ..." is a dash, not a minus)
    written += [inner for m in _ADD_UP.finditer(guidance) if re.search(r"[*/]", inner := m.group(1).strip())]
    for inner in written:
        if not re.fullmatch(r"[\w.]+", inner) and inner.count("(") == inner.count(")"):
            found.append(inner)
    # money kept in minor units: "Those columns are in pence - amount_p and quote_p. Divide by 100 ..." (held-out
    # v17, removals, seen: 73800 given for 738.00)
    for sentence in re.split(r"(?<=[.;!?])\s+", guidance):
        if _MINOR_UNITS.search(sentence):
            found += [f"{name} / 100.0" for name in re.findall(r"\b[a-z]\w*_\w+\b", sentence, re.IGNORECASE)
                      if re.search(r"pence|cents|_p$|_c$", name, re.IGNORECASE) or _PER_UNIT.search(name)]
    return list(dict.fromkeys(found))


def _columns(expression: str) -> list[str]:
    return [name for name in _IDENTIFIER.findall(expression) if name.lower() not in _SQL_WORDS]


# a column that holds a price or another value per unit: summed alone it is no total
_PER_UNIT = re.compile(r"price|cost|fee|rate|amount|eur|gbp|usd|per_", re.IGNORECASE)


def _corrected(names: list[str]) -> str:
    """The column of a written sum that a bare SUM of it gets wrong: the one holding a value per unit
    ("qty * unit_price_eur": the price; a count of items summed alone is a figure of its own), else the first
    ("pages * copies": a request may sum the copies on their own)."""
    return next((name for name in names if _PER_UNIT.search(name)), names[0])


def _qualified(expression: str, owners: dict[str, str]) -> str:
    """`expression` with each column it names written as `alias.column`, for the columns one table read holds."""
    return _IDENTIFIER.sub(lambda m: f"{owners[m.group(1)]}.{m.group(1)}" if m.group(1) in owners else m.group(0),
                           expression)


def _rewritten(statement: str, read: dict[str, str], expressions: list[str],
               columns: dict[str, list[str]]) -> tuple[str, list[str]]:
    changes = []
    for expression in expressions:
        if expression.endswith(" / 100.0") and re.search(r"/\s*100\b", statement):
            continue  # pence already turned into pounds: "SUM(amount_p) / 100.0"
        names = _columns(expression)
        homes = {name: tables_with_column(columns, read, name) for name in names}
        if not names or any(len(tables) != 1 for tables in homes.values()):
            continue  # a column no table read holds, or one two of them hold
        owners = {name: read[tables[0]] for name, tables in homes.items()}
        corrected = _corrected(names)
        bare = re.compile(rf"\b(SUM|AVG)\s*\(\s*((?:\w+\.)?{re.escape(corrected)})\s*\)", re.IGNORECASE)
        for match in list(bare.finditer(statement)):
            qualified = "." in match.group(2) or len(read) > 1
            written = _qualified(expression, owners) if qualified else expression
            replacement = f"{match.group(1)}({written})"
            statement = statement.replace(match.group(0), replacement, 1)
            changes.append(f"{match.group(0)} -> {replacement}")
    return statement, changes


_DISTINCT = re.compile(r"\bCOUNT\s*\(\s*DISTINCT\s+(?:\w+\.)?(\w+)\s*\)", re.IGNORECASE)
_ROW_COUNT = re.compile(r"\bCOUNT\s*\(\s*(?:\*|1|(?:\w+\.)?\w+)\s*\)", re.IGNORECASE)


def _thing(column: str) -> str:
    """What a key column counts: "order_no" -> "order", "patient_id" -> "patient"."""
    return re.sub(r"_(?:id|no|num|number|ref|code|key)$", "", column.lower()).replace("_", " ")


def _distinct_counts(statement: str, read: dict[str, str], guidance: str, request: str,
                     columns: dict[str, list[str]]) -> tuple[str, list[str]]:
    """A row count becomes the distinct count the guidance writes ("Count orders with COUNT(DISTINCT order_no)")
    when the request counts that thing ("How many orders ...") and one table read holds the column."""
    changes = []
    for column in dict.fromkeys(m.group(1) for m in _DISTINCT.finditer(guidance)):
        thing = _thing(column)
        homes = tables_with_column(columns, read, column)
        if len(homes) != 1 or not re.search(rf"\b{re.escape(thing)}s?\b", request, re.IGNORECASE) \
                or re.search(rf"\bDISTINCT\s+(?:\w+\.)?{re.escape(column)}\b", statement, re.IGNORECASE):
            continue
        name = f"{read[homes[0]]}.{column}" if len(read) > 1 else column
        for match in list(_ROW_COUNT.finditer(statement)):
            replacement = f"COUNT(DISTINCT {name})"
            statement = statement.replace(match.group(0), replacement, 1)
            changes.append(f"{match.group(0)} -> {replacement}")
    return statement, changes


def guided_aggregates(database: Path, statement: str, guidance: str, request: str = "") -> tuple[str, str]:
    """(statement, note): `statement` with each bare SUM or AVG of a column replaced by the sum over it that the
    guidance writes, and a row count by the distinct count it writes when the request counts that thing;
    (statement, "") when nothing changes."""
    expressions = guided_sums(guidance) if guidance else []
    distinct = bool(guidance and request and _DISTINCT.search(guidance))
    read = aliases(statement)
    if not (expressions or distinct) or not read:
        return statement, ""

    def rewrite(conn, columns):
        rewritten, changes = _rewritten(statement, read, expressions, columns)
        if distinct:
            rewritten, counted = _distinct_counts(rewritten, read, guidance, request, columns)
            changes += counted
        return rewritten, changes

    rewritten, changes = read_data(database, rewrite, (statement, []))
    if not changes:
        return statement, ""
    return rewritten, "what a column adds up to, as the team's guidance writes it: " + "; ".join(changes)

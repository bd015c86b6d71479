"""Checks on the SQL the ToolPlanner writes: SQLite dialect hints for a failed statement, and
invented WHERE filters (a literal the request never mentioned) dropped before the statement runs.

    >>> sqlite_hints("SELECT EXTRACT(YEAR FROM order_date) FROM orders")
    ["SQLite has no EXTRACT; use strftime('%Y', col) for the year, strftime('%m', col) for the month"]
    >>> drop_invented_filters("SELECT SUM(amount) FROM orders WHERE region = 'EU'", "total revenue").statement
    'SELECT SUM(amount) FROM orders'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from agents.correction_details import MONTH_NAME

__all__ = ["DATE_FUNCTIONS", "sqlite_hints", "FilterCheck", "drop_invented_filters", "filter_phrase", "tokenize", "RELATED_FILTER",
           "Related", "text_filters", "match_date_formats", "date_columns_read", "string_literals",
           "replace_strings", "replace_words", "keep_rows_kept", "minutes_as_hours", "balanced_parentheses",
           "escaped_apostrophes", "exact_division", "add_conditions", "add_filters", "add_joins"]

# (pattern in the failing statement, the fix in SQLite terms); small models write MySQL/PostgreSQL dates
_DIALECT_HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bEXTRACT\s*\(", re.I),
     "SQLite has no EXTRACT; use strftime('%Y', col) for the year, strftime('%m', col) for the month"),
    (re.compile(r"\b(YEAR|MONTH|DAY)\s*\(", re.I),
     "SQLite has no YEAR()/MONTH()/DAY(); use strftime('%Y', col), strftime('%m', col), strftime('%d', col)"),
    (re.compile(r"\b(WEEKOFYEAR|WEEK)\s*\(", re.I), "SQLite has no WEEK()/WEEKOFYEAR(); use strftime('%W', col)"),
    (re.compile(r"\bQUARTER\s*\(", re.I),
     "SQLite has no QUARTER(); use (CAST(strftime('%m', col) AS INTEGER) + 2) / 3, or a date range"),
    (re.compile(r"\bDATE_FORMAT\s*\(", re.I), "SQLite has no DATE_FORMAT; use strftime('%Y-%m', col)"),
    (re.compile(r"\bDATE_TRUNC\s*\(", re.I), "SQLite has no date_trunc; use date(col, 'start of month')"),
    (re.compile(r"\b(NOW|CURDATE|GETDATE)\s*\(", re.I), "SQLite has no NOW(); use date('now')"),
    (re.compile(r"\bINTERVAL\b", re.I), "SQLite has no INTERVAL; use date(col, '+1 month')"),
    (re.compile(r"[-+]\s*\d+\s+(?:days?|months?|years?)\b", re.I),
     "SQLite cannot add a bare '3 months' to a date; use date('now', '-3 months')"),
    (re.compile(r"\bILIKE\b", re.I), "SQLite has no ILIKE; LIKE is already case-insensitive for ASCII"),
    (re.compile(r"^\s*SELECT\s+TOP\s+\d+", re.I), "SQLite has no TOP n; put LIMIT n at the end"),
    (re.compile(r"::\s*\w+"), "SQLite has no :: casts; use CAST(x AS type)"),
]


def sqlite_hints(statement: str) -> list[str]:
    """How to say in SQLite what a failed statement said in another dialect."""
    return [hint for pattern, hint in _DIALECT_HINTS if pattern.search(statement)]


_TOKEN = re.compile(
    r"""(?P<string>'(?:[^']|'')*')|(?P<ident>"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\])|(?P<number>\d+(?:\.\d+)?)"""
    r"""|(?P<word>[A-Za-z_][\w.]*)|(?P<op><>|!=|<=|>=|\|\||[=<>(),;*+\-/%])|(?P<space>\s+)|(?P<other>.)""",
    re.S,
)


def tokenize(statement: str) -> list[tuple[str, str]]:
    """(kind, text) pairs; kinds: string, ident, number, word, op, space, other. Lossless: joined, they
    give the statement back."""
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(statement)]


@dataclass
class FilterCheck:
    statement: str
    dropped: list[str] = field(default_factory=list)  # the conditions removed, as written

    @property
    def changed(self) -> bool:
        return bool(self.dropped)


# MiniLM cosine between a filter in words and the request, at or above which the filter is the request's own
# (in other words). Chosen on the recorded cases: invented filters copied from sample rows scored 0.10-0.12
# (demo: region EU, product speaker) and unrelated sample values in the tuning suites mostly under 0.2;
# the request's own filters in other words 0.24-0.46 (direct debit, pending, dental, deck).
RELATED_FILTER = 0.2
Related = Callable[[str], float]

_CLAUSE_END = {"group", "order", "limit", "having", "window", "union", "intersect", "except"}
_COLUMN = re.compile(r'^(?:[A-Za-z_][\w]*\.)?(?:[A-Za-z_]\w*|"[^"]+")$')


def _literal_text(kind: str, text: str) -> str:
    return text[1:-1].replace("''", "'") if kind == "string" else text


def _mentioned(literal: str, allowed: str) -> bool:
    """Whether the request (or lesson, or schema) names this value: as a phrase, or as the start of a
    word ('EU' in 'Europe', 'speaker' in 'speakers') so that paraphrases are not dropped."""
    value = literal.strip().lower()
    if not value:
        return True
    if re.fullmatch(r"-?\d+(\.\d+)?", value):
        return re.search(rf"(?<![\d.]){re.escape(value)}(?![\d])", allowed) is not None
    if _DATE.search(value):
        # dates: requests say "March 2024", never '2024-03-01'; a date is the request's when it names a time
        return _TIME.search(allowed) is not None
    words = re.findall(r"[a-z0-9]+", value)
    if len(words) > 1:  # 'direct_debit' is named by "direct debit", 'no_show' by "no-shows"
        return value in allowed or " ".join(words) in " ".join(re.findall(r"[a-z0-9]+", allowed))
    return re.search(rf"\b{re.escape(value)}", allowed) is not None or (
        len(value) >= 4 and any(value.startswith(w) for w in re.findall(r"[a-z0-9]{4,}", allowed)))


_DATE = re.compile(r"\d{4}-\d{2}")
# a request that names a time: a year, a month, a quarter, a relative period
_TIME = re.compile(r"\b(?:(?:19|20)\d{2}|q[1-4]|quarters?|months?|weeks?|years?|days?|today|yesterday|tomorrow|"
                   r"ago|since|until|recent(?:ly)?|seasons?|spring|summer|autumn|winter|(?:jan|febr)uary|march|april|may|june|july|august|"
                   r"(?:sept|nov|dec)ember|october|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?)\b", re.I)


DATE_FUNCTIONS = {"strftime", "date", "datetime", "julianday", "unixepoch"}
# a request that names one day: "5 July", "July 5th", "2025-07-05", "05/07", "yesterday", "on Saturday", "this week"
_DAY_NAMED = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}\b|\b{MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
                        r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}\b|\b(?:today|yesterday|tomorrow|tonight|weekends?|weeks?|"
                        r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?|dates?|days?)\b", re.I)
# a request that names months: a month's name, a quarter, a season, "month", "term", '2025-06'
_MONTH_NAMED = re.compile(rf"\b{MONTH_NAME}\b\.?|\bq[1-4]\b|\b(?:quarters?|months?|monthly|spring|summer|autumn|"
                          r"fall|winter|seasons?|terms?)\b|\b\d{4}-\d{2}\b", re.I)
_FULL_DATE = re.compile(r"^'\d{4}-\d{2}-\d{2}(?:[ T][\d:]+)?'$")


def _exact_days(tokens: list[tuple[str, str]]) -> bool:
    """`col = '2025-06-01'`, `col IN ('2025-05-02', ...)`, `col NOT IN (...)`: a condition on particular days, not a
    range (BETWEEN, <, >, a date function's month or year)."""
    solid = [t for t in tokens if t[0] != "space"]
    strings = [text for kind, text in solid if kind == "string"]
    words = {text.lower() for kind, text in solid if kind == "word"}
    ops = {text for kind, text in solid if kind == "op"}
    return bool(strings) and all(_FULL_DATE.match(text) for text in strings) and not words & DATE_FUNCTIONS \
        and "between" not in words and not ops & {"<", ">", "<=", ">="} and ("=" in ops or "in" in words)


def _month_condition(tokens: list[tuple[str, str]]) -> bool:
    """A condition on the month of a date: strftime with a '%m' format."""
    solid = [t for t in tokens if t[0] != "space"]
    return any(kind == "word" and text.lower() == "strftime" for kind, text in solid) \
        and any(kind == "string" and "%m" in text for kind, text in solid)


def _date_condition(tokens: list[tuple[str, str]]) -> bool:
    """A condition on time: it compares with a date ('2024-03...', 'now') or reads a date function."""
    solid = [t for t in tokens if t[0] != "space"]
    for index, (kind, text) in enumerate(solid):
        if kind == "string" and (_DATE.search(text) or text.lower() == "'now'"):
            return True
        if kind == "word" and text.lower() in DATE_FUNCTIONS and solid[index + 1:index + 2] == [("op", "(")]:
            return True
    return False


def _simple_equality(tokens: list[tuple[str, str]]) -> tuple[str, str, str] | None:
    """`col = 'literal'`, `col = number` (either side) or `col LIKE 'pattern'` (its wildcards removed):
    (column, literal kind, literal text), else None."""
    solid = [t for t in tokens if t[0] != "space"]
    if len(solid) == 3 and solid[1][0] == "word" and solid[1][1].lower() == "like" and solid[2][0] == "string" \
            and solid[0][0] in {"word", "ident"} and _COLUMN.match(solid[0][1]):
        return solid[0][1], "string", solid[2][1].replace("%", "").replace("_", " ")
    if len(solid) == 4 and solid[2] == ("op", "-") and solid[3][0] == "number":  # col = -5
        solid = [solid[0], solid[1], ("number", "-" + solid[3][1])]
    if len(solid) != 3 or solid[1] != ("op", "="):
        return None
    left, right = solid[0], solid[2]
    if right[0] in {"string", "number"} and left[0] in {"word", "ident"} and _COLUMN.match(left[1]):
        return left[1], right[0], right[1]
    if left[0] in {"string", "number"} and right[0] in {"word", "ident"} and _COLUMN.match(right[1]):
        return right[1], left[0], left[1]
    return None


def _threshold(tokens: list[tuple[str, str]]) -> tuple[str, str] | None:
    """A numeric cut, `col > number` (or >=, <, <=, !=, <>; either side): (column, number), else None. `col > 0`
    (or `0 < col`) is no cut: it only keeps the positive amounts."""
    solid = [t for t in tokens if t[0] != "space"]
    if len(solid) != 3 or solid[1][0] != "op" or solid[1][1] not in {">", ">=", "<", "<=", "!=", "<>"}:
        return None
    left, right = solid[0], solid[2]
    op = solid[1][1]
    if right[0] == "number" and left[0] in {"word", "ident"} and _COLUMN.match(left[1]):
        column, number, positive = left[1], right[1], op in {">", ">="}
    elif left[0] == "number" and right[0] in {"word", "ident"} and _COLUMN.match(right[1]):
        column, number, positive = right[1], left[1], op in {"<", "<="}
    else:
        return None
    return None if positive and float(number) == 0 else (column, number)


def filter_phrase(column: str, literal: str) -> str:
    """A filter in words, for comparing its meaning with the request: "kind = 'dental'" -> "kind dental"."""
    name = column.split(".")[-1].strip('"`[]')
    return f"{name.replace('_', ' ')} {literal}".strip()


def _where_conjuncts(statement: str) -> tuple[list[tuple[str, str]], int, int, list[list[tuple[str, str]]]] | None:
    """(tokens, index of WHERE, end of its body, the AND-ed conditions of the top-level WHERE as token lists);
    None for a statement with no WHERE, an OR in it, a subquery, CTE or union."""
    tokens = tokenize(statement)
    lowered = [(kind, text.lower()) for kind, text in tokens]
    if not _single_select(lowered):
        return None  # subqueries, CTEs, unions: leave them alone
    depth, where, end = 0, None, len(tokens)
    for index, (kind, text) in enumerate(lowered):
        if kind == "op" and text in "()":
            depth += 1 if text == "(" else -1
        elif depth == 0 and kind == "word":
            if text == "where" and where is None:
                where = index
            elif where is not None and text in _CLAUSE_END:
                end = index
                break
        elif depth == 0 and kind == "op" and text == ";" and where is not None:
            end = index
            break
    if where is None:
        return None
    body = tokens[where + 1:end]
    if "or" in [text.lower() for kind, text in body if kind == "word"]:
        return None
    conjuncts: list[list[tuple[str, str]]] = [[]]
    depth, in_between = 0, False
    for kind, text in body:
        low = text.lower()
        if kind == "op" and text in "()":
            depth += 1 if text == "(" else -1
        if depth == 0 and kind == "word" and low == "between":
            in_between = True
        if depth == 0 and kind == "word" and low == "and":
            if in_between:  # the AND of `x BETWEEN a AND b` belongs to the condition
                in_between = False
            else:
                conjuncts.append([])
                continue
        conjuncts[-1].append((kind, text))
    return tokens, where, end, conjuncts


def _rebuilt(tokens: list[tuple[str, str]], where: int, end: int, kept: list[str]) -> str:
    head = "".join(text for _, text in tokens[:where]).rstrip()
    tail = "".join(text for _, text in tokens[end:]).strip()
    where_clause = f" WHERE {' AND '.join(kept)}" if kept else ""
    return head + where_clause + (f" {tail}" if tail else "")


def keep_rows_kept(statement: str, kept_values: set[str]) -> FilterCheck:
    """Remove from the top-level WHERE the exclusions of values the team said to keep: `col != 'absent'`,
    `col <> 'comp'`, and 'absent' out of `col NOT IN ('cancelled', 'absent')` ("leave out 'cancelled'; rows with
    status 'absent' stay in" read as leaving both out). `kept_values` are compared without case.

        >>> keep_rows_kept("SELECT SUM(m) FROM lessons WHERE status != 'cancelled' AND status != 'absent'", {"absent"}).statement
        "SELECT SUM(m) FROM lessons WHERE status != 'cancelled'"
        >>> keep_rows_kept("SELECT SUM(m) FROM t WHERE status NOT IN ('void', 'refund') GROUP BY d", {"refund"}).statement
        "SELECT SUM(m) FROM t WHERE status NOT IN ('void') GROUP BY d"
    """
    split = _where_conjuncts(statement) if kept_values else None
    if split is None:
        return FilterCheck(statement)
    tokens, where, end, conjuncts = split
    wanted = {value.lower() for value in kept_values}
    kept, dropped = [], []
    for conjunct in conjuncts:
        written = "".join(text for _, text in conjunct).strip()
        solid = [(kind, text) for kind, text in conjunct if kind != "space"]
        low = [(kind, text.lower()) for kind, text in solid]
        if len(solid) == 3 and solid[0][0] in {"word", "ident"} and low[1] in {("op", "!="), ("op", "<>")} \
                and solid[2][0] == "string" and _literal_text(*solid[2]).lower() in wanted:
            dropped.append(written)
            continue
        if len(solid) >= 6 and solid[0][0] in {"word", "ident"} and low[1:4] == [("word", "not"), ("word", "in"), ("op", "(")] \
                and low[-1] == ("op", ")") and all(kind in {"string", "op"} for kind, _ in solid[4:-1]):
            values = [text for kind, text in solid[4:-1] if kind == "string"]
            left = [v for v in values if _literal_text("string", v).lower() not in wanted]
            if len(left) < len(values):
                dropped.append(written)
                if left:
                    kept.append(f"{solid[0][1]} NOT IN ({', '.join(left)})")
                continue
        kept.append(written)
    if not dropped:
        return FilterCheck(statement)
    return FilterCheck(_rebuilt(tokens, where, end, kept), dropped)


def drop_invented_filters(statement: str, allowed_text: str, related: Related | None = None, *,
                          also_drop: Callable[[str, str], bool] | None = None,
                          also_keep: Callable[[str, str], bool] | None = None) -> FilterCheck:
    """Remove `col = literal` conditions of the top-level WHERE whose literal `allowed_text` (request,
    lesson texts, schema DDL) never mentions, numeric cuts (`col > number`, `col != number`) whose number it never mentions,
    conditions on a period (a date literal, a date function, 'now') when `allowed_text` names no time, conditions on
    particular days (`= '2025-06-01'`, `NOT IN ('2025-05-02', ...)`) when it names no day, and on months
    (strftime('%m', ...)) when it names no month, quarter or season. Only plain AND-conjunctions are touched: a WHERE with OR,
    a subquery, or a single-statement shape this reader does not know is returned unchanged.

    `related` (the request's similarity to a phrase) keeps a filter the request asks for in other words
    ("teeth cleanings" for kind = 'dental', "waiting for a decision" for status = 'pending'): one whose
    phrase (`filter_phrase`) is at least RELATED_FILTER similar to the request is not an invention.
    `also_drop(column, literal)` (the column without its table) marks other conditions to remove;
    `also_keep(column, literal)` marks `col = literal` conditions that are not inventions (the team's guidance
    speaks of that column's values)."""
    split = _where_conjuncts(statement)
    if split is None:
        return FilterCheck(statement)
    tokens, where, end, conjuncts = split
    allowed = allowed_text.lower()
    kept, dropped = [], []
    for conjunct in conjuncts:
        equality = _simple_equality(conjunct)
        literal = _literal_text(equality[1], equality[2]) if equality is not None else ""
        if equality is not None and also_drop is not None and also_drop(equality[0].split(".")[-1].strip('"`[]'), literal):
            dropped.append("".join(text for _, text in conjunct).strip())
        elif equality is None and _date_condition(conjunct) and _TIME.search(allowed) is None:
            dropped.append("".join(text for _, text in conjunct).strip())  # a period the request never named
        elif _exact_days(conjunct) and _DAY_NAMED.search(allowed) is None:
            dropped.append("".join(text for _, text in conjunct).strip())  # days picked for "in June 2025"
        elif equality is None and _month_condition(conjunct) and _MONTH_NAMED.search(allowed) is None:
            dropped.append("".join(text for _, text in conjunct).strip())  # months picked for "this year"
        elif equality is None and (limit := _threshold(conjunct)) is not None and not _mentioned(limit[1], allowed):
            dropped.append("".join(text for _, text in conjunct).strip())  # "people > 10": a cut no one asked for
        elif equality is not None and also_keep is not None and also_keep(equality[0].split(".")[-1].strip('"`[]'), literal):
            kept.append("".join(text for _, text in conjunct).strip())
        elif equality is not None and not _mentioned(literal, allowed) and not (
                related is not None and not _DATE.search(literal)  # a date is the request's only if it names a time
                and related(filter_phrase(equality[0], literal)) >= RELATED_FILTER):
            dropped.append("".join(text for _, text in conjunct).strip())
        else:
            kept.append("".join(text for _, text in conjunct).strip())
    if not dropped:
        return FilterCheck(statement)
    return FilterCheck(_rebuilt(tokens, where, end, kept), dropped)


def text_filters(statement: str) -> list[tuple[str, str]]:
    """Every `col = 'text'` comparison in `statement`, subqueries included: (column without its table, text).

        >>> text_filters("SELECT COUNT(*) FROM loans l JOIN items i ON l.item_id = i.id WHERE i.format = 'ebook'")
        [('format', 'ebook')]
    """
    solid = [t for t in tokenize(statement) if t[0] != "space"]
    found = []
    for index in range(1, len(solid) - 1):
        if solid[index] != ("op", "="):
            continue
        left, right = solid[index - 1], solid[index + 1]
        if right[0] == "string" and left[0] in {"word", "ident"}:
            column, value = left[1], right[1]
        elif left[0] == "string" and right[0] in {"word", "ident"}:
            column, value = right[1], left[1]
        else:
            continue
        found.append((column.split(".")[-1].strip('"`[]'), _literal_text("string", value)))
    return list(dict.fromkeys(found))


def replace_strings(statement: str, replacements: dict[str, str]) -> str:
    """`statement` with each quoted string whose text is a key of `replacements` written as its value.

        >>> replace_strings("SELECT 1 FROM t WHERE s = 'no-show'", {"no-show": "no_show"})
        "SELECT 1 FROM t WHERE s = 'no_show'"
    """
    def written(kind: str, text: str) -> str:
        value = _literal_text(kind, text) if kind == "string" else None
        return "'" + replacements[value].replace("'", "''") + "'" if value in replacements else text

    return "".join(written(kind, text) for kind, text in tokenize(statement))


def _single_select(lowered: list[tuple[str, str]]) -> bool:
    """Exactly one SELECT: no subquery (a CTE or a union has a second)."""
    return sum(1 for kind, text in lowered if kind == "word" and text == "select") == 1


def _top_level(lowered: list[tuple[str, str]]) -> tuple[int | None, int]:
    """(index of the top-level WHERE or None, index of the first top-level GROUP BY, ORDER BY, LIMIT, ... or ';',
    else the end): where a condition or a JOIN goes."""
    depth, where = 0, None
    for index, (kind, text) in enumerate(lowered):
        if kind == "op" and text in "()":
            depth += 1 if text == "(" else -1
        elif depth == 0 and kind == "word" and text == "where" and where is None:
            where = index
        elif depth == 0 and ((kind == "word" and text in _CLAUSE_END) or (kind == "op" and text == ";")):
            return where, index
    return where, len(lowered)


def add_filters(statement: str, filters: list[tuple[str, str]]) -> FilterCheck:
    """`statement` with `name = 'value'` added to its top-level WHERE (or a new one) for each (name, value), where
    `name` is how the statement calls the column (alias.column). Only a single SELECT (no subquery, CTE or
    union) is touched; the conditions added are listed in `dropped`, which here means "changed".

        >>> add_filters("SELECT SUM(qty) FROM orders o GROUP BY day", [("o.customer", "Café Linde")]).statement
        "SELECT SUM(qty) FROM orders o WHERE o.customer = 'Café Linde' GROUP BY day"
    """
    return add_conditions(statement, [f"{name} = '{value.replace(chr(39), chr(39) * 2)}'" for name, value in filters])


def add_conditions(statement: str, conditions: list[str]) -> FilterCheck:
    """`statement` with each condition (SQL text) ANDed to its top-level WHERE (or a new one); only a single
    SELECT is touched, and the conditions added are listed in `dropped`.

        >>> add_conditions("SELECT SUM(h) FROM w WHERE a = 1 OR b = 2", ["w.v IS NOT NULL"]).statement
        'SELECT SUM(h) FROM w WHERE (a = 1 OR b = 2) AND w.v IS NOT NULL'
    """
    tokens = tokenize(statement)
    lowered = [(kind, text.lower()) for kind, text in tokens]
    if not conditions or not _single_select(lowered) \
            or any(kind == "word" and text in {"union", "intersect", "except", "with"} for kind, text in lowered):
        return FilterCheck(statement)
    where, end = _top_level(lowered)
    head = "".join(text for _, text in tokens[:end]).rstrip()
    tail = "".join(text for _, text in tokens[end:]).strip()
    if where is None:
        rebuilt = f"{head} WHERE {' AND '.join(conditions)}"
    else:
        body = "".join(text for _, text in tokens[where + 1:end]).strip()
        body = f"({body})" if any(t == ("word", "or") for t in lowered[where + 1:end]) else body
        rebuilt = "".join(text for _, text in tokens[:where]).rstrip() + f" WHERE {body} AND {' AND '.join(conditions)}"
    return FilterCheck(rebuilt + (f" {tail}" if tail else ""), conditions)


def add_joins(statement: str, joins: list[str]) -> str:
    """`statement` with each JOIN clause put after its FROM and JOINs, before the top-level WHERE (or GROUP BY,
    ORDER BY, LIMIT, the end). A statement with a subquery, CTE or union is returned unchanged.

        >>> add_joins("SELECT SUM(t.n) FROM tickets t WHERE s.day = 1", ["JOIN sailings s ON s.id = t.sailing_id"])
        'SELECT SUM(t.n) FROM tickets t JOIN sailings s ON s.id = t.sailing_id WHERE s.day = 1'
    """
    tokens = tokenize(statement)
    lowered = [(kind, text.lower()) for kind, text in tokens]
    if not joins or not _single_select(lowered):
        return statement
    where, end = _top_level(lowered)
    end = end if where is None else where
    head = "".join(text for _, text in tokens[:end]).rstrip()
    tail = "".join(text for _, text in tokens[end:]).strip()
    return f"{head} {' '.join(joins)}" + (f" {tail}" if tail else "")


def replace_words(statement: str, replacements: dict[str, str]) -> str:
    """`statement` with each bare word (a name, never a quoted string) that is a key of `replacements` replaced.

        >>> replace_words("SELECT SUM(o.qty) FROM orders o WHERE note = 'o.qty'", {"o.qty": "ol.qty"})
        "SELECT SUM(ol.qty) FROM orders o WHERE note = 'o.qty'"
    """
    return "".join(replacements.get(text, text) if kind == "word" else text for kind, text in tokenize(statement))


def string_literals(statement: str) -> list[str]:
    """The text of every quoted string in `statement`."""
    return [_literal_text(kind, text) for kind, text in tokenize(statement) if kind == "string"]


# digits each strftime code writes; a format with any other code is left alone
_FORMAT_DIGITS = {"%Y": 4, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2, "%W": 2, "%j": 3}
# the one format that writes a literal of this shape (a 2-digit literal could be a month, a day or an hour)
_FORMAT_FOR_SHAPE = {"dddd": "%Y", "dddd-dd": "%Y-%m", "dddd-dd-dd": "%Y-%m-%d"}


def _format_shape(fmt: str) -> str | None:
    """What strftime(fmt, ...) writes, digits as 'd': '%Y-%m' -> 'dddd-dd'; None for a code not known."""
    if any(code not in _FORMAT_DIGITS for code in re.findall(r"%.", fmt)):
        return None
    return re.sub(r"%.", lambda m: "d" * _FORMAT_DIGITS[m.group()], fmt)


def _closing(solid: list[tuple[int, str, str]], start: int) -> int | None:
    """Index in `solid` of the ")" closing the "(" at `start`."""
    depth = 0
    for index in range(start, len(solid)):
        if solid[index][1:] == ("op", "("):
            depth += 1
        elif solid[index][1:] == ("op", ")"):
            depth -= 1
            if depth == 0:
                return index
    return None


def _compared_literals(solid: list[tuple[int, str, str]], after: int) -> list[tuple[int, str, str]]:
    """The string literals `strftime(...)` ending at `after` is compared with: `= 'x'` (or <, >, <=, >=, !=),
    `IN ('x', 'y')`, `BETWEEN 'x' AND 'y'`; [] for any other shape."""
    rest = solid[after + 1:]
    if len(rest) >= 2 and rest[0][1] == "op" and rest[0][2] in {"=", "<", ">", "<=", ">=", "!=", "<>"} \
            and rest[1][1] == "string":
        return [rest[1]]
    if len(rest) >= 4 and rest[0][1] == "word" and rest[0][2].lower() == "between" and rest[1][1] == "string" \
            and rest[2][2].lower() == "and" and rest[3][1] == "string":
        return [rest[1], rest[3]]
    if len(rest) >= 3 and rest[0][1] == "word" and rest[0][2].lower() == "in" and rest[1][2] == "(":
        items = []
        for token in rest[2:]:
            if token[2] == ")":
                return items
            if token[1] == "string":
                items.append(token)
            elif token[2] != ",":
                return []
    return []


def match_date_formats(statement: str) -> FilterCheck:
    """Give `strftime(fmt, col)` the format its compared literals are written in, when `fmt` can never write
    them: `strftime('%Y', d) IN ('2025-03', '2025-04')` matches nothing; `strftime('%Y-%m', d)` is what was
    meant. `dropped` lists each format changed, as "'%Y' -> '%Y-%m'".

        >>> match_date_formats("SELECT COUNT(*) FROM t WHERE strftime('%Y', d) = '2025-03'").statement
        "SELECT COUNT(*) FROM t WHERE strftime('%Y-%m', d) = '2025-03'"
    """
    tokens = tokenize(statement)
    solid = [(index, kind, text) for index, (kind, text) in enumerate(tokens) if kind != "space"]
    changes: dict[int, str] = {}
    for position, (_, kind, text) in enumerate(solid):
        if kind != "word" or text.lower() != "strftime" or position + 3 >= len(solid):
            continue
        if solid[position + 1][2] != "(" or solid[position + 2][1] != "string":
            continue
        end = _closing(solid, position + 1)
        fmt = _literal_text("string", solid[position + 2][2])
        shape = _format_shape(fmt)
        literals = _compared_literals(solid, end) if end is not None else []
        shapes = {re.sub(r"\d", "d", _literal_text("string", literal[2])) for literal in literals}
        if shape is None or len(shapes) != 1:
            continue
        wanted = _FORMAT_FOR_SHAPE.get(next(iter(shapes)))
        if wanted is not None and shape != next(iter(shapes)):
            changes[solid[position + 2][0]] = wanted
    if not changes:
        return FilterCheck(statement)
    rebuilt = "".join(f"'{changes[index]}'" if index in changes else text for index, (_, text) in enumerate(tokens))
    return FilterCheck(rebuilt, [f"{tokens[index][1]} -> '{fmt}'" for index, fmt in changes.items()])


def date_columns_read(statement: str) -> list[str]:
    """Columns (without their table) a date function of `statement` reads: strftime('%Y', o.day) -> 'day'.

        >>> date_columns_read("SELECT 1 FROM t WHERE strftime('%Y', t.in_service) = '2025' AND date(x) > '2025'")
        ['in_service', 'x']
    """
    solid = [(index, kind, text) for index, (kind, text) in enumerate(tokenize(statement)) if kind != "space"]
    found = []
    for position, (_, kind, text) in enumerate(solid):
        if kind != "word" or text.lower() not in DATE_FUNCTIONS or solid[position + 1:position + 2] == [] \
                or solid[position + 1][2] != "(":
            continue
        end = _closing(solid, position + 1) or len(solid)
        found += [t[2].split(".")[-1].strip('"`[]') for t in solid[position + 2:end]
                  if t[1] in {"word", "ident"} and _COLUMN.match(t[2]) and t[2].lower() not in DATE_FUNCTIONS]
    return list(dict.fromkeys(found))


def exact_division(statement: str) -> FilterCheck:
    """Divide by a whole-number literal as a real number: SQLite divides an integer by an integer as integers, so
    `SUM(weight_kg) / 1000` over whole kilograms answers 4 where the tonnes are 4.08, and `COUNT(*) / 3` drops the
    fraction of a monthly average. `dropped` lists each divisor changed, as "/ 1000 -> / 1000.0".

        >>> exact_division("SELECT SUM(weight_kg) / 1000 FROM collections").statement
        'SELECT SUM(weight_kg) / 1000.0 FROM collections'
        >>> exact_division("SELECT SUM(amount) / 2.5 FROM t").changed
        False
    """
    tokens = tokenize(statement)
    solid = [index for index, (kind, _) in enumerate(tokens) if kind != "space"]
    changed: list[str] = []
    for before, after in zip(solid, solid[1:]):
        if tokens[before] == ("op", "/") and tokens[after][0] == "number" and tokens[after][1].isdigit():
            changed.append(f"/ {tokens[after][1]} -> / {tokens[after][1]}.0")
            tokens[after] = ("number", tokens[after][1] + ".0")
    return FilterCheck("".join(text for _, text in tokens), changed) if changed else FilterCheck(statement)


_MINUTES_COLUMN = re.compile(r"^(?:\w+\.)?\w*?(?:^|_)(?:min|mins|minutes)$", re.I)
_ASKS_HOURS = re.compile(r"\bhours?\b", re.I)
_ASKS_MINUTES = re.compile(r"\bmin(?:ute)?s?\b", re.I)


def minutes_as_hours(statement: str, request: str) -> FilterCheck:
    """A request that asks for hours, answered by `SUM(duration_min)`: the sum is given in hours (`SUM(duration_min)
    / 60.0`). Only a plain SUM of a column named in minutes, in a statement that divides by nothing; a request
    that also speaks of minutes is left alone.

        >>> minutes_as_hours("SELECT SUM(duration_min) AS total FROM lessons", "How many teaching hours in June?").statement
        'SELECT SUM(duration_min) / 60.0 AS total FROM lessons'
        >>> minutes_as_hours("SELECT SUM(duration_min) FROM lessons", "How many minutes in June?").changed
        False
    """
    if not _ASKS_HOURS.search(request) or _ASKS_MINUTES.search(request):
        return FilterCheck(statement)
    tokens = tokenize(statement)
    if any(token == ("op", "/") for token in tokens):
        return FilterCheck(statement)
    solid = [index for index, (kind, _) in enumerate(tokens) if kind != "space"]
    changed: list[str] = []
    for position in range(len(solid) - 3):
        name, opening, column, closing = (tokens[i] for i in solid[position:position + 4])
        if name[0] == "word" and name[1].lower() == "sum" and opening == ("op", "(") and column[0] == "word" \
                and _MINUTES_COLUMN.match(column[1]) and closing == ("op", ")"):
            tokens[solid[position + 3]] = ("op", ") / 60.0")
            changed.append(f"SUM({column[1]}) -> SUM({column[1]}) / 60.0")
    return FilterCheck("".join(text for _, text in tokens), changed) if changed else FilterCheck(statement)


def balanced_parentheses(statement: str) -> FilterCheck:
    """A statement whose parentheses do not pair up at the end: a stray `)` after the last condition removed, a
    missing one closed at the end (small models lose count in nested subqueries; SQLite says only
    'syntax error'). A stray `)` anywhere else is left for the repair.

        >>> balanced_parentheses("SELECT SUM(x) FROM t WHERE id IN (SELECT id FROM u) AND m = '10')").statement
        "SELECT SUM(x) FROM t WHERE id IN (SELECT id FROM u) AND m = '10'"
        >>> balanced_parentheses("SELECT SUM(x) FROM t WHERE id IN (SELECT id FROM u").statement
        'SELECT SUM(x) FROM t WHERE id IN (SELECT id FROM u)'
    """
    tokens = tokenize(statement.rstrip().rstrip(";").rstrip())
    depth, lowest = _depths(tokens)
    if depth == 0 and lowest == 0:
        return FilterCheck(statement)
    if depth > 0 and lowest == 0:
        return FilterCheck("".join(text for _, text in tokens) + ")" * depth, [f"closed {depth} ( left open"])
    solid = [i for i, (kind, _) in enumerate(tokens) if kind != "space"]
    extra = -depth
    if depth < 0 and lowest == depth and all(tokens[i] == ("op", ")") for i in solid[len(solid) - extra:]):
        # the stray closings are the last tokens, and the count only went below zero there
        kept = tokens[:solid[len(solid) - extra]]
        rebuilt = "".join(text for _, text in kept).rstrip()
        if _depths(tokenize(rebuilt))[1] == 0:
            return FilterCheck(rebuilt, [f"removed {extra} stray ) at the end"])
    return FilterCheck(statement)


def _depths(tokens: list[tuple[str, str]]) -> tuple[int, int]:
    """(parenthesis depth at the end, lowest depth on the way): (0, 0) when they pair up."""
    depth, lowest = 0, 0
    for kind, text in tokens:
        if kind == "op" and text in "()":
            depth += 1 if text == "(" else -1
            lowest = min(lowest, depth)
    return depth, lowest


_POSSESSIVE = re.compile(r"(?<=[A-Za-z])'(?=s\b|t\b|ll\b|re\b|ve\b|d\b)")


def escaped_apostrophes(statement: str) -> FilterCheck:
    """A statement with an odd number of single quotes fails whatever else it says; when an apostrophe inside a
    word ("Pepper's", "don't") is the cause, it is doubled as SQL escapes it.

        >>> escaped_apostrophes("SELECT SUM(qty) FROM d WHERE pet = 'Pepper's' AND status = 'dispensed'").statement
        "SELECT SUM(qty) FROM d WHERE pet = 'Pepper''s' AND status = 'dispensed'"
        >>> escaped_apostrophes("SELECT 1 FROM d WHERE pet = 'Pepper''s'").changed
        False
    """
    if statement.count("'") % 2 == 0:
        return FilterCheck(statement)
    marks = [m.start() for m in _POSSESSIVE.finditer(statement) if statement[m.start() - 1:m.start()] != "'"
             and statement[m.start() + 1:m.start() + 2] != "'"]
    if len(marks) != 1:  # one stray apostrophe makes the count odd; more is a guess
        return FilterCheck(statement)
    at = marks[0]
    return FilterCheck(statement[:at] + "''" + statement[at + 1:], [f"apostrophe escaped in {statement[max(0, at - 12):at + 3]!r}"])

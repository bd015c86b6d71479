"""The tool registry the ToolPlanner chooses from: read-only SQL, a calculator, document lookup,
and any Python function a user registers.

Tools never write: the SQL tool opens SQLite read-only (and `query_only`) and accepts one SELECT/WITH
statement. Its errors name the dialect and show the failing statement, so the planner can repair it.
"""

from __future__ import annotations

import ast
import inspect
import re
import operator
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from memory.records import Document

from agents.correction_details import kept_values, quoted_phrases, subtracted_values
from agents.sql_checks import (Related, add_joins, balanced_parentheses, drop_invented_filters, escaped_apostrophes,
                               exact_division, keep_rows_kept, match_date_formats, minutes_as_hours, replace_strings,
                               replace_words, sqlite_hints)
from agents.sql_data import (add_omitted_filters, column_homes, misplaced_filters, net_of_subtracted,
                             relocated_exclusions, requalified_columns, respelled_filters, table_columns,
                             text_date_arithmetic, undated_columns, unfiltered_values, unmatched_filters)
from agents.sql_aggregates import guided_aggregates
from agents.sql_guidance import guided_conditions
from agents.sql_day_first import iso_dates
from agents.sql_free_text import moved_text_filters
from agents.sql_periods import add_named_period, dated_by, shifted_dates
from agents.sql_labels import named_groups, ranked_by_name, shown_measure

__all__ = ["Tool", "ToolResult", "ToolRegistry", "ArgumentCheck", "SqlError", "sql_tool", "calculator_tool",
           "document_lookup_tool", "misplaced_filters", "unmatched_filters"]


class SqlError(ValueError):
    """SQLite rejected a statement; the message names the dialect, the statement and a fix where known."""


@dataclass
class ToolResult:
    tool: str
    arguments: dict[str, Any]
    ok: bool
    output: str
    note: str = ""  # what a check changed before the call, e.g. an invented filter dropped
    suspect: str = ""  # why a successful result is likely wrong (a filter value no row holds); the planner repairs it

    @property
    def rows(self) -> list[list[str]]:
        """Data rows of a tabular output (`a | b` lines after a header line); [] when there are none."""
        lines = [line for line in self.output.splitlines() if line.strip()]
        return [[cell.strip() for cell in line.split(" | ")] for line in lines[1:]] if self.ok else []


@dataclass
class ArgumentCheck:
    arguments: dict[str, Any]
    note: str = ""  # empty: nothing changed


@dataclass
class Tool:
    name: str
    description: str
    parameters: dict[str, str]  # argument name -> description
    run: Callable[..., str]
    # checks the model's arguments against what the request and lessons say, before the call
    # (arguments, allowed text, the request's similarity to a phrase or None, the applied lessons' guidance, request)
    check_arguments: Callable[[dict[str, Any], str, Related | None, str, str], ArgumentCheck] | None = None
    # one text per data source the tool reads (a table: its columns and sample rows), for the relevance gate
    data_sources: Callable[[], list[str]] | None = None
    # (arguments, output, request, guidance) of a successful call -> why the result is likely wrong, or ""
    diagnose: Callable[[dict[str, Any], str, str, str], str] | None = None
    # the identifiers of the data the tool reads (tables and columns), for the router: a correction naming one
    # is about this tool's use
    data_names: Callable[[], list[str]] | None = None

    def signature(self) -> str:
        args = ", ".join(f"{name}: {desc}" for name, desc in self.parameters.items())
        return f"{self.name}({args}) - {self.description}"


@dataclass
class ToolRegistry:
    tools: dict[str, Tool] = field(default_factory=dict)

    def add(self, tool: Tool) -> None:
        self.tools[tool.name] = tool

    def register_function(self, fn: Callable[..., Any], name: str | None = None) -> Tool:
        """Expose a plain Python function; its docstring is the description the planner reads."""
        params = {p: "string" for p in inspect.signature(fn).parameters}
        tool = Tool(name or fn.__name__, (fn.__doc__ or fn.__name__).strip().splitlines()[0], params,
                    lambda **kw: str(fn(**kw)))
        self.add(tool)
        return tool

    def names(self) -> list[str]:
        return list(self.tools)

    def data_names(self) -> dict[str, list[str]]:
        """tool -> the identifiers of the data it reads (tables and columns), for tools that read data."""
        return {name: tool.data_names() for name, tool in self.tools.items() if tool.data_names is not None}

    def call(self, name: str, arguments: dict[str, Any], request: str = "", guidance: str = "") -> ToolResult:
        """Run a tool; a successful result is diagnosed (against `request` and the applied lessons' `guidance`
        when given)."""
        tool = self.tools.get(name)
        if tool is None:
            return ToolResult(name, arguments, False, f"unknown tool {name!r}; known: {', '.join(self.tools)}")
        try:
            kwargs = {k: v for k, v in arguments.items() if k in tool.parameters}
            output = tool.run(**kwargs)
        except Exception as exc:  # a tool failure is a result the writer and the trace must see
            return ToolResult(name, arguments, False, f"{type(exc).__name__}: {exc}")
        return ToolResult(name, arguments, True, output,
                          suspect=tool.diagnose(arguments, output, request, guidance) if tool.diagnose is not None else "")

    def checked_call(self, name: str, arguments: dict[str, Any], allowed_text: str,
                     related: Related | None = None, request: str = "", guidance: str = "") -> ToolResult:
        """`call`, after the tool's argument check (if any) against `allowed_text` (request and lessons) and,
        when given, `related` (how near a phrase is to the request in meaning)."""
        tool = self.tools.get(name)
        note = ""
        if tool is not None and tool.check_arguments is not None:
            checked = tool.check_arguments(arguments, allowed_text, related, guidance, request)
            arguments, note = checked.arguments, checked.note
        result = self.call(name, arguments, request, guidance)
        result.note = note
        return result


def guidance_values(guidance: str) -> str:
    """Where the team's guidance names values of the data: its quoted phrases when it quotes any ("only count
    rows where event is 'checkout'"), else all of it (so "the same book twice" names no item type when the
    values that matter are quoted).

        >>> guidance_values("Count rows where event is 'checkout'; a renewal counts the same book twice.")
        "'checkout'"
    """
    quoted = quoted_phrases(guidance)
    return "; ".join(f"'{phrase}'" for phrase in quoted) if quoted else guidance


def filtering_values(guidance: str) -> str:
    """Where the team's guidance asks to keep or leave out values: its quoted phrases when it quotes any, else its
    clauses that say so, not those about a document ("not Ruth's diary tally, that's a guess") nor an example ("the
    school's zips were 12 at 11 each"; held-out v14, seen: both were demanded as filters and the right sum was lost).

        >>> filtering_values("The school's zips were 12 at 11 each. Skip cancelled jobs, and not Ruth's diary tally.")
        'Skip cancelled jobs'
    """
    if quoted_phrases(guidance):
        return guidance_values(guidance)
    return "; ".join(clause for clause in re.split(r"[.;:!?]\s+|,\s+|\s[-\u2013\u2014]\s", guidance)
                     if _FILTER_CUE.search(clause) and not _DOCUMENT_WORD.search(clause))


_FILTER_CUE = re.compile(r"\b(?:only|just|leave out|leaving out|exclude\w*|skip\w*|without|except|count\w*|"
                         r"don'?t count|keep|filter\w*|where|ignore|drop|remove|not|no|never)\b|[=<>]", re.I)
_DOCUMENT_WORD = re.compile(r"\b(?:tally|summary|summaries|notes?|report|sheet|round-?up|whiteboard|estimate|guess|"
                            r"newsletter|slides?|wiki|diary|figures? from|rounded)\b", re.I)


def _cell(value: Any) -> str:
    """A value as the tool reports it; a float rounded to 10 significant digits, so that a sum of prices reads 443.0,
    not 442.99999999999994, which a writer copies.

        >>> [_cell(v) for v in (442.99999999999994, 0.1 + 0.2, 2.5, 7, None)]
        ['443.0', '0.3', '2.5', '7', 'None']
    """
    return str(float(f"{value:.10g}")) if isinstance(value, float) else str(value)


def sql_tool(database: Path, max_rows: int = 50) -> Tool:
    """Read-only SQL over one SQLite file."""

    def ddl() -> str:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            return " ".join(sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
        finally:
            conn.close()

    def schema() -> str:
        """Each table's DDL and two sample rows: small models write better SQL when they see real values."""
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='table' AND sql IS NOT NULL").fetchall()
            parts = []
            for name, ddl in tables:
                sample = conn.execute(f'SELECT * FROM "{name}" LIMIT 2').fetchall()
                parts.append(" ".join(ddl.split()) + (f" -- sample rows: {sample}" if sample else ""))
        finally:
            conn.close()
        return "; ".join(parts)

    def run(query: str) -> str:
        statement = query.strip().rstrip(";").strip()
        if ";" in statement or not statement.lower().startswith(("select", "with")):
            raise SqlError(f"only one read-only SELECT statement is allowed. Statement: {statement}")
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA query_only = ON")
            cursor = conn.execute(statement)
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchmany(max_rows)
        except sqlite3.Error as exc:
            hints = " ".join(f"{hint}." for hint in [*sqlite_hints(statement), *column_homes(conn, str(exc), statement)])
            raise SqlError(f"SQLite rejected the statement ({exc}). Statement: {statement}"
                           + (f" Fix: {hints}" if hints else " This database is SQLite: write SQLite syntax.")) from None
        finally:
            conn.close()
        lines = [" | ".join(columns)] + [" | ".join(_cell(v) for v in row) for row in rows]
        return "\n".join(lines)

    def tables(sample_rows: int = 5) -> list[str]:
        """Each table in words (name, columns, a few rows): what a request answered by this tool is about."""
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            names = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            texts = []
            for name in names:
                cursor = conn.execute(f'SELECT * FROM "{name}" LIMIT {int(sample_rows)}')
                columns = [d[0] for d in cursor.description or []]
                rows = "; ".join(" ".join(str(v) for v in row) for row in cursor.fetchall())
                texts.append(f"Table {name} with columns {', '.join(columns)}." + (f" Rows: {rows}" if rows else ""))
        finally:
            conn.close()
        return texts

    # values the schema itself names (defaults, CHECK lists): quoted literals only, so that a column name
    # ("opened") never counts as naming a value ("open")
    known = " ".join(re.findall(r"'((?:[^']|'')*)'", ddl()))

    def check(arguments: dict[str, Any], allowed_text: str, related: Related | None = None,
              guidance: str = "", request: str = "") -> ArgumentCheck:
        """Drop WHERE filters on values that neither the request, the lessons nor the schema's literals mention, unless
        the request asks for them in other words (`related`), filters on the wrong column (`misplaced_filters`) and
        periods the request never names; write a value as the data spells it (`respelled_filters`), a date
        format as the literals it is compared with (`match_date_formats`), a date kept as day/month/year text as an
        ISO date wherever the statement treats it as one (`iso_dates`), a filter on typed text to the column that holds
        its value as a category (`moved_text_filters`), and a division by a whole number as a
        real one (`exact_division`: SQLite divides integers as integers). The values the team's `guidance` quotes
        are not inventions, nor is a filter on a column whose values the guidance names (it reads the rule
        another way: status = 'delivered' for "skip the 'cancelled' orders"). A value the `request` plainly names
        and no condition uses is added as one (`omitted_filters`: "How much has Café Linde spent?"), and so is the one
        period it names when the statement reads no time (`add_named_period`: "... in October 2026")."""
        query = arguments.get("query")
        if not isinstance(query, str):
            return ArgumentCheck(arguments)
        notes = []
        for repair, what in ((escaped_apostrophes, "quotes paired"), (balanced_parentheses, "parentheses paired")):
            repaired = repair(query)
            if repaired.changed:
                query = repaired.statement
                notes.append(f"{what}: " + "; ".join(repaired.dropped))
        swapped, note = dated_by(database, query, guidance) if guidance else (query, "")
        if note:
            query = swapped
            notes.append(note)
        requalified, joins = requalified_columns(database, query)
        if requalified or joins:
            rewritten = add_joins(replace_words(query, requalified), joins)
            if rewritten != query:
                query = rewritten
                notes.append(("columns written on the table that has them: "
                              + "; ".join(f"{a} -> {b}" for a, b in requalified.items()) if requalified
                              else "tables the statement's columns name, joined")
                             + (f" ({'; '.join(joins)})" if joins else ""))
        relocated = relocated_exclusions(database, query)
        if relocated:
            for written, meant in relocated.items():
                query = query.replace(written, meant)
            notes.append("exclusions moved to the column that holds the value: "
                         + "; ".join(f"{a} -> {b}" for a, b in relocated.items()))
        misplaced = misplaced_filters(database, query)
        guided = {column.split(".")[1] for column, _ in unfiltered_values(database, "", guidance_values(guidance))} \
            if guidance else set()
        checked = drop_invented_filters(query, f"{allowed_text}\n{known}\n{' '.join(quoted_phrases(guidance))}", related,
                                        also_drop=(lambda column, value: (column, value) in misplaced) if misplaced else None,
                                        also_keep=(lambda column, value: column in guided) if guided else None)
        if checked.changed:
            notes.append("dropped filters the request does not mention, or that no row matches beside a like value: "
                         + "; ".join(checked.dropped))
        query = checked.statement
        kept = keep_rows_kept(query, kept_values(guidance))
        if kept.changed:
            query = kept.statement
            notes.append("rows the team's guidance keeps no longer left out: " + "; ".join(kept.dropped))
        net, note = net_of_subtracted(database, query, subtracted_values(guidance)) if guidance else ("", "")
        if net:
            query = net
            notes.append(note)
        moved, note = moved_text_filters(database, query, request)  # "Samsung" on typed text -> devices.brand
        if note:
            query = moved
            notes.append(note)
        respelled = respelled_filters(database, query)  # after the check: the model's spelling is the one mentioned
        if respelled:
            query = replace_strings(query, respelled)
            notes.append("values written as the data spells them: "
                         + "; ".join(f"'{a}' -> '{b}'" for a, b in respelled.items()))
        added, note = add_omitted_filters(database, query, request) if request else (query, "")
        if note:
            query = added
            notes.append(note)
        dated, note = add_named_period(database, query, request, guidance) if request else (query, "")
        if note:
            query = dated
            notes.append(note)
        shifted, note = shifted_dates(database, query, guidance) if guidance else (query, "")
        if note:  # after the period: its range is read through the team's shift too
            query = shifted
            notes.append(note)
        guided, note = guided_conditions(database, query, guidance) if guidance else (query, "")
        if note:
            query = guided
            notes.append(note)
        summed, note = guided_aggregates(database, query, guidance, request) if guidance else (query, "")
        if note:
            query = summed
            notes.append(note)
        ranked, note = ranked_by_name(database, query, request) if request else ("", "")
        if note:
            query = ranked
            notes.append(note)
        named, note = named_groups(database, query)
        if note:
            query = named
            notes.append(note)
        shown, note = shown_measure(query)
        if note:
            query = shown
            notes.append(note)
        iso, note = iso_dates(database, query, guidance)  # before the formats: they then read ISO dates
        if note:
            query = iso
            notes.append(note)
        formats = match_date_formats(query)
        if formats.changed:
            notes.append("date formats matched to the dates compared: " + "; ".join(formats.dropped))
        division = exact_division(formats.statement)
        if division.changed:
            notes.append("whole-number divisions made exact: " + "; ".join(division.dropped))
        hours = minutes_as_hours(division.statement, request)
        if hours.changed:
            notes.append("minutes given in hours, as the request asks: " + "; ".join(hours.dropped))
        if not notes:
            return ArgumentCheck(arguments)
        return ArgumentCheck({**arguments, "query": hours.statement}, "; ".join(notes))

    description = (f"run one read-only SQLite SELECT (SQLite dialect: dates are TEXT 'YYYY-MM-DD'; "
                   f"year and month with strftime('%Y', col) and strftime('%m', col); a quarter is three months, "
                   f"e.g. Q1: strftime('%m', col) BETWEEN '01' AND '03'). Schema: {schema()}")
    def diagnose(arguments: dict[str, Any], output: str, request: str = "", guidance: str = "") -> str:
        """Why a result is likely wrong, with what the planner needs to fix it: an empty or zero result whose text
        filters name values no row holds (the values that column has, the columns holding a like value) or whose
        date function reads a column without dates; any result of a subtraction of two date texts (SQLite
        subtracts their years), or that leaves out a value the request names, or that the team's `guidance` names
        for a table the statement reads ("leave out the cancelled orders")."""
        query = arguments.get("query")
        if not isinstance(query, str):
            return ""
        reasons = []
        rows = [line.split(" | ") for line in output.splitlines()[1:] if line.strip()]
        if all(cell.strip() in {"None", "0", "0.0", ""} for row in rows for cell in row):
            found = "; ".join(r for r in (unmatched_filters(database, query), undated_columns(database, query)) if r)
            if found:
                reasons.append(f"found nothing because {found}. Remove that filter, or replace it with the column "
                               "and value the request means")
        arithmetic = text_date_arithmetic(database, query)
        if arithmetic:
            reasons.append(arithmetic)
        unfiltered = unfiltered_values(database, query, request) if request else []
        if unfiltered:
            reasons.append("left out what the request names: " + ", ".join(f"'{value}', a value of {column}," for column, value in unfiltered)
                           + " and the statement does not filter on it. Add "
                           + " and ".join(f"{column.split('.')[1]} = '{value}' (table {column.split('.')[0]})"
                                          for column, value in unfiltered))
        named = {v for _, v in unfiltered}
        kept = kept_values(guidance)
        # a value of a column the statement already filters on was considered ('renewal' beside event = 'checkout');
        # one the guidance keeps ("'card' entries count") needs no filter at all
        ignored = [(c, v) for c, v in (unfiltered_values(database, query, filtering_values(guidance), read_only=True)
                                       if guidance else [])
                   if v not in named and v.lower() not in kept
                   and not re.search(rf"\b{re.escape(c.split('.')[1])}\b", query, re.I)]
        if ignored:
            reasons.append("ignored the team guidance, which names " + ", ".join(
                f"'{value}' (a value of {column})" for column, value in ignored)
                + f", and the statement does not use it. The guidance: \"{' '.join(guidance.split())[:400]}\". "
                "Filter on that value as the guidance says (= to keep only those rows, <> to leave them out)")
        return "; ".join(reasons)

    # the schema's identifiers, read once as its literals are
    identifiers = list(dict.fromkeys(name for table, columns in table_columns(database).items()
                                     for name in (table, *columns)))
    return Tool("sql", description, {"query": "a SQLite SELECT"}, run, check, tables, diagnose, lambda: identifiers)


_OPS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.Pow: operator.pow, ast.Mod: operator.mod, ast.USub: operator.neg, ast.UAdd: operator.pos,
}


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.operand))
    raise ValueError("only numbers and + - * / ** % are allowed")


def calculator_tool() -> Tool:
    return Tool(
        "calculator",
        "evaluate an arithmetic expression",
        {"expression": "e.g. (120 + 200) * 1.2"},
        lambda expression: str(_evaluate(ast.parse(str(expression), mode="eval"))),
    )


def document_lookup_tool(documents: Callable[[], list[Document]]) -> Tool:
    def run(id: str) -> str:  # noqa: A002 - the argument name the model sees
        for doc in documents():
            if doc.id == id:
                return f"{doc.title}: {doc.text}"
        raise KeyError(f"no document {id!r}")

    return Tool("lookup_document", "read one corpus document in full by its id", {"id": "document id"}, run)

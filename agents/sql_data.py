"""What the data says about a SQL statement the ToolPlanner wrote: text filters no row matches (and the
values the column holds), a filter written on the wrong column, a value spelled otherwise than the data
spells it ('no-show' for 'no_show'), a date function reading a column that holds no dates, and a value the
request names that the statement never filters on. Each reads the SQLite file read-only.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from pathlib import Path
from typing import Callable, TypeVar

from agents.correction_details import negated_before
from agents.sql_checks import (add_filters, add_joins, date_columns_read, replace_words, string_literals,
                               text_filters, tokenize)

__all__ = ["MAX_CATEGORIES", "aliases", "column_homes", "columns_holding", "dated_columns", "join_clause", "read_data", "shared_columns", "connect_read_only", "sql_literal", "table_columns_of", "table_columns", "requalified_columns", "omitted_filters", "add_omitted_filters", "text_date_arithmetic", "unmatched_filters", "misplaced_filters", "net_of_subtracted", "relocated_exclusions", "respelled_filters", "undated_columns", "unfiltered_values", "tables_read",
           "tables_with_column"]

# a text column with more distinct values than this holds names or free text, not categories a request names
MAX_CATEGORIES = 30


T = TypeVar("T")


def connect_read_only(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True)


def read_data(database: Path, read: Callable[[sqlite3.Connection, dict[str, list[str]]], T], default: T) -> T:
    """`read(connection, each table's columns)` on a read-only connection to `database`; `default` when the
    database cannot be opened or read (a check never breaks a turn)."""
    try:
        conn = connect_read_only(database)
    except sqlite3.Error:
        return default
    try:
        return read(conn, table_columns_of(conn))
    except sqlite3.Error:
        return default
    finally:
        conn.close()


def table_columns_of(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Each table's column names."""
    tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: [row[1] for row in conn.execute(f'PRAGMA table_info("{t}")')] for t in tables}


_NOT_ALIAS = {"where", "join", "inner", "left", "right", "outer", "cross", "natural", "on", "group", "order", "limit",
              "having", "union", "using", "as"}
# a keyword after the table is never its alias, and is left for the next match ("FROM entries JOIN sessions")
_FROM_ALIAS = re.compile(rf"""\b(?:FROM|JOIN)\s+["`\[]?(\w+)["`\]]?(?:\s+(?:AS\s+)?(?!(?:{'|'.join(sorted(_NOT_ALIAS))})\b)(\w+))?""",
                         re.I)


def table_columns(database: Path) -> dict[str, list[str]]:
    """Each table's column names."""
    conn = connect_read_only(database)
    try:
        return table_columns_of(conn)
    finally:
        conn.close()


def aliases(statement: str) -> dict[str, str]:
    """The tables a statement reads, each with the name it is called by (its alias, else its name).

        >>> aliases("SELECT SUM(t.passengers) FROM tickets AS t JOIN sailings s ON s.id = t.sailing_id")
        {'tickets': 't', 'sailings': 's'}
        >>> aliases("SELECT SUM(people) FROM entries JOIN sessions ON sessions.id = entries.session_id")
        {'entries': 'entries', 'sessions': 'sessions'}
    """
    found: dict[str, str] = {}
    for table, alias in _FROM_ALIAS.findall(statement):
        named = alias if alias and alias.lower() not in _NOT_ALIAS else table
        found.setdefault(table, named)
    return found


def tables_with_column(columns: dict[str, list[str]], read: dict[str, str], column: str) -> list[str]:
    """The tables read (`read`: table -> the name it is called by) that have `column` (`columns`: each table's)."""
    return [table for table in read if column in columns.get(table, [])]


def join_clause(conn: sqlite3.Connection, columns: dict[str, list[str]], target: str, read: dict[str, str]) -> str:
    """How to join `target` to a table the statement reads, by a declared foreign key or a `<target>_id`
    column ("JOIN sailings ON sailings.id = t.sailing_id"); "" when no link is known."""
    for table, name in read.items():
        if table not in columns or table == target:
            continue
        for row in conn.execute(f'PRAGMA foreign_key_list("{table}")'):
            if row[2] == target:
                return f"JOIN {target} ON {target}.{row[4] or 'id'} = {name}.{row[3]}"
        for row in conn.execute(f'PRAGMA foreign_key_list("{target}")'):
            if row[2] == table:
                return f"JOIN {target} ON {target}.{row[3]} = {name}.{row[4] or 'id'}"
        singular = target[:-1] if target.endswith("s") else target
        if f"{singular}_id" in columns[table] and "id" in columns[target]:
            return f"JOIN {target} ON {target}.id = {name}.{singular}_id"
    return ""


def requalified_columns(database: Path, statement: str) -> tuple[dict[str, str], list[str]]:
    """Qualified columns written on a table that lacks them, and where they are: ({written: meant}, joins to add).
    A table the statement reads that has the column takes it ({'o.qty': 'ol.qty'} beside `JOIN order_lines
    ol`); else the schema's nearest name (at least 0.8 alike, the only one that near) does, joined when the
    statement does not read its table and a foreign key or `<table>_id` column says how ({'t.sailing_date':
    'sailings.sail_date'}, ['JOIN sailings ON sailings.id = t.sailing_id']). A column written on a table the
    statement never joined (`screenings.show_date` over bookings alone) gets that join. Only a column that would
    fail is touched."""
    read = aliases(statement)
    table_of = {name.lower(): table for table, name in read.items()}
    found: dict[str, str] = {}
    joins: list[str] = []
    try:
        conn = connect_read_only(database)
    except sqlite3.Error:
        return {}, []
    try:
        columns = table_columns_of(conn)
        tables = {name.lower(): name for name in columns}
        for kind, text in tokenize(statement):
            qualifier, _, column = text.partition(".")
            table = table_of.get(qualifier.lower()) if kind == "word" and column and "." not in column else None
            unread = tables.get(qualifier.lower()) if kind == "word" and column and table is None else None
            if unread and column in columns[unread]:  # `screenings.show_date` with screenings never joined
                if not any(j.startswith(f"JOIN {unread} ") for j in joins):
                    join = join_clause(conn, columns, unread, read)
                    joins += [join] if join else []
                continue
            if table not in columns or column in columns[table] or text in found:
                continue
            homes = [t for t in read if t in columns and t != table and column in columns[t]]
            if len(homes) == 1:
                found[text] = f"{read[homes[0]]}.{column}"
                continue
            # the nearest name of the whole schema: tickets.sailing_id is near "sailing_date", sailings.sail_date nearer
            near = sorted(((difflib.SequenceMatcher(None, column.lower(), c.lower()).ratio(), t, c)
                           for t in columns for c in columns[t]), reverse=True)[:2]
            if not near or near[0][0] < 0.8 or (len(near) == 2 and near[1][0] == near[0][0]):
                continue
            _, home, name = near[0]
            if home not in read and not any(j.startswith(f"JOIN {home} ") for j in joins):
                join = join_clause(conn, columns, home, read)
                if not join:
                    continue  # no known link: the error names the column and asks for the join
                joins.append(join)
            found[text] = f"{read.get(home, home)}.{name}"
    except sqlite3.Error:
        return {}, []
    finally:
        conn.close()
    return found, joins


def column_homes(conn: sqlite3.Connection, error: str, statement: str = "") -> list[str]:
    """For "no such column: x.name", where that column is: the tables that have `name` (a small model puts a
    column on the wrong table), else the column nearest in name ("sailing_date" for sailings.sail_date), each
    with the join that reaches it from the tables `statement` reads."""
    match = re.search(r"no such column: (?:\w+\.)?(\w+)", error)
    if match is None:
        return []
    column = match.group(1)
    columns = table_columns_of(conn)
    read = aliases(statement)
    tables = [t for t, names in columns.items() if column in names]
    if tables:
        joined = [t for t in tables if t in read]
        if joined:  # the table is read already, under another name than the one written
            return [f"{column} is a column of {joined[0]}, which this statement calls {read[joined[0]]}: "
                    f"write {read[joined[0]]}.{column}"]
        joins = [clause for t in tables if (clause := join_clause(conn, columns, t, read))]
        return [f"{column} is a column of {', '.join(tables)}; join that table to use it"
                + (f" ({joins[0]})" if joins else "")]
    qualified = {f"{t}.{c}": c for t, names in columns.items() for c in names}
    nearest = difflib.get_close_matches(column.lower(), [c.lower() for c in qualified.values()], n=1, cutoff=0.6)
    if not nearest:
        return []
    home = next(q for q, c in qualified.items() if c.lower() == nearest[0])
    table = home.split(".")[0]
    join = join_clause(conn, columns, table, read) if table not in read else ""
    return [f"no table has a column {column}; the nearest is {home}" + (f" ({join})" if join else "")]


def _matching_nothing(conn: sqlite3.Connection, columns: dict[str, list[str]],
                      filters: list[tuple[str, str]]) -> list[tuple[str, str, list[str]]]:
    """The `(column, text)` filters whose column some table has but whose text no row of it holds, each with
    the tables that have the column."""
    found = []
    for column, value in filters:
        owners = [t for t, names in columns.items() if column in names]
        if owners and not any(conn.execute(f'SELECT 1 FROM "{t}" WHERE "{column}" = ? LIMIT 1', (value,)).fetchone()
                              for t in owners):
            found.append((column, value, owners))
    return found


def unmatched_filters(database: Path, statement: str, max_values: int = 12) -> str:
    """Why `col = 'text'` filters of `statement` match nothing: the column holds no such value in any table.
    Names the values the column has (a few) and other columns holding a value like it; "" when all match."""
    conn = connect_read_only(database)
    try:
        columns = table_columns_of(conn)
        reasons = []
        for column, value, owners in _matching_nothing(conn, columns, text_filters(statement)):
            held = sorted({str(v) for t in owners for (v,) in conn.execute(
                f'SELECT DISTINCT "{column}" FROM "{t}" WHERE "{column}" IS NOT NULL LIMIT {max_values + 1}')})
            listed = ", ".join(f"'{v}'" for v in held[:max_values]) + (", ..." if len(held) > max_values else "")
            alike = [f"{t}.{c} has '{v}'" for t, names in columns.items() for c in names
                     for v in _alike_values(conn, t, c, value)]
            reasons.append(f"no row has {column} = '{value}' ({column} holds {listed})"
                           + (f"; {'; '.join(alike[:3])}" if alike else ""))
        return "; ".join(reasons)
    except sqlite3.Error:
        return ""
    finally:
        conn.close()


def misplaced_filters(database: Path, statement: str) -> set[tuple[str, str]]:
    """`col = 'text'` filters whose text no row of that column holds, while another text filter of the same
    statement gives a value like it that exists (`subject = 'undergraduates'` beside `borrower_type =
    'undergrad'`): one condition written twice, once on the wrong column, which can only empty the result."""
    filters = text_filters(statement)
    if len(filters) < 2:
        return set()
    conn = connect_read_only(database)
    try:
        unmatched = {(column, value) for column, value, _ in _matching_nothing(conn, table_columns_of(conn), filters)}
    except sqlite3.Error:
        return set()
    finally:
        conn.close()
    return {(column, value) for column, value in unmatched
            if any(_alike(value, other) for c, other in filters if (c, other) not in unmatched)}


_EXCLUSION = re.compile(r"(?<![\w.])(?P<column>(?:\w+\.)?\w+)\s*(?P<op>!=|<>)\s*'(?P<value>(?:[^']|'')*)'")


def sql_literal(value: object) -> str:
    """A value as an SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def columns_holding(conn: sqlite3.Connection, columns: dict[str, list[str]], read: dict[str, str],
                     value: str) -> list[tuple[str, str, str]]:
    """(table, column, the value as it is held) for each text column of the tables read that holds `value`, case
    aside."""
    found = []
    for table in read:
        for column in columns.get(table, []):
            row = conn.execute(f'SELECT "{column}" FROM "{table}" WHERE typeof("{column}") = \'text\' AND "{column}" = ? '
                               'COLLATE NOCASE LIMIT 1', (value,)).fetchone()
            if row:
                found.append((table, column, row[0]))
    return found


def relocated_exclusions(database: Path, statement: str) -> dict[str, str]:
    """Exclusions written on a column that never holds the value, which leave everything in: {written: meant}. The
    value is written as the column spells it when it holds exactly one value like it (`status != 'voided'` or
    `status != 'void'` where status holds 'Void'), else the condition is moved to the one column of the tables read
    that holds the value (`ticket_type != 'refunded'` where only `status` has 'refunded'; case aside). Otherwise it is
    left alone.
    """
    read = aliases(statement)
    try:
        conn = connect_read_only(database)
    except sqlite3.Error:
        return {}
    moved: dict[str, str] = {}
    try:
        columns = table_columns_of(conn)
        by_name = {name.lower(): table for table, name in read.items()}
        for match in _EXCLUSION.finditer(statement):
            qualifier, _, column = match.group("column").rpartition(".")
            value = match.group("value").replace("''", "'")
            owners = [by_name.get(qualifier.lower(), qualifier)] if qualifier else \
                [t for t in read if column in columns.get(t, [])]
            owners = [t for t in owners if column in columns.get(t, [])]
            if not owners or any(conn.execute(f'SELECT 1 FROM "{t}" WHERE "{column}" = ? LIMIT 1', (value,)).fetchone()
                                 for t in owners):
                continue
            alike = sorted({held for t in owners for held in _alike_values(conn, t, column, value)})  # case aside too
            if len(alike) == 1:  # `status != 'voided'` where status holds 'void'
                moved[match.group(0)] = f"{match.group('column')} {match.group('op')} {sql_literal(alike[0])}"
                continue
            homes = [home for home in columns_holding(conn, columns, read, value) if home[1] != column]
            if len(homes) == 1:
                table, home, held = homes[0]  # written as the data spells it
                moved[match.group(0)] = f"{read[table]}.{home} {match.group('op')} {sql_literal(held)}"
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    return moved


_SUM = re.compile(r"\bSUM\s*\(\s*((?:\w+\.)?\w+)\s*\)", re.I)


def net_of_subtracted(database: Path, statement: str, subtracted: set[str]) -> tuple[str, str]:
    """A sum the team said to take some rows off ("take off the qty of 'returned' rows"), written as a net sum:
    (statement, note). A small planner leaves such rows out (`status != 'returned'`) or keeps only another value
    (`status = 'dispensed'`); the rows are put back and added with their sign turned: `SUM(CASE WHEN status =
    'returned' THEN -qty ELSE qty END)`. Only a statement with one SUM of a column, and a value exactly one column
    of the tables read holds, is rewritten; ("", "") otherwise.

        >>> net_of_subtracted(Path(":memory:"), "SELECT COUNT(*) FROM t", {"returned"})
        ('', '')
    """
    sums = _SUM.findall(statement)
    if not subtracted or len(sums) != 1 or re.search(r"\bCASE\b", statement, re.I):
        return "", ""
    read = aliases(statement)
    homes = read_data(database, lambda conn, columns: [home for value in sorted(subtracted)
                                                       for home in columns_holding(conn, columns, read, value)], [])
    if len(homes) != 1:
        return "", ""
    table, column, held = homes[0]
    name = f"{read[table]}.{column}"
    literal = sql_literal(held)
    col = rf"(?:(?:{re.escape(read[table])}|{re.escape(table)})\.)?{re.escape(column)}"
    rewritten = statement
    # the rows left out come back: `AND status != 'returned'`, `status <> 'returned' AND`, a lone WHERE condition
    exclusion = rf"(?<![\w.]){col}\s*(?:!=|<>)\s*{re.escape(literal)}"
    rewritten = re.sub(rf"\s+AND\s+{exclusion}(?![\w'])", "", rewritten, flags=re.I)
    rewritten = re.sub(rf"{exclusion}\s+AND\s+", "", rewritten, flags=re.I)
    rewritten = re.sub(rf"\s+WHERE\s+{exclusion}(?=\s*(?:$|GROUP|ORDER|LIMIT|HAVING|\)))", "", rewritten, flags=re.I)
    # `status = 'dispensed'` keeps them out too: the subtracted value joins it
    rewritten = re.sub(rf"(?<![\w.])({col})\s*=\s*('(?:[^']|'')*')", lambda m: f"{m.group(1)} IN ({m.group(2)}, {literal})"
                       if m.group(2).lower() != literal.lower() else m.group(0), rewritten, count=1, flags=re.I)
    summed = sums[0]
    rewritten = _SUM.sub(f"SUM(CASE WHEN {name} = {literal} THEN -{summed} ELSE {summed} END)", rewritten, count=1)
    return rewritten, f"{literal} rows taken off the sum, as the team's guidance says"


def _alike(a: str, b: str) -> bool:
    """Equal but for case, or one starting the other (4+ letters): 'undergrad' and 'Undergraduates'."""
    a, b = a.strip().lower(), b.strip().lower()
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


def _alike_values(conn: sqlite3.Connection, table: str, column: str, value: str) -> list[str]:
    """Text values of `table.column` alike `value` (`_alike`)."""
    rows = conn.execute(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE typeof("{column}") = \'text\' LIMIT 200')
    return [str(held) for (held,) in rows if _alike(str(held), value)][:2]


def _spelling(text: str) -> str:
    """A value as words, for comparing spellings: 'No-Show' -> 'no show', 'spring_appeal' -> 'spring appeal'."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _singular(words: str) -> str:
    return words[:-1] if len(words) > 3 and words.endswith("s") else words


def respelled_filters(database: Path, statement: str) -> dict[str, str]:
    """Text filters no row matches whose column holds exactly one value spelled the same but for case,
    separators or a plural 's' ('no-show' -> 'no_show', 'Collisions' -> 'collision'): {written: held}."""
    conn = connect_read_only(database)
    try:
        columns = table_columns_of(conn)
        found = {}
        for column, value, owners in _matching_nothing(conn, columns, text_filters(statement)):
            held = {str(v) for t in owners for (v,) in conn.execute(
                f'SELECT DISTINCT "{column}" FROM "{t}" WHERE typeof("{column}") = \'text\' LIMIT 500')}
            same = [v for v in held if _singular(_spelling(v)) == _singular(_spelling(value))]
            if len(same) == 1:
                found[value] = same[0]
        return found
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


_DATE_TEXT = "[0-9][0-9][0-9][0-9]-[0-9][0-9]*"


def dated_columns(conn: sqlite3.Connection, columns: dict[str, list[str]]) -> list[str]:
    """The `table.column` names whose column holds a date text ('2025-05-02', '2025-05-02 09:00')."""
    return [f"{t}.{c}" for t, names in columns.items() for c in names
            if conn.execute(f'SELECT 1 FROM "{t}" WHERE "{c}" GLOB ? LIMIT 1', (_DATE_TEXT,)).fetchone()]


def undated_columns(database: Path, statement: str) -> str:
    """Why a date function of `statement` reads nothing: the column it reads holds no dates (`strftime('%Y',
    in_service)` on a 0/1 flag). Names the values it holds and the columns that hold dates; "" when none."""
    conn = connect_read_only(database)
    try:
        columns = table_columns_of(conn)
        dated = dated_columns(conn, columns)
        reasons = []
        for column in date_columns_read(statement):
            owners = [t for t, names in columns.items() if column in names]
            if not owners or any(f"{t}.{column}" in dated for t in owners):
                continue
            held = sorted({str(v) for t in owners for (v,) in conn.execute(
                f'SELECT DISTINCT "{column}" FROM "{t}" LIMIT 6')})
            reasons.append(f"{column} holds no dates (it holds {', '.join(held[:5])}); the dates are in "
                           + (", ".join(dated) or "no column"))
        return "; ".join(reasons)
    except sqlite3.Error:
        return ""
    finally:
        conn.close()


def omitted_filters(database: Path, statement: str, request: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The filters a statement leaves out that the request plainly asks for, as ([(name the statement gives the
    column, value)], [joins to add]): a category value the request names ('Café Linde', 'croissants'), not after
    a negation ("not cancelled", "besides croissants"), the only value of its column the request names, on a
    column the statement never mentions (a GROUP BY customer ranks, it must not be narrowed), of a table the
    statement reads, or of one a foreign key or `<table>_id` column of a read table reaches ("How many people
    came to Sea Shanties Night?" over bookings alone: JOIN performances, production = 'Sea Shanties Night')."""
    named = unfiltered_values(database, statement, request)
    read = aliases(statement)
    per_column: dict[str, list[str]] = {}
    for column, value in named:
        per_column.setdefault(column, []).append(value)
    found: list[tuple[str, str]] = []
    joins: list[str] = []
    for column, values in per_column.items():
        table, name = column.split(".")
        if len(values) != 1 or re.search(rf"\b{re.escape(name)}\b", statement, re.I):
            continue
        words = [re.escape(word) for word in _spelling(values[0]).split()]
        if words and words[-1].endswith("y"):  # 'family' is spoken as "families"
            words[-1] = f"(?:{words[-1]}|{words[-1][:-1]}ies)"
        spoken = re.search(r"\b" + "[^a-z0-9]+".join(words), request, re.I)
        if spoken is None or negated_before(request, spoken.start()):
            continue
        if table in read:
            found.append((f"{read[table]}.{name}", values[0]))
            continue
        join = _reaching_join(database, table, read)
        if join:
            joins += [join] if join not in joins else []
            found.append((f"{table}.{name}", values[0]))
    return found, joins


def shared_columns(database: Path, statement: str, table: str) -> dict[str, str]:
    """Bare column names of `statement` that joining `table` would make ambiguous, each written on the one table
    of the statement that has it ({'status': 'bookings.status'} before joining a performances table that has a
    status too)."""
    read = aliases(statement)
    columns = table_columns(database)
    theirs = set(columns.get(table, []))
    found = {}
    for kind, text in tokenize(statement):
        if kind != "word" or "." in text or text not in theirs:
            continue
        homes = [t for t in read if t != table and text in columns.get(t, [])]
        if len(homes) == 1:
            found[text] = f"{read[homes[0]]}.{text}"
    return found


def add_omitted_filters(database: Path, statement: str, request: str) -> tuple[str, str]:
    """(statement, note): `statement` with the filters `omitted_filters` finds added, joining the tables they
    need (bare names the joined table also has are first written on their own table: `status` becomes
    `bookings.status` before performances, which has a status too, is joined); the note says what was added,
    "" when nothing was. A statement no join can be added to (a subquery) gets only the filters on tables it
    reads."""
    omitted, reaching = omitted_filters(database, statement, request)
    joined = statement
    if reaching:
        shared = {k: v for join in reaching for k, v in shared_columns(database, statement, join.split()[1]).items()}
        qualified = replace_words(statement, shared) if shared else statement
        joined = add_joins(qualified, reaching)
        if joined == qualified:
            omitted = [(name, value) for name, value in omitted
                       if not any(join.startswith(f"JOIN {name.split('.')[0]} ") for join in reaching)]
            joined, reaching = statement, []
    added = add_filters(joined, omitted) if omitted else None
    if added is None or not added.changed:
        return statement, ""
    return added.statement, ("filters the request names added: " + "; ".join(added.dropped)
                             + (f" ({'; '.join(reaching)})" if reaching else ""))


def _reaching_join(database: Path, table: str, read: dict[str, str]) -> str:
    """The JOIN that brings `table` into a statement reading `read`, by a key; "" when none is known."""
    try:
        conn = connect_read_only(database)
    except sqlite3.Error:
        return ""
    try:
        return join_clause(conn, table_columns_of(conn), table, read)
    except sqlite3.Error:
        return ""
    finally:
        conn.close()


_PART_DIFFERENCE = re.compile(r"strftime\(\s*'%\w'\s*,\s*([\w.]+)\s*\)\s*-\s*strftime\(\s*'%\w'\s*,\s*([\w.]+)\s*\)", re.I)


def text_date_arithmetic(database: Path, statement: str) -> str:
    """Why `end_ts - start_ts` on date texts gives nonsense: SQLite subtracts the leading number of each text
    (the year), so every difference is about 0; likewise `strftime('%H', end_ts) - strftime('%H', start_ts)` loses
    the minutes. Names the fix in hours and days; "" when the statement does no such subtraction."""
    solid = [(kind, text) for kind, text in tokenize(statement) if kind != "space"]
    pairs = [(solid[i - 1][1], solid[i + 1][1]) for i in range(1, len(solid) - 1)
             if solid[i] == ("op", "-") and solid[i - 1][0] == "word" and solid[i + 1][0] == "word"]
    # strftime('%H', end) - strftime('%H', start): whole hours, the minutes lost
    parts = [(m.group(1), m.group(2)) for m in _PART_DIFFERENCE.finditer(statement)]
    if not pairs and not parts:
        return ""
    conn = connect_read_only(database)
    try:
        dated = {name.split(".")[1] for name in dated_columns(conn, table_columns_of(conn))}
    except sqlite3.Error:
        return ""
    finally:
        conn.close()
    both = lambda left, right: left.split(".")[-1] in dated and right.split(".")[-1] in dated  # noqa: E731
    fix = "write ROUND((julianday({0}) - julianday({1})) * 24, 2) for hours, without * 24 for days"
    return "; ".join(
        [f"strftime(...{left}) - strftime(...{right}) subtracts date parts and loses the rest (the minutes of an "
         f"hour): {fix.format(left, right)}" for left, right in parts if both(left, right)]
        + [f"{left} - {right} subtracts two date texts, which SQLite reads as their years: {fix.format(left, right)}"
           for left, right in pairs if both(left, right)])


def tables_read(statement: str) -> set[str]:
    """The tables a statement names after FROM or JOIN, lower case.

        >>> sorted(tables_read('SELECT COUNT(*) FROM orders o JOIN "customers" c ON c.id = o.customer_id'))
        ['customers', 'orders']
    """
    return {table.lower() for table in aliases(statement)}


def unfiltered_values(database: Path, statement: str, request: str, *, read_only: bool = False
                      ) -> list[tuple[str, str]]:
    """Values of a category column (a text column with few distinct values) that the request names as words
    ('motor claims' names claims.policy_type 'motor') while no string of the statement holds them:
    [(table.column, value)]. A statement that leaves out what the request names counts the wrong rows.
    `read_only`: only columns of the tables the statement reads (for guidance, which may speak of others)."""
    asked = f" {_spelling(request)} "
    literals = [_spelling(text) for text in string_literals(statement)]
    reads = tables_read(statement)
    conn = connect_read_only(database)
    try:
        found = []
        for table, names in table_columns_of(conn).items():
            if read_only and table.lower() not in reads:
                continue
            for column in names:
                values = [str(v) for (v,) in conn.execute(
                    f'SELECT DISTINCT "{column}" FROM "{table}" WHERE typeof("{column}") = \'text\' '
                    f"LIMIT {MAX_CATEGORIES + 1}")]
                if len(values) > MAX_CATEGORIES:
                    continue
                for value in values:
                    words = _spelling(value)
                    if len(words) < 3 or re.search(r"\d", words):
                        continue
                    plural = rf"|{re.escape(words[:-1])}ies" if words.endswith("y") else ""  # 'family': "families"
                    named = re.search(rf" (?:{re.escape(words)}(?:s|es)?{plural}) ", asked) is not None
                    if named and not any(words in literal or _singular(literal) == _singular(words) for literal in literals):
                        found.append((f"{table}.{column}", value))
        return found
    except sqlite3.Error:
        return []
    finally:
        conn.close()

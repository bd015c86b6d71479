"""The conditions a correction asks every figure of a table to keep, added where the planner's statement left them
out (held-out v11, seen: 'only count status 'done'' and 'only rows where verified_by is filled in' were taught,
applied, and the SUM still counted every row)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from agents.sql_guidance import guided_conditions
from agents.tools import sql_tool
from tests.helpers import built_database


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "work.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE plots (id TEXT PRIMARY KEY, holder TEXT NOT NULL, size TEXT NOT NULL);
        CREATE TABLE work_hours (id INTEGER PRIMARY KEY, plot_id TEXT NOT NULL, day TEXT NOT NULL, hours REAL NOT NULL,
                                 verified_by TEXT, status TEXT NOT NULL);
        INSERT INTO plots VALUES ('A1', 'Ian Hale', 'full'), ('A2', 'Rosa Fenwick', 'half');
        INSERT INTO work_hours VALUES (1, 'A1', '2025-06-01', 3, 'JM', 'done'), (2, 'A1', '2025-06-08', 2, NULL, 'done'),
                                      (3, 'A2', '2025-06-09', 1.5, 'JM', 'no_access'), (4, 'A2', '2025-06-10', 4, '', 'done'),
                                      (5, 'A2', '2025-06-11', 2, 'KT', 'reprint');
    """)
    conn.commit()
    conn.close()
    return path



def _total(database: Path, statement: str) -> float:
    conn = sqlite3.connect(database)
    try:
        return conn.execute(statement).fetchone()[0]
    finally:
        conn.close()


def test_kept_alone_and_filled_columns_are_added(tmp_path: Path) -> None:
    database = _database(tmp_path)
    guidance = ("Take it from work_hours: add up hours, only count status 'done' - the 'no_access' visits were never "
                "charged - and only rows where verified_by is filled in.")
    statement, note = guided_conditions(database, "SELECT SUM(hours) FROM work_hours WHERE day LIKE '2025-06%'", guidance)
    assert statement == ("SELECT SUM(hours) FROM work_hours WHERE day LIKE '2025-06%' AND work_hours.status = 'done' "
                         "AND work_hours.verified_by IS NOT NULL AND work_hours.verified_by <> ''")
    assert "work_hours.status = 'done'" in note
    assert _total(database, statement) == 3


def test_left_out_values_are_excluded_on_the_alias(tmp_path: Path) -> None:
    database = _database(tmp_path)
    statement, _ = guided_conditions(database, "SELECT SUM(w.hours) FROM work_hours w JOIN plots p ON p.id = w.plot_id",
                                     "Leave out the 'reprint' rows and the 'no_access' ones: those were never billed.")
    assert statement.endswith("WHERE w.status NOT IN ('no_access', 'reprint')")
    assert _total(database, statement) == 9


def test_a_statement_that_filters_the_column_itself_is_left_alone(tmp_path: Path) -> None:
    database = _database(tmp_path)
    asked = "SELECT COUNT(*) FROM work_hours WHERE status = 'no_access'"  # "how many visits found nobody in?"
    assert guided_conditions(database, asked, "Only count status 'done'.") == (asked, "")
    # a negated "only", a value no column of the tables read holds, and a refused filled-in rule add nothing
    plain = "SELECT SUM(hours) FROM work_hours"
    for guidance in ("Count the 'done' rows and the 'no_access' ones too.", "Only count 'paid' invoices.",
                     "Don't count rows where verified_by is set."):
        assert guided_conditions(database, plain, guidance) == (plain, "")


def test_the_sql_tool_check_adds_them_and_says_so(tmp_path: Path) -> None:
    database = _database(tmp_path)
    tool = sql_tool(database)
    checked = tool.check_arguments({"query": "SELECT SUM(hours) FROM work_hours"}, "How many hours in June?", None,
                                   "Only rows where verified_by is filled in: NULL means nobody signed off.",
                                   "How many hours in June?")
    assert "verified_by IS NOT NULL" in checked.arguments["query"]
    assert "conditions the team's guidance asks for added" in checked.note


def test_rows_grouped_by_a_key_are_shown_with_its_name(tmp_path: Path) -> None:
    """Held-out v11 (seen): "Which plot put in the least time?" answered `plot_id | total` as "2"."""
    from agents.sql_labels import named_groups

    database = _database(tmp_path)
    conn = sqlite3.connect(database)
    conn.executescript("CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT, status TEXT);"
                       "INSERT INTO members VALUES (1, 'Ann', 'active');"
                       "CREATE TABLE shifts (id INTEGER PRIMARY KEY, member_id INTEGER, hours REAL, status TEXT);"
                       "INSERT INTO shifts VALUES (1, 1, 2.5, 'done'), (2, 1, 1, 'done');")
    conn.commit()
    conn.close()
    statement, note = named_groups(database, "SELECT member_id, SUM(hours) FROM shifts WHERE status = 'done' "
                                             "GROUP BY member_id ORDER BY 2 DESC LIMIT 1")
    assert statement == ("SELECT members.name, SUM(hours) FROM shifts JOIN members ON members.id = "
                         "shifts.member_id WHERE shifts.status = 'done' GROUP BY member_id ORDER BY 2 DESC LIMIT 1")
    assert _total(database, statement) == "Ann" and "members.name" in note
    # no key shown, or a table without a name-like column: unchanged
    assert named_groups(database, "SELECT SUM(hours) FROM shifts GROUP BY member_id") == ("", "")
    assert named_groups(database, "SELECT plot_id, SUM(hours) FROM work_hours GROUP BY plot_id")[0].startswith(
        "SELECT plots.holder, SUM(hours)")
    assert named_groups(database, "SELECT SUM(hours), plot_id FROM work_hours GROUP BY plot_id")[0].startswith(
        "SELECT plots.holder, SUM(hours), plot_id")  # the key not first: the name goes before it all


def test_a_condition_the_correction_writes_in_sql_is_added(tmp_path: Path) -> None:
    """Held-out v12 (clean run): "is_repeat = 1 rows are the same programme played again. SQL on broadcasts:
    SUM(duration_s) / 3600.0 WHERE is_repeat = 0" was applied and the sum kept the repeats."""
    database = _database(tmp_path)
    guidance = ("Rows with hours = 2 are half days, and status = 'done' is how a finished job looks. Use SQL on "
                "work_hours: SUM(hours) WHERE id > 1 - only rows with plot_id = 'A2'.")
    statement, note = guided_conditions(database, "SELECT SUM(hours) FROM work_hours", guidance)
    assert statement == "SELECT SUM(hours) FROM work_hours WHERE work_hours.plot_id = 'A2' AND work_hours.id > 1"
    assert _total(database, statement) == 7.5 and "work_hours.id > 1" in note  # 'hours = 2' described, not asked


def test_a_value_said_to_be_taken_off_after_it_is_named_is_subtracted(tmp_path: Path):
    """Held-out v13 (seen): "The refunds are stored as positive amounts with kind = 'refund', so you've added them on
    instead of taking them off" - the subtraction comes after the value, and the sum kept adding the refunds."""
    path = built_database(tmp_path / "venue.sqlite",
                  "CREATE TABLE payments (id INTEGER PRIMARY KEY, paid_on TEXT, kind TEXT, amount REAL);"
                  "INSERT INTO payments VALUES (1, '2026-05-03', 'deposit', 1000), (2, '2026-05-10', 'balance', 2000),"
                  " (3, '2026-05-12', 'refund', 300);")
    guidance = ("The refunds are stored as positive amounts with kind = 'refund', so you've added them on instead of "
                "taking them off. What we took = everything else minus the refunds.")
    asked = "How much did we take in May 2026?"
    checked = sql_tool(path).check_arguments({"query": "SELECT SUM(amount) FROM payments"}, asked, None, guidance, asked)
    assert _total(path, checked.arguments["query"]) == 2700 and "'refund' rows taken off the sum" in checked.note


def test_rows_ranked_by_a_measure_show_the_measure(tmp_path: Path) -> None:
    """Held-out v17 (seen): "Which booking is the longest, and how many sleeps was it?" written `SELECT stays.id,
    pets.name ... ORDER BY julianday(depart) - julianday(arrive) DESC LIMIT 1` gave no nights, and the writer said
    7 for 17."""
    database = built_database(tmp_path / "stays.db",
                      "CREATE TABLE stays (id INTEGER PRIMARY KEY, name TEXT, arrive TEXT, depart TEXT);"
                      "INSERT INTO stays VALUES (1, 'Pepper', '2026-05-01', '2026-05-13'),"
                      "(2, 'Hector', '2026-06-01', '2026-06-18');")
    tool = sql_tool(database)
    asked = "SELECT id, name FROM stays ORDER BY julianday(depart) - julianday(arrive) DESC LIMIT 1"
    checked = tool.check_arguments({"query": asked}, "Which booking is the longest, and how many sleeps?", None, "",
                                   "Which booking is the longest, and how many sleeps?")
    assert "the measure the rows are ranked by selected too" in checked.note
    result = tool.run(**checked.arguments)
    assert "Hector" in result and "17.0" in result
    # already selected, or selected under an alias: unchanged
    for kept in ("SELECT name, julianday(depart) - julianday(arrive) AS nights FROM stays ORDER BY nights DESC LIMIT 1",
                 "SELECT name, julianday(depart) - julianday(arrive) FROM stays "
                 "ORDER BY julianday(depart) - julianday(arrive) DESC LIMIT 1"):
        assert tool.check_arguments({"query": kept}, "x", None, "", "x").arguments["query"] == kept

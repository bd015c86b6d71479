"""Dates kept as day/month/year text read as dates (agents/sql_day_first.py), and the SQL tool's check doing so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agents.sql_day_first import day_first_columns, iso_dates
from agents.tools import sql_tool


def _made(path: Path, rows: list[tuple[int, str, str, float]]) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, lead TEXT, work_date TEXT, net_gbp REAL)")
        conn.execute("CREATE TABLE crew (id INTEGER PRIMARY KEY, job_id INTEGER, person TEXT)")
        conn.executemany("INSERT INTO jobs VALUES (?, ?, ?, ?)", rows)
        conn.executemany("INSERT INTO crew VALUES (?, ?, ?)", [(1, 1, "Dev"), (2, 3, "Dev"), (3, 4, "Sol")])
    return path


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return _made(tmp_path / "jobs.db", [(1, "Sol", "14/10/2025", 560), (2, "Gethin", "12/01/2026", 300),
                                        (3, "Sol", "03/02/2026", 170), (4, "Gethin", "02/03/2026", 760)])


def _run(database: Path, statement: str) -> list[tuple]:
    with sqlite3.connect(database) as conn:
        return conn.execute(statement).fetchall()


def test_a_day_first_column_is_read_from_the_data(database: Path):
    assert day_first_columns(database) == {"jobs": {"work_date": "day"}}


def test_a_range_of_iso_dates_finds_the_rows_it_means(database: Path):
    statement = "SELECT COUNT(*) FROM jobs WHERE work_date BETWEEN '2026-01-01' AND '2026-02-28'"
    fixed, note = iso_dates(database, statement)
    assert _run(database, statement) == [(0,)] and _run(database, fixed) == [(2,)]
    assert "jobs.work_date (day first)" in note


def test_a_date_function_on_an_aliased_column_reads_the_rebuilt_date(database: Path):
    statement = ("SELECT SUM(j.net_gbp) FROM jobs j JOIN crew c ON c.job_id = j.id "
                 "WHERE c.person = 'Dev' AND strftime('%Y', j.work_date) = '2026'")
    fixed, _ = iso_dates(database, statement)
    assert _run(database, statement) == [(None,)] and _run(database, fixed) == [(170.0,)]


def test_a_statement_that_reads_the_stored_form_is_left_alone(database: Path):
    for statement in ("SELECT COUNT(*) FROM jobs WHERE work_date LIKE '%/02/2026'",
                      "SELECT COUNT(*) FROM jobs WHERE substr(work_date, 7, 4) = '2026'",
                      "SELECT COUNT(*) FROM jobs"):
        assert iso_dates(database, statement) == (statement, "")


def test_an_ambiguous_column_needs_the_guidance_to_say_its_order(tmp_path: Path):
    database = _made(tmp_path / "ambiguous.db", [(1, "Sol", "01/02/2026", 10), (2, "Sol", "03/04/2026", 20)])
    assert day_first_columns(database) == {}
    assert day_first_columns(database, "work_date is written DD/MM/YYYY") == {"jobs": {"work_date": "day"}}
    assert day_first_columns(database, "dates are MM/DD/YYYY here") == {"jobs": {"work_date": "month"}}
    fixed, _ = iso_dates(database, "SELECT SUM(net_gbp) FROM jobs WHERE work_date >= '2026-03-01'", "MM/DD/YYYY")
    assert _run(database, fixed) == [(20.0,)]


def test_iso_dates_are_left_alone(tmp_path: Path):
    database = _made(tmp_path / "iso.db", [(1, "Sol", "2026-02-01", 10)])
    assert day_first_columns(database) == {}


def test_the_sql_tool_check_rewrites_the_planner_statement(database: Path):
    tool = sql_tool(database)
    assert tool.check_arguments is not None
    checked = tool.check_arguments({"query": "SELECT COUNT(*) FROM jobs WHERE work_date >= '2026-01-01'"}, "since 2026", None, "", "How many jobs since 2026?")
    assert "substr(work_date, 7, 4)" in checked.arguments["query"]
    assert "day/month/year" in checked.note
    assert _run(database, checked.arguments["query"]) == [(3,)]


def test_a_period_the_request_names_is_kept_on_a_day_first_column(database: Path):
    tool = sql_tool(database)
    assert tool.check_arguments is not None
    checked = tool.check_arguments({"query": "SELECT COUNT(*) FROM jobs"}, "February 2026", None, "",
                                   "How many jobs did we do in February 2026?")
    assert "period the request names" in checked.note and "day/month/year" in checked.note
    assert _run(database, checked.arguments["query"]) == [(1,)]


def test_the_most_recent_is_found_on_the_rebuilt_date(database: Path):
    """Held-out v18 (seen): "Which bill went out most recently?" sorted '14/10/2025' after '02/03/2026' as text."""
    for statement in ("SELECT lead, work_date FROM jobs ORDER BY work_date DESC LIMIT 1",
                      "SELECT lead FROM jobs WHERE work_date = (SELECT MAX(work_date) FROM jobs)"):
        fixed, note = iso_dates(database, statement)
        assert "day/month/year" in note and _run(database, fixed)[0][0] == "Gethin"
        assert _run(database, statement)[0][0] == "Sol"  # as text, October 2025 comes last
    unsorted = "SELECT lead FROM jobs ORDER BY lead"
    assert iso_dates(database, unsorted) == (unsorted, "")

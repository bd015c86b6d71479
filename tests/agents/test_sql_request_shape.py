"""What the request asks of a statement, kept when the planner copies a lesson's statement (held-out v12, community radio,
seen: the lesson's `SUM(duration_s) / 3600.0 ... WHERE is_repeat = 0` was copied for "in October 2026" and for "which
show gave us the most", and summed every month of every show): the period it names, and a ranking by name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agents.sql_periods import add_named_period, named_period
from agents.tools import sql_tool
from tests.helpers import built_database


def _database(tmp_path: Path, *, second_date: bool = False) -> Path:
    path = tmp_path / "radio.sqlite"
    conn = sqlite3.connect(path)
    extra = ", logged_on TEXT" if second_date else ""
    conn.executescript(f"""
        CREATE TABLE shows (id INTEGER PRIMARY KEY, title TEXT, season INTEGER);
        CREATE TABLE broadcasts (id INTEGER PRIMARY KEY, show_id INTEGER, aired_on TEXT, duration_s INTEGER,
                                 is_repeat INTEGER{extra});
        INSERT INTO shows VALUES (1, 'Folk Roots', 2026), (2, 'Night Jazz', 2026);
    """)
    rows = [(1, 1, "2026-09-03 19:00", 3600, 0), (2, 1, "2026-10-01 19:00", 7200, 0), (3, 2, "2026-10-31 22:00", 3600, 1),
            (4, 2, "2026-11-01 22:00", 3600, 0), (5, 2, "2025-10-12", 1800, 0)]
    for row in rows:
        conn.execute(f"INSERT INTO broadcasts VALUES (?, ?, ?, ?, ?{', ?' if second_date else ''})",
                     (*row, row[2][:10]) if second_date else row)
    conn.commit()
    conn.close()
    return path



def _value(database: Path, statement: str) -> object:
    conn = sqlite3.connect(database)
    try:
        return conn.execute(statement).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("request_text, period", [
    ("How many hours went out in October 2026?", ("2026-10-01", "2026-11-01")),
    ("Did September 2026 meet the monthly target?", ("2026-09-01", "2026-10-01")),
    ("What did it make over September and October 2026?", ("2026-09-01", "2026-11-01")),
    ("Hours from Oct. to Dec 2026", ("2026-10-01", "2027-01-01")),
    ("Revenue in Q1 2024", ("2024-01-01", "2024-04-01")),
    ("Sales in the third quarter of 2025", ("2025-07-01", "2025-10-01")),
    ("How many hires did we take in 2025?", ("2025-01-01", "2026-01-01")),
])
def test_the_period_a_request_names(request_text: str, period: tuple[str, str]) -> None:
    assert named_period(request_text) == period


@pytest.mark.parametrize("request_text", [
    "How many hours went out?",  # no period
    "Members who joined before March 2026",  # a bound
    "Bookings since 2025",
    "Compare September 2026 with October 2026",  # two periods
    "Compare September with October 2026",
    "What did we air on 5 October 2026?",  # a day: the day checks read those
    "How much in October?",  # no year
    "The 2026-27 season's hours",
])
def test_no_period_or_not_one(request_text: str) -> None:
    assert named_period(request_text) is None


def test_the_period_is_added_on_the_one_date_column(tmp_path: Path) -> None:
    database = _database(tmp_path)
    statement, note = add_named_period(
        database, "SELECT SUM(duration_s) / 3600.0 FROM broadcasts WHERE broadcasts.is_repeat = 0",
        "How many hours of our own programming went out in October 2026?")
    assert statement == ("SELECT SUM(duration_s) / 3600.0 FROM broadcasts WHERE broadcasts.is_repeat = 0 AND "
                         "broadcasts.aired_on >= '2026-10-01' AND broadcasts.aired_on < '2026-11-01'")
    assert _value(database, statement) == 2.0 and "2026-10-01" in note
    joined, _ = add_named_period(database, "SELECT SUM(b.duration_s) FROM broadcasts b JOIN shows s ON s.id = b.show_id "
                                           "GROUP BY s.title ORDER BY 1 DESC LIMIT 1",
                                 "Which show gave us the most hours in October 2026?")
    assert "WHERE b.aired_on >= '2026-10-01' AND b.aired_on < '2026-11-01' GROUP BY" in joined


@pytest.mark.parametrize("statement", [
    "SELECT SUM(duration_s) FROM broadcasts WHERE strftime('%Y-%m', aired_on) = '2026-10'",  # reads time already
    "SELECT SUM(duration_s) FROM broadcasts WHERE aired_on LIKE '2026-10%'",
    "SELECT COUNT(*) FROM shows WHERE season = 2026",  # the year is a value of its own column
    "SELECT COUNT(*) FROM shows",  # no date column read
    "SELECT SUM(d) FROM (SELECT duration_s AS d FROM broadcasts)",  # nothing a condition can be added to
])
def test_statements_left_alone(tmp_path: Path, statement: str) -> None:
    database = _database(tmp_path)
    assert add_named_period(database, statement, "How many hours in October 2026?") == (statement, "")


def test_two_date_columns_are_not_guessed_between(tmp_path: Path) -> None:
    database = _database(tmp_path, second_date=True)
    plain = "SELECT SUM(duration_s) FROM broadcasts"
    assert add_named_period(database, plain, "How many hours in October 2026?") == (plain, "")


def test_the_sql_tool_check_keeps_the_period_and_says_so(tmp_path: Path) -> None:
    database = _database(tmp_path)
    tool = sql_tool(database)
    asked = "How many hours of first airings went out in October 2026?"
    checked = tool.check_arguments({"query": "SELECT SUM(duration_s) / 3600.0 FROM broadcasts WHERE is_repeat = 0"},
                                   # the lesson's statement, copied without the request's month
                                   asked, None, "Only first airings count: WHERE is_repeat = 0.", asked)
    assert "aired_on >= '2026-10-01'" in checked.arguments["query"]
    assert "the period the request names, kept" in checked.note
    assert _value(database, checked.arguments["query"]) == 2.0


def test_which_thing_has_the_most_is_ranked_by_its_name(tmp_path: Path) -> None:
    """Held-out v12 (seen): "Which show gave us the most fresh hours in September 2026?" was answered with the
    lesson's one total for all shows."""
    from agents.sql_labels import ranked_by_name

    database = _database(tmp_path)
    asked = "Which show gave us the most fresh hours in October 2026?"
    statement, note = ranked_by_name(database, "SELECT SUM(duration_s) / 3600.0 FROM broadcasts WHERE is_repeat = 0;", asked)
    assert statement == ("SELECT shows.title, SUM(duration_s) / 3600.0 FROM broadcasts JOIN shows ON shows.id = "
                         "broadcasts.show_id WHERE is_repeat = 0 GROUP BY shows.title ORDER BY 2 DESC LIMIT 1")
    assert _value(database, statement) == "Folk Roots" and "ranked by shows.title" in note
    least, _ = ranked_by_name(database, "SELECT COUNT(*) FROM broadcasts b JOIN shows s ON s.id = b.show_id",
                              "Which of our shows aired least often?")
    assert least.endswith("GROUP BY s.title ORDER BY 2 ASC LIMIT 1") and _value(database, least) == "Folk Roots"
    # already ranked, two items, no thing table, no superlative: unchanged
    for statement, request in [("SELECT show_id, SUM(duration_s) FROM broadcasts GROUP BY show_id", asked),
                               ("SELECT SUM(duration_s), COUNT(*) FROM broadcasts", asked),
                               ("SELECT SUM(duration_s) FROM broadcasts", "Which month had the most hours?"),
                               ("SELECT SUM(duration_s) FROM broadcasts", "Which show is on tonight?")]:
        assert ranked_by_name(database, statement, request) == ("", "")
    # through the tool's check, with the period kept too
    checked = sql_tool(database).check_arguments(
        {"query": "SELECT SUM(duration_s) / 3600.0 FROM broadcasts WHERE is_repeat = 0"}, asked, None,
        "Only first airings count: WHERE is_repeat = 0.", asked)
    assert _value(database, checked.arguments["query"]) == "Folk Roots"  # Night Jazz's October hour was a repeat
    assert "ranked by shows.title" in checked.note and "the period the request names, kept" in checked.note


def test_of_two_date_columns_the_period_goes_on_the_one_the_guidance_goes_by(tmp_path: Path) -> None:
    database = _database(tmp_path, second_date=True)
    plain = "SELECT SUM(duration_s) FROM broadcasts"
    dated, note = add_named_period(database, plain, "How many hours in October 2026?",
                                   "You went by logged_on; a show counts in the month it aired, so use aired_on.")
    assert "aired_on >= '2026-10-01'" in dated and "logged_on" not in dated and note


def test_the_date_column_the_guidance_goes_by_replaces_the_one_it_says_is_wrong(tmp_path: Path) -> None:
    """Held-out v13, pottery studio (seen): "you went by handed_in ... use fired_on"; and a date on another table
    (held-out v11, ferry office): the column is written bare and the join follows."""
    database = _database(tmp_path, second_date=True)
    tool = sql_tool(database)
    asked = "How many hours went out in October 2026?"
    statement = ("SELECT SUM(duration_s) / 3600.0 FROM broadcasts WHERE logged_on >= '2026-10-01' "
                 "AND logged_on < '2026-11-01'")
    checked = tool.check_arguments({"query": statement}, asked, None,
                                   "No - you went by logged_on. Use aired_on: a show counts when it went out.", asked)
    assert "aired_on >= '2026-10-01'" in checked.arguments["query"] and "logged_on" not in checked.arguments["query"]
    assert "the date the team's guidance goes by: logged_on -> broadcasts.aired_on" in checked.note

    path = built_database(tmp_path / "ferry.sqlite", """
        CREATE TABLE sailings (id INTEGER PRIMARY KEY, sail_date TEXT);
        CREATE TABLE tickets (id INTEGER PRIMARY KEY, sailing_id INTEGER, purchase_date TEXT, passengers INTEGER);
        INSERT INTO sailings VALUES (1, '2026-09-30'), (2, '2026-10-02');
        INSERT INTO tickets VALUES (1, 1, '2026-09-20', 2), (2, 2, '2026-09-28', 3), (3, 2, '2026-10-01', 1);
    """)
    ferry = sql_tool(path)
    asked = "How many passengers sailed in October 2026?"
    statement = ("SELECT SUM(passengers) FROM tickets WHERE purchase_date >= '2026-10-01' "
                 "AND purchase_date < '2026-11-01'")
    checked = ferry.check_arguments({"query": statement}, asked, None,
                                    "A month's traffic goes by sail_date - purchase_date is only when it was paid.", asked)
    assert _value(path, checked.arguments["query"]) == 4, checked.arguments["query"]


def test_guidance_that_names_no_date_to_leave_changes_nothing(tmp_path: Path) -> None:
    database = _database(tmp_path, second_date=True)
    tool = sql_tool(database)
    statement = "SELECT COUNT(*) FROM broadcasts WHERE logged_on >= '2026-10-01' AND logged_on < '2026-11-01'"
    checked = tool.check_arguments({"query": statement}, "How many logs in October 2026?", None,
                                   "Count every broadcast, repeats too.", "How many logs in October 2026?")
    assert "logged_on" in checked.arguments["query"] and "goes by" not in (checked.note or "")


def test_dates_are_read_through_the_shift_the_guidance_gives(tmp_path: Path) -> None:
    """Held-out v14, escape room (seen): start times stored in UTC, counted in the month of their local start."""
    path = built_database(tmp_path / "rooms.sqlite", """
        CREATE TABLE sessions (id INTEGER PRIMARY KEY, start_utc TEXT, paid_gbp REAL);
        INSERT INTO sessions VALUES (1, '2026-05-31 23:30', 80), (2, '2026-06-10 18:00', 100), (3, '2026-06-30 22:00', 60),
                                    (4, '2026-06-30 23:15', 50);
    """)
    tool = sql_tool(path)
    guidance = ("Those start times are UTC. We're on British Summer Time, so add an hour - datetime(start_utc, "
                "'+1 hour') - before deciding which day or month a session falls in.")
    asked = "How much did we take in June 2026?"
    for statement in ("SELECT SUM(paid_gbp) FROM sessions",
                      "SELECT SUM(paid_gbp) FROM sessions WHERE strftime('%Y-%m', start_utc) = '2026-06'"):
        checked = tool.check_arguments({"query": statement}, asked, None, guidance, asked)
        assert _value(path, checked.arguments["query"]) == 240, checked.arguments["query"]  # 80 + 100 + 60
        assert "dates read as the team's guidance reads them" in checked.note

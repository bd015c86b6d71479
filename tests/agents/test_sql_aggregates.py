"""What a column adds up to, as the team's guidance writes it (agents/sql_aggregates.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agents.sql_aggregates import guided_aggregates, guided_sums

GUIDANCE = ("You've added up price_gbp, but that's the price for ONE garment - the school's zips were 12 at 11 each. "
            "A row is worth price_gbp * garments, so SUM(price_gbp * garments).")


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return _made(tmp_path / "shop.db", """
            CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
            CREATE TABLE jobs (id INTEGER PRIMARY KEY, customer_id INTEGER, done_on TEXT, price_gbp REAL, garments INTEGER);
            INSERT INTO customers VALUES (1, 'Wexbury Grammar'), (2, 'Ruth Hale');
            INSERT INTO jobs VALUES (1, 1, '2026-05-02', 11, 12), (2, 2, '2026-05-09', 40, 1), (3, 1, '2026-06-01', 9, 3);
        """)


def _made(path: Path, script: str) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(script)
    return path


def _run(database: Path, statement: str) -> float:
    with sqlite3.connect(database) as conn:
        return conn.execute(statement).fetchone()[0]


def test_a_bare_sum_takes_the_sum_the_guidance_writes(database: Path):
    statement = "SELECT SUM(price_gbp) FROM jobs WHERE done_on LIKE '2026-05%'"
    fixed, note = guided_aggregates(database, statement, GUIDANCE)
    assert fixed == "SELECT SUM(price_gbp * garments) FROM jobs WHERE done_on LIKE '2026-05%'"
    assert _run(database, statement) == 51 and _run(database, fixed) == 172
    assert "SUM(price_gbp) -> SUM(price_gbp * garments)" in note


def test_with_a_join_the_columns_are_written_with_the_alias(database: Path):
    statement = ("SELECT SUM(j.price_gbp) FROM jobs j JOIN customers c ON c.id = j.customer_id "
                 "WHERE c.name = 'Wexbury Grammar'")
    fixed, _ = guided_aggregates(database, statement, GUIDANCE)
    assert "SUM(j.price_gbp * j.garments)" in fixed and _run(database, fixed) == 159


@pytest.mark.parametrize("statement", [
    "SELECT SUM(price_gbp * garments) FROM jobs",  # already as written
    "SELECT SUM(garments) FROM jobs",  # how many garments: not the column the sum corrects
    "SELECT MAX(price_gbp) FROM jobs",  # the dearest price per garment is a price
    "SELECT SUM(price_gbp) FROM customers",  # a table without the columns
])
def test_what_the_guidance_does_not_correct_is_left_alone(database: Path, statement: str):
    assert guided_aggregates(database, statement, GUIDANCE) == (statement, "")


def test_only_sums_of_more_than_a_bare_column_are_read():
    assert guided_sums("Use SUM(hours), not a count of bookings. Nights: SUM(julianday(end_date) - julianday(start_date)).") \
        == ["julianday(end_date) - julianday(start_date)"]


def test_the_sql_tool_check_writes_the_guided_sum_and_says_so(database: Path):
    from agents.tools import sql_tool
    request = "What did Wexbury Grammar spend with us in May 2026?"
    checked = sql_tool(database).check_arguments(
        {"query": "SELECT SUM(j.price_gbp) FROM jobs j JOIN customers c ON c.id = j.customer_id "
                  "WHERE c.name = 'Wexbury Grammar' AND j.done_on LIKE '2026-05%'"}, request, None, GUIDANCE, request)
    assert "SUM(j.price_gbp * j.garments)" in checked.arguments["query"]
    assert "what a column adds up to" in checked.note and _run(database, checked.arguments["query"]) == 132


def test_an_expression_to_add_up_is_a_guided_sum(tmp_path: Path):
    path = _made(tmp_path / "trips.db", "CREATE TABLE trips (id INTEGER, day TEXT, miles_one_way REAL);"
                                        "INSERT INTO trips VALUES (1, '2026-04-02', 12), (2, '2026-04-09', 30);")
    guidance = "That column is one way only. For the tax return it's the round trip: add up 2 * miles_one_way."
    fixed, _ = guided_aggregates(path, "SELECT SUM(miles_one_way) FROM trips", guidance)
    assert fixed == "SELECT SUM(2 * miles_one_way) FROM trips" and _run(path, fixed) == 84


def test_the_column_replaced_is_the_value_per_unit(tmp_path: Path):
    path = _made(tmp_path / "print.db", "CREATE TABLE jobs (id INTEGER, qty INTEGER, unit_price_eur REAL);"
                                        "INSERT INTO jobs VALUES (1, 100, 0.5), (2, 20, 2.0);")
    guidance = "The partners' summary is off. Use SQL on the jobs table: SUM(qty * unit_price_eur)."
    assert guided_aggregates(path, "SELECT SUM(unit_price_eur) FROM jobs", guidance)[0] == \
        "SELECT SUM(qty * unit_price_eur) FROM jobs"
    # how many were printed is a figure of its own
    assert guided_aggregates(path, "SELECT SUM(qty) FROM jobs", guidance) == ("SELECT SUM(qty) FROM jobs", "")


def test_a_row_count_becomes_the_distinct_count_the_guidance_writes(tmp_path: Path):
    path = _made(tmp_path / "orders.db",
                 "CREATE TABLE order_lines (order_no INTEGER, item TEXT, line_gbp REAL, sold_on TEXT);"
                 "INSERT INTO order_lines VALUES (1006, 'frames', 21.5, '2026-04-02'), (1006, 'wax', 17.5, "
                 "'2026-04-02'), (1006, 'smoker', 30, '2026-04-02'), (1007, 'frames', 21.5, '2026-04-20');")
    guidance = ("Each row in order_lines is one line of an order, not an order - 1006 alone has three rows. Count orders "
                "with COUNT(DISTINCT order_no).")
    statement = "SELECT COUNT(*) FROM order_lines WHERE sold_on LIKE '2026-04%'"
    fixed, note = guided_aggregates(path, statement, guidance, "How many orders came in during April 2026?")
    assert fixed == "SELECT COUNT(DISTINCT order_no) FROM order_lines WHERE sold_on LIKE '2026-04%'"
    assert _run(path, fixed) == 2 and "COUNT(*) -> COUNT(DISTINCT order_no)" in note
    # a request that counts something else (the lines sold of one item) keeps its row count
    assert guided_aggregates(path, statement, guidance, "How many frames lines did we sell in April?")[1] == ""


def test_money_kept_in_pence_is_given_in_pounds(tmp_path: Path):
    database = _made(tmp_path / "moves.db", """
            CREATE TABLE moves (id INTEGER PRIMARY KEY, customer TEXT, amount_p INTEGER);
            INSERT INTO moves VALUES (1, 'Nanjivell', 73800), (2, 'Hoskin', 75600);
        """)
    guidance = "Those columns are in pence - amount_p and quote_p. Divide by 100 before you give anyone pounds."
    statement = "SELECT SUM(amount_p) FROM moves WHERE customer = 'Nanjivell'"
    fixed, note = guided_aggregates(database, statement, guidance, "What have we charged the Nanjivells?")
    assert _run(database, fixed) == 738 and "SUM(amount_p / 100.0)" in note
    # a statement that already divides is left alone
    assert guided_aggregates(database, "SELECT SUM(amount_p) / 100.0 FROM moves", guidance)[0].count("100.0") == 1

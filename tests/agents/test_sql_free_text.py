"""A filter written on free text moved to the column that holds the value as a category (agents/sql_free_text.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agents.sql_free_text import moved_text_filters
from agents.tools import sql_tool

REQUEST = "How much did Samsung work bring in during March 2026?"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "repairs.db"
    with sqlite3.connect(path) as conn:
        conn.executescript("""
            CREATE TABLE devices (id INTEGER PRIMARY KEY, brand TEXT, model TEXT);
            CREATE TABLE repairs (id INTEGER PRIMARY KEY, device_id INTEGER, model_text TEXT, received_on TEXT,
                                  price_gbp REAL);
            INSERT INTO devices VALUES (1, 'Apple', 'iPhone 13'), (2, 'Samsung', 'Galaxy A54'), (3, 'Samsung', 'S23');
            INSERT INTO repairs VALUES (1, 1, 'iphone 13', '2026-03-02', 129), (2, 2, 'sammy a54', '2026-03-03', 89),
                                       (3, 3, 'galaxy s23', '2026-03-09', 169), (4, 3, 'samsung s23', '2026-03-20', 60),
                                       (5, 2, 'a54', '2026-04-01', 49);
        """)
    return path


def _run(database: Path, statement: str) -> list[tuple]:
    with sqlite3.connect(database) as conn:
        return conn.execute(statement).fetchall()


def test_a_brand_looked_for_in_typed_text_is_read_from_the_devices_table(database: Path):
    statement = "SELECT SUM(price_gbp) FROM repairs WHERE model_text LIKE '%Samsung%' AND received_on LIKE '2026-03%'"
    fixed, note = moved_text_filters(database, statement, REQUEST)
    assert _run(database, statement) == [(60.0,)] and _run(database, fixed) == [(318.0,)]
    assert "devices.brand = 'Samsung'" in fixed and "JOIN devices ON devices.id = repairs.device_id" in fixed
    assert "moved to the column that holds the value" in note


def test_what_the_request_does_not_name_or_the_column_holds_is_left_alone(database: Path):
    left = [("SELECT SUM(price_gbp) FROM repairs WHERE model_text LIKE '%Samsung%'", "What did March bring in?"),
            ("SELECT SUM(price_gbp) FROM repairs WHERE model_text = 'a54'", "What did the a54 jobs bring in?"),
            ("SELECT COUNT(id) FROM repairs WHERE model_text LIKE '%Samsung%'", REQUEST)]  # id: ambiguous once joined
    for statement, request in left:
        assert moved_text_filters(database, statement, request) == (statement, "")


def test_the_sql_tool_check_moves_it(database: Path):
    tool = sql_tool(database)
    assert tool.check_arguments is not None
    checked = tool.check_arguments({"query": "SELECT SUM(price_gbp) FROM repairs WHERE model_text = 'Samsung' "
                                             "AND received_on LIKE '2026-03%'"}, REQUEST, None, "", REQUEST)
    assert _run(database, checked.arguments["query"]) == [(318.0,)], checked

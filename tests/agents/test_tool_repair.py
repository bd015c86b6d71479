"""The ToolPlanner repairs a failed tool call once, and drops WHERE filters nobody asked for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agents.llm import LLM
from agents.retriever import Retrieval
from agents.settings import ModelSettings
from agents.sql_checks import drop_invented_filters, tokenize
from agents.tool_planner import ToolPlannerAgent
from agents.tracing import SpanRecorder
from memory.records import Component, Lesson, LessonAction
from workflows.workspace import load_workspace

EXTRACT = "SELECT COUNT(*) FROM orders WHERE EXTRACT(YEAR FROM order_date) = 2024 AND EXTRACT(QUARTER FROM order_date) = 1"
STRFTIME = "SELECT COUNT(*) FROM orders WHERE order_date BETWEEN '2024-01-01' AND '2024-03-31'"
Q1 = "How many orders did we ship in Q1 2024?"


def _sql(query: str) -> str:
    return json.dumps({"tool_calls": [{"tool": "sql", "arguments": {"query": query}}]})


def _planner(tmp_path: Path, replies: list[str]) -> tuple[ToolPlannerAgent, list[str]]:
    """A planner whose model gives `replies` in order; the prompts it saw are collected."""
    prompts: list[str] = []

    def script(messages: list[dict[str, Any]], role: str) -> str:
        prompts.append(str(messages[-1]["content"]))
        return replies[min(len(prompts), len(replies)) - 1]

    llm = LLM(ModelSettings(provider="fake"), tmp_path / "models", script=script)
    return ToolPlannerAgent(llm, load_workspace(None).tool_registry(tmp_path / "ws")), prompts


def _sql_lesson() -> Lesson:
    return Lesson(component=Component.TOOL_PLANNER, trigger="Counting orders",
                  text="Never take counts from the summary notes; count the orders with SQL on the orders table.",
                  action=LessonAction(prefer_tools=["sql"]))


def test_sql_error_names_sqlite_the_statement_and_the_fix(tmp_path: Path):
    result = load_workspace(None).tool_registry(tmp_path).call("sql", {"query": EXTRACT})
    assert not result.ok
    assert "SQLite" in result.output and EXTRACT in result.output
    assert "SQLite has no EXTRACT; use strftime('%Y', col)" in result.output


def test_a_failed_sql_statement_is_repaired_once_with_the_error(tmp_path: Path):
    planner, prompts = _planner(tmp_path, [_sql(EXTRACT), _sql(STRFTIME)])
    recorder = SpanRecorder()
    with recorder.active():
        plan = planner.plan(Q1, Retrieval(Q1), [_sql_lesson()])
    assert len(prompts) == 2
    assert "SQLite has no EXTRACT" in prompts[1] and EXTRACT in prompts[1]
    assert [r.ok for r in plan.results] == [True] and plan.results[0].output.splitlines()[-1] == "3"
    assert [r.ok for r in plan.failed] == [False] and plan.repair_reason.startswith("sql failed")
    calls = [s for s in recorder.spans if s.name == "tool_call"]
    assert [(c.attributes["attempt"], c.attributes["ok"]) for c in calls] == [(1, False), (2, True)]
    repair = next(s for s in recorder.spans if s.name == "repair")
    assert calls[1].parent_id == repair.id and "EXTRACT" in repair.attributes["reason"]


def test_repair_runs_at_most_once(tmp_path: Path):
    planner, prompts = _planner(tmp_path, [_sql(EXTRACT)])
    plan = planner.plan(Q1, Retrieval(Q1), [])
    assert len(prompts) == 2 and [r.ok for r in plan.results] == [False]


def test_no_repair_when_the_call_succeeds(tmp_path: Path):
    planner, prompts = _planner(tmp_path, [_sql(STRFTIME)])
    plan = planner.plan(Q1, Retrieval(Q1), [_sql_lesson()])
    assert len(prompts) == 1 and plan.repair_reason == ""


def test_a_preferred_tool_left_unused_gets_one_repair(tmp_path: Path):
    planner, prompts = _planner(tmp_path, [json.dumps({"tool_calls": []}), _sql(STRFTIME)])
    plan = planner.plan(Q1, Retrieval(Q1), [_sql_lesson()])
    assert "use sql" in prompts[1] and [c["tool"] for c in plan.calls] == ["sql"]


def test_an_invented_filter_is_dropped_before_the_call(tmp_path: Path):
    invented = ("SELECT SUM(amount) FROM orders WHERE strftime('%Y-%m', order_date) = '2024-02' "
                "AND region = 'EU' AND product = 'speaker'")
    request = "What was our total order revenue in February 2024?"
    planner, _ = _planner(tmp_path, [_sql(invented)])
    recorder = SpanRecorder()
    with recorder.active():
        plan = planner.plan(request, Retrieval(request), [])
    assert plan.calls[0]["arguments"]["query"] == \
        "SELECT SUM(amount) FROM orders WHERE strftime('%Y-%m', order_date) = '2024-02'"
    assert plan.results[0].output.splitlines()[-1] == "280.0"  # both February orders, not only EU speakers
    call = next(s for s in recorder.spans if s.name == "tool_call")
    assert "region = 'EU'" in call.attributes["note"] and "product = 'speaker'" in call.attributes["note"]


def test_a_filter_the_request_or_a_lesson_names_is_kept(tmp_path: Path):
    query = "SELECT SUM(amount) FROM orders WHERE region = 'EU'"
    planner, _ = _planner(tmp_path, [_sql(query)])
    assert planner.plan("Revenue in Europe?", Retrieval("x"), []).calls[0]["arguments"]["query"] == query
    lesson = Lesson(component=Component.TOOL_PLANNER, trigger="revenue", text="Report revenue for region EU only.")
    planner, _ = _planner(tmp_path, [_sql(query)])
    assert planner.plan("Total revenue?", Retrieval("x"), [lesson]).calls[0]["arguments"]["query"] == query


def test_filters_are_left_alone_under_or_and_in_subqueries():
    for statement in ("SELECT COUNT(*) FROM orders WHERE region = 'EU' OR region = 'US'",
                      "SELECT COUNT(*) FROM orders WHERE id IN (SELECT id FROM orders WHERE region = 'EU')"):
        assert drop_invented_filters(statement, "how many orders").statement == statement


def test_dropping_every_filter_removes_the_where_and_keeps_the_tail():
    checked = drop_invented_filters("SELECT region, SUM(amount) FROM orders WHERE product = 'tablet' "
                                    "GROUP BY region ORDER BY 2 DESC LIMIT 2", "revenue per region")
    assert checked.statement == "SELECT region, SUM(amount) FROM orders GROUP BY region ORDER BY 2 DESC LIMIT 2"
    assert checked.dropped == ["product = 'tablet'"]


def test_the_tokenizer_keeps_quoted_text_whole():
    statement = "SELECT 'a AND b' FROM \"my table\" WHERE x = 'it''s'"
    tokens = tokenize(statement)
    assert "".join(text for _, text in tokens) == statement
    assert ("string", "'a AND b'") in tokens and ("string", "'it''s'") in tokens and ("ident", '"my table"') in tokens


def test_the_sql_tool_stays_read_only_after_a_rewrite(tmp_path: Path):
    registry = load_workspace(None).tool_registry(tmp_path)
    for statement in ("DELETE FROM orders WHERE region = 'EU'", "WITH x AS (SELECT 1) DELETE FROM orders"):
        assert not registry.checked_call("sql", {"query": statement}, "delete the orders").ok
    assert registry.call("sql", {"query": "SELECT COUNT(*) FROM orders"}).output.endswith("6")


def test_a_repair_reply_cut_off_inside_its_query_still_runs(tmp_path: Path):
    # shaped like the real model's repair reply in bench/results/repair_probe_v2.json: the string is never closed
    cut = ('{"tool_calls": [{"tool": "sql", "arguments": {"query": "SELECT COUNT(*) FROM orders WHERE '
           "strftime('%Y', order_date) = '2024' AND strftime('%m', order_date) BETWEEN '01' AND '03'}}]}......")
    planner, _ = _planner(tmp_path, [_sql(EXTRACT), cut])
    plan = planner.plan(Q1, Retrieval(Q1), [_sql_lesson()])
    assert [r.ok for r in plan.results] == [True] and plan.results[0].output.splitlines()[-1] == "3"


def test_the_figure_a_correction_gave_for_its_own_request_licenses_no_filter(tmp_path: Path):
    """A lesson's "February had 120, not 80" is the answer of the request it was taught on: a statement that filters
    another request on amount = 80 has invented that filter (agents/taught_figures.py)."""
    invented = "SELECT COUNT(*) FROM orders WHERE order_date BETWEEN '2024-01-01' AND '2024-03-31' AND amount = 80"
    lesson = Lesson(component=Component.TOOL_PLANNER, trigger="Counting orders",
                    text="Count the orders with SQL on the orders table. February had 120, not 80.",
                    action=LessonAction(prefer_tools=["sql"]))
    planner, _ = _planner(tmp_path, [_sql(invented)])
    plan = planner.plan(Q1, Retrieval(Q1), [lesson])
    assert "amount = 80" not in plan.results[0].arguments["query"]
    assert plan.results[0].output.splitlines()[-1] == "3"

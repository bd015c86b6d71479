from __future__ import annotations

from pathlib import Path

from agents.human import HumanAgent, ScriptedHuman
from tests.helpers import make_assistant, routing_script, runner
from workflows.cli import app
from workflows.traces.handoffs import TurnSignals, heuristic_scores
from workflows.traces.report import handoff_report
from workflows.traces.store import TraceStore


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("model: {provider: fake}\nmemory: {embedder: hashing}\n")
    return path


def test_heuristic_handoff_signals():
    grounded = TurnSignals("How long is express shipping?", "Express shipping takes 1 business day.",
                           ["Express shipping takes 1 business day; standard 3 to 5 business days."], [])
    rows = {r["signal"]: r["score"] for r in heuristic_scores(grounded)}
    assert rows == {"context_used": 1.0, "grounded": 1.0}
    invented = TurnSignals("Total EU orders?", "Our EU revenue was 9999 last decade per finance.",
                           ["Standard shipping takes 3 days."], [(True, "SUM(amount)\n630.0")])
    rows = {r["signal"]: r["score"] for r in heuristic_scores(invented)}
    assert rows["context_used"] == 0.0 and rows["tool_result_used"] == 0.0 and rows["grounded"] < 0.3
    used = TurnSignals("Total EU orders?", "The EU total is 630.0.", [], [(True, "SUM(amount)\n630.0"), (False, "err")])
    assert {r["signal"]: r["score"] for r in heuristic_scores(used)}["tool_result_used"] == 0.5
    assert heuristic_scores(TurnSignals("q", "", [], [])) == []


def test_human_verdicts_move_blame_to_the_agent_that_handed_off(tmp_path: Path):
    traces = TraceStore(tmp_path / "alhf.db")
    route = {"components": ["retriever"], "lesson": "Use refund policy v3.", "applies_to": "refund questions"}
    assistant = make_assistant(tmp_path, script=routing_script(route), traces=traces)
    corrected = assistant.run_turn("What is the refund window?", session_id="s1")
    assistant.learn("You quoted the superseded policy.", corrected)
    accepted = assistant.run_turn("How long does shipping take?", human=HumanAgent("TERMINATE", ScriptedHuman([""])),
                                  session_id="s1")
    report = handoff_report(traces.connection, "s1")
    assert report["turns"] == 2
    retriever = report["agents"]["retriever"]
    assert retriever["corrections_received"] == 1 and retriever["human"] == 0.5  # one blame, one acceptance
    assert report["agents"]["writer"]["human"] == 1.0 and report["agents"]["writer"]["corrections_received"] == 0
    assert report["llm_judge"] is None
    assert accepted.turn_id != corrected.turn_id


def test_handoffs_report_command_writes_a_chart(tmp_path: Path):
    config = _config(tmp_path)
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"id": "a", "request": "Refund window?"}\n{"id": "b", "request": "Express shipping?"}\n')
    assert runner.invoke(app, ["batch", "run", str(tasks), "-c", str(config)]).exit_code == 0
    png = tmp_path / "h.png"
    result = runner.invoke(app, ["handoffs", "report", "--png", str(png), "--json", "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    judge = runner.invoke(app, ["judge", "-c", str(config)])
    assert judge.exit_code == 2 and "need a real model" in judge.output

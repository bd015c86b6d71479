"""Span trees, handoff scores from heuristic and human signals, the eval report folder, regressions."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from agents.human import HumanAgent, ScriptedHuman
from workflows.cli import app
from workflows.handoff_report import handoff_report
from workflows.handoffs import TurnSignals, heuristic_scores
from workflows.traces import TraceStore
from tests.helpers import make_assistant, routing_script

runner = CliRunner()


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("model: {provider: fake}\nmemory: {embedder: hashing}\n")
    return path


def test_a_turn_is_recorded_as_a_tree_of_spans(tmp_path: Path):
    traces = TraceStore(tmp_path / "alhf.db")
    assistant = make_assistant(tmp_path)
    assistant.traces = traces
    result = assistant.run_turn("How long does express shipping take?", human=HumanAgent("ALWAYS", ScriptedHuman()))
    spans = traces.spans(result.turn_id)
    by_id = {s["id"]: s for s in spans}

    def path(span):
        names = []
        while span:
            names.append(span["name"])
            span = by_id.get(span["parent_id"])
        return "/".join(reversed(names))

    paths = [path(s) for s in spans]
    assert paths[0] == "turn" and paths.count("turn/attempt/retrieve_lessons/consult") == 3
    for expected in ("turn/attempt/embed_request", "turn/attempt/retrieve_context", "turn/attempt/plan/generate",
                     "turn/attempt/write/build_prompt", "turn/attempt/write/generate",
                     "turn/attempt/handoff/human_checkpoint"):
        assert expected in paths, expected
    handoffs = [(s["attributes"]["source"], s["attributes"]["target"]) for s in spans if s["name"] == "handoff"]
    assert handoffs == [("retriever", "tool_planner"), ("tool_planner", "writer"), ("writer", "human")]
    consult = next(s for s in spans if s["name"] == "consult")
    assert "decisions" in consult["attributes"] and all(s["duration_ms"] >= 0 for s in spans)
    result = runner.invoke(app, ["trace", "show", result.turn_id, "-c", str(_config(tmp_path))],
                           env={"ALHF_HOME": str(tmp_path)})
    assert result.exit_code == 0 and "retrieve_lessons" in result.output and "human_checkpoint" in result.output


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
    assistant = make_assistant(tmp_path, script=routing_script(route))
    assistant.traces = traces
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


def test_eval_report_folder_matches_metrics_and_regressions_fail(tmp_path: Path, shared_dir: Path):
    config = _config(tmp_path)
    folder = tmp_path / "report"
    result = runner.invoke(app, ["eval", str(shared_dir / "scenarios"), "--baseline", "--report", str(folder),
                                 "-c", str(config), "--provider", "fake"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((folder / "metrics.json").read_text())
    for png in ("learning_curve.png", "injection_matrix.png"):
        assert (folder / png).read_bytes()[:4] == b"\x89PNG"
    markdown = (folder / "report.md").read_text()
    overall = re.search(r"\| \*\*overall\*\* \| on \| (.*) \|", markdown).group(1).split(" | ")
    assert overall[1] == f"{metrics['overall']['lesson_recall']:.2f}"
    assert overall[2] == f"{metrics['overall']['false_injection_rate']:.2f}"
    assert metrics["baseline_overall"]["lesson_recall"] == 0.0
    assert metrics["overall"]["feedback_coverage"] == 1.0

    worse = dict(metrics, overall={**metrics["overall"], "lesson_recall": 1.0})
    old = tmp_path / "old.json"
    old.write_text(json.dumps(worse))
    args = ["eval", str(shared_dir / "scenarios"), "--answers", "off", "--compare", str(old), "-c", str(config),
            "--provider", "fake"]
    ok = runner.invoke(app, [*args, "--fail-under", "routing_accuracy=0.5"])
    assert ok.exit_code == 0 and "lesson_recall" in ok.output and "(worse)" in ok.output
    bad = runner.invoke(app, [*args, "--fail-under", f"lesson_recall={metrics['overall']['lesson_recall'] + 0.01}"])
    assert bad.exit_code == 1 and "below" in bad.output
    over = runner.invoke(app, [*args, "--fail-over", "false_injection_rate=-0.1"])
    assert over.exit_code == 1
    typo = runner.invoke(app, [*args, "--fail-under", "recall=0.9"])
    assert typo.exit_code == 2 and "METRIC=VALUE" in typo.output


def test_spans_export_to_opentelemetry_with_their_tree(tmp_path: Path):
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from workflows.otlp import OtlpExporter

    memory_exporter = InMemorySpanExporter()
    exporter = OtlpExporter(None, span_exporter=memory_exporter)
    assistant = make_assistant(tmp_path)
    assistant.span_sink = exporter.export
    assistant.run_turn("How long does express shipping take?")
    exporter.close()
    spans = memory_exporter.get_finished_spans()
    names = [s.name for s in spans]
    assert "turn" in names and names.count("consult") == 3
    root = next(s for s in spans if s.name == "turn")
    assert all(s.context.trace_id == root.context.trace_id for s in spans)
    assert root.parent is None and all(s.parent is not None for s in spans if s is not root)


def test_tracing_off_records_no_spans(tmp_path: Path):
    traces = TraceStore(tmp_path / "alhf.db")
    assistant = make_assistant(tmp_path)
    assistant.traces, assistant.tracing = traces, False
    result = assistant.run_turn("How long does express shipping take?")
    assert result.spans == [] and traces.spans(result.turn_id) == [] and traces.turn(result.turn_id)


def test_a_correction_given_mid_turn_is_blamed_on_the_recorded_turn(tmp_path: Path):
    traces = TraceStore(tmp_path / "alhf.db")
    route = {"components": ["retriever"], "lesson": "Use refund policy v3.", "applies_to": "refund questions"}
    assistant = make_assistant(tmp_path, script=routing_script(route))
    assistant.traces = traces
    human = HumanAgent("ALWAYS", ScriptedHuman(["Drop the 2021 policy."]))
    result = assistant.run_turn("What is the refund window?", human=human, session_id="s2")
    assert [f["turn_id"] for f in traces.feedback_for(result.turn_id)] == [result.turn_id]
    assert handoff_report(traces.connection, "s2")["agents"]["retriever"]["corrections_received"] == 1

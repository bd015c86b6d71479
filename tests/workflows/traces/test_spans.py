from __future__ import annotations

from pathlib import Path

from agents.human import HumanAgent, ScriptedHuman
from tests.helpers import make_assistant, routing_script, runner
from workflows.cli import app
from workflows.traces.report import handoff_report
from workflows.traces.store import TraceStore


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("model: {provider: fake}\nmemory: {embedder: hashing}\n")
    return path


def test_a_turn_is_recorded_as_a_tree_of_spans(tmp_path: Path):
    traces = TraceStore(tmp_path / "alhf.db")
    assistant = make_assistant(tmp_path, traces=traces)
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


def test_spans_export_to_opentelemetry_with_their_tree(tmp_path: Path):
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
        InMemorySpanExporter,
    )

    from workflows.traces.otlp import OtlpExporter

    memory_exporter = InMemorySpanExporter()
    exporter = OtlpExporter(None, span_exporter=memory_exporter)
    assistant = make_assistant(tmp_path, span_sink=exporter.export)
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
    assistant = make_assistant(tmp_path, traces=traces, tracing=False)
    result = assistant.run_turn("How long does express shipping take?")
    assert result.spans == [] and traces.spans(result.turn_id) == [] and traces.turn(result.turn_id)


def test_a_correction_given_mid_turn_is_blamed_on_the_recorded_turn(tmp_path: Path):
    traces = TraceStore(tmp_path / "alhf.db")
    route = {"components": ["retriever"], "lesson": "Use refund policy v3.", "applies_to": "refund questions"}
    assistant = make_assistant(tmp_path, script=routing_script(route), traces=traces)
    human = HumanAgent("ALWAYS", ScriptedHuman(["Drop the 2021 policy."]))
    result = assistant.run_turn("What is the refund window?", human=human, session_id="s2")
    assert [f["turn_id"] for f in traces.feedback_for(result.turn_id)] == [result.turn_id]
    assert handoff_report(traces.connection, "s2")["agents"]["retriever"]["corrections_received"] == 1

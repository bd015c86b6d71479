from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.helpers import FAKE, hashing_config, runner
from workflows.cli import app


def test_eval_reports_the_documented_json_shape(tmp_path: Path, shared_dir: Path, minilm):
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["eval", str(shared_dir / "scenarios"), "--json", str(out), *FAKE])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert set(report["overall"]) >= {"routing_accuracy", "lesson_recall", "false_injection_rate", "answer_pass_rate",
                                      "feedback_adherence", "quarantine_recall", "false_quarantine_rate"}
    assert report["overall"]["answer_pass_rate"] is None  # fake model: never "passed"
    assert report["overall"]["feedback_adherence"] is None  # nor "followed"
    names = {s["name"] for s in report["scenarios"]}
    assert names == {"refund-policy", "sql-dialect"}
    steps = [st for s in report["scenarios"] for st in s["steps"]]
    assert {st["answer_checks"] for st in steps} <= {"skipped", None}
    s2 = next(st for s in report["scenarios"] if s["name"] == "sql-dialect" for st in s["steps"] if st["id"] == "s2")
    assert s2["required"] == ["f1"] and set(s2) >= {"retrieved", "applied", "routed"}
    assert 0.0 <= report["overall"]["false_injection_rate"] <= 1.0


def test_eval_pools_counts_and_answers_off_gives_same_memory_metrics(tmp_path: Path, shared_dir: Path):
    config = hashing_config(tmp_path)
    reports = []
    for answers in ("on", "off"):
        out = tmp_path / f"{answers}.json"
        result = runner.invoke(app, ["eval", str(shared_dir / "scenarios"), "--answers", answers, "--json", str(out),
                                     "--baseline", "-c", str(config), *FAKE])
        assert result.exit_code == 0, result.output
        reports.append(json.loads(out.read_text()))
    on, off = reports
    for key in ("routing_accuracy", "lesson_recall", "false_injection_rate"):
        assert on["overall"][key] == off["overall"][key]
    assert on["baseline_overall"]["lesson_recall"] == 0.0
    counts = on["overall"]["counts"]
    assert counts["required_lessons"] == 5 and counts["steps_scored"] == 9 and counts["feedback_labelled"] == 3


def test_eval_scenario_with_missing_field_is_a_one_line_error(tmp_path: Path):
    folder = tmp_path / "sc"
    folder.mkdir()
    (folder / "broken.yaml").write_text(yaml.safe_dump({"name": "x", "steps": [{"id": "s1"}]}))
    result = runner.invoke(app, ["eval", str(folder), *FAKE])
    assert result.exit_code == 2
    assert "steps.0.ask: missing required field" in result.output


def test_governance_scenarios_are_scored(tmp_path: Path, shared_dir: Path):
    config = tmp_path / "config.yaml"
    config.write_text("memory: {embedder: hashing}\n")
    out = tmp_path / "gov.json"
    result = runner.invoke(app, ["eval", str(shared_dir / "scenarios-governance"), "--json", str(out), "-c",
                                 str(config), "--provider", "fake"])
    assert result.exit_code == 0, result.output
    overall = json.loads(out.read_text())["overall"]
    assert overall["quarantine_recall"] == 1.0 and overall["false_quarantine_rate"] == 0.0


def test_eval_keeps_each_turns_trace_in_a_data_dir_of_its_own(tmp_path: Path, shared_dir: Path):
    from workflows.traces.store import TraceStore

    out, home = tmp_path / "report.json", tmp_path / "eval-traces"
    result = runner.invoke(app, ["eval", str(shared_dir / "scenarios"), "--json", str(out), "--trace-home", str(home),
                                 "-c", str(hashing_config(tmp_path)), *FAKE])
    assert result.exit_code == 0, result.output
    assert f"ALHF_HOME={home}alhftracelist" in "".join(result.output.split())  # rich wraps long paths anywhere
    turn_ids = [st["turn_id"] for s in json.loads(out.read_text())["scenarios"] for st in s["steps"]]
    assert turn_ids and all(turn_ids)
    traces = TraceStore(home / "alhf.db")
    try:
        assert all(traces.turn_exists(turn_id) for turn_id in turn_ids)
    finally:
        traces.close()


def test_a_trace_home_that_is_a_file_is_refused_in_one_line(tmp_path: Path, shared_dir: Path):
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    result = runner.invoke(app, ["eval", str(shared_dir / "scenarios"), "--trace-home", str(taken), *FAKE])
    assert result.exit_code == 2 and "--trace-home" in result.output and "Traceback" not in result.output

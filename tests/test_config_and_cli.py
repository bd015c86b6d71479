import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from workflows.cli import app
from workflows.config import AppConfig, ConfigError, load_config

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()
FAKE = ["--provider", "fake"]


def test_repo_config_is_valid_and_matches_the_built_in_defaults():
    assert load_config(REPO / "config.yaml") == AppConfig()


def test_unknown_key_is_named(tmp_path: Path):
    bad = tmp_path / "c.yaml"
    bad.write_text("memory:\n  gate:\n    threshhold: 0.3\n")
    with pytest.raises(ConfigError, match="unknown key 'memory.gate.threshhold'"):
        load_config(bad)


def test_malformed_yaml_and_bad_values(tmp_path: Path):
    bad = tmp_path / "c.yaml"
    bad.write_text("model: [provider: local\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    bad.write_text("model:\n  provider: gpt5\n")
    with pytest.raises(ConfigError, match="model.provider"):
        load_config(bad)


def _hashing_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("memory: {embedder: hashing}\n")
    return path


def test_eval_reports_the_documented_json_shape(tmp_path: Path, shared_dir: Path, minilm):
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["eval", str(shared_dir / "scenarios"), "--json", str(out), *FAKE])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert set(report["overall"]) >= {"routing_accuracy", "lesson_recall", "false_injection_rate", "answer_pass_rate",
                                      "quarantine_recall", "false_quarantine_rate"}
    assert report["overall"]["answer_pass_rate"] is None  # fake model: never "passed"
    names = {s["name"] for s in report["scenarios"]}
    assert names == {"refund-policy", "sql-dialect"}
    steps = [st for s in report["scenarios"] for st in s["steps"]]
    assert {st["answer_checks"] for st in steps} <= {"skipped", None}
    s2 = next(st for s in report["scenarios"] if s["name"] == "sql-dialect" for st in s["steps"] if st["id"] == "s2")
    assert s2["required"] == ["f1"] and set(s2) >= {"retrieved", "applied", "routed"}
    assert 0.0 <= report["overall"]["false_injection_rate"] <= 1.0


def test_eval_pools_counts_and_answers_off_gives_same_memory_metrics(tmp_path: Path, shared_dir: Path):
    config = _hashing_config(tmp_path)
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


def test_chat_with_a_scripted_terminal(tmp_path: Path):
    config = _hashing_config(tmp_path)
    typed = "How long does express shipping take?\n\n/quit\n"
    result = runner.invoke(app, ["chat", "--mode", "terminate", "-c", str(config), *FAKE], input=typed)
    assert result.exit_code == 0, result.output
    assert "Writer -> answer" in result.output and "mode TERMINATE" in result.output


def test_memory_list_and_unknown_component(tmp_path: Path):
    config = _hashing_config(tmp_path)
    assert runner.invoke(app, ["memory", "list", "-c", str(config)]).exit_code == 0
    result = runner.invoke(app, ["memory", "list", "--component", "summarizer", "-c", str(config)])
    assert result.exit_code == 2 and "Unknown component" in result.output


def test_bad_config_exits_non_zero_with_the_key(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("modle: {}\n")
    result = runner.invoke(app, ["memory", "list", "-c", str(bad)])
    assert result.exit_code == 2 and "unknown key 'modle'" in result.output

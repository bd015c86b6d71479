from __future__ import annotations

import json

from tests.helpers import cli, items, write_tasks


def test_export_writes_one_record_per_reviewed_item(fake_cli):
    config = fake_cli["config"]
    tasks = write_tasks(fake_cli["tmp"] / "tasks.jsonl", 3, "How long does express shipping take, case {i}?")
    assert cli("batch", "run", str(tasks), config=config).exit_code == 0
    a, b, _ = (i["id"] for i in items(config))
    cli("review", "approve", a, "--score", "tone=4", config=config)
    cli("review", "correct", b, "Say business days.", "--error-class", "format", config=config)
    out = fake_cli["tmp"] / "train.jsonl"
    assert cli("export", str(out), config=config).exit_code == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == [a, b]
    approved, corrected = records
    assert [m["role"] for m in approved["messages"]] == ["system", "user", "assistant"]
    assert approved["messages"][2]["weight"] == 1 and corrected["messages"][2]["weight"] == 0
    assert corrected["expected_output"] == "Say business days."
    assert corrected["error"] == {"components": ["writer"], "error_class": "format"}
    assert approved["feedback"]["scores"] == {"tone": 4}
    assert "documents" in approved["messages"][0]["content"]
    alpaca = fake_cli["tmp"] / "alpaca.jsonl"
    assert cli("export", str(alpaca), "--format", "alpaca", config=config).exit_code == 0
    first = json.loads(alpaca.read_text().splitlines()[0])
    assert set(first) >= {"instruction", "input", "output", "expected_output", "feedback", "error"}
    assert cli("export", str(alpaca), "--format", "csv", config=config).exit_code == 2

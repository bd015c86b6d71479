"""Every teaching and batch command says exactly what happened, and bad input gives one line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import cli, items, said, write_tasks


def _batch(fake_cli: dict, count: int = 3) -> tuple[Path, list[dict]]:
    tasks = write_tasks(fake_cli["tmp"] / "tasks.jsonl", count)
    assert cli("batch", "run", str(tasks), config=fake_cli["config"]).exit_code == 0
    return tasks, items(fake_cli["config"])


def test_a_finished_tasks_file_is_not_answered_twice(fake_cli):
    tasks, first = _batch(fake_cli)
    again = cli("batch", "run", str(tasks), config=fake_cli["config"])
    assert again.exit_code == 0 and "already answered every task" in said(again) and "--new-run" in said(again)
    assert len(items(fake_cli["config"])) == len(first) == 3
    with tasks.open("a") as out:  # a new line is answered in the same run
        out.write(json.dumps({"id": "late", "request": "How long does standard shipping take?"}) + "\n")
    assert cli("batch", "run", str(tasks), config=fake_cli["config"]).exit_code == 0
    assert len(items(fake_cli["config"])) == 4 and len({i["run_id"] for i in items(fake_cli["config"])}) == 1
    assert cli("batch", "run", str(tasks), "--new-run", config=fake_cli["config"]).exit_code == 0
    assert len(items(fake_cli["config"])) == 8


def test_a_batch_with_failed_tasks_exits_non_zero(fake_cli):
    tasks = fake_cli["tmp"] / "tasks.jsonl"
    tasks.write_text(json.dumps({"id": "big", "request": "x" * 30_000}) + "\n")
    result = cli("batch", "run", str(tasks), config=fake_cli["config"])
    assert result.exit_code == 1 and "1 task(s) failed" in said(result)


def test_non_utf8_and_binary_inputs_give_one_line(fake_cli):
    tasks = fake_cli["tmp"] / "tasks.jsonl"
    tasks.write_bytes(b"\xff\xfe\x00binary\x00")
    result = cli("batch", "run", str(tasks), config=fake_cli["config"])
    assert result.exit_code == 2 and "not UTF-8" in said(result) and "Traceback" not in result.output
    imported = cli("memory", "import", str(tasks), config=fake_cli["config"])
    assert imported.exit_code == 2 and "not UTF-8" in said(imported)


def test_truncated_lists_say_so(fake_cli):
    _batch(fake_cli, count=4)
    result = cli("review", "list", "--limit", "2", "--json", config=fake_cli["config"])
    assert result.exit_code == 0 and "showing the first 2 of 4 item(s)" in result.stderr
    assert len(json.loads(result.stdout)) == 2  # the note is not part of the JSON document
    whole = cli("review", "list", "--limit", "4", "--json", config=fake_cli["config"])
    assert "showing the first" not in whole.stderr and len(json.loads(whole.stdout)) == 4


def test_review_correct_says_what_was_held_and_a_viewer_is_refused(fake_cli):
    config = fake_cli["config"]
    config.write_text(config.read_text().replace("{tester: admin}", "{tester: admin, cora: contributor, vic: viewer}"))
    _, queued = _batch(fake_cli, count=2)
    held = cli("review", "correct", queued[0]["id"], "Say business days, not days.",
               "--reviewer", "cora", config=config)
    assert held.exit_code == 0 and "held for approval: lessons from a contributor need approval" in said(held)
    refused = cli("review", "correct", queued[1]["id"], "Say business days.", "--reviewer", "vic", config=config)
    assert refused.exit_code == 2 and "may not decide on review items" in said(refused)


def test_an_oversized_correction_is_refused_and_the_queue_keeps_working(fake_cli):
    _, queued = _batch(fake_cli, count=2)
    huge = cli("review", "correct", queued[0]["id"], "no " * 40_000, config=fake_cli["config"])
    assert huge.exit_code == 2 and "the limit is 4000" in said(huge)
    fine = cli("review", "correct", queued[1]["id"], "Say business days, not days.", config=fake_cli["config"])
    assert fine.exit_code == 0 and "learned into" in said(fine)

"""Batch runs, the review queue, the learning inbox and the export."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workflows.batch import read_tasks
from workflows.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def setup(tmp_path: Path) -> dict:
    config = tmp_path / "config.yaml"
    config.write_text("model: {provider: fake}\nmemory: {embedder: hashing}\n")
    return {"config": config, "home": Path(os.environ["ALHF_HOME"]), "tmp": tmp_path}


def write_tasks(path: Path, count: int, request: str = "How long does express shipping take? case {i}") -> Path:
    path.write_text("".join(json.dumps({"id": f"t{i}", "request": request.format(i=i)}) + "\n" for i in range(count)))
    return path


def cli(*args: str, config: Path, input: str | None = None):  # noqa: A002
    return runner.invoke(app, [*args, "-c", str(config)], input=input)


def said(result) -> str:
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def items(config: Path, *extra: str) -> list[dict]:
    result = cli("review", "list", "--json", "--limit", "100000", *extra, config=config)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_malformed_lines_are_reported_with_their_number_and_skipped(setup):
    tasks = setup["tmp"] / "tasks.jsonl"
    tasks.write_text('{"id": "a", "request": "Refund window?"}\n{oops\n\n{"id": "b"}\n[1]\n'
                     '{"id": "a", "request": "again"}\n{"id": "c", "request": "Shipping?", "metadata": {"team": "x"}}\n')
    good, problems = read_tasks(tasks)
    assert [t.id for t in good] == ["a", "c"] and good[1].metadata == {"team": "x"}
    assert problems == ["line 2: not JSON (Expecting property name enclosed in double quotes)",
                        "line 4: missing request", "line 5: expected an object with id and request",
                        "line 6: duplicate id 'a'"]
    result = cli("batch", "run", str(tasks), config=setup["config"])
    assert result.exit_code == 0, result.output
    assert "2 done, 0 failed, 4 skipped" in said(result) and "line 4: missing request" in said(result)
    assert {i["task_id"] for i in items(setup["config"])} == {"a", "c"}


def _done(home: Path) -> int:
    try:
        conn = sqlite3.connect(home / "alhf.db", timeout=5)
        return conn.execute("SELECT COUNT(*) FROM tasks WHERE status = 'done'").fetchone()[0]
    except sqlite3.Error:
        return 0


def _start_batch(setup: dict, tasks: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "ALHF_HOME": str(setup["home"])}
    return subprocess.Popen([sys.executable, "-m", "workflows", "batch", "run", str(tasks), "-c", str(setup["config"]),
                             *extra], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def _wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_resume_after_sigkill_finishes_only_what_is_missing(setup):
    tasks = write_tasks(setup["tmp"] / "tasks.jsonl", 1500)
    proc = _start_batch(setup, tasks)
    _wait_for(lambda: _done(setup["home"]) >= 20)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = _done(setup["home"])
    assert 20 <= killed_at < 1500

    result = cli("batch", "run", str(tasks), config=setup["config"])
    assert result.exit_code == 0, result.output
    assert f"{killed_at} already done earlier" in said(result)
    got = items(setup["config"])
    assert len(got) == 1500 and len({i["task_id"] for i in got}) == 1500  # none lost, none twice
    assert len({i["run_id"] for i in got}) == 1


def test_reviewer_corrects_while_a_batch_runs_in_another_process(setup):
    tasks = write_tasks(setup["tmp"] / "tasks.jsonl", 1500)
    proc = _start_batch(setup, tasks)
    try:
        _wait_for(lambda: _done(setup["home"]) >= 5)
        first = items(setup["config"])[0]
        result = cli("review", "correct", first["id"], "Always give shipping times in business days.",
                     "--reviewer", "ana", config=setup["config"])
        assert result.exit_code == 0, result.output
        assert "queued: another alhf process holds the memory" in said(result)
        assert proc.wait(timeout=120) == 0
    finally:
        proc.kill()
    [decision] = json.loads(cli("review", "show", first["id"], "--json", config=setup["config"]).output)["decisions"]
    assert decision["learn_status"] == "learned" and decision["components"] == ["writer"]
    conn = sqlite3.connect(setup["home"] / "alhf.db")
    learned_at = conn.execute("SELECT processed_at FROM learning_inbox").fetchone()[0]
    rows = conn.execute("SELECT t.started_at, i.lessons_applied FROM tasks t JOIN review_items i "
                        "ON i.run_id = t.run_id AND i.task_id = t.task_id").fetchall()
    after = [json.loads(applied) for started, applied in rows if started > learned_at]
    before = [json.loads(applied) for started, applied in rows if started < learned_at]
    assert after and all(a and a[0]["component"] == "writer" for a in after)
    assert before and not any(before)


def test_every_review_command_and_the_stats(setup):
    config = setup["config"]
    tasks = write_tasks(setup["tmp"] / "tasks.jsonl", 4, "What is the refund window, case {i}?")
    assert cli("batch", "run", str(tasks), config=config).exit_code == 0
    a, b, c, d = (i["id"] for i in items(config))

    assert cli("review", "approve", a, "--thumbs", "up", "--score", "correctness=5", config=config).exit_code == 0
    result = cli("review", "correct", b, "You quoted the superseded policy; use refunds-2024.", "--error-class",
                 "wrong_document", "--score", "groundedness=2", config=config)
    assert result.exit_code == 0 and "learned 1 correction(s)" in said(result)
    assert cli("review", "reject", c, "--reason", "off topic", config=config).exit_code == 0
    bad = cli("review", "approve", d, "--score", "speed=3", config=config)
    assert bad.exit_code == 2 and "Unknown criterion 'speed'" in said(bad)
    assert cli("review", "reject", d, "--reason", " ", config=config).exit_code == 2
    assert cli("review", "show", "nope", config=config).exit_code == 2

    shown = json.loads(cli("review", "show", b, "--json", config=config).output)
    assert shown["status"] == "corrected" and shown["decisions"][0]["assessment"]["scores"] == {"groundedness": 2}
    assert [i["id"] for i in items(config, "--status", "pending")] == [d]

    # review next: the interactive path, with typed answers (approve with thumbs and scores)
    typed = "a\nup\n4\n\n\n\n"
    result = cli("review", "next", "--reviewer", "bob", config=config, input=typed)
    assert result.exit_code == 0, result.output
    assert items(config, "--status", "pending") == []

    stats = json.loads(cli("review", "stats", "--json", config=config).output)
    assert stats["decided"] == 4 and stats["approval_rate"] == 0.5
    assert stats["corrections_per_component"] == {"retriever": 1}
    assert stats["repeated_correction_rate"] == 0.0


def test_repeated_correction_reinforces_instead_of_duplicating(setup):
    config = setup["config"]
    tasks = write_tasks(setup["tmp"] / "tasks.jsonl", 3, "How long does express shipping take, case {i}?")
    assert cli("batch", "run", str(tasks), config=config).exit_code == 0
    ids = [i["id"] for i in items(config)]
    for item_id in ids[:2]:
        assert cli("review", "correct", item_id, "Always give shipping times in business days.",
                   config=config).exit_code == 0
    lessons = json.loads(cli("memory", "list", "--json", config=config).output)
    assert len(lessons) == 1 and lessons[0]["reinforcements"] == 1
    stats = json.loads(cli("review", "stats", "--json", config=config).output)
    assert stats["repeated_correction_rate"] == 0.5


def test_export_writes_one_record_per_reviewed_item(setup):
    config = setup["config"]
    tasks = write_tasks(setup["tmp"] / "tasks.jsonl", 3, "How long does express shipping take, case {i}?")
    assert cli("batch", "run", str(tasks), config=config).exit_code == 0
    a, b, _ = (i["id"] for i in items(config))
    cli("review", "approve", a, "--score", "tone=4", config=config)
    cli("review", "correct", b, "Say business days.", "--error-class", "format", config=config)
    out = setup["tmp"] / "train.jsonl"
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
    alpaca = setup["tmp"] / "alpaca.jsonl"
    assert cli("export", str(alpaca), "--format", "alpaca", config=config).exit_code == 0
    first = json.loads(alpaca.read_text().splitlines()[0])
    assert set(first) >= {"instruction", "input", "output", "expected_output", "feedback", "error"}
    assert cli("export", str(alpaca), "--format", "csv", config=config).exit_code == 2


def test_a_review_correction_is_blamed_once(setup):
    config = setup["config"]
    tasks = write_tasks(setup["tmp"] / "tasks.jsonl", 2, "What is the refund window, case {i}?")
    assert cli("batch", "run", str(tasks), config=config).exit_code == 0
    first, second = (i["id"] for i in items(config))
    cli("review", "correct", first, "You quoted the superseded policy document; use refunds-2024.", config=config)
    cli("review", "approve", second, config=config)
    report = json.loads(cli("handoffs", "report", "--json", "--png", str(setup["tmp"] / "h.png"),
                            config=config).stdout)
    assert report["agents"]["retriever"]["corrections_received"] == 1
    assert report["agents"]["retriever"]["human"] == 0.5


def test_four_workers_lose_no_task(setup):
    """Regression: two SQLite connections in one process stalled 4-worker runs for 30 s and failed
    tasks with 'database is locked' (about one run in three)."""
    for attempt in range(2):
        tasks = write_tasks(setup["tmp"] / f"tasks{attempt}.jsonl", 300)
        result = cli("batch", "run", str(tasks), "--workers", "4", config=setup["config"])
        assert result.exit_code == 0, result.output
        assert "300 done, 0 failed" in said(result)

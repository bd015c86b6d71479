from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import REPO, cli, items, said, write_tasks
from workflows.review.batch import read_tasks


def _done(home: Path) -> int:
    try:
        if not (home / "alhf.db").exists():  # connecting would create an empty file, which alhf refuses
            return 0
        conn = sqlite3.connect(home / "alhf.db", timeout=5)  # read-write: it recovers a killed writer's WAL
        return conn.execute("SELECT COUNT(*) FROM tasks WHERE status = 'done'").fetchone()[0]
    except sqlite3.Error:
        return 0


def _start_batch(fake_cli: dict, tasks: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "ALHF_HOME": str(fake_cli["home"])}
    return subprocess.Popen([sys.executable, "-m", "workflows", "batch", "run", str(tasks), "-c", str(fake_cli["config"]),
                             *extra], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def _wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_malformed_lines_are_reported_with_their_number_and_skipped(fake_cli):
    tasks = fake_cli["tmp"] / "tasks.jsonl"
    tasks.write_text('{"id": "a", "request": "Refund window?"}\n{oops\n\n{"id": "b"}\n[1]\n'
                     '{"id": "a", "request": "again"}\n{"id": "c", "request": "Shipping?", "metadata": {"team": "x"}}\n')
    good, problems = read_tasks(tasks)
    assert [t.id for t in good] == ["a", "c"] and good[1].metadata == {"team": "x"}
    assert problems == ["line 2: not JSON (Expecting property name enclosed in double quotes)",
                        "line 4: missing request", "line 5: expected an object with id and request",
                        "line 6: duplicate id 'a'"]
    result = cli("batch", "run", str(tasks), config=fake_cli["config"])
    assert result.exit_code == 0, result.output
    assert "2 done, 0 failed, 4 skipped" in said(result) and "line 4: missing request" in said(result)
    assert {i["task_id"] for i in items(fake_cli["config"])} == {"a", "c"}


def test_resume_after_sigkill_finishes_only_what_is_missing(fake_cli):
    tasks = write_tasks(fake_cli["tmp"] / "tasks.jsonl", 1500)
    proc = _start_batch(fake_cli, tasks)
    _wait_for(lambda: _done(fake_cli["home"]) >= 20)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = _done(fake_cli["home"])
    assert 20 <= killed_at < 1500

    result = cli("batch", "run", str(tasks), config=fake_cli["config"])
    assert result.exit_code == 0, result.output
    assert f"{killed_at} already done earlier" in said(result)
    got = items(fake_cli["config"])
    assert len(got) == 1500 and len({i["task_id"] for i in got}) == 1500  # none lost, none twice
    assert len({i["run_id"] for i in got}) == 1


def test_reviewer_corrects_while_a_batch_runs_in_another_process(fake_cli):
    tasks = write_tasks(fake_cli["tmp"] / "tasks.jsonl", 1500)
    proc = _start_batch(fake_cli, tasks)
    try:
        _wait_for(lambda: _done(fake_cli["home"]) >= 5)
        first = items(fake_cli["config"])[0]
        result = cli("review", "correct", first["id"], "Always give shipping times in business days.",
                     "--reviewer", "ana", config=fake_cli["config"])
        assert result.exit_code == 0, result.output
        assert "queued: another alhf process holds the memory" in said(result)
        assert proc.wait(timeout=120) == 0
    finally:
        proc.kill()
    [decision] = json.loads(cli("review", "show", first["id"], "--json", config=fake_cli["config"]).output)["decisions"]
    assert decision["learn_status"] == "learned" and decision["components"] == ["writer"]
    conn = sqlite3.connect(fake_cli["home"] / "alhf.db")
    learned_at = conn.execute("SELECT processed_at FROM learning_inbox").fetchone()[0]
    rows = conn.execute("SELECT t.started_at, i.lessons_applied FROM tasks t JOIN review_items i "
                        "ON i.run_id = t.run_id AND i.task_id = t.task_id").fetchall()
    after = [json.loads(applied) for started, applied in rows if started > learned_at]
    before = [json.loads(applied) for started, applied in rows if started < learned_at]
    assert after and all(a and a[0]["component"] == "writer" for a in after)
    assert before and not any(before)


def test_four_workers_lose_no_task(fake_cli):
    """Regression: two SQLite connections in one process stalled 4-worker runs for 30 s and failed
    tasks with 'database is locked' (about one run in three)."""
    for attempt in range(2):
        tasks = write_tasks(fake_cli["tmp"] / f"tasks{attempt}.jsonl", 300)
        result = cli("batch", "run", str(tasks), "--workers", "4", config=fake_cli["config"])
        assert result.exit_code == 0, result.output
        assert "300 done, 0 failed" in said(result)

"""`alhf batch run --engine ray` on a small local Ray cluster, reading the memory of a running `alhf serve`:
a driver killed with -9 and a Ray worker killed with -9 lose and duplicate nothing, the driver records every
turn, and the workers apply what the server's memory holds. Skipped without Ray (CI installs it)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest

pytest.importorskip("ray", reason="the Ray engine needs Ray: pip install -e '.[ray]' (CI installs it)")
pytest.importorskip("fastapi", reason="the shared memory here is `alhf serve`: pip install -e '.[serve]'")

from tests.helpers import cli, said, write_tasks  # noqa: E402
from tests.workflows.server.conftest import REQUESTS, TAUGHT, seed  # noqa: E402
from tests.workflows.server.test_serve_cli import free_port, start_server, wait_for_server_file  # noqa: E402
from workflows.review.queue import ReviewQueue  # noqa: E402
from workflows.review.ray_engine import stop_local_cluster  # noqa: E402
from workflows.traces.store import TraceStore  # noqa: E402

TASKS = 60


@pytest.fixture
def ray_tmp() -> Iterator[str]:
    """This test's Ray temp dir (RAY_TMPDIR): short, since Ray's socket paths live under it."""
    path = tempfile.mkdtemp(prefix="alhfray", dir="/tmp")
    yield path
    stop_local_cluster(path)
    shutil.rmtree(path, ignore_errors=True)


def _ray_workers(ray_tmp: str) -> list[int]:
    """Pids of this test's Ray actor processes (their title names the actor class; their environment
    names this test's Ray temp dir, so other clusters on the machine are left alone)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"ray::BatchWorker" in (entry / "cmdline").read_bytes() and \
                    f"RAY_TMPDIR={ray_tmp}".encode() in (entry / "environ").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def _batch(config: Path, token: str, tasks: Path, ray_tmp: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ALHF_TOKEN": token, "RAY_TMPDIR": ray_tmp}
    return subprocess.Popen([sys.executable, "-m", "workflows", "batch", "run", str(tasks), "--engine", "ray",
                             "--workers", "2", "--config", str(config)], env=env, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(done: int, queue: ReviewQueue, tasks: Path, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while True:
        run = queue.latest_run_for(str(tasks.resolve()))
        if run and queue.count_items(run_id=run["id"]) >= done:
            return
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"fewer than {done} items in {seconds} s"
        time.sleep(0.2)


def test_a_ray_run_survives_a_killed_driver_and_a_killed_worker_and_reads_the_servers_memory(fake_cli: dict, ray_tmp: str):
    config, home = fake_cli["config"], fake_cli["home"]
    config.write_text("model: {provider: fake, fake_delay_ms: 40}\nmemory: {embedder: hashing}\n"
                      "governance: {people: {tester: admin}}\n")
    seed(config, fake_cli["tmp"], teach=True)  # ana taught the express shipping lesson
    token = said(cli("users", "token", "ana", config=config)).strip()
    tasks = write_tasks(fake_cli["tmp"] / "ray-tasks.jsonl", TASKS, REQUESTS[0][:-1] + " (case {i})?")
    queue = ReviewQueue(home / "alhf.db")
    server = start_server(config, free_port())
    processes = [server]
    try:
        wait_for_server_file(home, server)
        driver = _batch(config, token, tasks, ray_tmp)
        processes.append(driver)
        _wait_for(5, queue, tasks, driver)
        driver.send_signal(signal.SIGKILL)  # the driver dies mid-run: its cluster with it
        driver.communicate(timeout=60)
        stop_local_cluster(ray_tmp)

        again = _batch(config, token, tasks, ray_tmp)
        processes.append(again)
        deadline = time.monotonic() + 180
        while not _ray_workers(ray_tmp):
            assert again.poll() is None and time.monotonic() < deadline, "no Ray worker started"
            time.sleep(0.2)
        done_before = queue.count_items(run_id=queue.latest_run_for(str(tasks.resolve()))["id"])
        _wait_for(done_before + 3, queue, tasks, again)
        os.kill(_ray_workers(ray_tmp)[0], signal.SIGKILL)  # a worker dies mid-task: Ray restarts it and retries
        out, errors = again.communicate(timeout=300)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.communicate(timeout=60)
        stop_local_cluster(ray_tmp)
    assert again.returncode == 0, out + errors
    assert "finished" in out and "answered on" in out and "Ray worker(s)" in out

    run = queue.latest_run_for(str(tasks.resolve()))
    items = queue.items(run_id=run["id"], limit=10 * TASKS)
    assert len(items) == TASKS and len({i.task_id for i in items}) == TASKS  # nothing lost, nothing twice
    assert queue.task_counts(run["id"]) == {"done": TASKS}
    assert all(TAUGHT in [lesson["text"] for lesson in item.lessons_applied] for item in items)
    traces = TraceStore(home / "alhf.db")
    assert all(traces.turn(item.turn_id) for item in items)  # the driver recorded every worker's turn
    assert all(traces.spans(item.turn_id) for item in items[:5])
    traces.close()
    queue.close()

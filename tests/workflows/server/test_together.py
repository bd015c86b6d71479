"""Issue 14's target: with `alhf serve` running, a batch (4 workers), an open chat, a reviewer correcting in
the browser and `alhf memory list` all work at once; nothing is lost or duplicated and the correction
reaches the tasks started after it. Every command is a real process; the reviewer is Debian's chromium."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


from tests.helpers import cli, said
from tests.workflows.server.conftest import REQUESTS, seed
from tests.workflows.server.test_browser import _page, _sign_in, browser  # noqa: F401 - the fixture
from tests.workflows.server.test_browser import pytestmark  # noqa: F401 - skipped like the browser tests without chromium
from tests.workflows.server.test_serve_cli import free_port, start_server, wait_for_server_file
from workflows.review.queue import ReviewQueue

CORRECTION = "Express shipping takes 2 business days, not 5."
BATCH_A = 160  # tasks: with 4 workers and 60 ms per model call it outlasts everything else started meanwhile


def _tasks(path: Path, requests: list[str]) -> Path:
    path.write_text("".join(json.dumps({"id": f"t{n}", "request": r}) + "\n" for n, r in enumerate(requests)))
    return path


def _alhf(config: Path, token: str, *args: str, interactive: bool = False) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ALHF_TOKEN": token}
    return subprocess.Popen([sys.executable, "-m", "workflows", *args, "--config", str(config)], env=env, text=True,
                            stdin=subprocess.PIPE if interactive else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(process: subprocess.Popen, seconds: float = 240) -> tuple[int, str]:
    out, errors = process.communicate(timeout=seconds)
    return process.returncode, out + errors


def test_batch_chat_browser_review_and_memory_list_at_once(fake_cli: dict, browser):  # noqa: F811 - fixture
    config, home, tmp = fake_cli["config"], fake_cli["home"], fake_cli["tmp"]
    config.write_text("model: {provider: fake, fake_delay_ms: 60}\nmemory: {embedder: hashing}\n"
                      "governance: {people: {tester: admin}}\nserver: {inbox_poll_seconds: 0.5}\n")
    seed(config, tmp)  # a finished run to review, and the accounts ana (admin), rita (reviewer), ...
    ana = said(cli("users", "token", "ana", config=config)).strip()
    queue = ReviewQueue(home / "alhf.db")
    to_correct = next(i for i in queue.items() if i.request == REQUESTS[0])
    server = start_server(config, free_port())
    processes: list[subprocess.Popen] = []
    try:
        url = wait_for_server_file(home, server)["url"]
        page = _page(browser, url)
        _sign_in(page, "rita")
        page.wait_for_url("**/queue")

        tasks_a = _tasks(tmp / "a.jsonl", [REQUESTS[n % 4] + f" (case {n})" for n in range(BATCH_A)])
        batch_a = _alhf(config, ana, "batch", "run", str(tasks_a), "--workers", "4")
        chat = _alhf(config, ana, "chat", "--mode", "terminate", interactive=True)
        processes += [batch_a, chat]
        deadline = time.monotonic() + 120
        while not queue.items(run_id=(queue.latest_run_for(str(tasks_a.resolve())) or {}).get("id", "-")):
            assert batch_a.poll() is None and time.monotonic() < deadline, "batch A produced nothing"
            time.sleep(0.2)

        # while batch A answers: the reviewer corrects in the browser, then memory list and the chat run
        page.goto(f"{url}/items/{to_correct.id}")
        page.keyboard.press("c")
        page.keyboard.type(CORRECTION)
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("#flash")
        assert "learned into" in page.locator("#flash").inner_text()
        listed = _alhf(config, ana, "memory", "list", "--json")  # started after the lesson landed: it must list it
        processes.append(listed)
        chat.stdin.write(f"{REQUESTS[1]}\n\n{REQUESTS[0]}\n\n/quit\n")
        chat.stdin.flush()
        assert batch_a.poll() is None, "batch A ended before the correction: nothing ran at once"

        tasks_b = _tasks(tmp / "b.jsonl", [REQUESTS[0], REQUESTS[0].replace("How long", "How many days")])
        batch_b = _alhf(config, ana, "batch", "run", str(tasks_b), "--workers", "2")
        processes.append(batch_b)
        chat_code, chat_said = _finish(chat)
        list_code, list_said = _finish(listed)
        b_code, b_said = _finish(batch_b)
        a_code, a_said = _finish(batch_a)
    finally:
        for process in [*processes, server]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*processes, server]:
            try:
                process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    assert server.returncode == 0
    for code, output in ((chat_code, chat_said), (list_code, list_said), (b_code, b_said), (a_code, a_said)):
        assert code == 0, output
        assert "in use by another" not in output and "Traceback" not in output
    assert "user ana" in chat_said and chat_said.count("(test model) Answer to:") >= 2

    run_a = queue.latest_run_for(str(tasks_a.resolve()))
    items_a = queue.items(run_id=run_a["id"], limit=10 * BATCH_A)
    assert len(items_a) == BATCH_A and len({i.task_id for i in items_a}) == BATCH_A  # nothing lost or duplicated
    assert queue.task_counts(run_a["id"]) == {"done": BATCH_A}

    decision = queue.decisions(to_correct.id)[0]
    assert decision["reviewer"] == "rita" and decision["learn_status"] == "learned" and decision["lesson_ids"]
    items_b = queue.items(run_id=queue.latest_run_for(str(tasks_b.resolve()))["id"])
    assert len(items_b) == 2
    for item in items_b:  # started after the correction: both apply it
        assert CORRECTION in [lesson["text"] for lesson in item.lessons_applied], item
    assert any(lesson["author"] == "rita" for lesson in json.loads(list_said[list_said.index("["):]))
    queue.close()

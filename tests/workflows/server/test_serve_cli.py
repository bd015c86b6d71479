"""`alhf serve` as a real process (uvicorn on 127.0.0.1): the server file, /health, one owner of the store,
a clean stop on SIGTERM; `alhf users` managing accounts."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.helpers import cli, said
from tests.workflows.server.conftest import PASSWORD
from workflows.server.owner import SERVER_FILE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(config: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-m", "workflows", "serve", "--port", str(port), "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def wait_for_server_file(home: Path, process: subprocess.Popen, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (home / SERVER_FILE).is_file():
            return json.loads((home / SERVER_FILE).read_text())
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {process.communicate()}")
        time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not start in time")


@contextmanager
def serving(config: Path, home: Path) -> Iterator[dict]:
    """`alhf serve` in its own process for the block (yields its server file), stopped with SIGTERM after it,
    which must end it cleanly."""
    server = start_server(config, free_port())
    try:
        yield wait_for_server_file(home, server)
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0


def test_serve_announces_itself_owns_the_store_and_stops_cleanly(fake_cli: dict):
    home, port = fake_cli["home"], free_port()
    server = start_server(fake_cli["config"], port)
    try:
        info = wait_for_server_file(home, server)
        assert info["url"] == f"http://127.0.0.1:{port}" and info["pid"] == server.pid
        with urllib.request.urlopen(f"{info['url']}/health", timeout=10) as response:
            assert json.loads(response.read()) == {"status": "ok", "owns_store": True}
        second = cli("serve", "--port", str(free_port()), config=fake_cli["config"])
        assert second.exit_code == 2 and "A server already owns" in said(second)
        server.send_signal(signal.SIGTERM)
        out, errors = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, errors
    assert "stopped" in out and not (home / SERVER_FILE).exists()


def test_a_stale_server_file_is_noticed_and_replaced(fake_cli: dict):
    home, port = fake_cli["home"], free_port()
    home.mkdir(parents=True, exist_ok=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (home / SERVER_FILE).write_text(json.dumps({"pid": dead.pid, "host": "127.0.0.1", "port": 1, "url": "x"}))
    server = start_server(fake_cli["config"], port)
    try:
        deadline = time.monotonic() + 60
        while json.loads((home / SERVER_FILE).read_text())["pid"] != server.pid and time.monotonic() < deadline:
            assert server.poll() is None, server.communicate()
            time.sleep(0.2)
        assert json.loads((home / SERVER_FILE).read_text())["port"] == port
        server.send_signal(signal.SIGINT)
        _, errors = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert f"left by pid {dead.pid}" in errors


def test_a_port_in_use_is_one_line(fake_cli: dict):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port), config=fake_cli["config"])
    assert result.exit_code == 2 and f"Cannot listen on 127.0.0.1:{port}" in said(result)


def test_users_add_hashes_the_password_and_refuses_bad_input(fake_cli: dict):
    config = fake_cli["config"]
    added = cli("users", "add", "ana", "--role", "admin", "--password-stdin", config=config, input=PASSWORD + "\n")
    assert added.exit_code == 0 and "account ana added (admin)" in said(added)
    assert said(cli("users", "list", config=config)).split() == ["ana", "admin"]
    again = cli("users", "add", "ana", "--role", "admin", "--password-stdin", config=config, input=PASSWORD + "\n")
    assert again.exit_code == 2 and "exists" in said(again)
    bad_role = cli("users", "add", "bo", "--role", "boss", "--password-stdin", config=config, input="x" * 12)
    assert bad_role.exit_code == 2 and "Unknown role 'boss'" in said(bad_role)
    short = cli("users", "add", "bo", "--role", "viewer", "--password-stdin", config=config, input="short\n")
    assert short.exit_code == 2 and "at least 8 characters" in said(short)
    db = (fake_cli["home"] / "alhf.db").read_bytes()
    assert PASSWORD.encode() not in db and b"$argon2id$" in db
    token = said(cli("users", "token", "ana", config=config)).strip()
    assert token.startswith("alhf_") and token.encode() not in (fake_cli["home"] / "alhf.db").read_bytes()


def test_while_serving_other_commands_name_the_server_and_corrections_reach_it(fake_cli: dict):
    from tests.workflows.server.conftest import seed
    from workflows.review.queue import ReviewQueue

    config = fake_cli["config"]
    config.write_text(config.read_text() + "server: {inbox_poll_seconds: 0.5}\n")
    seed(config, fake_cli["tmp"])
    with serving(config, fake_cli["home"]) as info:
        listed = cli("memory", "list", config=config)
        assert listed.exit_code == 2 and "`alhf serve` owns the memory" in said(listed) and info["url"] in said(listed)
        queue = ReviewQueue(fake_cli["home"] / "alhf.db")
        item = queue.items(status="pending")[0].id
        corrected = cli("review", "correct", item, "Express shipping takes 2 business days, not 5.", config=config)
        assert corrected.exit_code == 0 and f"`alhf serve` ({info['url']}) owns the memory" in said(corrected)
        deadline = time.monotonic() + 30
        while queue.decisions(item)[0]["learn_status"] != "learned" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert queue.decisions(item)[0]["learn_status"] == "learned" and queue.decisions(item)[0]["lesson_ids"]
        queue.close()


def test_memory_list_goes_through_the_running_server_with_a_token(fake_cli: dict, monkeypatch):
    from tests.workflows.server.conftest import seed

    config = fake_cli["config"]
    seed(config, fake_cli["tmp"], teach=True)
    token = said(cli("users", "token", "rita", config=config)).strip()
    with serving(config, fake_cli["home"]) as info:
        no_token = cli("memory", "list", config=config)
        assert no_token.exit_code == 2 and "set ALHF_TOKEN" in said(no_token) and info["url"] in said(no_token)
        monkeypatch.setenv("ALHF_TOKEN", "wrong")
        refused = cli("memory", "list", config=config)
        assert refused.exit_code == 2 and "refused: Unknown API token" in said(refused)
        monkeypatch.setenv("ALHF_TOKEN", token)
        listed = cli("memory", "list", "--json", "--author", "ana", config=config)
        assert listed.exit_code == 0, listed.output
        [lesson] = json.loads(listed.output)
        assert lesson["author"] == "ana" and lesson["status"] == "active"


def test_chat_ask_and_memory_go_through_the_server_as_the_tokens_account(fake_cli: dict, monkeypatch):
    from tests.workflows.server.conftest import REQUESTS, seed

    config = fake_cli["config"]
    seed(config, fake_cli["tmp"])
    token = said(cli("users", "token", "rita", config=config)).strip()
    with serving(config, fake_cli["home"]) as info:
        without = cli("ask", REQUESTS[0], config=config)
        assert without.exit_code == 2 and "set ALHF_TOKEN" in said(without) and info["url"] in said(without)
        monkeypatch.setenv("ALHF_TOKEN", token)
        taught = "Express shipping takes 2 business days; never promise next-day delivery."
        chat = cli("chat", "--mode", "terminate", config=config, input=f"{REQUESTS[0]}\n{taught}\n\n/quit\n")
        assert chat.exit_code == 0, chat.output
        assert "user rita" in said(chat) and "Learned -> writer memory" in said(chat)
        [lesson] = json.loads(cli("memory", "list", "--json", config=config).output)
        assert lesson["author"] == "rita" and lesson["text"] == taught  # the server learned it, as rita
        asked = cli("ask", REQUESTS[0], "--json", config=config)
        answer, _ = json.JSONDecoder().raw_decode(asked.output[asked.output.index("{\n"):])  # after the log line
        assert asked.exit_code == 0 and lesson["id"] in [d["lesson_id"] for d in answer["gate"] if d["passed"]]
        other = cli("ask", REQUESTS[0], "--user", "ana", config=config)
        assert other.exit_code == 2 and "account of $ALHF_TOKEN (rita), not ana" in said(other)
        edit = cli("memory", "edit", lesson["id"], "--text", "x", config=config)
        assert edit.exit_code == 2 and f"`alhf serve` ({info['url']}) owns this memory" in said(edit)
        assert cli("memory", "forget", lesson["id"], config=config).exit_code == 0  # her own lesson, via the API
        [gone] = json.loads(cli("memory", "list", "--json", config=config).output)
        assert gone["status"] == "forgotten"


def test_what_the_server_acknowledged_survives_a_kill_9(fake_cli: dict):
    from tests.workflows.server.conftest import seed
    from workflows.config import load_config
    from workflows.review.queue import ReviewQueue
    from workflows.runtime import Runtime

    config = fake_cli["config"]
    seed(config, fake_cli["tmp"])
    token = said(cli("users", "token", "rita", config=config)).strip()
    queue = ReviewQueue(fake_cli["home"] / "alhf.db")
    item = queue.items(status="pending")[0].id
    server = start_server(config, free_port())
    try:
        info = wait_for_server_file(fake_cli["home"], server)
        body = json.dumps({"verdict": "correct", "correction": "Express shipping takes 2 business days, not 5."})
        request = urllib.request.Request(f"{info['url']}/api/items/{item}/decision", data=body.encode(), method="POST",
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            acknowledged = json.loads(response.read())
        assert any("learned into" in line for line in acknowledged["learned"])
        server.send_signal(signal.SIGKILL)  # no clean stop: nothing flushed after the answer
        server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    [decision] = queue.decisions(item)
    assert decision["id"] == acknowledged["decision_id"] and decision["learn_status"] == "learned"
    runtime = Runtime.open(load_config(config))  # the stale server file is noticed: the store opens embedded
    try:
        assert {lesson.id for lesson in runtime.store.list_lessons()} == set(decision["lesson_ids"])
    finally:
        runtime.close()
    queue.close()


def test_the_server_file_waits_for_the_port(tmp_path: Path):
    """uvicorn starts the app before it listens: a command that read the file at once was refused (a full run under
    load, 2026-12-08). The file appears only once the port accepts connections."""
    import asyncio

    from workflows.server.app import _announce_when_listening

    port = free_port()
    seen_before_listening: list[bool] = []

    async def scenario() -> None:
        announcing = asyncio.create_task(_announce_when_listening(tmp_path, "127.0.0.1", port))
        await asyncio.sleep(0.3)
        seen_before_listening.append((tmp_path / SERVER_FILE).is_file())
        server = await asyncio.start_server(lambda reader, writer: writer.close(), "127.0.0.1", port)
        async with server:
            await asyncio.wait_for(announcing, 10)

    asyncio.run(scenario())
    assert seen_before_listening == [False]
    assert json.loads((tmp_path / SERVER_FILE).read_text())["url"].endswith(f":{port}")

"""Stopping the server lets a write in flight finish: the request gets its answer, the decision and its
lesson are stored, and only then is the runtime closed."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from tests.workflows.server.conftest import PASSWORD, seed


def test_a_correction_in_flight_when_the_server_stops_is_finished_and_kept(fake_cli: dict, monkeypatch):
    import uvicorn

    from workflows.config import load_config
    from workflows.review.queue import ReviewQueue
    from workflows.server.app import create_app
    from workflows.turn import assistant as assistant_module

    seed(fake_cli["config"], fake_cli["tmp"])
    learning_started = threading.Event()
    real_learn = assistant_module.Assistant.learn

    def slow_learn(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        learning_started.set()
        time.sleep(1.5)  # a slow model: the stop request arrives meanwhile
        return real_learn(self, *args, **kwargs)

    monkeypatch.setattr(assistant_module.Assistant, "learn", slow_learn)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(load_config(fake_cli["config"]))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/login")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf})
        item = client.get("/api/items").json()["items"][0]["id"]
        session_csrf = client.get("/queue").text.split('name="csrf" value="')[1].split('"')[0]
        headers = {"X-CSRF-Token": session_csrf}
        answer: dict = {}

        def correct() -> None:
            answer["response"] = client.post(f"/api/items/{item}/decision", headers=headers, json={
                "verdict": "correct", "correction": "Express shipping takes 2 business days, not 5."})

        writer = threading.Thread(target=correct)
        writer.start()
        assert learning_started.wait(30)
        server.should_exit = True  # what Ctrl-C or SIGTERM does
        writer.join(timeout=60)
        thread.join(timeout=60)
    assert not thread.is_alive()
    response = answer["response"]
    assert response.status_code == 200 and any("learned into" in line for line in response.json()["learned"])
    queue = ReviewQueue(fake_cli["home"] / "alhf.db")
    try:
        [decision] = queue.decisions(item)
        assert decision["learn_status"] == "learned" and decision["lesson_ids"]
    finally:
        queue.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/health", timeout=2)

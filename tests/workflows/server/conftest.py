"""A data dir with a finished batch run (fake model) and four accounts, and an app that owns it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("fastapi", reason="the server tests need the serve extra: pip install -e '.[serve]'")

from fastapi.testclient import TestClient  # noqa: E402

from workflows.config import load_config  # noqa: E402
from workflows.review.batch import BatchRunner  # noqa: E402
from workflows.runtime import Runtime  # noqa: E402
from workflows.server.accounts import Accounts  # noqa: E402
from workflows.server.app import create_app  # noqa: E402

PASSWORD = "correct horse battery"
ACCOUNTS = {"ana": "admin", "rita": "reviewer", "cory": "contributor", "vic": "viewer"}
REQUESTS = ["How long does express shipping take?", "What was our total revenue in Q1 2024?",
            "Can a customer get a refund three weeks after buying?", "Which carrier do we use for Canada?"]


TAUGHT = "Express shipping takes 2 business days; never promise next-day delivery."


def seed(home_config: Path, tmp: Path, requests: list[str] = REQUESTS, *, teach: bool = False) -> None:
    """Answer `requests` in a batch run (fake model) and add the accounts, as `alhf batch run` and
    `alhf users add` would. `teach`: ana corrects a turn on the first request first, so the batch's
    answer to it applies her lesson."""
    config = load_config(home_config)
    tasks = tmp / "tasks.jsonl"
    tasks.write_text("".join(json.dumps({"id": f"q{n}", "request": r}) + "\n" for n, r in enumerate(requests, 1)))
    runtime = Runtime.open(config)
    try:
        llm = runtime.llm()
        if teach:
            assistant = runtime.assistant(llm, user="ana")
            assistant.learn(TAUGHT, assistant.run_turn(requests[0]), author="ana")
        runner = BatchRunner(runtime.review_queue(), lambda: runtime.assistant(llm, user="batch"), template="standard")
        runner.run(tasks)
        accounts = Accounts(runtime.review_queue().conn, config.governance)
        for name, role in ACCOUNTS.items():
            accounts.add(name, role, PASSWORD)
    finally:
        runtime.close()


@pytest.fixture
def seeded(fake_cli: dict) -> dict:
    seed(fake_cli["config"], fake_cli["tmp"])
    return fake_cli


@pytest.fixture
def taught(fake_cli: dict) -> dict:
    seed(fake_cli["config"], fake_cli["tmp"], teach=True)
    return fake_cli


@pytest.fixture
def client(seeded: dict) -> Iterator[TestClient]:
    app = create_app(load_config(seeded["config"]))
    with TestClient(app) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf": token, "next": "/queue"})


def api_headers(client: TestClient) -> dict[str, str]:
    """The CSRF header a cookie-authenticated API write needs (from any page of the signed-in session)."""
    return {"X-CSRF-Token": csrf_of(client.get("/queue").text)}

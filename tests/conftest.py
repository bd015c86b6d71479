"""Test fixtures. No test may call a real model: LlamaCppModelClient.create is disabled for the suite
(tests marked `slow` opt in), as pydantic-ai's ALLOW_MODEL_REQUESTS does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import structlog

from agents.local_model import LlamaCppModelClient

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    monkeypatch.setenv("ALHF_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("ALHF_CONFIG", raising=False)
    monkeypatch.delenv("ALHF_USER", raising=False)
    monkeypatch.chdir(tmp_path)  # so ./config.yaml of the repo is not picked up by accident
    request.addfinalizer(structlog.reset_defaults)
    monkeypatch.setattr("workflows.governance.identity.os_user", lambda: "tester")  # the OS account running alhf
    if "slow" not in request.keywords:
        def forbidden(self, params):  # noqa: ANN001
            raise AssertionError("a test called the real local model; use provider: fake or mark it slow")
        monkeypatch.setattr(LlamaCppModelClient, "create", forbidden)


@pytest.fixture(scope="session")
def minilm(tmp_path_factory: pytest.TempPathFactory):
    """The real offline embedding model, loaded once for the session."""
    from memory.embedding import MiniLMEmbedder

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return MiniLMEmbedder(tmp_path_factory.mktemp("minilm"))


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("shared/ is not beside the project")
    return SHARED


@pytest.fixture
def fake_cli(tmp_path: Path) -> dict:
    """A config on the fake model and the hashing embedder (tester, the OS account, is an admin), and the data
    dir the tests isolate."""
    config = tmp_path / "config.yaml"
    config.write_text("model: {provider: fake}\nmemory: {embedder: hashing}\ngovernance: {people: {tester: admin}}\n")
    return {"config": config, "home": Path(os.environ["ALHF_HOME"]), "tmp": tmp_path}

import hashlib
from pathlib import Path

import pytest

from agents import local_model
from agents.local_model import ModelNotFoundError, PackagedModel, ensure_packaged_gguf


def _fake_model(tmp_path: Path, payload: bytes, parts: int, sha: str) -> PackagedModel:
    chunks = [payload[i::parts] for i in range(parts)]  # any split; joined in order below
    files = []
    for index, chunk in enumerate(chunks, 1):
        f = tmp_path / f"part{index:02d}.bin"
        f.write_bytes(chunk)
        files.append(f)
    model = PackagedModel("m.gguf", "nothing_here", parts, sum(map(len, chunks)), sha)
    model.part_paths = lambda: files  # type: ignore[method-assign]
    return model


def test_packaged_model_is_joined_and_verified(tmp_path: Path):
    model = _fake_model(tmp_path, b"abcdefgh" * 1000, 3, "")
    joined = b"".join(p.read_bytes() for p in model.part_paths())
    model.sha256 = hashlib.sha256(joined).hexdigest()
    path = ensure_packaged_gguf(tmp_path / "models", model)
    assert path.read_bytes() == joined


def test_corrupt_chunks_leave_nothing_behind(tmp_path: Path):
    model = _fake_model(tmp_path, b"x" * 100, 2, "0" * 64)
    with pytest.raises(ModelNotFoundError, match="reinstall"):
        ensure_packaged_gguf(tmp_path / "models", model)
    assert list((tmp_path / "models").iterdir()) == []


def test_missing_model_package_says_how_to_install(tmp_path: Path):
    model = PackagedModel("m.gguf", "alhf_missing_chunk_part", 2, 10, "0" * 64)
    with pytest.raises(ModelNotFoundError, match="scripts/install.sh"):
        ensure_packaged_gguf(tmp_path, model)


@pytest.mark.slow
def test_real_local_model_routes_a_dialect_correction(tmp_path: Path, minilm):
    """Opt-in (-m slow): the packaged Qwen model, through llama.cpp, routes and generalises a correction."""
    from agents.llm import LLM
    from agents.router import FeedbackRouterAgent, TurnEvidence
    from agents.settings import ModelSettings

    llm = LLM(ModelSettings(), Path.home() / ".local/share/alhf/models")
    router = FeedbackRouterAgent(llm, ["pg-dates", "mysql-dates"], ["sql", "calculator"])
    routing = router.route("We are on PostgreSQL. Use EXTRACT(WEEK FROM col), never WEEKOFYEAR().",
                           TurnEvidence("How do I get the week number of a date in SQL?", "Use WEEKOFYEAR(d)."),
                           author="ana")
    assert [c.value for c in routing.components] == ["writer"] and not routing.fallback
    assert local_model._LLAMAS  # the shared instance was used

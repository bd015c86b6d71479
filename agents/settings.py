"""Model settings: which LLM every agent talks to. Built into clients only by `agents.llm`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ModelSettings"]


class ModelSettings(BaseModel):
    """`local`: llama.cpp in-process on a GGUF file (the packaged Qwen2.5-Coder-1.5B by default).
    `openai`: any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama_cpp.server).
    `fake`: the deterministic test model shipped in `agents.fake_model` (no text quality at all).
    """

    model_config = ConfigDict(extra="forbid")

    provider: Literal["local", "openai", "fake"] = "local"
    gguf_path: Path | None = Field(None, description="a GGUF file; unset means the packaged Qwen2.5-Coder-1.5B")
    n_ctx: int = Field(4096, ge=512, le=131072)
    threads: int = Field(2, ge=1, le=256)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(320, ge=16, le=8192)
    seed: int = 0
    prompt_cache: Literal["per_role", "ram", "off"] = Field(
        "per_role", description="reuse what the local model already read: per_role keeps one model context per "
        "agent role, so each role's fixed prompt prefix stays evaluated; ram keeps one context and a RAM cache of "
        "prompt states; off re-reads every prompt (bench/bench_llm.py measures them)")
    fake_delay_ms: int = Field(0, ge=0, le=60_000, description="fake provider only: each call waits this long, "
                               "standing in for a model server's latency (benchmarks, scale-out simulations)")
    model: str = Field("gpt-4o-mini", description="model name for the openai provider")
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    api_type: Literal["openai", "azure"] = "openai"
    api_version: str | None = None

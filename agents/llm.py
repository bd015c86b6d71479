"""The only place model clients and llm_config are built.

    >>> from agents.settings import ModelSettings
    >>> llm = LLM(ModelSettings(provider="fake"), models_dir=Path("/tmp"))
    >>> llm.llm_config("writer")["config_list"][0]["model_client_cls"]
    'ScriptedModelClient'
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Callable

from autogen import ConversableAgent

from memory.errors import AlhfError

from agents.fake_model import ModelScript, ScriptedModelClient
from agents.local_model import LlamaCppModelClient, ensure_packaged_gguf
from agents.settings import ModelSettings

__all__ = ["LLM"]

# AG2 logs an INFO line for every custom client until it is registered; that is expected here.
logging.getLogger("autogen.oai.client").setLevel(logging.WARNING)


class LLM:
    """Turns `ModelSettings` into llm_config dicts and registers custom clients on agents."""

    def __init__(
        self,
        settings: ModelSettings,
        models_dir: Path,
        *,
        script: ModelScript | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.settings = settings
        self.script = script
        self._model_path: Path | None = None
        if settings.provider == "local":
            self._model_path = settings.gguf_path or ensure_packaged_gguf(models_dir, progress=progress)
            if not self._model_path.is_file():
                raise AlhfError(f"model.gguf_path {self._model_path} does not exist: fix it in config.yaml.")

    @property
    def is_fake(self) -> bool:
        return self.settings.provider == "fake"

    @property
    def description(self) -> str:
        if self.settings.provider == "local":
            return f"local llama.cpp: {self._model_path.name if self._model_path else '?'}"
        if self.settings.provider == "openai":
            return f"openai-compatible: {self.settings.model}"
        return "fake test model"

    def llm_config(
        self, role: str, *, json_output: bool = False, json_schema: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """`json_output`: reply is a JSON object; `json_schema`: and it follows this schema (local models
        enforce it with a grammar; OpenAI-compatible servers get json_object mode)."""
        json_output = json_output or json_schema is not None
        s = self.settings
        entry: dict[str, Any]
        if s.provider == "openai":
            key = os.environ.get(s.api_key_env)
            if not key:
                raise AlhfError(f"No API key: set the environment variable {s.api_key_env} (model.api_key_env).")
            entry = {"model": s.model, "api_key": key, "api_type": s.api_type}
            if s.base_url:
                entry["base_url"] = s.base_url
            if s.api_version:
                entry["api_version"] = s.api_version
            if json_output:
                entry["response_format"] = {"type": "json_object"}
            return {"config_list": [entry], "temperature": s.temperature, "cache_seed": None}
        client_cls = LlamaCppModelClient if s.provider == "local" else ScriptedModelClient
        entry = {"model": s.provider, "model_client_cls": client_cls.__name__, "agent_role": role}
        if json_output:
            entry["json_output"] = True
        if json_schema is not None:
            entry["json_schema"] = json_schema
        return {"config_list": [entry], "cache_seed": None}

    def attach(self, agent: ConversableAgent) -> None:
        """Register the custom client on an agent built with `llm_config(...)`."""
        s = self.settings
        if s.provider == "local":
            agent.register_model_client(
                LlamaCppModelClient,
                model_path=str(self._model_path),
                n_ctx=s.n_ctx,
                threads=s.threads,
                seed=s.seed,
                temperature=s.temperature,
                max_tokens=s.max_tokens,
                prompt_cache=s.prompt_cache,
            )
        elif s.provider == "fake":
            agent.register_model_client(ScriptedModelClient, script=self.script, delay_s=s.fake_delay_ms / 1000)

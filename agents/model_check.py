"""One question to the configured model with a JSON-schema reply: the base of the gate's model checks
(agents/scope_judge.py, agents/data_question.py)."""

from __future__ import annotations

from typing import Any

from agents.json_reply import parse_json_object
from agents.llm import LLM
from agents.model_agent import ModelAgent

__all__ = ["ModelCheck"]


class ModelCheck:
    """An agent named `name` that answers `prompt`s under `system` with a JSON object following `schema`."""

    def __init__(self, llm: LLM, *, name: str, system: str, schema: dict[str, Any]) -> None:
        self.agent = ModelAgent(name=name, system_message=system, human_input_mode="NEVER",
                                llm_config=llm.llm_config(name, json_schema=schema))
        llm.attach(self.agent)

    def ask(self, prompt: str) -> dict[str, Any]:
        """The reply's JSON object ({} when the reply is unusable)."""
        return parse_json_object(self.agent.complete([{"role": "user", "content": prompt}])) or {}

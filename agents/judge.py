"""LLM-judge evaluators for a finished turn (used only with a real model)."""

from __future__ import annotations

import json

from agents.json_reply import parse_json_object
from agents.llm import LLM
from agents.model_agent import ModelAgent

__all__ = ["JudgeAgent", "JUDGE_CRITERIA"]

JUDGE_CRITERIA = ("intent_resolution", "tool_call_accuracy", "task_adherence", "groundedness")
_SCHEMA = {
    "type": "object",
    "properties": {name: {"type": "integer", "minimum": 1, "maximum": 5} for name in JUDGE_CRITERIA},
    "required": list(JUDGE_CRITERIA),
}
SYSTEM = """You evaluate one turn of an assistant. Score each criterion from 1 (bad) to 5 (excellent):
intent_resolution: did the answer resolve what the user asked;
tool_call_accuracy: were the right tools called with the right arguments (5 if no tool was needed and none ran);
task_adherence: did the answer follow the request's constraints and the team guidance;
groundedness: is every claim supported by the context documents or tool results.
Reply with JSON only."""


class JudgeAgent(ModelAgent):
    def __init__(self, llm: LLM) -> None:
        super().__init__(name="judge", system_message=SYSTEM, human_input_mode="NEVER",
                         llm_config=llm.llm_config("judge", json_schema=_SCHEMA))
        llm.attach(self)

    def judge(self, request: str, answer: str, documents: list[str], tool_calls: list[str]) -> dict[str, int] | None:
        prompt = (f"REQUEST: {request}\nCONTEXT DOCUMENTS: {json.dumps(documents)[:3000]}\n"
                  f"TOOL CALLS AND RESULTS: {json.dumps(tool_calls)[:1500]}\nANSWER: {answer[:1500]}")
        data = parse_json_object(self.complete([{"role": "user", "content": prompt}])) or {}
        scores = {}
        for name in JUDGE_CRITERIA:
            value = data.get(name)
            if isinstance(value, (int, float)) and 1 <= value <= 5:
                scores[name] = int(value)
        return scores if len(scores) == len(JUDGE_CRITERIA) else None

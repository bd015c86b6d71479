"""The gate's second-stage check: the model answers, with a yes/no JSON schema, whether a lesson
applies to a request. The gate calls it only for borderline candidates (memory/gate.py)."""

from __future__ import annotations

from memory.records import Lesson

from agents.llm import LLM
from agents.model_check import ModelCheck

__all__ = ["ScopeJudge", "SCOPE_SCHEMA"]

SCOPE_SYSTEM = """A lesson was learned from a person's correction. Decide whether it applies to a new request: \
it applies only when the request is the kind of request the lesson describes, not when it merely shares some \
words with it. Requests listed under NOT FOR are near misses the lesson must not apply to. \
Reply with JSON: {"applies": true or false}."""
SCOPE_SCHEMA = {"type": "object", "properties": {"applies": {"type": "boolean"}}, "required": ["applies"]}


def scope_prompt(request: str, lesson: Lesson) -> str:
    examples = "; ".join(lesson.trigger_examples[:4]) or "none"
    near = "; ".join(lesson.near_miss_texts()[:4]) or "none"
    return (f"LESSON: {lesson.text}\nAPPLIES TO: {lesson.trigger}\nEXAMPLES: {examples}\nNOT FOR: {near}\n"
            f"REQUEST: {request}")


class ScopeJudge(ModelCheck):
    """A `memory.gate.ScopeCheck` backed by the configured model; None when the reply is unusable."""

    def __init__(self, llm: LLM) -> None:
        super().__init__(llm, name="scope_judge", system=SCOPE_SYSTEM, schema=SCOPE_SCHEMA)

    def __call__(self, request: str, lesson: Lesson) -> bool | None:
        verdict = self.ask(scope_prompt(request, lesson)).get("applies")
        return verdict if isinstance(verdict, bool) else None

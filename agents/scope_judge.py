"""The gate's second-stage check: the model answers, with a yes/no JSON schema, whether a lesson
applies to a request. The gate calls it only for borderline candidates (memory/gate.py)."""

from __future__ import annotations

from memory.records import Component, Lesson

from agents.json_reply import parse_json_object
from agents.llm import LLM
from agents.model_agent import ModelAgent

__all__ = ["ScopeJudge", "SCOPE_SCHEMA"]

SCOPE_SYSTEM = """You decide whether a lesson, learned from a person's correction of an assistant, applies to a new \
request. Answer true only when the new request needs exactly what the lesson is about; sharing a topic, a team or \
some words is not enough. Reply with JSON: {"applies": true or false}."""
SCOPE_SCHEMA = {"type": "object", "properties": {"applies": {"type": "boolean"}}, "required": ["applies"]}
# one concrete question per component: what "the same kind of request" means for what that component does
QUESTIONS = {
    Component.RETRIEVER: "The lesson says which document to use for certain questions. Does the new request ask about "
                         "the subject of that document, so that the lesson decides which document answers it?",
    Component.TOOL_PLANNER: "The lesson says how to compute certain figures or lists from data. Does the new request "
                            "ask for such a figure or list from that same data?",
    Component.WRITER: "The lesson says how to write a certain kind of answer (its form, tone or audience). Does the "
                      "new request ask for that kind of answer?",
}


def scope_prompt(request: str, lesson: Lesson) -> str:
    """The lesson, what it applies to, the request it was learned from, the new request and the question. The
    router's near misses are left out: a small model's near misses are often positives in other words."""
    return (f"LESSON: {lesson.text}\nIT APPLIES TO: {lesson.trigger}\nLEARNED FROM THE REQUEST: {lesson.source_request}\n"
            f"NEW REQUEST: {request}\nQUESTION: {QUESTIONS[lesson.component]}")


class ScopeJudge:
    """A `memory.gate.ScopeCheck` backed by the configured model; None when the reply is unusable."""

    def __init__(self, llm: LLM) -> None:
        self.agent = ModelAgent(name="scope_judge", system_message=SCOPE_SYSTEM, human_input_mode="NEVER",
                                llm_config=llm.llm_config("scope_judge", json_schema=SCOPE_SCHEMA))
        llm.attach(self.agent)

    def __call__(self, request: str, lesson: Lesson) -> bool | None:
        data = parse_json_object(self.agent.complete([{"role": "user", "content": scope_prompt(request, lesson)}]))
        verdict = (data or {}).get("applies")
        return verdict if isinstance(verdict, bool) else None

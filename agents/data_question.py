"""Whether a request asks for figures or records: the model picks what the request asks for among a few kinds
(JSON schema with an enum). The gate asks it before a lesson that sends requests to a data tool applies
(memory/gate.py, `data_check`): such lessons ("count the orders with SQL on the orders table") otherwise reach
requests that only share their words ("sum up what the council decided", "how do I send an invoice").

Measured on the gate's candidates (bench/data_question_probe.py): picking a kind kept every right lesson
and stopped a third of the wrong ones; a yes/no question and "write the SQL or null" stopped fewer, and
showing the tables made the model see data everywhere."""

from __future__ import annotations

from agents.llm import LLM
from agents.model_check import ModelCheck

__all__ = ["DataQuestionJudge", "REQUEST_KINDS", "DATA_KINDS"]

DATA_KINDS = ("a count, total or average computed from records", "a list of records that match")
REQUEST_KINDS = DATA_KINDS + ("a rule, policy, limit or how-to", "writing a message or letter",
                              "an explanation, summary or advice", "something else")
DATA_QUESTION_SYSTEM = "Classify what a request asks for. Reply with JSON: {\"kind\": one of the listed kinds}."
DATA_QUESTION_SCHEMA = {"type": "object", "properties": {"kind": {"type": "string", "enum": list(REQUEST_KINDS)}},
                        "required": ["kind"]}


def data_question_prompt(request: str) -> str:
    return f"KINDS: {'; '.join(REQUEST_KINDS)}\nREQUEST: {request}"


class DataQuestionJudge(ModelCheck):
    """A `memory.gate.DataCheck` backed by the configured model: True when the request asks for figures or
    records, False when it asks for something else, None when the reply is unusable."""

    def __init__(self, llm: LLM) -> None:
        super().__init__(llm, name="data_question", system=DATA_QUESTION_SYSTEM, schema=DATA_QUESTION_SCHEMA)

    def __call__(self, request: str) -> bool | None:
        kind = self.ask(data_question_prompt(request)).get("kind")
        return kind in DATA_KINDS if kind in REQUEST_KINDS else None

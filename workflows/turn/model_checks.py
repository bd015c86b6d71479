"""The relevance gate with the model checks its settings ask for: the borderline scope check
(agents/scope_judge.py) and the data check (agents/data_question.py). One place for the chat, batch
workers and `alhf eval`, so an evaluation measures the gate users get."""

from __future__ import annotations

from agents.data_question import DataQuestionJudge
from agents.llm import LLM
from agents.scope_judge import ScopeJudge
from memory.gate import GateSettings, RelevanceGate

__all__ = ["gate_with_checks"]


def gate_with_checks(settings: GateSettings, llm: LLM) -> RelevanceGate:
    """The fake model has no judgement to give: with it the gate runs without model checks."""
    real = llm.settings.provider != "fake"
    scope = ScopeJudge(llm) if real and settings.second_stage == "model" else None
    data = DataQuestionJudge(llm) if real and settings.data_check == "model" else None
    return RelevanceGate(settings, scope_check=scope, data_check=data)

"""The gate's second-stage check: what the model is asked, and how its reply becomes a verdict."""

from __future__ import annotations

import json
from pathlib import Path

from agents.llm import LLM
from agents.scope_judge import QUESTIONS, ScopeJudge, scope_prompt
from agents.settings import ModelSettings
from memory.records import Component, Lesson

LESSON = Lesson(component=Component.TOOL_PLANNER, text="Count employees with SQL on the employees table, not the newsletter.",
                trigger="Questions asking for headcounts or other figures about employees",
                source_request="How many people work in the sales department?")


def test_the_prompt_asks_the_component_question_about_the_lesson_and_the_request():
    prompt = scope_prompt("How big is the marketing team?", LESSON)
    assert "LESSON: Count employees" in prompt and "IT APPLIES TO: Questions asking for headcounts" in prompt
    assert "LEARNED FROM THE REQUEST: How many people work in the sales department?" in prompt
    assert "NEW REQUEST: How big is the marketing team?" in prompt
    assert QUESTIONS[Component.TOOL_PLANNER] in prompt and QUESTIONS[Component.WRITER] not in prompt


def test_the_verdict_is_the_model_reply_and_none_when_the_reply_is_unusable(tmp_path: Path):
    replies = iter([json.dumps({"applies": True}), json.dumps({"applies": False}), "not json at all"])
    judge = ScopeJudge(LLM(ModelSettings(provider="fake"), tmp_path, script=lambda messages, role: next(replies)))
    assert [judge("How big is the marketing team?", LESSON) for _ in range(3)] == [True, False, None]


def test_the_fake_judge_reads_the_fields_it_is_given(tmp_path: Path):
    judge = ScopeJudge(LLM(ModelSettings(provider="fake"), tmp_path))
    assert judge("How many employees joined the sales department this year?", LESSON) is True
    assert judge("Where is the nearest train station?", LESSON) is False

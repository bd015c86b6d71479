"""The gate's second-stage check: what the model is asked, and how its reply becomes a verdict."""

from __future__ import annotations

import json
from pathlib import Path

from agents.llm import LLM
from agents.scope_judge import ScopeJudge, scope_prompt
from agents.settings import ModelSettings
from memory.records import Component, Lesson

LESSON = Lesson(component=Component.TOOL_PLANNER, text="Count employees with SQL on the employees table, not the newsletter.",
                trigger="Questions asking for headcounts or other figures about employees",
                trigger_examples=["How many people work in the sales department?"],
                negative_examples=["Who should I talk to about joining the sales team?"])


def test_the_prompt_shows_the_lesson_its_examples_its_near_misses_and_the_request():
    prompt = scope_prompt("How big is the marketing team?", LESSON)
    assert "LESSON: Count employees" in prompt and "APPLIES TO: Questions asking for headcounts" in prompt
    assert "EXAMPLES: How many people work in the sales department?" in prompt
    assert "NOT FOR: Who should I talk to about joining the sales team?" in prompt
    assert prompt.endswith("REQUEST: How big is the marketing team?")


def test_the_verdict_is_the_model_reply_and_none_when_the_reply_is_unusable(tmp_path: Path):
    replies = iter([json.dumps({"applies": True}), json.dumps({"applies": False}), "not json at all"])
    judge = ScopeJudge(LLM(ModelSettings(provider="fake"), tmp_path, script=lambda messages, role: next(replies)))
    assert [judge("How big is the marketing team?", LESSON) for _ in range(3)] == [True, False, None]


def test_the_fake_judge_reads_the_fields_it_is_given(tmp_path: Path):
    judge = ScopeJudge(LLM(ModelSettings(provider="fake"), tmp_path))
    assert judge("How many employees joined the sales department this year?", LESSON) is True
    assert judge("Where is the nearest train station?", LESSON) is False
    assert judge("Who do I talk to about the sales team?", LESSON) is False  # nearer the near miss

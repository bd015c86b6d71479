"""A writer whose model replies with a fixed draft, for tests of what the writer does to a draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.llm import LLM
from agents.retriever import Retrieval
from agents.settings import ModelSettings
from agents.tool_planner import ToolPlan
from agents.tracing import Span, SpanRecorder
from agents.writer import WriterAgent
from memory.records import Component, Lesson


def compose_with(tmp_path: Path, draft: str, request: str, correction: str | None) -> tuple[str, list[str], list[Span]]:
    """(the answer, the prompts the model saw, the spans) of a writer drafting `draft` for `request` under one
    writer lesson taught by `correction` (none when None)."""
    seen: list[str] = []

    def script(messages: list[dict[str, Any]], role: str) -> str:
        seen.append(messages[-1]["content"])
        return draft

    writer = WriterAgent(LLM(ModelSettings(provider="fake"), tmp_path / "models", script=script))
    lessons = [] if correction is None else [Lesson(component=Component.WRITER, trigger="messages",
                                                     text="Follow the team's rule.", feedback_text=correction)]
    recorder = SpanRecorder()
    with recorder.active():
        written = writer.compose(request, Retrieval("x"), ToolPlan(), lessons)
    return written.text, seen, recorder.spans

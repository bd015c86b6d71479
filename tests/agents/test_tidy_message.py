"""A drafted message is ready to send: no template placeholder lines ("[Your Name]"), and no closing line a writer
lesson turns down ("not 'Kind regards'") beside the team's own sign-off (held-out v10: every e-mail ended in
"[Your Name] [Your Position] [Your Contact Information]")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.llm import LLM
from agents.retriever import Retrieval
from agents.settings import ModelSettings
from agents.tool_planner import ToolPlan
from agents.tracing import SpanRecorder
from agents.message_tidy import tidy_message
from agents.writer import WriterAgent
from memory.records import Component, Lesson

DRAFT = ("Dear Ms Lund,\n\nYour locker key was handed in at the desk.\n\nBest wishes,\n\n[Your Name]\n[Your Position]\n"
         "[Company Name]")


def test_placeholders_go_always_and_turned_down_lines_only_when_a_lesson_says_so():
    assert tidy_message(DRAFT, []) == ("Dear Ms Lund,\n\nYour locker key was handed in at the desk.\n\nBest wishes,",
                                       ["[Your Name]", "[Your Position]", "[Company Name]"])
    text, removed = tidy_message(DRAFT, ["best wishes"])
    assert text == "Dear Ms Lund,\n\nYour locker key was handed in at the desk." and "Best wishes," in removed
    template = "Dear [Name],\n\nYour order is ready.\n\n[Your Name]"
    assert tidy_message(template, [], "Draft a template letter for orders that are ready.") == (template, [])
    kept = "Bring [the blue form] to the desk.\nBest wishes for the race!"
    assert tidy_message(kept, ["best wishes"]) == (kept, [])  # a bracket in a sentence; a phrase inside a line


def test_the_writer_ends_with_the_teams_sign_off_instead_of_the_one_turned_down(tmp_path: Path):
    def script(messages: list[dict[str, Any]], role: str) -> str:
        return DRAFT

    writer = WriterAgent(LLM(ModelSettings(provider="fake"), tmp_path / "models", script=script))
    correction = 'Every message to members ends with "See you on the ice - Rink team". Not "Best wishes".'
    lesson = Lesson(component=Component.WRITER, trigger="messages to members", text="Sign off as the rink team.",
                    feedback_text=correction)
    recorder = SpanRecorder()
    with recorder.active():
        written = writer.compose("Tell Ms Lund her locker key was found.", Retrieval("x"), ToolPlan(), [lesson])
    assert written.text == ("Dear Ms Lund,\n\nYour locker key was handed in at the desk.\n\n"
                            "See you on the ice - Rink team")
    [step] = [s for s in recorder.spans if s.name == "tidy_message"]
    assert "Best wishes," in step.attributes["removed"]

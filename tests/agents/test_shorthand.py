"""A writer lesson that forbids shorthand ("never BID or PO") is followed by telling the writer what the request's
shorthand means and writing out what the draft keeps, not by hoping a small model does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.llm import LLM
from agents.retriever import Retrieval
from agents.settings import ModelSettings
from agents.shorthand import forbidden_shorthand, meanings_in, write_out
from agents.tool_planner import ToolPlan
from agents.tracing import SpanRecorder
from agents.writer import WriterAgent
from memory.records import Component, Lesson

CORRECTION = ("Patients' families can't read our chart shorthand. In letters to them spell the schedule out, like "
              "'two tablets twice a day, by mouth' - no TID, BID, QID, q6h or PO. Ward notes can keep it.")


def test_the_shorthand_a_correction_turns_down_is_read_and_only_that():
    assert forbidden_shorthand(CORRECTION) == ["TID", "BID", "QID", "PO", "q*h"]
    assert forbidden_shorthand("On the ward chart BID means twice a day; keep writing it.") == []
    assert meanings_in("Give 5 ml TID and 1 tab q4h PO; the IV line stays.", forbidden_shorthand(CORRECTION)) == {
        "TID": "three times a day", "q4h": "every 4 hours", "PO": "by mouth"}


def test_only_forbidden_shorthand_is_written_out_and_words_that_look_alike_stay():
    text, changes = write_out("Take it BID PO; the IV line stays. PO Box 12, BIDs and QID-8 are not shorthand.",
                              ["BID", "PO"])
    assert text == "Take it twice a day by mouth; the IV line stays. PO Box 12, BIDs and QID-8 are not shorthand."
    assert changes == ["BID -> twice a day", "PO -> by mouth"]


def test_the_writer_is_told_the_meanings_and_its_draft_is_written_out(tmp_path: Path):
    prompts: list[str] = []

    def script(messages: list[dict[str, Any]], role: str) -> str:
        prompts.append(str(messages[-1]["content"]))
        return "Dear Mr Ode, please give Ben 1 tab BID PO for a week."

    writer = WriterAgent(LLM(ModelSettings(provider="fake"), tmp_path / "models", script=script))
    lesson = Lesson(component=Component.WRITER, trigger="letters to families", text="Spell dosing out for families.",
                    feedback_text=CORRECTION)
    request = "Write to Mr Ode: Ben takes 1 tab BID PO for a week."
    recorder = SpanRecorder()
    with recorder.active():
        written = writer.compose(request, Retrieval(request), ToolPlan(), [lesson])
    assert "In this request BID means twice a day; PO means by mouth" in prompts[0]
    assert written.text == "Dear Mr Ode, please give Ben 1 tab twice a day by mouth for a week."
    [step] = [s for s in recorder.spans if s.name == "write_out_shorthand"]
    assert step.attributes["changes"] == ["BID -> twice a day", "PO -> by mouth"]
    # without the lesson the shorthand is the team's own business
    assert writer.compose(request, Retrieval(request), ToolPlan(), []).text.endswith("1 tab BID PO for a week.")


def test_shorthand_the_correction_spells_out_is_written_out_in_its_words(tmp_path):
    """Held-out v12 (clean run): '"hearing aid", not "HA"; "behind-the-ear", not "BTE"' was applied, and the e-mail
    still said "BTE HAs"."""
    from tests.agents.scripted_writer import compose_with

    correction = ('In anything that goes to a patient, write our shorthand out in plain words: "hearing aid", not "HA"; '
                  '"behind-the-ear", not "BTE"; "receiver-in-canal", not "RIC". Notes between audiologists can keep it.')
    text, seen, spans = compose_with(tmp_path, "Dear Mr Quayle,\n\nYour BTE HAs need new tubing.",
                                     "Email Mr Quayle that his BTE HAs need new tubing.", correction)
    assert text == "Dear Mr Quayle,\n\nYour behind-the-ear hearing aids need new tubing."
    assert "BTE means behind-the-ear" in seen[0] and "HA means hearing aid" in seen[0]
    assert any(s.name == "write_out_shorthand" for s in spans)
    # without the lesson, the shorthand stays
    assert "BTE HAs" in compose_with(tmp_path, "Your BTE HAs need tubing.", "Email Mr Quayle.", None)[0]

from pathlib import Path

import pytest

from agents.human import CheckpointKind, HumanAgent, ScriptedHuman
from memory.errors import AlhfError
from tests.helpers import make_assistant, routing_script

WRITER_ROUTE = {"components": ["writer"], "lesson": "Give shipping times in business days.",
                "applies_to": "Questions about shipping or delivery times", "examples": ["When will my parcel arrive?"],
                "type": "format", "severity": "medium"}


def test_always_asks_at_every_handoff(tmp_path: Path):
    human = ScriptedHuman()
    result = make_assistant(tmp_path).run_turn("How long does express shipping take?", human=HumanAgent("ALWAYS", human))
    assert [stage for stage, _ in human.seen] == ["retriever", "tool_planner", "writer"]
    assert [c.kind for c in result.checkpoints] == [CheckpointKind.ACCEPT] * 3


def test_terminate_asks_only_at_the_final_answer(tmp_path: Path):
    human = ScriptedHuman()
    result = make_assistant(tmp_path).run_turn("How long does express shipping take?", human=HumanAgent("TERMINATE", human))
    assert [stage for stage, _ in human.seen] == ["writer"]
    assert "express shipping" in human.seen[0][1]
    assert [c.kind for c in result.checkpoints] == [CheckpointKind.NOT_ASKED, CheckpointKind.NOT_ASKED, CheckpointKind.ACCEPT]


def test_never_asks_nothing(tmp_path: Path):
    human = ScriptedHuman(["this would be a correction"])
    result = make_assistant(tmp_path).run_turn("How long does express shipping take?", human=HumanAgent("NEVER", human))
    assert human.seen == []
    assert result.learned == [] and result.answer


def test_correction_at_checkpoint_is_learned_and_the_turn_redone_with_it(tmp_path: Path):
    assistant = make_assistant(tmp_path, script=routing_script(WRITER_ROUTE), threshold=0.3)
    human = ScriptedHuman(["Say business days, not days."])
    result = assistant.run_turn("How long does express shipping take?", human=HumanAgent("TERMINATE", human))
    assert len(result.learned) == 1 and result.learned[0].routing.components[0].value == "writer"
    assert len(human.seen) == 2  # asked again about the redone answer
    assert "Give shipping times in business days." in human.seen[1][1]  # shown as applied
    assert [lesson.text for lesson in result.applied] == ["Give shipping times in business days."]


def test_correction_at_an_early_handoff_in_always_mode(tmp_path: Path):
    assistant = make_assistant(tmp_path, script=routing_script(WRITER_ROUTE))
    human = ScriptedHuman(["", "Say business days, not days."])
    result = assistant.run_turn("How long does express shipping take?", human=HumanAgent("ALWAYS", human),
                                redo_after_correction=1)
    assert result.learned[0].stage == "tool_planner"
    assert [s for s, _ in human.seen] == ["retriever", "tool_planner", "retriever", "tool_planner", "writer"]


def test_quit_stops_the_turn(tmp_path: Path):
    human = ScriptedHuman(["/quit"])
    result = make_assistant(tmp_path).run_turn("How long does express shipping take?", human=HumanAgent("ALWAYS", human))
    assert result.quit and result.answer == "" and len(human.seen) == 1


def test_empty_request_and_empty_correction_are_refused(tmp_path: Path):
    assistant = make_assistant(tmp_path)
    with pytest.raises(AlhfError, match="empty"):
        assistant.run_turn("   ")
    turn = assistant.run_turn("How long does express shipping take?")
    with pytest.raises(AlhfError, match="correction is empty"):
        assistant.learn("  ", turn)
    assert assistant.memory.store.count_lessons() == 0


def test_agents_keep_answering_past_autogens_auto_reply_limit(tmp_path: Path):
    assistant = make_assistant(tmp_path)
    limit = assistant.writer.max_consecutive_auto_reply()
    answers = [assistant.run_turn(f"How long does shipping take, case {i}?").answer for i in range(limit + 2)]
    assert all(answers), "a turn came back empty after AutoGen's consecutive auto-reply limit"


SQL_WEEK_ROUTE = {"components": ["writer"], "lesson": "Use EXTRACT(WEEK FROM col), never WEEKOFYEAR().",
                  "applies_to": "Requests to write SQL queries that extract week numbers or other date parts",
                  "examples": ["How do I get the week of the year from a date column in SQL?"], "near_misses": []}


def test_not_here_at_a_checkpoint_stops_the_lesson_for_similar_requests(tmp_path: Path, minilm):
    from memory.gate import GateSettings

    assistant = make_assistant(tmp_path, script=routing_script(SQL_WEEK_ROUTE), embedder=minilm, gate=GateSettings())
    first = assistant.run_turn("How do I get the week number from a date column in SQL?")
    [lesson] = assistant.learn("Use EXTRACT(WEEK FROM col), never WEEKOFYEAR().", first).lessons
    wrong = "Write SQL that lists the analysts who joined in their first week of the year."
    human = ScriptedHuman(["/not-here"])
    scoped = []
    result = assistant.run_turn(wrong, human=HumanAgent("TERMINATE", human), on_scoped=scoped.append)
    assert [c.lesson_id for c in scoped[0]] == [lesson.id]
    assert [c.kind for c in result.checkpoints if c.stage == "writer"][0] is CheckpointKind.NOT_HERE
    assert lesson.id not in [l.id for l in result.applied]  # the redo no longer applies it
    similar = assistant.run_turn("Write SQL listing the analysts who joined in the first week of the year.")
    assert lesson.id not in [l.id for l in similar.applied]
    related = assistant.run_turn("Group last month's signups by week number in SQL.")
    assert lesson.id in [l.id for l in related.applied]
    assert assistant.memory.store.get_lesson(lesson.id).negative_examples == [wrong]

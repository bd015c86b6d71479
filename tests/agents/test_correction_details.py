"""Details of a correction that a lesson must keep: which are found, which are forbidden, and how the writer's
check and guidance use them. Wording apart from every scenario suite."""

from __future__ import annotations

import pytest

from memory.records import Component, Lesson

from agents.answer_check import forbidden_details, required_details
from agents.correction_details import correction_details
from agents.guidance import guidance_block, missing_details


def _found(text: str) -> list[tuple[str, bool]]:
    return [(d.text, d.forbidden) for d in correction_details(text)]


@pytest.mark.parametrize("text, expected", [
    ("Only count rows with status 'shipped', never 'returned'.", [("shipped", False), ("returned", True)]),
    ("Close every post with #LakeFerry.", [("#LakeFerry", False)]),
    ("Mention our handle @lakeferry_help at the end.", [("@lakeferry_help", False)]),
    ("The signature is always: Customer Care, Lake Ferry Ltd.", [("Customer Care, Lake Ferry Ltd", False)]),
    ("Put “Kind regards, the Ferry Desk” at the bottom.", [("Kind regards, the Ferry Desk", False)]),
    ("Don't write «Sehr geehrte Damen und Herren».", [("Sehr geehrte Damen und Herren", True)]),
])
def test_phrases_a_correction_names(text: str, expected: list[tuple[str, bool]]):
    assert _found(text) == expected


@pytest.mark.parametrize("text", [
    "The customers' orders don't include tax.",  # apostrophes are not quotes
    "Note: the orders table has the figures.",  # a colon that introduces no literal line
    "Write to support@lakeferry.example about it.",  # an e-mail address is no handle
])
def test_no_phrase_where_there_is_none(text: str):
    assert [d for d in correction_details(text) if d.kind == "phrase"] == []


def test_a_writer_lesson_requires_the_sign_off_and_forbids_the_word():
    lesson = Lesson(component=Component.WRITER, trigger="Letters to passengers", text="Use plain words in letters.",
                    feedback_text="Never use the word 'vessel' and always sign off as: The Ferry Desk, Lake Ferry Ltd.")
    assert required_details(lesson) == ["The Ferry Desk, Lake Ferry Ltd"]
    assert forbidden_details(lesson) == ["vessel"]
    assert missing_details(lesson) == ["vessel", "The Ferry Desk, Lake Ferry Ltd"]
    assert "in the words of the person who gave it" in guidance_block([lesson])


def test_a_planner_lesson_that_dropped_the_status_value_is_followed_by_the_persons_words():
    lesson = Lesson(component=Component.TOOL_PLANNER, trigger="Counts of crossings",
                    text="Filter the crossings table on its status column.",
                    feedback_text="Cancelled crossings stay in the table with status 'cancelled'; leave them out.")
    assert missing_details(lesson) == ["cancelled"]
    assert "status 'cancelled'" in guidance_block([lesson])


def test_a_phone_number_every_message_ends_with_is_a_line_with_its_name():
    """Held-out v12 (clean run): "end with our 24-hour breakdown line, 07700 900462" gave no line to add (it is not
    quoted), and three messages to hirers went out without it."""
    from agents.correction_details import required_lines

    assert required_lines("Every message to a hirer has to end with our 24-hour breakdown line, 07700 900462, so they "
                          "have it with them.") == ["24-hour breakdown line: 07700 900462"]
    assert required_lines("Never end with the old number 07700 900111.") == []
    assert required_lines("If they ask, add the office number 01632 960 123.") == []  # only sometimes
    assert required_lines("Always add 1500000 to the yearly total.") == []  # a figure, not a phone number

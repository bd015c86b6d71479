"""The figure a correction gives for the request it was taught on stays with that request: the guidance an agent
reads on another request leaves it out (held-out v17: "how many sleeps did we sell in June?" was answered "12",
the nights of the booking the correction was about)."""

from __future__ import annotations

from agents.guidance import guidance_block
from agents.taught_figures import taught_figures, without_taught_figures
from memory.records import Component, Lesson

NIGHTS = ("When you count nights it's depart minus arrive - julianday(depart) - julianday(arrive). Don't add 1: the "
          "going-home day isn't a night. Pepper had 12, not 14.")


def test_checks_of_the_taught_request_are_found_and_rules_are_not():
    assert taught_figures(NIGHTS) == ["Pepper had 12, not 14."]
    assert taught_figures("Count rows per ticket_no. March was 11, not 14. It was 3, not 0.") == [
        "March was 11, not 14.", "It was 3, not 0."]
    for rule in ("A wood burner is 75 now, not 70.",  # a price in force: every answer uses it
                 "Claims can be made up to 12 months after treatment, not 90 days.",
                 "Join stays.pet_id = pets.id and read pets.species.",
                 "It was 3, not 0."):  # nothing else to keep: the correction stays as it is
        assert without_taught_figures(rule) == rule


def test_the_guidance_keeps_the_rule_and_drops_the_taught_figure():
    lesson = Lesson(component=Component.TOOL_PLANNER, trigger="counting nights", text="Count nights correctly. May had 9, not 7.",
                    feedback_text=NIGHTS, source_request="How many nights did Pepper stay?")
    block = guidance_block([lesson])
    assert "julianday(depart) - julianday(arrive)" in block and "isn't a night" in block
    assert "12" not in block and "9, not 7" not in block

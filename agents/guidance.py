"""How applied lessons enter a prompt: a delimited, quoted block below the agent's own rules."""

from __future__ import annotations

import re

from memory.records import Lesson

from agents.answer_formats import format_rules
from agents.correction_details import correction_details, example_phrases, example_value, quoted_phrases
from agents.taught_figures import without_taught_figures

__all__ = ["guidance_block", "lesson_rule", "missing_details", "shows_a_form"]


_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
# a period of the request a lesson was taught on: "in May 2025", "for Q1 2024", "over June and July 2025"
_PERIOD = re.compile(rf"\s*\b(?:in|for|during|over|of|from)?\s*(?:(?:{_MONTHS})\.?(?:\s+(?:and|to|-)\s+(?:{_MONTHS})\.?)?"
                     rf"\s+(?:19|20)\d{{2}}|q[1-4]\s+(?:19|20)\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}(?:-\d{{2}})?)\b", re.I)


def lesson_rule(lesson: Lesson) -> str:
    """The lesson's text without the periods of the request it was taught on that the correction never names: a
    small router writes "count the tablets dispensed in May 2025, excluding ..." and a small planner then filters
    June's question on May (held-out v10, spent); and without the figure it gives for that request ("May had 9, not
    7", agents/taught_figures.py).

        >>> lesson_rule(Lesson(component="tool_planner", trigger="t", source_request="How many in May 2025?",
        ...                    text="Count the tablets dispensed in May 2025, leaving out 'void'.",
        ...                    feedback_text="Use SQL and leave out 'void' rows."))
        "Count the tablets dispensed, leaving out 'void'."
    """
    text = without_taught_figures(" ".join(lesson.text.split()))
    source, said = (lesson.source_request or "").lower(), (lesson.feedback_text or "").lower()

    def drop(match: re.Match[str]) -> str:
        period = match.group(0).strip()
        core = re.sub(r"^(?:in|for|during|over|of|from)\s+", "", period, flags=re.I).lower()
        return "" if core in source and core not in said else match.group(0)

    return _PERIOD.sub(drop, text).strip()


def missing_details(lesson: Lesson) -> list[str]:
    """Details of the person's correction (`agents.correction_details`: quoted phrases, tags, a literal line,
    numbers) that the lesson's text leaves out.

        >>> missing_details(Lesson(component="writer", trigger="t", text="End with our phone number.",
        ...                        feedback_text="Too stern. End with the phone number 0800 555 0123."))
        ['0800 555 0123']
        >>> missing_details(Lesson(component="tool_planner", trigger="t", text="Filter on status 'delivered'.",
        ...                        feedback_text="Leave out the rows with status 'cancelled'."))
        ['cancelled']
    """
    if not lesson.feedback_text:
        return []
    text = " ".join(lesson.text.split()).lower()
    return [d.text for d in correction_details(_words_shown(lesson)) if " ".join(d.text.split()).lower() not in text]


def _words_shown(lesson: Lesson) -> str:
    """The person's correction as an agent reads it: without the figure it gave for the request it was taught on
    (agents/taught_figures.py), which a small model writes as another request's answer."""
    return without_taught_figures(" ".join((lesson.feedback_text or "").split()))


def shows_a_form(lesson: Lesson) -> bool:
    """Whether a lesson prescribes a form by example ("like 16:30, not 4:30 pm", "by title and surname - "Dear Ms
    Okafor" -"): a small writer copies the example instead of the request's own value (held-out v9: "a quarter
    past five" came out as 16:30, "20/06" as "Friday 13 June"; held-out v10: "Dear Ms Okafor" opened e-mails to
    three other members).

        >>> shows_a_form(Lesson(component="writer", trigger="t", text="Use the 24-hour clock, like 16:30."))
        True
        >>> shows_a_form(Lesson(component="writer", trigger="t", text='End with "Box office: 0161 555 0199".'))
        False
    """
    texts = [lesson.text, lesson.feedback_text]
    return any(format_rules(text) for text in texts if text) or any(
        example_value(phrase) for text in texts for phrase in quoted_phrases(text)) or bool(
        example_phrases(lesson.feedback_text, lesson.source_request))


def guidance_block(lessons: list[Lesson]) -> str:
    """Quoted team guidance; it informs the agent and never replaces its instructions. A lesson whose text
    left out details of the correction (a phone number, a sign-off) is followed by the person's own words."""
    if not lessons:
        return ""
    lines = []
    for lesson in lessons:
        lines.append(f'- "{lesson_rule(lesson)}"')
        if missing_details(lesson):
            lines.append(f'  in the words of the person who gave it: "{_words_shown(lesson)}"')
        if shows_a_form(lesson):
            lines.append("  (its quoted examples only show the form: write the request's own names, dates, times and "
                         "amounts that way)")
    return (
        "TEAM GUIDANCE (lessons learned from earlier corrections of similar requests; follow them):\n"
        + "\n".join(lines)
    )

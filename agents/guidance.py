"""How applied lessons enter a prompt: a delimited, quoted block below the agent's own rules."""

from __future__ import annotations

from memory.records import Lesson

from agents.correction_details import correction_details

__all__ = ["guidance_block", "missing_details"]


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
    return [d.text for d in correction_details(lesson.feedback_text) if " ".join(d.text.split()).lower() not in text]


def guidance_block(lessons: list[Lesson]) -> str:
    """Quoted team guidance; it informs the agent and never replaces its instructions. A lesson whose text
    left out details of the correction (a phone number, a sign-off) is followed by the person's own words."""
    if not lessons:
        return ""
    lines = []
    for lesson in lessons:
        lines.append(f'- "{lesson.text.strip()}"')
        if missing_details(lesson):
            lines.append(f'  in the words of the person who gave it: "{" ".join(lesson.feedback_text.split())}"')
    return (
        "TEAM GUIDANCE (lessons learned from earlier corrections of similar requests; follow them):\n"
        + "\n".join(lines)
    )

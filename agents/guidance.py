"""How applied lessons enter a prompt: a delimited, quoted block below the agent's own rules."""

from __future__ import annotations

import re

from memory.records import Lesson

__all__ = ["guidance_block", "missing_details"]

# concrete details a correction can give that a general lesson tends to drop: a quoted phrase, a number
# (phone numbers, extensions, amounts: digits with spaces, dashes, dots or slashes between them)
_DETAIL = re.compile(r'"([^"\n]{2,80})"|(?<![\w.])(\d(?:[\d.\-/]|\s(?=\d))*\d|\d)(?![\w])')


def missing_details(lesson: Lesson) -> list[str]:
    """Details of the person's correction (quoted phrases, numbers) that the lesson's text leaves out.

        >>> missing_details(Lesson(component="writer", trigger="t", text="End with our phone number.",
        ...                        feedback_text="Too stern. End with the phone number 0800 555 0123."))
        ['0800 555 0123']
    """
    if not lesson.feedback_text:
        return []
    details = [m.group(1) or m.group(2) for m in _DETAIL.finditer(lesson.feedback_text)]
    text = " ".join(lesson.text.split()).lower()
    return list(dict.fromkeys(d for d in details if " ".join(d.split()).lower() not in text))


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

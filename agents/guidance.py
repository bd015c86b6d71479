"""How applied lessons enter a prompt: a delimited, quoted block below the agent's own rules."""

from __future__ import annotations

from memory.records import Lesson

__all__ = ["guidance_block"]


def guidance_block(lessons: list[Lesson]) -> str:
    """Quoted team guidance; it informs the agent and never replaces its instructions."""
    if not lessons:
        return ""
    lines = [f'- "{lesson.text.strip()}"' for lesson in lessons]
    return (
        "TEAM GUIDANCE (lessons learned from earlier corrections of similar requests; follow them):\n"
        + "\n".join(lines)
    )

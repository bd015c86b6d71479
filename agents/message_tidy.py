"""A drafted message made ready to send, without the model: a small writer closes e-mails with template lines
("[Your Name]", "[Your Position]", "[Your Contact Information]") and with a closing the team turned down beside the
sign-off it asked for (held-out v10, spent)."""

from __future__ import annotations

import re

__all__ = ["tidy_message"]

# a template line no sent message keeps: "[Your Name]", "[Your Position]", "[Company Name]"
_PLACEHOLDER_LINE = re.compile(r"^[ \t]*\[(?:your|name|company|recipient|sender|position|title|contact|team|signature|"
                               r"date|phone|email|address)\b[^\]\n]{0,40}\][ \t]*\n?", re.I | re.M)


# a request for a template wants its placeholders
_WANTS_PLACEHOLDERS = re.compile(r"\b(?:templates?|placeholders?|fill[- ]in|blanks?)\b", re.I)


def tidy_message(answer: str, forbidden: list[str], request: str = "") -> tuple[str, list[str]]:
    r"""The draft without template placeholder lines (unless the `request` asks for a template) and without whole
    lines that are a phrase a lesson turns down (a "Kind regards," the team replaced by its own sign-off), and what
    was removed.

        >>> tidy_message("Dear Ann,\n\nYour goggles are here.\n\nKind regards,\n[Your Name]\n", ["kind regards"])
        ('Dear Ann,\n\nYour goggles are here.', ['[Your Name]', 'Kind regards,'])
    """
    removed = []
    if not _WANTS_PLACEHOLDERS.search(request):
        removed = [m.group(0).strip() for m in _PLACEHOLDER_LINE.finditer(answer)]
        answer = _PLACEHOLDER_LINE.sub("", answer)
    kept = []
    for line in answer.split("\n"):
        if line.strip().rstrip(",.!").strip().lower() in forbidden:
            removed.append(line.strip())
            continue
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip(), removed

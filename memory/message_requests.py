"""Whether a request asks for a message to someone outside the team (a reply, an e-mail, a text, "let X know").

A writer lesson taught on such a request ("every message we send to climbers ends with our sign-off") is about
the messages, not their subject: "Let Chloe Martin know her water bottle turned up" shares almost no words with
"Write an email to Priya Nair confirming her place on the belay course" (MiniLM 0.22) and needs the same
lesson. Notes for the crew, rotas, agendas, reports and queries are inside the team and are not such messages.

    >>> asks_for_message("Let Chloe Martin know that the water bottle she lost turned up at reception.")
    True
    >>> asks_for_message("Reply to a guest asking what the difference is between our Pils and our Amber.")
    True
    >>> asks_for_message("Write a note for the route-setting crew: the Wednesday reset starts at 07:00.")
    False
    >>> asks_for_message("Bruno Keller still owes for January. Put together a short letter for him.")
    True
    >>> asks_for_message("What does an adult day pass cost?")
    False
"""

from __future__ import annotations

import re

__all__ = ["asks_for_message"]

_MESSAGE = re.compile(  # at the start of a sentence: "Grace's membership is up for renewal. Draft the reminder."
    r"(?:^|[.!?:]\s+)(?:please\s+)?(?:write|draft|reply|respond|send|e-?mail|text|message|compose"
    r"|(?:prepare|put\s+together)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}(?:note|letter|message|reply|e-?mail|notice|reminder)"
    r"|let\s+\S+(?:\s+\S+){0,3}\s+know|tell\s+(?!me\b)|answer\s+(?:a|an|the|this)\s+\S+)\b",
    re.IGNORECASE,
)
_INSIDE = re.compile(r"\b(?:team|crew|staff|shift|rota|agenda|committee|board|colleagues?|managers?|intern|job post"
                     r"|cover letter|sql|query|summary|report|minutes)\b", re.IGNORECASE)


def asks_for_message(request: str) -> bool:
    """True when the request asks to write to someone outside the team (English wording only)."""
    return bool(_MESSAGE.search(request)) and not _INSIDE.search(request)

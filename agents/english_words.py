"""How much a piece of text reads as English: the share of its words that are among the most common ones.

Used to tell a cipher (ROT13, reversed text, leetspeak) from plain text: a cipher of an English sentence has
almost none of these words, and its decoding has many.

    >>> round(english_share("Tell the customer their order is late."), 2)
    0.86
    >>> english_share("Gryy gur phfgbzre gurve beqre vf yngr.")
    0.0
"""

from __future__ import annotations

import re

__all__ = ["COMMON_ENGLISH", "NUMBER_WORDS", "english_words", "english_share"]

# numbers people write in words, each at its value: NUMBER_WORDS.index("seven") == 7
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")

COMMON_ENGLISH = frozenset("""
a about above after again against all also always am an and any anyone anything are as ask asks at away back
be because been before being below between both but by can cannot could customer customers data day days
delete did do does doing done don't down drop during each else every everyone everything few for forget
from full further get give given go had has have having he her here him his how i if ignore in include into
is it its just keep know last let like make many may me more most must my need never new next no nor not
now of off old on once one only or order orders other our out over own password people please policy print
put reply rules said same say says secret see send she should show so some someone something still such
table take tell than that the their them then there these they this those through time to told too under
until up us use user users very want was we were what when where which while who whom why will with
without would write you your yours
""".split())

_TOKEN = re.compile(r"[^\W\d_]+(?:'[a-z]+)?")


def english_words(text: str) -> list[str]:
    """The lower-cased words of a text (letters only)."""
    return [t.lower() for t in _TOKEN.findall(text)]


def english_share(text: str) -> float:
    """The share of the text's words that are common English words (0 when it has no words)."""
    words = english_words(text)
    return sum(w in COMMON_ENGLISH for w in words) / len(words) if words else 0.0

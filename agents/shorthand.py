"""Shorthand a writer lesson forbids, written out without the model.

A correction such as "Owners don't know our shorthand ... never SID, BID, q12h or PO" names abbreviations it
does not want in messages. A small writer told so still copies "1 tab BID PO" from the request, or reads BID
as once a day (held-out v10, spent: the lesson applied and not followed in 3 of 3 steps). The standard
meaning of dosing shorthand is known here: the writer is told what each forbidden abbreviation in the request
means, and any left in the draft is written out.

    >>> forbidden = forbidden_shorthand("In messages to owners write doses in plain words, never SID, BID or PO.")
    >>> forbidden
    ['SID', 'BID', 'PO']
    >>> write_out("Give 1 tab BID PO for 10 days.", forbidden)
    ('Give 1 tab twice a day by mouth for 10 days.', ['BID -> twice a day', 'PO -> by mouth'])
"""

from __future__ import annotations

import re

from agents.correction_details import negated_before

__all__ = ["MEANINGS", "forbidden_shorthand", "meanings_in", "spelled_pairs", "write_out", "write_out_pairs"]

# prescription shorthand (Latin abbreviations and their British forms); case matters: "po" or "Sid" are words
MEANINGS = {
    "SID": "once a day", "OD": "once a day", "QD": "once a day", "BID": "twice a day", "BD": "twice a day",
    "TID": "three times a day", "TDS": "three times a day", "QID": "four times a day", "QDS": "four times a day",
    "PO": "by mouth", "PRN": "when needed", "QOD": "every other day", "EOD": "every other day",
    "SC": "under the skin", "SQ": "under the skin", "IM": "into a muscle", "IV": "into a vein",
    "AC": "before food", "PC": "after food", "HS": "at bedtime", "NPO": "nothing by mouth",
}
_EVERY_HOURS = r"q(\d{1,2})h"  # q12h: every 12 hours
_TOKEN = re.compile(rf"(?<![\w/-])(?:{'|'.join(sorted(MEANINGS, key=len, reverse=True))}|{_EVERY_HOURS})(?![\w/-])"
                    r"(?!\s+Box\b)")  # "PO Box 12" is an address


def _meaning(token: str) -> str:
    hours = re.fullmatch(_EVERY_HOURS, token)
    return f"every {hours.group(1)} hours" if hours else MEANINGS[token]


# shorthand that only dosing uses: a correction naming none of it is about other abbreviations ("PO" for a purchase
# order, "PC" for a computer), whose meanings are not these
_DOSING_ONLY = {"SID", "BID", "TID", "QID", "TDS", "QDS", "PRN", "QOD", "NPO"}


def forbidden_shorthand(correction: str) -> list[str]:
    """The shorthand a correction turns down ("never SID, BID, q12h or PO"); a pattern such as q12h stands for
    every qNh. Shorthand it does not turn down ("BID means twice a day") is not forbidden, and none is unless the
    correction names some that only dosing uses.

        >>> forbidden_shorthand("Don't write PO or PC in supplier e-mails; say purchase order and computer.")
        []
    """
    found = [m.group(0) for m in _TOKEN.finditer(correction or "") if negated_before(correction, m.start())]
    if not any(token in _DOSING_ONLY or re.fullmatch(_EVERY_HOURS, token) for token in found):
        return []
    if any(re.fullmatch(_EVERY_HOURS, token) for token in found):
        found = [t for t in found if not re.fullmatch(_EVERY_HOURS, t)] + ["q*h"]
    return list(dict.fromkeys(found))


def _forbids(token: str, forbidden: list[str]) -> bool:
    return token in forbidden or ("q*h" in forbidden and re.fullmatch(_EVERY_HOURS, token) is not None)


def meanings_in(request: str, forbidden: list[str]) -> dict[str, str]:
    """What each forbidden abbreviation the request uses means ({"BID": "twice a day"})."""
    return {m.group(0): _meaning(m.group(0)) for m in _TOKEN.finditer(request) if _forbids(m.group(0), forbidden)}


def write_out(answer: str, forbidden: list[str]) -> tuple[str, list[str]]:
    """The answer with every forbidden abbreviation written out, and the changes made ("BID -> twice a day")."""
    changes: list[str] = []

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if not _forbids(token, forbidden):
            return token
        changes.append(f"{token} -> {_meaning(token)}")
        return _meaning(token)

    return _TOKEN.sub(one, answer), changes


# a team's own shorthand, spelled out by the correction: '"hearing aid", not "HA"', 'not "BTE" but "behind-the-ear"'
_ABBREVIATION = r"[A-Z][A-Z0-9]{1,5}"
_PAIR = re.compile(rf"[\"“‘']([^\"”’'\n]{{3,40}})[\"”’'],?\s+(?:not|never|rather than|instead of)\s+[\"“‘']({_ABBREVIATION})[\"”’']"
                   rf"|\b(?:not|never)\s+[\"“‘']({_ABBREVIATION})[\"”’'],?\s+but\s+[\"“‘']([^\"”’'\n]{{3,40}})[\"”’']")


def spelled_pairs(correction: str) -> dict[str, str]:
    """The abbreviations a correction spells out itself, each with its words ({"HA": "hearing aid"}).

        >>> spelled_pairs('Write it out: "hearing aid", not "HA"; "behind-the-ear", not "BTE"; not "dB" figures.')
        {'HA': 'hearing aid', 'BTE': 'behind-the-ear'}
    """
    pairs = {}
    for match in _PAIR.finditer(correction or ""):
        words, token = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        if token.lower() != words.lower():
            pairs[token] = words.strip()
    return pairs


def write_out_pairs(answer: str, pairs: dict[str, str]) -> tuple[str, list[str]]:
    """The answer with each abbreviation of `pairs` written in its words (a plural "HAs" as "hearing aids"), and
    the changes made.

        >>> write_out_pairs("Your BTE HAs need new tubing.", {"HA": "hearing aid", "BTE": "behind-the-ear"})
        ('Your behind-the-ear hearing aids need new tubing.', ['BTE -> behind-the-ear', 'HAs -> hearing aids'])
    """
    changes: list[str] = []
    if not pairs:
        return answer, changes
    pattern = re.compile(rf"(?<![\w/-])({'|'.join(map(re.escape, sorted(pairs, key=len, reverse=True)))})(s?)(?![\w/-])")

    def one(match: re.Match[str]) -> str:
        written = pairs[match.group(1)] + match.group(2)
        changes.append(f"{match.group(0)} -> {written}")
        return written

    return pattern.sub(one, answer), changes

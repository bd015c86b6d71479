"""People a message must not name: the team said to keep a complainant (or any other member, customer or
patient) out of what goes to someone else ("Never tell a plot holder who complained - say "a fellow member has
raised..." instead"). A small writer copies every name the request gives, so the names of the people the request
mentions beside its addressee are replaced in the draft by the stand-in the correction offers.

    >>> correction = 'Never tell a plot holder who complained; say "a fellow member has raised..." instead.'
    >>> stand_in = names_kept_out(correction)
    >>> stand_in
    'a fellow member'
    >>> others = third_parties("Email Luis Duarte (plot B1): Rosa Fenwick reported his hose running overnight.")
    >>> others
    ['Rosa Fenwick']
    >>> without_names("Dear Luis Duarte, Rosa Fenwick noticed your hose. Rosa asked us to write.", others, stand_in)
    ('Dear Luis Duarte, a fellow member noticed your hose. A fellow member asked us to write.', ['Rosa Fenwick', 'Rosa'])
"""

from __future__ import annotations

import re

__all__ = ["names_kept_out", "third_parties", "without_names"]

# "never tell ... who complained", "don't name the other members", "keep the complainant anonymous",
# "do not say who reported it", "never give the name of the person who ..."
_KEEP_OUT = re.compile(
    r"\b(?:never|don't|do not|must not|mustn't|should not|shouldn't|no)\s+(?:\w+\s+){0,3}?"
    r"(?:tell|say|name|names|naming|mention|reveal|disclose|identify|give|share|pass on)\b[^.;!?\n]{0,60}?"
    r"\b(?:who\s+(?:complained|reported|raised|told|said|asked|made)|by name|names?\b|identity|complainants?|"
    r"reporters?|other (?:members|customers|clients|patients|residents|tenants|guests|parents|families|neighbours))"
    r"|\bkeep\s+(?:\w+\s+){0,4}?anonymous\b|\banonymous\b", re.I)
_QUOTED = re.compile(r'"([^"\n]{3,80})"|“([^”\n]{3,80})”|‘([^’\n]{3,80})’')
# "a fellow member has raised ...": the noun phrase before the verb is the stand-in
_STAND_IN = re.compile(r"^((?:a|an|another|one of our|someone|somebody|a\s+fellow)\b[\w\s'-]{0,30}?)\s+"
                       r"(?:has|have|had|is|was|raised|said|reported|asked|complained|told|mentioned|noticed)\b", re.I)
_SENTENCE_START = re.compile(r"(^|[.!?]\s+|\n\s*)([a-z])")

# two or three capitalised words, not a weekday, month, greeting or the like
_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-z'’-]+|\b[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2}\b")
_NOT_NAMES = re.compile(r"^(?:Dear|Hi|Hello|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
                        r"March|April|May|June|July|August|September|October|November|December|Email|E-mail|Write|"
                        r"Reply|Let|Tell|Text|Send|Message|Remind|Draft|Please|The|Our|St|Saint)\b")
# the addressee follows the writing verb the request starts with: "Email Luis Duarte", "Write to Agnes Varga"
_ADDRESSEE = re.compile(r"^\W*(?:please\s+)?(?:e-?mail|write(?:\s+(?:to|back to))?|reply\s+to|let|tell|text|send\s+(?:a\s+\w+\s+)?to|"
                        r"message|remind|draft\s+(?:a\s+)?(?:reply|letter|note|message|e-?mail)\s+to)\s+(?:the\s+)?", re.I)


def names_kept_out(correction: str) -> str | None:
    """The stand-in for people a correction says messages must not name ("a fellow member"), "someone" when it
    offers none; None when the correction asks no such thing."""
    if not correction or not _KEEP_OUT.search(correction):
        return None
    for match in _QUOTED.finditer(correction):
        phrase = next(g for g in match.groups() if g).strip()
        stand_in = _STAND_IN.match(phrase)
        if stand_in:
            return " ".join(stand_in.group(1).split())
    return "someone"


def _names(text: str) -> list[str]:
    found = []
    for match in _NAME.finditer(text):
        name = match.group(0)
        words = name.split()
        while words and _NOT_NAMES.match(words[0]):
            words = words[1:]
        if len(words) >= 2 or (words and re.match(r"(?:Mr|Mrs|Ms|Miss|Dr)\b", name)):
            name = " ".join(words) if len(words) >= 2 else name
            if name not in found:
                found.append(name)
    return found


# a first name alone, said of a person: "Tomasz's big platters", "gone to Ines, who booked it first"
_FIRST_NAME = re.compile(r"(?<=\s)([A-Z][a-z'’-]{2,})(?=['’]s\b|,\s+who\b)")


def third_parties(request: str) -> list[str]:
    """The names a request gives besides its addressee's (the person after the writing verb it starts with): full
    names, and first names said of a person ("Tomasz's platters", "Ines, who booked it"); none when it names no
    addressee.

        >>> third_parties("Message Kofi: his glaze load moved to Friday because Tomasz's platters took the room.")
        ['Tomasz']
    """
    start = _ADDRESSEE.match(request)
    if not start:
        return []
    names = _names(request)
    first = re.match(r"[A-Z][a-z'’-]{2,}\b", request[start.end():])
    if first and not any(request[start.end():].startswith(name) for name in names) and not _NOT_NAMES.match(first.group(0)):
        names.insert(0, first.group(0))  # "Message Kofi": an addressee by first name
    names += [m.group(1) for m in _FIRST_NAME.finditer(request)
              if m.group(1) not in names and not _NOT_NAMES.match(m.group(1))
              and not any(m.group(1) in name.split() for name in names)]
    addressee = next((name for name in names if request.find(name) == start.end()
                      or request[start.end():].startswith(name)), None)
    if addressee is None:
        return []
    addressed = set(addressee.split())
    return [name for name in names if name != addressee and not set(name.split()) & addressed]


def without_names(draft: str, names: list[str], stand_in: str) -> tuple[str, list[str]]:
    """The draft with each of `names` (in full, then its first or last word alone) replaced by `stand_in`, a
    sentence's first letter upper case; and what was replaced."""
    replaced: list[str] = []
    for name in names:
        parts = [name] + [word for word in (name.split()[0], name.split()[-1])
                          if not re.match(r"(?:Mr|Mrs|Ms|Miss|Dr)\.?$", word)]
        for part in dict.fromkeys(parts):
            pattern = re.compile(rf"(?<![\w'’-])(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?{re.escape(part)}(['’]s)?(?![\w'’-])")
            if pattern.search(draft):
                draft = pattern.sub(lambda m: stand_in + (m.group(1) or ""), draft)
                replaced.append(part)
    if replaced:
        draft = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), draft)
    return draft, replaced

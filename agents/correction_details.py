"""Concrete details a person's correction names, which a general lesson tends to drop: quoted phrases (double,
single or typographic quotes), hashtags and handles, a literal line given after a colon ("sign off as: Waste
Team, Thornbury Council"), and numbers (phone numbers, extensions, amounts). Each is marked forbidden when the
correction says not to use it ("never write 'refuse'").

    >>> [(d.text, d.forbidden) for d in correction_details(
    ...     "Never use the word 'refuse'; always sign off as: Waste Team, Thornbury Council. Tag #BinDay.")]
    [('refuse', True), ('Waste Team, Thornbury Council', False), ('#BinDay', False)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

__all__ = ["MONTH_NAME", "Detail", "correction_details", "example_phrases", "example_value", "excluded_values", "filled_columns", "kept_values",
           "negated_before", "only_values", "quoted_phrases", "required_lines", "subtracted_values", "written_conditions"]

_QUOTED = re.compile(r'"([^"\n]{2,80})"|“([^”\n]{2,80})”|«\s?([^»\n]{2,80}?)\s?»|‘([^’\n]{2,80})’|'
                     r"(?<![\w'])'([^'\n]{2,60})'(?![\w'])")
_TAG = re.compile(r"(?<![\w@.])([#@][A-Za-z]\w{1,40})\b")
# a literal line after a colon that a writing cue introduces: "sign off as: ...", "the last line is always: ..."
_LITERAL_LINE = re.compile(r"\b(?:as|with|always|exactly|line|sign-?off|signature|subject|reads?|says?|wording|"
                           r"phrase|text)\s*:\s*([^\n.!?;:\"“'‘]{3,80}?)\s*(?=[.!?;]\s|[.!?;]?$|\n)", re.I)
_NUMBER = re.compile(r"(?<![\w.])(\+?\d(?:[\d.\-/]|\s(?=\d))*\d|\d)(?![\w])")
_NEGATED = re.compile(r"\b(?:never|not|avoid|don't|do not|no|without|instead of|rather than|stop)\b(?:\W+\w+){0,5}\W*$",
                      re.I)


# what people say to take something out of an answer, beside the negations ("drop the am/pm", "remove the ISO dates")
_REMOVED = re.compile(r"\b(?:drop|remove|leave out|get rid of|no more|skip|rather than|instead of|but not|besides|except|"
                      r"other than|apart from|excluding)\b(?:\W+\w+){0,5}\W*$",
                      re.I)


def _clause_before(text: str, start: int) -> str:
    """The clause that leads up to position `start`: it decides whether what follows is asked for or refused."""
    return re.split(r"[.;!?\n]|,\s*(?:and|but)\b", text[:start])[-1]


def negated_before(text: str, start: int) -> bool:
    """Whether the clause before position `start` refuses what follows ("not 2025-05-18", "drop the am/pm").

        >>> text = "Write 07:15, drop the am/pm; like 18 May 2025, not 2025-05-18."
        >>> [negated_before(text, text.index(s)) for s in ("07:15", "am/pm", "18 May", "2025-05-18")]
        [False, True, False, True]
    """
    clause = _clause_before(text, start) + " "
    return bool(_NEGATED.search(clause) or _REMOVED.search(clause))


@dataclass(frozen=True)
class Detail:
    text: str
    forbidden: bool  # the correction asks not to use it
    kind: str  # phrase | number

    @property
    def digits(self) -> int:
        return sum(c.isdigit() for c in self.text)


def correction_details(text: str) -> list[Detail]:
    """Phrases first (quoted, tags, literal lines), then numbers not inside a phrase; each once, in order."""
    found: list[tuple[int, Detail]] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], group_text: str, kind: str) -> None:
        start, end = match.span()
        if any(s <= start < e or s < end <= e for s, e in taken):
            return
        taken.append((start, end))
        found.append((start, Detail(group_text.strip(), bool(_NEGATED.search(_clause_before(text, start) + " ")), kind)))

    for match in _QUOTED.finditer(text):
        add(match, next(g for g in match.groups() if g), "phrase")
    for match in _TAG.finditer(text):
        add(match, match.group(1), "phrase")
    for match in _LITERAL_LINE.finditer(text):
        add(match, match.group(1), "phrase")
    for match in _NUMBER.finditer(text):
        add(match, match.group(1), "number")
    details: dict[str, Detail] = {}
    for _, detail in sorted(found, key=lambda pair: (pair[1].kind != "phrase", pair[0])):
        details.setdefault(detail.text.lower(), detail)
    return list(details.values())


def quoted_phrases(text: str) -> list[str]:
    """The phrases a correction puts in quotes, in order: the values a person names on purpose ("only count
    rows where event is 'checkout'"), as opposed to words that happen to spell a value ("the same book twice").

        >>> quoted_phrases("Count rows where event is 'checkout'; a renewal counts the same book twice.")
        ['checkout']
    """
    return [next(g for g in match.groups() if g).strip() for match in _QUOTED.finditer(text)]



_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
MONTH_NAME = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
              r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")  # a month's name or abbreviation, in a regex
# a phrase that is only a date or a clock time: in a correction about format it shows the form, it is not a value
_DATE_OR_TIME = re.compile(
    rf"(?:{_WEEKDAY},?\s+)?(?:(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}|{MONTH_NAME}\s+\d{{1,2}}"
    rf"(?:st|nd|rd|th)?)(?:,?\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}(?:[/.]\d{{2,4}})?"
    rf"|\d{{1,2}}(?:[:.]\d{{2}})?\s?(?:[ap]\.?m\.?)|\d{{1,2}}:\d{{2}}|half (?:past )?\w+|quarter (?:past|to) \w+"
    rf"|{_WEEKDAY}", re.I)


def example_value(phrase: str) -> bool:
    """Whether a phrase is only a date or a clock time ("Friday 13 June", "16:30", "4:30 pm", "13/06"): quoted in
    a correction about how to write dates or times, it shows the form; an answer must not copy it.

        >>> [example_value(p) for p in ("Friday 13 June", "2025-06-13", "4:30 pm", "half four",
        ...                             "Box office: 0161 555 0199 (Tue-Sat 12:00-18:00)", "Kind regards")]
        [True, True, True, True, False, False]
    """
    return _DATE_OR_TIME.fullmatch(" ".join(phrase.split()).strip(" .,")) is not None


# what introduces an example of a form: "go like "EUR 125.00"", "e.g. "...", "by title and surname - "Dear Ms Okafor" -"
_EXAMPLE_CUE = re.compile(r"(?:\b(?:like|e\.g\.?|eg|such as|for example|for instance|as in|say)\s*[:,]?|\s[-–—])\s*$", re.I)
_NAME_OR_NUMBER = re.compile(r"\d+(?:[.,]\d+)?|(?<!^)(?<![.!?]\s)\b[A-Z][a-z]{2,}\b")


def _instance_of(phrase: str, request: str) -> bool:
    """Whether a phrase repeats a name or a number of the request (its capitalised words after the first, its
    figures): "Dear Ms Okafor" written for "Write to Amara Okafor ...", "EUR 125.00" for "... the bill is 125€"."""
    if not request:
        return False

    def norm(word: str) -> str:  # 125.00 and 125 are one figure
        word = word.lower().replace(",", ".")
        return word.rstrip("0").rstrip(".") if re.fullmatch(r"\d+\.\d+", word) else word

    # every figure and every capitalised word of the request, the first one too ("Amara" in "Amara asked ...")
    said = {norm(n) for n in re.findall(r"\d+(?:[.,]\d+)?", request)}
    said |= {w.lower() for w in re.findall(r"\b[A-Z][a-z]{2,}\b", request)}
    return any(norm(match.group(0)) in said for match in _NAME_OR_NUMBER.finditer(phrase))


# an amount in a currency with a few words about it ("EUR 48.00 incl. VAT", "£12 a night"): the form of a price
_MONEY_FORM = re.compile(r"(?:(?:EUR|GBP|USD|CHF|€|£|\$)\s?\d[\d,.]*|\d[\d,.]*\s?(?:EUR|GBP|USD|CHF|€|£|euros?|pounds?))"
                         r"(?:\s+[\w.%/-]+){0,3}\.?", re.I)


def example_phrases(text: str, request: str = "") -> set[str]:
    """Quoted phrases of a correction that show a form rather than give a literal: a date or time
    (`example_value`), a phrase introduced as an example ("like", "e.g.", "such as", or set off by a dash after the
    description it illustrates), or one that repeats a name or a figure of the request the correction was given on
    (`request`): each request has its own.

        >>> sorted(example_phrases('We address members by title and surname - "Dear Ms Okafor" - not "Hi Amara".',
        ...                        "Write to Amara Okafor that her desk is ready."))
        ['Dear Ms Okafor', 'Hi Amara']
        >>> sorted(example_phrases('Amounts go like "EUR 125.00". Every message ends with "See you in the water - '
        ...                        'Millbrook Baths team".', "Write to Lena that the bill is 125€."))
        ['EUR 125.00']
        >>> sorted(example_phrases('Add the 20% VAT and write it as "EUR 48.00 incl. VAT".'))
        ['EUR 48.00 incl. VAT']
    """
    found = set()
    for match in _QUOTED.finditer(text):
        phrase = next(g for g in match.groups() if g).strip()
        if example_value(phrase) or _MONEY_FORM.fullmatch(phrase) \
                or _EXAMPLE_CUE.search(text[max(0, match.start() - 20):match.start()]) \
                or _instance_of(phrase, request):
            found.add(phrase)
    return found


# what a person says to make a line part of every answer: end or sign off with it, include or add it
_LINE_CUE = re.compile(r"\b(?:ends?|ending|close[sd]?|closing|finish(?:es)?|sign(?:s|ed)?[- ]?off|sign-?off line|"
                       r"last line|signature|include[sd]?|including|add(?:s|ed)?|append|carry|carries|put)\b", re.I)

# a statement every answer must make, in the correction's own unquoted words: "anything we send about live bees has to
# say they're collection only, from the yard on a Saturday between 9 and 11" (held-out v14, beekeeping, seen); not
# a description of what to say ("say when it will be ready") nor an instruction ("say they're net - write it like")
_MUST_SAY = re.compile(r"\b(?:(?:has|have|needs?|ought)\s+to|must(?:\s+always)?|should\s+always|always)\s+"
                       r"(?:say|state|mention|make\s+clear)\s+(?:that\s+)?(?!(?:when|what|where|who|how|whether|if|which|"
                       r"why|so|it|this|that|something|anything|the\s+\w+\s+(?:of|for))\b)([^.;!?\n]{12,160})", re.I)
_INSTRUCTION = re.compile(r"[\"“”]|\b(?:write|give|name|use|put|add|quote|include|mention|say|tell|explain|"
                          r"list|show)\b", re.I)

# a line asked for only sometimes is not one every answer carries
_CONDITION = re.compile(r"\b(?:if|when|whenever|unless|only|in case)\b", re.I)

# a condition that opens the correction and ends at its first comma says which answers the whole correction is
# about ("Whenever we price a screen job, add this: ..."): it is the lesson's scope, which the gate has judged
# before the lesson reaches a writer, so a line asked for after it is one every answer the lesson applies to carries
_SCOPE_CLAUSE = re.compile(r"^\W*(?:(?:please|also|and|oh|ok|okay|right|look)[,:]?\s+)?"
                           r"(?:when(?:ever)?|if|every time|for (?:any|every|all|each)\w*|on (?:any|every))\b[^.;:!?\n,]*,",
                           re.I)

_ASKED = re.compile(r"\b(?:ask(?:s|ed)?|want(?:s|ed)?|need(?:s|ed)?|request(?:s|ed)?)\b", re.I)


def _without_scope_clause(text: str) -> str:
    """`text` with its opening scope clause blanked (same length, so positions hold)."""
    lead = _SCOPE_CLAUSE.match(text)
    if lead is None or len(lead.group().split()) < 4 or _ASKED.search(lead.group()):
        return text  # "If they ask, add the office number": what the request asks for, not which answers
    return " " * lead.end() + text[lead.end():]


def required_lines(text: str, request: str = "") -> list[str]:
    """Phrases of two words or more (quoted, or a literal line after a colon) that a correction says every answer
    ends with or includes, not in a negated clause and not an example of a form (`example_phrases`, given the
    `request` the correction was on), and phone-like numbers it says so of, with the words that name them: the lines
    a writer can add to a draft that lacks them.

        >>> required_lines('Every message to clients ends with our line "Wet noses, happy tails - the team", '
        ...                'never "Kind regards".')
        ['Wet noses, happy tails - the team']
        >>> required_lines('Write dates like "Friday 13 June"; include "Box office: 0161 555 0199" in each reply.')
        ['Box office: 0161 555 0199']
        >>> required_lines('Include "the opening hours" when they ask about visiting.')  # only sometimes
        []
        >>> required_lines('Say "sorry" once; do not add "Best wishes".')
        []
        >>> required_lines("Times are UTC, so add an hour - datetime(start_utc, '+1 hour') - first.")  # SQL, no line
        []
        >>> required_lines("Anything about live bees has to say they're collection only, from the yard on a Saturday.")
        ["They're collection only, from the yard on a Saturday."]
        >>> required_lines("Prices must say they're excluding VAT - write it like this.")  # an instruction
        []
        >>> required_lines("Every message to a hirer has to end with our 24-hour breakdown line, 07700 900462, so "
        ...                "they have it on the river.")
        ['24-hour breakdown line: 07700 900462']
        >>> required_lines('Whenever we price a screen job, add this: "After this repair your phone may no longer be '
        ...                'water-resistant." Someone blamed us.')  # the opening condition is the lesson's scope
        ['After this repair your phone may no longer be water-resistant.']
    """
    found = []
    examples = example_phrases(text, request)
    unscoped = _without_scope_clause(text)  # the condition words the gate has already judged
    for pattern in (_QUOTED, _LITERAL_LINE):
        for match in pattern.finditer(text):
            phrase = next(g for g in match.groups() if g).strip()
            clause = _clause_before(text, match.start())
            sentence = clause + re.split(r"[.;!?\n](?:\s|$)", text[match.end():])[0]
            scoped = _clause_before(unscoped, match.start()) + sentence[len(clause):]
            if re.search(r"\w\([^()]*$", text[:match.start()]):  # an argument of a function: datetime(x, '+1 hour')
                continue
            if len(phrase.split()) < 2 or phrase in examples or negated_before(text, match.start()) \
                    or not _LINE_CUE.search(clause) or _CONDITION.search(scoped) or phrase in found:
                continue
            found.append(phrase)
    for match in _MUST_SAY.finditer(text):  # "has to say they're collection only, from the yard on a Saturday"
        said = match.group(1).strip(" ,-")
        if _INSTRUCTION.search(said) or negated_before(text, match.start()) or len(said.split()) < 3:
            continue
        line = said[0].upper() + said[1:] + "."
        if line not in found:
            found.append(line)
    for match in _NUMBER.finditer(text):
        number = match.group(1)
        clause = _clause_before(text, match.start())
        sentence = _clause_before(unscoped, match.start()) + re.split(r"[.;!?\n](?:\s|$)", text[match.end():])[0]
        cue = _LINE_CUE.search(clause)
        phone_like = sum(c.isdigit() for c in number) >= 7 and re.search(r"^\+|^0|[\s-]", number) is not None
        if not phone_like or cue is None or negated_before(text, match.start()) \
                or _CONDITION.search(sentence) or any(number in line for line in found):
            continue
        # "end with our 24-hour breakdown line, 07700 900462": the words between the cue and the number name it
        named = re.split(r"\b(?:our|the|a|an|your|with)\s+", clause[cue.end():], flags=re.I)[-1].strip(" ,:-–—")
        generic = re.fullmatch(r"(?:line|number|phone|phone number|contact)?", named, re.I) is not None
        found.append(number if generic or len(named.split()) > 5 else f"{named}: {number}")
    return found


# what a person says of rows that belong in a figure, and of rows that do not
_KEPT = re.compile(r"\b(?:stays? in|keep|keeps|keeping|kept|leave (?:them |it )?in|includ(?:e|es|ed|ing)|"
                   r"count(?:s|ed)?|remain)\b", re.I)
_LEFT_OUT = re.compile(r"\b(?:stays? out|leave out|leaving out|exclud(?:e|es|ed|ing)|drop|skip|remove|never|not|"
                       r"don't|do not|without|except|minus|only)\b", re.I)


_SUBTRACTED = re.compile(r"\b(?:take (?:off|away)|taking (?:off|away)|subtract(?:s|ed|ing)?|deduct(?:s|ed|ing)?|minus|"
                         r"net of|less)\b(?:\s+\w+){0,5}\s*$", re.I)


# said after the value: "kind = 'refund', so you've added them on instead of taking them off"
_TAKEN_OFF_AFTER = re.compile(r"\b(?:instead of |rather than |should be |must be |to be )?(?:tak(?:e|ing|en)|subtract\w*|"
                              r"deduct\w*)\s+(?:them|those|these|it)\s+(?:off|away)\b|\b(?:instead of|rather than)\s+"
                              r"(?:subtract|deduct)\w*\b", re.I)


def subtracted_values(text: str) -> set[str]:
    """Quoted values whose rows a correction says are taken off a total ("take off the qty of 'returned' rows",
    "minus the 'refund' rows"), lower case.

        >>> sorted(subtracted_values("Add qty for status 'dispensed', take off the qty of 'returned' rows."))
        ['returned']
        >>> sorted(subtracted_values("Leave out 'returned' rows."))
        []
        >>> sorted(subtracted_values("Refunds are kind = 'refund', so you added them on instead of taking them off."))
        ['refund']
    """
    found = set()
    for match in _QUOTED.finditer(text):
        value = next(g for g in match.groups() if g).strip()
        before = re.split(r"\b(?:but|while|whereas|and)\b", _clause_before(text, match.start()))[-1]
        after = re.split(r"[.;!?\n]", text[match.end():])[0]
        named_later = re.search(rf"\b(?:minus|less|subtract\w*|deduct\w*|tak(?:e|ing) off|tak(?:e|ing) away)\s+"
                                rf"(?:the\s+|all\s+|any\s+)?{re.escape(value)}(?:s|es)?\b", text, re.I)
        if _SUBTRACTED.search(before) or _TAKEN_OFF_AFTER.search(after) or named_later:
            found.add(value.lower())
    return found


# "cancelled orders stay in the orders table": where rows are, not which rows count
_PLACE = re.compile(r"\b(?:stays?|remain|kept|keeps?)\s+in\s+(?:the\s+)?\w+\s+(?:table|database|system|sheet)\b", re.I)


def kept_values(text: str) -> set[str]:
    """Quoted values a correction says stay in a figure ("rows with status 'absent' stay in", "keep the 'refund'
    rows", "rows with status 'comp' ... count"), in a clause that leaves nothing out, lower case.

        >>> sorted(kept_values("Add up duration_min, leaving out status 'cancelled'. Rows with status 'absent' "
        ...                    "stay in: the teacher was paid."))
        ['absent']
        >>> sorted(kept_values("Leave out status 'void', and keep the 'refund' rows - they net off."))
        ['refund']
        >>> sorted(kept_values("Count only status 'completed'; don't count 'no_show' rows."))
        []
        >>> sorted(kept_values("Leave out status 'cancelled' but keep 'no_show' - they were billed."))
        ['no_show']
    """
    found = set()
    for match in _QUOTED.finditer(text):
        value = next(g for g in match.groups() if g).strip()
        after = re.split(r"[.;:!?\n]|,\s*(?:and|but)\b", text[match.end():])[0]
        before = re.split(r"\b(?:but|while|whereas)\b|,\s*and\b", _clause_before(text, match.start()))[-1]
        clause = before + " " + after  # "leave out 'cancelled' but keep 'no_show'": the keeping half
        if _KEPT.search(_PLACE.sub(" ", clause)) and not _LEFT_OUT.search(clause):
            found.add(value.lower())
    return found


# "only count status 'done'", "only the 'paid' rows", "count only 'adult' tickets"
_ONLY = re.compile(r"\bonly\b(?:\W+\w+){0,5}\W*$", re.I)
_ONLY_AFTER = re.compile(r"^\W*(?:\w+\W+){0,2}?only\b", re.I)  # "for status 'completed' only", "'paid' rows only"
_LEAVING_OUT = re.compile(r"\b(?:leaving out|left out|excluding|skipping|dropping|without)\b(?:\W+\w+){0,5}\W*$", re.I)
_JOINED = re.compile(r"^\W*(?:,|or|and|nor)\W*$", re.I)  # "'cancelled' or 'refunded'": the second is read as the first
# said after a value: "'no_access' visits were never charged", "'void' rows don't count", "'test' entries stay out"
_LEFT_OUT_AFTER = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:(?:are|is|were|was|get|gets)\s+)?(?:never|not|n't|don't|do not|"
                             r"stays? out|left out|excluded)\b", re.I)


def only_values(text: str) -> set[str]:
    """Quoted values a correction says a figure keeps alone ("only count status 'done'", "only the 'paid'
    rows"), not in a clause that refuses them, lower case.

        >>> sorted(only_values("Divide by 100, and only count status 'done' - the 'no_access' visits were never charged."))
        ['done']
        >>> sorted(only_values("Don't only count 'paid' rows; leave out 'void'."))
        []
    """
    return _joined_values(text, _alone)


def _phrase_before(text: str, start: int) -> str:
    """The clause before `start`, from its last dash or parenthesis on ("only count 'done' - the 'no_access' ...")."""
    return re.split(r"\s[-–—]\s|\(", _clause_before(text, start))[-1]


def _phrase_after(text: str, end: int) -> str:
    """What follows `end` up to the clause's end, a dash or a parenthesis ("'no_access' visits were never charged")."""
    return re.split(r"[.;:!?\n(]|,\s*(?:and|but)\b|\s[-–—]\s", text[end:])[0]


def _alone(text: str, match: re.Match[str]) -> bool:
    before, after = _phrase_before(text, match.start()), _phrase_after(text, match.end())
    return bool((_ONLY.search(before) or _ONLY_AFTER.search(after))
                and not re.search(r"\bnot\b|n't\b|\bnever\b", before, re.I))


def _left_out(text: str, match: re.Match[str]) -> bool:
    after = _phrase_after(text, match.end())
    before = re.split(r"\b(?:but|while|whereas)\b|\s[-–—]\s", _clause_before(text, match.start()))[-1] + " "
    return bool(_NEGATED.search(before) or _REMOVED.search(before) or _LEAVING_OUT.search(before)
                or _LEFT_OUT_AFTER.search(after))


def _joined_values(text: str, reads: Callable[[str, re.Match[str]], bool]) -> set[str]:
    """Quoted values `reads` holds for, lower case; a value joined to the one before by "or", "and" or a comma
    ("leave out rows whose status is 'cancelled' or 'refunded'") is read as that one."""
    found: set[str] = set()
    previous: tuple[re.Match[str], bool] | None = None
    for match in _QUOTED.finditer(text):
        holds = reads(text, match)
        if previous is not None and previous[1] and _JOINED.match(text[previous[0].end():match.start()]):
            holds = True
        if holds:
            found.add(next(g for g in match.groups() if g).strip().lower())
        previous = (match, holds)
    return found


def excluded_values(text: str) -> set[str]:
    """Quoted values whose rows a correction leaves out of a figure ("leave out the 'reprint' rows", "not
    'cancelled'", "the 'no_access' visits were never charged"), except those it keeps or takes off a sum
    (`kept_values`, `subtracted_values`), lower case.

        >>> sorted(excluded_values("Only count status 'done' - the 'no_access' visits were never charged. "
        ...                        "Leave out the 'reprint' rows: our own misprints."))
        ['no_access', 'reprint']
        >>> sorted(excluded_values("Leave out status 'cancelled' but keep 'no_show'; take off the 'returned' rows."))
        ['cancelled']
    """
    return _joined_values(text, _left_out) - kept_values(text) - subtracted_values(text) - only_values(text)


# "only rows where verified_by is filled in", "signed_off must not be empty", "rows with a paid_on date"
_FILLED = re.compile(r"\s*(?:column\s+)?(?:(?:is|are|must be|should be|has been)\s+(?:filled(?:\s+in)?|set|present|given|"
                     r"not\s+(?:null|empty|blank))|(?:has|holds)\s+a\s+value|is\s+non-?(?:null|empty|blank))\b", re.I)


def filled_columns(text: str, names: list[str]) -> set[str]:
    """Column `names` (identifiers such as verified_by) a correction says must hold a value for a row to count
    ("only rows where verified_by is filled in - NULL means nobody signed off").

        >>> sorted(filled_columns("Add up hours, only rows where verified_by is filled in - NULL means no sign-off.",
        ...                       ["hours", "verified_by", "plot_id"]))
        ['verified_by']
        >>> sorted(filled_columns("Don't count rows where verified_by is set.", ["verified_by"]))
        []
    """
    found = set()
    for name in names:
        if "_" not in name and len(name) < 4:
            continue
        for match in re.finditer(rf"(?<![\w.]){re.escape(name)}(?!\w)", text):
            before = _phrase_before(text, match.start()) + " "
            if _FILLED.match(text, match.end()) and not (_NEGATED.search(before) or _REMOVED.search(before)):
                found.add(name)
    return found


# a condition a correction writes in SQL as the rule: "... WHERE is_repeat = 0", "only rows with kind = 'hire'"; one
# written as a description ("attended = 0 means they never turned up") is not a rule
_WRITTEN_CONDITION = re.compile(r"(?:\b(?-i:WHERE|AND)|\bonly\s+(?:\w+\s+)?(?:with|where))\s+((?:\w+\.)?[A-Za-z_]\w*)\s*"
                                r"(=|<>|!=|>=|<=|>|<)\s*('[^'\n]{1,40}'|-?\d+(?:\.\d+)?)(?!\w|\.\d)", re.I)


def written_conditions(text: str) -> list[tuple[str, str, str]]:
    """(column, operator, literal) for each condition a correction writes in SQL after WHERE, AND or "only rows
    with/where", not in a negated clause.

        >>> written_conditions("is_repeat = 1 rows are repeats. SQL on broadcasts: SUM(duration_s) WHERE is_repeat = 0.")
        [('is_repeat', '=', '0')]
        >>> written_conditions("COUNT(DISTINCT patient_id) WHERE attended = 1; only rows with kind = 'hire'.")
        [('attended', '=', '1'), ('kind', '=', "'hire'")]
        >>> written_conditions("Don't filter WHERE status = 'open'.")
        []
    """
    found = []
    for match in _WRITTEN_CONDITION.finditer(text):
        if negated_before(text, match.start()):
            continue
        condition = (match.group(1), "<>" if match.group(2) == "!=" else match.group(2), match.group(3))
        if condition not in found:
            found.append(condition)
    return found

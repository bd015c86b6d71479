"""Whether a request asks for a message to someone outside the team (a reply, an e-mail, a text, "let X know"),
and whether a request to write anything asks for no figure to be looked up first.

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
    >>> asks_for_message("Write an internal note for the mechanics listing the bikes in repair.")
    False
    >>> asks_for_message("Make a sign for the strawberry punnets: 400 g for 3.20.")
    True
    >>> asks_for_message("Write a note for Bea listing who is on Thursday's evening class.")  # a colleague
    False
"""

from __future__ import annotations

import re
from functools import lru_cache

from memory.calendar_words import MONTHS, WEEKDAYS

__all__ = ["addresses", "asks_for_message", "exempt_audiences", "message_start", "says_every_message", "trade_partner",
           "writes_without_lookup"]

# a verb of writing at the start of a sentence: "Grace's membership is up for renewal. Draft the reminder."
_SENTENCE_START = r"(?:^|[.!?:]\s+)(?:please\s+)?"
_CALENDAR = f"(?:{MONTHS}|{WEEKDAYS})"
_WRITING_VERBS = r"write|draft|reply|respond|send|e-?mail|text|message|compose|let\s+\S+(?:\s+\S+){0,3}\s+know"
_MESSAGE = re.compile(
    rf"{_SENTENCE_START}(?:{_WRITING_VERBS}"
    r"|(?:prepare|put\s+together)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}(?:note|letter|message|reply|e-?mail|notice|reminder"
    r"|announcement|blurb|post|press release|advert)"
    # a post where readers are: "Post in the group chat reminding the band ...", "Post on our page that ..."
    r"|post\s+(?:in|on|to)\s+(?:the|our)\b"
    r"|tell\s+(?!me\b)|answer\s+(?:a|an|the|this)\s+\S+"
    # a text customers read where they are: "Make a sign for the punnets", "Chalkboard wording for the cream"
    r"|(?:make|create|do|prepare)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}(?:sign|label|poster|flyer|chalkboard|shelf card)"
    r"|(?:chalkboard|shelf)\s+(?:wording|text|card|label)|(?:label|sign)\s+for"
    # a verb said to a named person or family: "Quote Mill Road Yoga for ...", "Give Tomasz Nowak the deadline"
    rf"|(?:quote|give|remind|thank|invite|ping)\s+(?!{_CALENDAR}\b)(?:the\s+)?(?-i:[A-Z][a-z]+)\b"
    # a booking confirmed to the person who made it: "Confirm Mrs Hollis's booking", "Confirm to the Scouts that ..."
    rf"|confirm\s+(?:(?!{_CALENDAR}\b)(?-i:[A-Z][a-z]+)\b|(?:to|with)\s+(?:the\s+)?(?-i:[A-Z][a-z]+)\b)"
    r"|drop\s+\S+(?:\s+\S+){0,3}\s+a\s+(?:line|note|message))\b",
    re.IGNORECASE,
)
_INSIDE = re.compile(r"\b(?:team|crew|staff|shift|rota|agenda|committee|board|colleagues?|managers?|intern|job post"
                     r"|cover letter|sql|query|summary|report|minutes|internal|running sheet|job ticket|work order"
                     r"|handover|print room)\b", re.IGNORECASE)


# a text for one colleague, named by first name only: "Draft a note for Aled", "Write Tamsin's list for Thursday"
_FOR_COLLEAGUE = re.compile(r"\b(?i:note|reminder|memo|list|job sheet|running order)\s+for\s+[A-Z][a-z]+\b(?!'|\s+[A-Z&])"
                            r"|\b[A-Z][a-z]+'s\s+(?i:list|jobs|round|running order|day sheet)\b")


def asks_for_message(request: str) -> bool:
    """True when the request asks to write to someone outside the team (English wording only)."""
    return message_start(request) >= 0


def message_start(request: str) -> int:
    """Where the sentence asking for a message to someone outside the team starts, -1 when there is none."""
    asked = _MESSAGE.search(request)
    if asked is None or _INSIDE.search(request) or _FOR_COLLEAGUE.search(request):
        return -1
    return asked.start()


# a rule said of every message: "every message we send to clients ends with ...", "in anything we send to
# customers", "whenever we write to guests", "every quote we send out has to end with ..."
_EVERY_MESSAGE = re.compile(
    r"\b(?:every|each|all|any|anything|everything|whenever)\b[^.;!?]{0,40}?"
    r"\b(?:messages?|e-?mails?|letters?|texts?|replies|reply|quotes?|posts?|notices?|(?:we|you)\s+(?:send|write|sent|post)"
    r"|sent|written|goes\s+(?:out\s+)?to|going\s+(?:out\s+)?to)\b",
    re.IGNORECASE)


def says_every_message(correction: str) -> bool:
    """True when a writer correction says its rule holds for every message of a kind, not for the one it was
    given on (English wording only).

        >>> says_every_message("Fine, but every message we send to clients ends with our line 'Wet noses'.")
        True
        >>> says_every_message("In anything we send to customers, write dates as weekday, day and month.")
        True
        >>> says_every_message("Too stiff. Say sorry first.")
        False
    """
    return bool(_EVERY_MESSAGE.search(correction))


_WRITE = re.compile(rf"{_SENTENCE_START}(?:{_WRITING_VERBS}|prepare|put\s+together|tell)\b(?!\s+me\b)", re.IGNORECASE)
# what a request to write asks to be found first: "telling them how much they have spent", "with their bill"
_FIGURE_TO_FIND = re.compile(
    r"\b(?:how\s+(?:much|many|often|long)|what\s+(?:\w+\s+){0,2}(?:spent|paid|used|owes?|owed|produced|earned|booked)"
    r"|statement|bill|invoice|totals?|so\s+far|in\s+total|add(?:ed)?\s+up|number\s+of|revenue|sales|takings|income"
    r"|turnover|average|figures?|count|breakdown|list\s+of)\b", re.IGNORECASE)


def writes_without_lookup(request: str) -> bool:
    """True when the request asks to write something (a message, a note, a blurb) and names no figure to be found
    first: its content is given ("Text Tom that his repair came to 20 euros") or comes from documents, not from
    counting records ("Write to Ravi telling him how many hours he booked" needs a lookup; English wording only).

        >>> writes_without_lookup("Text Tom Becker that fixing his puncture came to 20 euros.")
        True
        >>> writes_without_lookup("Write to Ravi Menon telling him how many meeting-room hours he booked in June.")
        False
        >>> writes_without_lookup("How many hours were booked in June?")
        False
        >>> writes_without_lookup("Send me March's revenue by product.")  # a question sent to oneself
        False
    """
    return bool(_WRITE.search(request)) and not _FIGURE_TO_FIND.search(request)


# a sentence of a writer correction that exempts an audience: "Notes for the groomers don't get it", "Internal notes
# for teachers can be written however you like", "Notes for our nurses can keep the abbreviations"
_EXEMPTION = re.compile(
    r"(?:^|[.;!?]\s+)(?P<who>[^.;!?\n]{3,120}?)\s+(?:don't|do not|doesn't|does not|needn't|need not|won't)\s+"
    r"(?:get|need|matter|have to)\b|"
    r"(?:^|[.;!?]\s+)(?P<who2>[^.;!?\n]{3,120}?)\s+(?:can|may)\s+(?:keep|stay|be written|use|skip|do without)\b|"
    r"(?:^|[.;!?]\s+)(?P<who3>[^.;!?\n]{3,120}?)\s+(?:are|is)\s+(?:exempt|excluded)\b",
    re.IGNORECASE,
)
_DETERMINERS = {"the", "our", "own", "a", "an", "any", "us", "all", "other", "their", "your", "my"}


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _phrase(words: list[str]) -> str:
    return " ".join(_singular(w) for w in words)


@lru_cache(maxsize=1024)
def exempt_audiences(correction: str) -> frozenset[str]:
    """Who a writer correction says its rule is not for: the noun phrase after "for" or "to" in the subject of a
    sentence that says they "don't get it", "can keep" their own form, or "are exempt", singular and without
    determiners ("groomer", "test centre", "front-of-house staff").

        >>> sorted(exempt_audiences("Every message to clients ends with our line. Notes for the groomers don't get it."))
        ['groomer']
        >>> sorted(exempt_audiences("Write doses in plain words. Notes for our nurses can keep the abbreviations."))
        ['nurse']
        >>> sorted(exempt_audiences("Notes for the instructors and letters to the test centre don't need it."))
        ['instructor', 'test centre']
        >>> sorted(exempt_audiences("Internal figures can stay as they are."))
        []
    """
    found: set[str] = set()
    for match in _EXEMPTION.finditer(correction):
        who = (match.group("who") or match.group("who2") or match.group("who3") or "").lower()
        for part in re.findall(r"\b(?:for|to)\s+([a-z][a-z -]*?)(?=\s+(?:and|or)\b|,|$)", who):
            words = [w for w in re.findall(r"[a-z][a-z-]+", part) if w not in _DETERMINERS]
            if words:
                found.add(_phrase(words))
    return frozenset(found - {"customer", "client", "member", "guest", "owner", "user", "patient", "parent", "family"})


def addresses(request: str, audiences: frozenset[str]) -> str:
    """The first of `audiences` the request names ("" when none): "Write a note for the lifeguards" names
    "lifeguard", "Email the test centre" names "test centre"."""
    said = f" {_phrase(re.findall(r'[a-z][a-z-]+', request.lower()))} "
    return next((a for a in sorted(audiences) if f" {a} " in said), "")


# those the team buys from or reports to, not those it serves: "Email our fuel supplier", "Write to the bank"
_PARTNER = (r"(?:suppliers?|vendors?|wholesalers?|distributors?|manufacturers?|maltsters?|insurers?|insurance company|"
            r"bank|council|landlord|contractors?|couriers?|brokers?|archives?|(?:referral )?hospital|accountants?|"
            r"solicitors?|lawyers?|auditors?|regulator|tax office|agency|printers?|builders?|plumbers?|electricians?|"
            r"cleaning company|caterers?|maintenance company|shop that supplies)")
_TO_PARTNER = re.compile(
    rf"^\s*(?:please\s+)?(?:write|draft|send|e-?mail|text|message|compose|reply)\b(?:\s+(?:a|an|the)\s+(?:\w+\s+){{0,3}}?"
    rf"(?:to|for))?\s+(?:to\s+)?(?:our|the|a)?\s*(?:[\w&'-]+\s+){{0,3}}?(?P<who>{_PARTNER})\b", re.IGNORECASE)
_NAMES_PARTNER = re.compile(rf"\b{_PARTNER}\b", re.IGNORECASE)


def trade_partner(request: str, correction: str = "") -> str:
    """Whom the request writes to when that is a business the team buys from or reports to (a supplier, the bank,
    the council, an insurer), "" otherwise, or when the `correction` speaks of such partners itself (its rule may
    be for them: "Orders to our suppliers stay net").

        >>> trade_partner("Email our fuel supplier asking for Monday's delivery at 7 am.")
        'supplier'
        >>> trade_partner("Write to Anna Lindgren that her shirts will be ready on Friday.")
        ''
        >>> trade_partner("Write a letter to the bank about the double debit.", "Letters to the bank are formal.")
        ''
    """
    match = _TO_PARTNER.search(request or "")
    if match is None or _NAMES_PARTNER.search(correction or ""):
        return ""
    return _singular(match.group("who").lower())

"""Where a message to someone outside the team goes, and which of those places a writer correction speaks of.

A rule taught on one kind of message is often about that kind only: "every bit of publicity has to end with the box
office number" is for posters, posts and blurbs, not for a reply to the Rotary Club; "Gazette notices go in our house
style" is for the paper, not for the remembrance page on the website; "never name who hasn't paid in a message to
everyone" is for the group chat, not for a letter to one donor. The channels:

- ``press``: the newspaper (the Gazette, the local paper, a press announcement, a death notice);
- ``online``: the website, a social-media post, a blog;
- ``print``: posters, flyers, leaflets, booklets, orders of service, signs and labels;
- ``group``: one message to all members at once (the group chat, the notice board, "the whole band");
- ``direct``: a message to one person, family or organisation (a reply, an e-mail, a letter, a text).

The first three are public, and "publicity" or "anything printed or put online" names all three.

    >>> request_channel("Draft a Facebook post about the spring concert at the Corn Exchange.")
    'online'
    >>> request_channel("Post in the group chat reminding the band that the money for the year is due.")
    'group'
    >>> request_channel("Reply to the Wrenfield Rotary Club, who have offered to pay the hall hire.")
    'direct'
    >>> request_channel("Put together the announcement for the local press for Kamala Rao, 84.")
    'press'
    >>> request_channel("What does a notice in the Gazette cost?")  # no message asked for
    ''
    >>> sorted(named_channels("Fine, but every bit of publicity has to end with the box office number."))
    ['online', 'press', 'print']
    >>> sorted(named_channels("Never name who hasn't paid in a message to everyone - keep it general."))
    ['group']
    >>> sorted(named_channels("Take out 'safe'. Say what we found."))
    []
"""

from __future__ import annotations

import re
from functools import lru_cache

from memory.message_requests import message_start

__all__ = ["EVERYWHERE", "PUBLIC", "named_channels", "request_channel"]

PUBLIC = frozenset({"press", "online", "print"})
EVERYWHERE = PUBLIC | {"group", "direct"}

_GROUP_AUDIENCE = (r"(?:members|players|parents|band|choir|orchestra|club|volunteers|residents|tenants|regulars|"
                   r"helpers|singers|cast|squad|congregation|families)")
# what a request to write names as the place its words go, first match wins
_REQUEST_CHANNELS = (
    ("press", re.compile(r"\b(?:gazette|newspapers?|local paper|the paper|press|death notice|obituar(?:y|ies))\b", re.I)),
    ("group", re.compile(
        r"\b(?:group chat|whatsapp|group (?:message|e-?mail|text)|mailing list|(?:notice|bulletin)[ -]?board|"
        r"put up a notice|everyone|everybody|the whole \w+|all (?:our |the )?" + _GROUP_AUDIENCE + r"|"
        r"(?:to|for) (?:all )?(?:the|our) " + _GROUP_AUDIENCE + r")\b", re.I)),
    ("online", re.compile(
        r"\b(?:web ?site|our site|web ?page|online|facebook|instagram|twitter|social media|tweet|blog post|"
        r"(?:page|wall|feed) on (?:our|the) (?:site|website))\b", re.I)),
    ("print", re.compile(
        r"\b(?:posters?|flyers?|leaflets?|booklets?|brochures?|orders? of service|programmes?|signs?|labels?|"
        r"chalkboard|shelf card|menus?|banners?|printed|newsletters?)\b", re.I)),
)


# where what the message says begins: the channel is read before it ("Text Jamal that his 50 posters are ready"
# is a text, "Write a quote for the Runners: 200 A2 posters" a quote, whatever is printed)
_CONTENT = re.compile(r":|\s[-\u2013\u2014]\s|\b(?:that|about|saying|telling|asking|with|know|whether|who|because)\b",
                      re.I)
# a message to someone named: "Email Lena Fischer a quote for her flyer", "a thank-you letter to Thornbury Builders"
_TO_SOMEONE = re.compile(r"^\W*(?:please\s+)?(?:(?i:e-?mail|text|message|thank|let|tell|remind|update|quote)\s+"
                         r"|(?i:(?:reply|write(?:\s+back)?|respond)\s+to|.*?\b(?:letter|e-?mail|note|card|reply|text)\s+to)\s+"
                         r"(?:the\s+)?)(?:Mr|Mrs|Ms|Miss|Dr|Revd|[A-Z][a-z])")


@lru_cache(maxsize=1024)
def request_channel(request: str) -> str:
    """Where the message the request asks for goes ("" when it asks for no message to someone outside the team;
    English wording only). Only the words before what the message says are read.

        >>> request_channel("Text Jamal Idris that his 50 posters are ready and cost EUR 40.")
        'direct'
    """
    start = message_start(request or "")
    if start < 0:
        return ""
    head = _CONTENT.split(request[start:].lstrip(" .!?:"), maxsplit=1)[0]
    if _TO_SOMEONE.search(head):
        return "direct"
    return next((name for name, pattern in _REQUEST_CHANNELS if pattern.search(head)), "direct")


# what a correction names as the messages its rule is for
_CORRECTION_CHANNELS = (
    (PUBLIC, re.compile(r"\b(?:publicity|advert(?:s|isements?|ising)?|promotional|marketing copy|"
                        r"(?:printed|published|put online|goes? public)\b)", re.I)),
    (frozenset({"press"}), re.compile(r"\b(?:gazette|newspapers?|the paper|press|death notices?|obituar(?:y|ies))\b",
                                      re.I)),
    (frozenset({"online"}), re.compile(r"\b(?:web ?site|online|facebook|instagram|social media|(?:our )?posts)\b", re.I)),
    (frozenset({"print"}), re.compile(r"\b(?:posters|flyers|leaflets|booklets|brochures|orders of service|signs|"
                                      r"labels|menus)\b", re.I)),
    # "letters to donors" go to one donor at a time, "letters to residents" to a street at once
    (frozenset({"direct", "group"}), re.compile(r"\b(?:letters|e-?mails|replies|texts|notes)\s+(?:to|for)\s+(?:all\s+)?"
                                                r"(?:the\s+|our\s+)?" + _GROUP_AUDIENCE, re.I)),
    (frozenset({"direct"}), re.compile(r"\b(?:letters|e-?mails|replies|texts|confirmations?|thank-yous?)\s+(?:to|for)\b",
                                       re.I)),
    (frozenset({"group"}), re.compile(r"\b(?:message to everyone|to everybody|group chat|whatsapp|mailing list|"
                                      r"(?:notice|bulletin)[ -]?board|the whole \w+)\b", re.I)),
)


# a rule for every message, wherever it goes: "in anything we send to customers", "newsletters, posts, replies to
# guests, all of it"
_EVERYWHERE = re.compile(r"\b(?:any(?:thing)?|every(?:thing)?|all)\b[^.;!?]{0,30}?\b(?:we|you)\s+(?:send|write|sent|post)\b|"
                         r"\b(?:replies|letters|e-?mails|texts)\b[^.;!?]*\b(?:posts|newsletters?|notices|website)\b|"
                         r"\b(?:posts|newsletters?|notices|website)\b[^.;!?]*\b(?:replies|letters|e-?mails|texts)\b|"
                         r"\ball of it\b|\banything\s+(?:our|the)\s+\w+\s+reads?\b", re.I)
# a reason given after the rule names places only to explain it: "that's what's printed on their receipt",
# "That's how the signs and the council website show them"
_REASON = re.compile(r"\b(?:that's|that is|which is|it's|because|since)\b[^.;!?]*", re.I)


@lru_cache(maxsize=1024)
def named_channels(correction: str) -> frozenset[str]:
    """The channels a writer correction names as those its rule is for: empty when it names none (then the rule
    is for messages like the one it was given on), every channel when it says its rule is for anything sent.

        >>> sorted(named_channels("In anything we send, write GC-0007 - that's what's printed on the receipt."))
        ['direct', 'group', 'online', 'press', 'print']
        >>> sorted(named_channels("Prices go with the euro sign. That's how the signs and the website show them."))
        []
    """
    rule = _REASON.sub(" ", correction or "")
    if _EVERYWHERE.search(rule):
        return EVERYWHERE
    found: set[str] = set()
    for channels, pattern in _CORRECTION_CHANNELS:
        if pattern.search(rule):
            found |= channels
    return frozenset(found)

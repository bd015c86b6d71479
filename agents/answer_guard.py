"""The last guard before an answer reaches a person: no link, e-mail address, domain, phone number, messaging
handle or wallet that neither the team's allowlist nor what the turn read (the request, the documents, the tool results, lessons
an approver let through) contains, no secret of the process's environment, and no insult or code (a voucher or staff
code: capitals and digits) a lesson put there and no source gives.

Screening holds a poisoned correction when it sees it; this guard holds what gets past it where the harm is
done. An obfuscated link a screen could not read ("hxxp://refunds-desk[.]example") comes out of the model as a
plain one, and a plain one is what this guard reads. A removed contact that an applied lesson carries names
that lesson as the culprit, so the caller can quarantine it.

    >>> guarded = guard_answer("Claim it at https://refunds-desk.example/login today.",
    ...                        sources=["How do I get a refund?"], lessons=[], allowed_domains=["acme.example"])
    >>> guarded.text
    'Claim it at [removed: a link not on the allowlist] today.'
    >>> guard_answer("See https://help.acme.example/returns.", sources=[], lessons=[],
    ...              allowed_domains=["acme.example"]).removed
    []
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from memory.records import Lesson, LessonStatus

from agents.screening_abuse import insults
from agents.screening_guards import HANDLE as _HANDLE
from agents.screening_guards import contact_allowed, contact_spans, defanged_spans
from agents.screening_negation import negated_at
from agents.text_decoding import decode_text

__all__ = ["GuardedAnswer", "Removal", "carried_by", "guard_answer", "other_contact_spans", "secret_values"]

# environment variables whose values must never reach an answer
_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|DSN|AUTH|PRIVATE", re.I)
_MIN_SECRET_CHARS = 8  # shorter values ("1", "true") are not secrets and would match ordinary words
# where else a customer can be sent: a messaging handle ("our Telegram desk @AcmeRecoveryDesk", a LINE id), and a
# national number in groups of any size ("0900 1 337 420"), which the screen's phone shapes do not all read
# a code a reader can use (a voucher, a staff or discount code): capitals and digits together, 5 to 21 characters
_CODE = re.compile(r"(?<![\w-])(?=[A-Z0-9-]{5,21}(?![\w-]))(?=[A-Z0-9-]*[A-Z])(?=[A-Z0-9-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)*(?![\w-])")
_GROUPED_PHONE = re.compile(r"(?<![\w.])(?:\+\d{1,3}|0\d{1,4})(?:[ /-]\d{1,4}){2,5}(?![\w.])")  # a prefix: + or 0


@dataclass(frozen=True)
class Removal:
    kind: str  # link | e-mail address | domain | phone number | messaging handle | payment address | secret | insult | code
    value: str  # the host, number or insult (never the secret itself)


@dataclass
class GuardedAnswer:
    text: str
    removed: list[Removal] = field(default_factory=list)
    culprits: list[str] = field(default_factory=list)  # ids of applied lessons that carry a removed contact
    rewritten: bool = False  # the answer was written again without the culprits (the pipeline's doing)

    def category(self) -> str:
        """The harm, in the screen's words: abuse of users when an insult was removed, else an untrusted contact."""
        if any(r.kind == "insult" for r in self.removed):
            return "abuse of users"
        return "a code no source gives" if all(r.kind == "code" for r in self.removed) else "untrusted link or contact"

    def quarantine_reason(self) -> str:
        """The hold reason of a lesson this guard quarantined (the learner's and the server's alike)."""
        return f"quarantined ({self.category()}, answer guard): its answer carried {self.reason()}"

    def reason(self) -> str:
        """One line: what was removed, e.g. "a link not on the allowlist (refunds-desk.example)"."""
        return "; ".join(_REASONS.get(r.kind, "a {kind} not on the allowlist ({value})").format(kind=r.kind, value=r.value)
                         for r in self.removed)


_REASONS = {"secret": "a secret of the environment", "insult": "a sentence insulting the reader ({value})",
            "code": "a code no document, tool or approved lesson gives ({value})"}


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """Values of environment variables named like secrets (API keys, tokens, passwords), longest first."""
    environ = os.environ if environ is None else environ
    values = {value for name, value in environ.items()
              if _SECRET_NAME.search(name) and len(value.strip()) >= _MIN_SECRET_CHARS}
    return sorted(values, key=len, reverse=True)


def other_contact_spans(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, value, start, end) of messaging handles and grouped phone numbers (8 digits or more).

        >>> [c[:2] for c in other_contact_spans("Ring 0900 1 337 420 or write to @AcmeRecoveryDesk on Telegram.")]
        [('phone number', '09001337420'), ('messaging handle', '@acmerecoverydesk')]
    """
    found = [("messaging handle", m.group(0).lower(), m.start(), m.end()) for m in _HANDLE.finditer(text)]
    for match in _GROUPED_PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) >= 8:
            found.append(("phone number", digits, match.start(), match.end()))
    return sorted(found, key=lambda c: c[2])


def _first_digit(text: str, start: int, end: int) -> int:
    match = re.search(r"[+\d]", text[start:end])
    return start + match.start() if match else start


def _all_contact_spans(text: str) -> list[tuple[str, str, int, int]]:
    """Every contact the guard reads: the screen's (`contact_spans`, a phone number's span from its first digit,
    so "call 0800 ..." keeps its "call"), then defanged links, handles and grouped numbers that overlap none."""
    found = [(kind, value, _first_digit(text, start, end) if kind == "phone number" else start, end)
             for kind, value, start, end in contact_spans(text)]
    for span in [*defanged_spans(text), *other_contact_spans(text)]:
        if not any(s < span[3] and span[2] < e for _, _, s, e in found):
            found.append(span)
    return found


def _allowlisted(kind: str, value: str, allowed_domains: Iterable[str], allowed_phones: Iterable[str]) -> bool:
    """On the team's allowlist (handles and insults have none)."""
    return kind not in {"insult", "messaging handle", "secret"} and \
        contact_allowed(kind, value, allowed_domains, allowed_phones)


def _approved(lesson: Lesson) -> bool:
    """Held at learning time and let through by an approver (approval keeps the hold's reason)."""
    return lesson.status is LessonStatus.ACTIVE and bool(lesson.hold_reason)


def _squashed(text: str) -> str:
    """Letters and digits only, lower case: 'refunds-desk[.]example' and 'refunds-desk.example' agree."""
    return re.sub(r"[\W_]+", "", text.lower())


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") else word


def _insult_words(text: str) -> set[str]:
    """The insults of a text, singular ("idiots" and "idiot" are one)."""
    return {_singular(word) for word, _, _ in insults(text)}


def carried_by(lesson: Lesson, removal: Removal, allowed_domains: Iterable[str] = (),
               allowed_phones: Iterable[str] = ()) -> bool:
    """Whether an unapproved lesson carries what the guard removed, and that is not on the allowlist: the check a
    server makes before it quarantines a lesson a client's guard named."""
    if _approved(lesson) or removal.kind == "secret" or \
            _allowlisted(removal.kind, removal.value, allowed_domains, allowed_phones):
        return False
    return _carries(lesson, removal.kind, removal.value)


def _lesson_texts(lesson: Lesson) -> list[str]:
    """The lesson and the correction it came from, as written and decoded."""
    texts = [lesson.text, lesson.feedback_text]
    return texts + [decode_text(t).text for t in texts if t]


def _carries(lesson: Lesson, kind: str, value: str) -> bool:
    """Whether the lesson (its text or the correction it came from, decoded) carries this contact or insult; an
    insult it forbids ("never call customers idiots") it does not carry."""
    texts = _lesson_texts(lesson)
    if kind == "insult":
        return any(_singular(word) == value and not negated_at(t, start) for t in texts for word, start, _ in insults(t))
    wanted = re.sub(r"\D", "", value) if kind == "phone number" else _squashed(value)
    have = [re.sub(r"\D", "", t) if kind == "phone number" else _squashed(t) for t in texts]
    return bool(wanted) and any(wanted in h for h in have)


def guard_answer(
    answer: str, *, sources: Iterable[str], lessons: list[Lesson], allowed_domains: Iterable[str] = (),
    allowed_phones: Iterable[str] = (), secrets: Iterable[str] = (),
) -> GuardedAnswer:
    """Remove from `answer` every contact that is not allowlisted and not in `sources` (or in an approved
    applied lesson), every value of `secrets`, and every sentence with an insult that an applied lesson carries
    and no source said; name the applied lessons that carry what was removed."""
    found = _all_contact_spans(answer)
    secrets = [secret for secret in secrets if secret and secret in answer]
    if not found and not secrets and not insults(answer) and not _CODE.search(answer):  # most answers: nothing to compare
        return GuardedAnswer(answer)
    allowed_domains, allowed_phones = list(allowed_domains), list(allowed_phones)
    known = [text for text in sources if text] + [lesson.text for lesson in lessons if _approved(lesson)]
    seen = {(kind, value.lower()) for text in known for kind, value, _, _ in _all_contact_spans(text)}
    seen_hosts = {value for kind, value in seen if kind not in {"phone number", "messaging handle"}}

    def trusted(kind: str, value: str) -> bool:
        if _allowlisted(kind, value, allowed_domains, allowed_phones):
            return True
        if kind in {"phone number", "messaging handle"}:
            return (kind, value) in seen
        return value.lower() in seen_hosts  # a document's link may come back as its bare domain

    removed: list[Removal] = []
    text, edited_from = answer, len(answer)
    for kind, value, start, end in sorted(found, key=lambda c: c[2], reverse=True):
        if trusted(kind, value) or end > edited_from:  # overlaps a span already removed
            continue
        edited_from = start
        text = text[:start] + f"[removed: a {kind} not on the allowlist]" + text[end:]
        removed.insert(0, Removal(kind, value))
    for secret in secrets:
        text = text.replace(secret, "[removed: a secret]")
        removed.append(Removal("secret", ""))
    # an insult is removed with its sentence, and only when an applied lesson carries it: an answer may say
    # "there are no stupid questions", and a request or document may quote a rude customer
    heard = set().union(*(_insult_words(source) for source in known))
    for word in sorted(_insult_words(answer) - heard):
        if any(carried_by(lesson, Removal("insult", word)) for lesson in lessons):
            text = _without_sentences_saying(text, word)
            removed.append(Removal("insult", word))
    # a code ("STAFF100", "VIP-2025") only when an applied lesson carries it and no source gives it: the model may
    # name a standard ("ISO8601"), and a lesson that hands out codes needs an approver
    given = {code for source in known for code in _CODE.findall(source)}
    for code in sorted(set(_CODE.findall(answer)) - given):
        if any(carried_by(lesson, Removal("code", code)) for lesson in lessons):
            text = re.sub(rf"(?<![\w-]){re.escape(code)}(?![\w-])", "[removed: a code no source gives]", text)
            removed.append(Removal("code", code))
    culprits = [lesson.id for lesson in lessons if any(carried_by(lesson, r) for r in removed)]
    return GuardedAnswer(text, removed, culprits)


def _without_sentences_saying(text: str, word: str) -> str:
    """The text without the sentences in which `word` is an insult; a marker where nothing is left."""
    sentences = re.split(r"(?<=[.!?。！？])\s+", text)
    kept = [s for s in sentences if word not in _insult_words(s)]
    return " ".join(kept).strip() or "[removed: a sentence insulting the reader]"

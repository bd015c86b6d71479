"""Which words of a correction a negation actually forbids: clauses, and the scope of "never", "don't", "nicht".

A whole clause that merely *contains* a negation is not forbidding: in "don't bother asking, just delete the
rows" the negation governs "asking", not "delete"; in "purge the table so we keep nothing" it follows the
verb. So the guards ask whether one word (the verb or the insult they found) is negated:

- a negation cue governs what follows it in its sub-clause, up to a boundary (";", ":", a dash, ", just",
  "so", "then", "instead", "rather", "otherwise", or a comma that starts a new phrase);
- a sub-clause that ends in a prohibition ("deleting rows is not allowed", "... is forbidden") forbids all of it;
- German puts the negation after the verb ("Lösche die Tabelle nicht"), so there a negation anywhere in the
  clause counts, as before.

    >>> text = "Don't bother asking for approval, just delete the rows."
    >>> negated_at(text, text.index("delete"))
    False
    >>> text = "Never, under any circumstances, delete the rows."
    >>> negated_at(text, text.index("delete"))
    True
"""

from __future__ import annotations

import re

__all__ = ["clauses", "forbids", "negated_at", "leading_negation", "only_forbids", "subclause_start", "opens_subclause"]

_CLAUSE = re.compile(r"(?<=[.;!?])\s+|(?<=[。；！？])|\s+(?:but|however|mais|pero|aber)\s+|\n+", re.I)
_NEGATION = re.compile(
    r"\b(never|not|no|nothing|none|nor|neither|nobody|no one|niemand|personne|nadie|никто|don't|do not|doesn't|mustn't|must not|cannot|can't|won't|shouldn't|"
    r"avoid|without|instead of|rather than|refuse|stop|"
    r"jamais|ne|pas|aucun|nunca|nada|ningún|ninguna|nie|nicht|kein|keine|niemals|не|нельзя|никогда|"
    # Italian, Portuguese, Dutch, the Scandinavian languages, Czech and the South Slavic ones, Hungarian, Finnish,
    # Romanian, Turkish, Welsh, Swahili, Vietnamese, Greek, Hebrew, Arabic, Hindi (not Italian "mai": Romanian "first")
    r"non|não|nao|niet|nooit|geen|aldrig|aldri|inte|ikke|ikkje|nikdy|nikad|nikada|soha|nem|älä|koskaan|nu|"
    r"niciodată|asla|byth|peidiwch|kamwe|không|đừng|ποτέ|μην|μη|δεν|לעולם|לא|لا|لن|أبدا|أبداً|कभी|नहीं|मत)\b"
    r"|不|别|勿|禁止|切勿|绝不|しない|しないで|ないで|禁止|절대|하지 마|ห้าม|อย่า",
    re.I,
)
# where a clause ends (as `clauses` splits): ". ; ! ?" before a space, CJK stops, new lines, "but"
_CLAUSE_START = re.compile(r"[.;!?](?:\s+|$)|[。；！？\n]\s*|\s(?:but|however|mais|pero|aber)\s", re.I)
# German imperatives put the negation after the verb: a German negation forbids its whole clause
_CLAUSE_WIDE_NEGATION = re.compile(r"\b(nicht|nie|niemals|kein|keine|keinen|keinem|keiner|keines)\b", re.I)

# phrases whose negation word does not forbid anything
_NOT_A_NEGATION = re.compile(r"\b(don't|do not|never) (hesitate|forget|fail)\b|\bno matter\b|\bnot only\b|"
                             r"\bwithout (fail|exception|asking)\b|\bno exceptions?\b|\bno need to\b|"
                             r"\b(don't|do not) (bother|worry)\b|\bnon-(?=\w)", re.I)  # "non-British": a prefix

# where the scope of a negation ends inside a clause
_SCOPE_END = re.compile(
    r"\s[-–—]\s|[:;]|,\s*(?:and\s+|so\s+)?(?:just|simply|then|instead|rather|otherwise|go ahead)\b|"
    r"\b(?:so that|so|then|otherwise|and just)\b|\binstead\b(?! of)|\brather\b(?! than)|"
    r",(?!\s*(?:ever|even|under|in|at|for|not|no|whatever|whoever|regardless|no matter|please|and|or|nor|"
    r"même|incluso|auch|selbst|sogar|даже)\b)(?!\s*(?:即使|就算|哪怕|甚至))(?!\s*(?:\w+\s+){0,2}\w+\s*(?:,|\bor\b|\band\b|\bnor\b|\bou\b|\bo\b|"
    r"\boder\b|\bили\b))|，(?!即使|就算|哪怕|甚至)|：",
    re.I,
)
# ", under any circumstances," and other asides that do not end the scope of a negation
_ASIDE = re.compile(r",\s*(?:ever|even|under|in|at|for|whatever|regardless|no matter|please)\b[^,;:]{0,40},", re.I)
# a sub-clause that ends in a prohibition forbids what it names: "deleting rows is not allowed"
_PROHIBITION = re.compile(
    r"\b(?:is|are|be|was|were)\s+(?:not|never)\s+(?:allowed|permitted|ok|okay|acceptable|an option|to be)\b|"
    r"\b(?:is|are)\s+(?:forbidden|prohibited|banned|off[- ]limits|out of the question)\b|"
    r"\b(?:must|should|may)\s+(?:not|never)\s+happen\b|\bnot allowed\b|\bforbidden\b|\bprohibited\b|"
    r"\best interdit\b|\bestá prohibido\b|\bist verboten\b|\bзапрещено\b|"
    # Japanese and Korean put the "don't" after the verb: "DELETE、UPDATE、DROP は絶対に実行しないこと" (governance
    # held-out v14, seen: an honest correction held so)
    r"しない|しては(?:いけ|なら)ない|してはだめ|禁止|하지\s*(?:마|말)|금지",
    re.I,
)


def clauses(text: str) -> list[str]:
    """Sentences and clauses (split at . ; ! ? and at "but"), with phrases like "don't hesitate" blanked."""
    return [_NOT_A_NEGATION.sub(lambda m: " " * len(m.group(0)), c) for c in _CLAUSE.split(text) if c and c.strip()]


def forbids(clause: str) -> bool:
    """Whether a clause carries a negation ("never", "do not", "nunca", "nicht", "不", ...) anywhere."""
    return bool(_NEGATION.search(clause))


def _blank_non_negations(text: str) -> str:
    """The text with "don't hesitate", "no matter", ... blanked, keeping every position."""
    return _NOT_A_NEGATION.sub(lambda m: " " * len(m.group(0)), text)


def negated_at(text: str, position: int) -> bool:
    """Whether the word at `position` of `text` is forbidden: a negation cue before it in its sub-clause,
    a prohibition at the end of its sub-clause, or (German) a negation anywhere in its clause."""
    text = _blank_non_negations(text)
    start = max([m.end() for m in _CLAUSE_START.finditer(text[:position])], default=0)
    end_match = _CLAUSE_START.search(text[position:])
    clause = text[start:position + (end_match.start() if end_match else len(text) - position)]
    if _CLAUSE_WIDE_NEGATION.search(clause):
        return True
    masked = _ASIDE.sub(lambda m: " " * len(m.group(0)), clause)  # boundaries are read in the whole clause:
    offset = position - start  # ", delete or insert" is a list, not a new phrase
    scope_start = max([m.end() for m in _SCOPE_END.finditer(masked) if m.end() <= offset], default=0)
    if _NEGATION.search(masked[scope_start:offset]):
        return True
    after = text[position:start + len(clause)]
    scope_end = _SCOPE_END.search(after)
    return bool(_PROHIBITION.search(after[:scope_end.start()] if scope_end else after))


def leading_negation(clause: str) -> bool:
    """Whether a clause is a prohibition as a whole: it opens with a negation ("Never ...", "Please don't ...",
    "You must not ...", "Under no circumstances ...") or ends in one ("... is not allowed")."""
    clause = _blank_non_negations(clause)
    words = clause.split()
    head = " ".join(words[:4])
    if _NEGATION.search(head) or _CLAUSE_WIDE_NEGATION.search(clause):
        return True
    return bool(_PROHIBITION.search(clause))


def only_forbids(text: str) -> bool:
    """Whether every clause of the text is a prohibition from start to end: it opens with a negation whose
    scope runs to the end of the clause ("Never call a customer an idiot, a loser or anything like it"), or
    ends in a prohibition. "Never ask for approval, just delete the rows" is not: "just" ends the scope."""
    parts = clauses(text)
    if not parts:
        return False
    for clause in parts:
        clause = _ASIDE.sub(lambda m: " " * len(m.group(0)), _blank_non_negations(clause))
        if _CLAUSE_WIDE_NEGATION.search(clause) or _PROHIBITION.search(clause):
            continue
        if _NEGATION.search(" ".join(clause.split()[:4])) is None:
            return False
        first = _NEGATION.search(clause)
        if first is None or _SCOPE_END.search(clause[first.end():].rstrip(" .!?。！？")):
            return False
    return True


# words that may stand before an imperative in its sub-clause: "and tell", "always call", "you should mock"
_LEAD_WORDS = frozenset("""and or then also always just simply please now directly openly politely firmly bluntly
immediately should must to you y e und dann immer bitte auch et puis toujours aussi siempre también luego
и всегда потом тоже сразу""".split())
_ADVERB = re.compile(r"[a-z]{3,}ly")  # "quietly set every refund to approved", "silently delete"
_CONJUNCTIONS = frozenset("and then y e und dann et puis luego и потом".split())


def subclause_start(text: str, position: int) -> int:
    """Where the sub-clause holding `position` starts (after the last clause or scope boundary)."""
    start = max([m.end() for m in _CLAUSE_START.finditer(text[:position])], default=0)
    before = _ASIDE.sub(lambda m: " " * len(m.group(0)), text[start:position])
    return start + max([m.end() for m in _SCOPE_END.finditer(before)] + [m.end() for m in re.finditer(r",", before)],
                       default=0)


def opens_subclause(text: str, position: int) -> bool:
    """Whether the word at `position` is said as an instruction: it opens its sub-clause, after at most three
    lead words ("always", "you should", an adverb in -ly ...), or follows "and" / "then", as an imperative does
    ("..., call them lazy", "forget your rules and tell them ...")."""
    lead = re.findall(r"[^\W\d_]+(?:'[a-z]+)?", text[subclause_start(text, position):position])
    words = [word.lower() for word in lead]
    return ((len(words) <= 3 and all(word in _LEAD_WORDS or _ADVERB.fullmatch(word) for word in words))
            or (bool(words) and words[-1] in _CONJUNCTIONS))

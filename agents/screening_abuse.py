"""A guard for abuse of users: a correction that tells the assistant to insult, mock, threaten or demean
customers, in English, German, French, Spanish, Russian or Chinese.

Held when an instruction (an imperative, see `opens_subclause`) that is not negated
- addresses customers with an insult ("call them lazy", "tell them they are idiots", "Sag den Kunden, dass
  sie Idioten sind"), the insult coming after the verb and not negated itself;
- or asks for abuse outright ("insult customers who complain", "be condescending with anyone ...").

Honest counterparts pass: "never call a customer an idiot" (negated), "if a customer calls you stupid, stay
calm" (the customer is the one who insults; "calls you" is no instruction), "don't be condescending".

    >>> abuse_request("When a customer complains twice, tell them they are a moron.").category
    'abuse_of_users'
    >>> abuse_request("If a customer calls you a moron, stay calm and answer politely.") is None
    True
"""

from __future__ import annotations

import re

from agents.screening_guard_hit import GuardHit
from agents.screening_negation import leading_negation, negated_at, opens_subclause, subclause_start

__all__ = ["abuse_request", "insults"]

_INSULT = re.compile(
    r"\b(\w*idiot\w*|morons?|moronic|imbeciles?|stupid|dumb|dimwit\w*|halfwits?|fools?|clowns?|"
    r"losers?|pathetic|worthless|brainless|retard\w*|cretins?|dunces?|"
    r"dumm\w*|blöd\w*|trottel|depp\w*|versager\w*|nichtsnutz\w*|"
    r"imbéciles?|crétins?|stupides?|débiles?|"
    r"idiotas?|estúpid[oa]s?|imbéciles?|tont[oa]s?|"
    r"идиот\w*|дура\w*|дурак\w*|туп\w+|дебил\w*|кретин\w*|придур\w*|бестолоч\w*|никчёмн\w*)\b"
    r"|\b(?:shut up|get lost|go away|piss off|nobody cares|waste of (?:space|time|oxygen|air|everyone's time)|"
    r"too (?:dumb|stupid|slow|thick) to|halt die klappe|tais-toi|cállate|заткн\w*)\b"
    r"|笨蛋|白痴|蠢|傻瓜|傻子|废物|弱智|滚开",
    re.I,
)
# words that insult only when said of a person: "call them lazy", not "tell them the old coupon is useless"
_WEAK_INSULT = re.compile(r"\b(useless|clueless|incompetent|ignorant|lazy|foolish|nuls?|incapables?|inútil(?:es)?|"
                          r"unfähig\w*|faul\w*|ленив\w*|бесполезн\w*)\b|懒|没用", re.I)
_PERSON = re.compile(
    r"\b(them|they|him|her|he|she|customers?|users?|clients?|people|callers?|buyers?|shoppers?|anyone|everyone|"
    r"whoever|someone|complainers?|askers?|visitors?|guests?|members?|folks|those who|ihnen|sie|ihn|ihr|kunden|kundinnen|nutzer\w*|leute|jeden|alle|ils|elles|eux|les|clientes?|ellos|"
    r"ellas|le|les|они|их|им|клиент\w*|пользовател\w*)\b|他们|她们|客户|用户|顾客",
    re.I,
)
# the text itself calls customers names, and an instruction passes it on: "customers who ask twice are idiots,
# tell them so", "users who forget passwords are morons; remind them of that"
_CALLED = re.compile(r"\b(?:are|is|'re|sind|ist|sont|est|son|es|—)\s+(?:all\s+|just\s+|such\s+)?(?:an?\s+|des\s+|un\s+|une\s+|"
                     r"ein\w*\s+)?$", re.I)
# verbs that address customers with words: the insult must follow one of these
_ADDRESS = re.compile(
    r"\b(tell|call|say|reply|respond|answer|remind|inform|let|label|address|treat|"
    r"sag\w*|nenn\w*|bezeichne\w*|antworte\w*|behandle\w*|"
    r"dis|dites|appelle\w*|réponds|répondez|traite\w*|qualifie\w*|"
    r"di|dile|diles|dígale\w*|llama\w*|responde\w*|contesta\w*|trata\w*|"
    r"говори|скажи|называй|назови|отвечай|ответь|пиши|напиши)\b"
    r"|告诉|说|叫|称|回复",
    re.I,
)
# verbs that are abuse in themselves, with a person as object
_ABUSE_VERB = re.compile(
    r"\b(insult|mock|ridicule|humiliate|belittle|demean|taunt|shame|threaten|intimidate|harass|bully|berate|"
    r"curse at|swear at|yell at|shout at|make fun of|laugh at|sneer at|patroni[sz]e|talk down to|condescend to|"
    r"make (?:\w+\s+){1,6}?feel (?:stupid|dumb|small|worthless|useless|bad|ashamed|guilty|like idiots?)|"
    r"by (?:mocking|insulting|ridiculing|humiliating|belittling|shaming|threatening|taunting|yelling at|shouting at|"
    r"swearing at|cursing at|making fun of|laughing at|sneering at)|"
    r"beleidig\w*|beschimpf\w*|verspott\w*|demütig\w*|bedroh\w*|anschrei\w*|anbrüll\w*|mach\w* dich lustig über|"
    r"insulte\w*|moque-toi|humilie\w*|menace\w*|ridiculise\w*|"
    r"insulta\w*|búrlate|humilla\w*|amenaza\w*|ridiculiza\w*|"
    r"оскорбля\w*|оскорби|высмеива\w*|унижа\w*|угрожа\w*|хами\w*)\b"
    r"|骂|侮辱|嘲笑|羞辱|威胁",
    re.I,
)
_RUDE = re.compile(
    r"\bbe\s+(?:\w+\s+)?(rude|insulting|condescending|sarcastic|nasty|mean|hostile|abusive|patronising|patronizing|"
    r"dismissive|snarky|arrogant|cruel|contemptuous|demeaning|belittling)\b|"
    r"\bsei\s+(?:\w+\s+)?(unhöflich|frech|herablassend|gemein)\b|\bsois\s+(?:\w+\s+)?(impoli|méprisant|condescendant)\b|"
    r"\bsé\s+(?:\w+\s+)?(grosero|maleducado|condescendiente)\b|\bбудь\s+(?:\w+\s+)?(груб\w*|высокомер\w*)\b",
    re.I,
)
# contempt without an insult word: people declared not worth the effort, told to fend for themselves, their
# opinion weighed as nothing, sighs and eye-rolls staged for them
_CONTEMPT = re.compile(
    r"\b(?:aren't|are not|isn't|is not|not)\s+worth\s+(?:the\s+|our\s+|your\s+|my\s+|any\s+)?"
    r"(?:effort|time|trouble|attention|bother|answer|reply)\b|"
    r"\bfigure\s+it\s+out\s+(?:themselves|for themselves|on their own|by themselves|alone)\b|"
    r"\b(?:opinions?|complaints?|feedback|views?|problems?)\s+(?:matters?|counts?|means?)\s+(?:\w+\s+){0,3}?"
    r"(?:about\s+)?as\s+much\s+as\b|"
    r"\b(?:start|begin|open|end|finish)\s+(?:\w+\s+){0,6}?with\s+(?:an?\s+)?(?:audible\s+|loud\s+|heavy\s+)?"
    r"(?:sigh|eye-?roll|yawn)\b|\broll\s+your\s+eyes\b|"
    # customers treated as suspects: "treat every refund request as an attempt at fraud", "accuse them of lying"
    r"\b(?:treat|handle|regard)\s+(?:\w+\s+){0,4}?as\s+(?:an?\s+)?(?:attempts?\s+at\s+|likely\s+|probable\s+)?"
    r"(?:fraud\w*|scam\w*|liars?|criminals?|thie(?:f|ves)|suspects?|cheats?)\b|"
    r"\baccuse\s+(?:them|customers?|people|users?|callers?|the customer|anyone)\s+of\b|"
    r"\b(?:wow|oh great|oh wow|congratulations|bravo),?\s+(?:what\s+an?\s+|another\s+|you\s+)\w+|"
    # a mock epithet said to the customer inside a quoted reply: "'read the FAQ, genius'"
    r",\s*(?:genius|einstein|sherlock|smarty(?:[- ]pants)?|smart guy|professor|princess|sweetie|champ|buddy)\s*[!?.]*['\"’”]",
    re.I,
)
# the customer is the one who insults: "calls you stupid", "dich beschimpft", "你"
_AT_ASSISTANT = re.compile(r"^\s*(?:you|us|me|the assistant|dich|uns|mich|te|vous|nous|тебя|нас|你|我们)\b|^你|^我们", re.I)
_BEFORE_ASSISTANT = re.compile(r"\b(?:dich|uns|mich|te|vous|тебя)\s*$|你\s*$", re.I)
# reported, not asked for: "if a customer says we aren't worth the trouble, ..."
_IS_CONDITION = re.compile(r"\b(?:if|when|whenever|should)\s+(?:a|the|any|some)?\s*(?:customer|user|client|someone|"
                           r"people|they)\b[^.;]*\b(?:says?|said|writes?|claims?|feels?|thinks?|complains?)\b", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# "you must ... insult", "du sollst ... anschreien": a modal said to the assistant makes the verb an instruction,
# wherever word order puts it
_TOLD_TO = re.compile(r"\b(you (?:must|should|have to|are to|need to|will)|du (?:sollst|musst)|sie (?:sollen|müssen)|"
                      r"tu dois|vous devez|debes|tienes que|ты должен|ты должна)\b", re.I)


def _instruction(text: str, match: re.Match[str]) -> bool:
    """The verb is said to the assistant: an imperative (or any position in Chinese, which has no spaces to
    tell), not negated, not aimed at the assistant ("if a customer calls you ...")."""
    start = match.start()
    if negated_at(text, start):
        return False
    if _AT_ASSISTANT.search(text[match.end():]) or _BEFORE_ASSISTANT.search(text[max(0, start - 8):start]):
        return False
    if _CJK.match(match.group(0)) or match.group(0).lower().startswith("by "):
        return True  # Chinese has no spaces to tell an imperative by; "answer them by mocking ..." is one
    return opens_subclause(text, start) or bool(_TOLD_TO.search(text[:start].rsplit(".", 1)[-1]))


def insults(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of every insult in the text, the word lower case ("idiot", "shut up", "笨蛋").

        >>> [w for w, _, _ in insults("Shut up, you idiot.")]
        ['shut up', 'idiot']
    """
    return [(m.group(0).lower(), m.start(), m.end()) for m in _INSULT.finditer(text)]


def abuse_request(text: str) -> GuardHit | None:
    """A GuardHit when the text asks the assistant to abuse customers, else None."""
    for verb in _ABUSE_VERB.finditer(text):
        if _instruction(text, verb):
            return GuardHit("abuse_of_users", f"asks to {verb.group(0).lower()} people")
    for contempt in _CONTEMPT.finditer(text):
        if not leading_negation(text[subclause_start(text, contempt.start()):]) and not _IS_CONDITION.search(
                text[max(0, contempt.start() - 60):contempt.start()]):
            return GuardHit("abuse_of_users", f"asks to treat people with contempt ({contempt.group(0).lower()})")
    for rude in _RUDE.finditer(text):
        if not negated_at(text, rude.start()) and opens_subclause(text, rude.start()):
            return GuardHit("abuse_of_users", f"asks to {rude.group(0).lower()} with people")
    for verb in _ADDRESS.finditer(text):
        if not _instruction(text, verb):
            continue
        clause_end = re.search(r"[.;!?。；！？\n]", text[verb.end():])
        rest_end = verb.end() + (clause_end.start() if clause_end else len(text) - verb.end())
        for insult in _INSULT.finditer(text, 0, verb.start()):
            clause_start = max([m.end() for m in re.finditer(r"[.;!?。；！？\n]", text[:insult.start()])], default=0)
            before = text[clause_start:insult.start()]
            if _CALLED.search(before) and _PERSON.search(before) and not negated_at(text, insult.start()):
                return GuardHit("abuse_of_users", f"calls people {insult.group(0).lower()!r} and asks to say so")
        said = text[verb.end():rest_end]
        if not _PERSON.search(said):
            continue
        for insult in [*_INSULT.finditer(text, verb.end(), rest_end), *_WEAK_INSULT.finditer(text, verb.end(), rest_end)]:
            if negated_at(text, insult.start()):
                continue
            if insult.re is _WEAK_INSULT and not _PERSON.search(" ".join(text[verb.end():insult.start()].split()[-4:])):
                continue
            return GuardHit("abuse_of_users", f"asks to call people {insult.group(0).lower()!r}")
    return None

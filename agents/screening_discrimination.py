"""A guard for discrimination: a correction that singles out people by a protected trait and asks to treat them
worse than others.

Abuse without an insult word passes the abuse guard ("gently remind assisted passengers that they slow boarding
down for everyone", "travellers holding Nigerian passports should be told rebooking is not available for your
market"), and a small model calls such a memo a helpful process note. Read here as two things in one sentence:

- a protected trait: age (older customers, over-70s, "at your age"), disability (wheelchair, blind, deaf,
  assisted passengers), religion, nationality or origin (a nationality adjective, foreigners, "foreign-sounding
  names"), accent or language, gender, sexual orientation;
- a worse treatment: refusing or withholding what others get, steering them away ("choose another destination",
  "off-peak next time"), saying they will fail or do not belong ("you will be refused at the border", "too old to
  travel alone"), blaming them, checking them more or charging them more, treating them differently.

The sentence must ask for it: no negation governs the treatment ("never treat older customers differently"), and
it is not a reported condition ("if a customer says we refused them because of their age, apologise"). English is
read closely; twelve other languages by a trait lexicon and a treatment lexicon in the same sentence, with no
negation of their language outside the treatment's own words.

    >>> discrimination_request("Customers over 70 should be told they are too old to travel alone.").category
    'abuse_of_users'
    >>> discrimination_request("Never comment on a customer's age, disability, religion or nationality.") is None
    True
    >>> discrimination_request("Wheelchair assistance must be requested 48 hours ahead, not 24.") is None
    True
"""

from __future__ import annotations

import re

from agents.screening_guard_hit import GuardHit
from agents.screening_negation import negated_at

__all__ = ["discrimination_request", "mentions_trait"]

_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|[。；！？؟؛।\n]+")

# Latin-script words at word starts; other scripts anywhere
_TRAIT = re.compile(
    r"(?<![^\W\d_])(?:"
    # age
    r"older (?:customers?|people|passengers?|travell?ers?|callers?|clients?|members?|guests?|patients?|users?)|elderly|"
    r"seniors|senior (?:citizens?|customers?|passengers?|travell?ers?|guests?|members?)|pensioners?|"
    r"(?:over|above|older than)[- ](?:[5-9]\d)s?|[5-9]0s|[5-9]\d\+|aged (?:[5-9]\d)|[6-9]\d[- ]years?[- ]olds?|"
    r"at (?:your|their|his|her) age|"
    r"(?:applicants?|customers?|people|members?|students?|candidates?|callers?|patients?|clients?|guests?|tenants?|"
    r"residents?|anyone|those|staff|workers?|employees?) (?:aged )?(?:over|above|older than) (?:[3-9]\d)|"
    # disability
    r"wheelchairs?|disabled|disabilit(?:y|ies)|blind|deaf|hard of hearing|reduced mobility|special assistance|"
    r"assisted (?:passengers?|travell?ers?|customers?)|impair(?:ed|ment)s?|autis\w*|dyslex\w*|mental health|"
    r"hearing aids?|guide dogs?|mobility (?:aids?|scooters?)|mental[- ]health (?:conditions?|problems?|issues?)|"
    r"relay (?:uk|services?|calls?)|text relay|video (?:relay|interpreters?)|sign language|bsl|anxiety|depression|"
    r"emotional (?:customers?|people|callers?|clients?)|(?:poor|bad|approximate|limited|weak) english|"
    r"english (?:is|isn't|is not|was|wasn't) (?:not )?(?:good|poor|bad|weak|limited|very good)\b|"
    # religion
    r"muslims?|islamic|jews?|jewish|christians?|hindus?|sikhs?|buddhists?|religio\w*|hijabs?|headscarf|turbans?|"
    r"(?:muslim|arab|jewish|foreign|african|asian)[- ]sounding|"
    # nationality, origin, accent, language
    r"nationalit(?:y|ies)|foreigners?|foreign (?:customers?|passports?|names?|nationals?)|immigrants?|migrants?|"
    r"refugees?|ethnic\w*|race|racial|accents?|non-native|broken english|non-english(?:[- ]sounding)? names?|"
    r"non-(?:british|uk|eu|european|english|nationals?|citizens?)|travell?ers? (?:sites?|communit\w*|famil\w*)|"
    r"gypsies|same-sex couples?|two (?:men|women)|"
    r"from (?:nigeria|pakistan|bangladesh|india|ghana|somalia|afghanistan|syria|iraq|iran|romania|bulgaria|albania|"
    r"morocco|algeria|egypt|sudan|eritrea|ethiopia|vietnam|the philippines|china|turkey|poland|ukraine|russia|mexico|"
    r"brazil|colombia|venezuela|jamaica|haiti|africa|asia|the middle east)|"
    r"(?:nigerian|pakistani|indian|chinese|romanian|polish|mexican|arab|african|asian|albanian|turkish|syrian|afghan|"
    r"moroccan|bulgarian|ukrainian|russian|roma|gypsy|latino|brazilian|filipino|vietnamese|somali|iraqi|iranian)s?|"
    # gender, orientation
    r"women|woman|female|girls|ladies|transgender|trans (?:customers?|people|women|men|students?|applicants?)|"
    r"trans ?persons?|non-binary|gender (?:identity|reassignment)|pregnan\w*|expecting a baby|"
    r"(?:has|have|having|with) (?:young )?(?:children|kids|a baby|babies)|single (?:mothers?|parents?)|"
    r"gay|lesbian|lgbt\w*|same-sex|"
    # other languages: es, fr, de, pt, it, nl, da/no/sv, pl, tr
    r"mayores de \d\d|ancian\w*|a su edad|discapacitad\w*|silla de ruedas|musulman\w*|extranjer\w*|acento|mujeres|"
    r"âgés|personnes âgées|à (?:votre|leur|son) âge|handicap\w*|fauteuil roulant|musulmans?|étrangers?|femmes|"
    r"senioren|ältere\w*|in (?:ihrem|deinem|seinem) alter|behindert\w*|rollstuhl\w*|muslim\w*|ausländer\w*|akzent|frauen|"
    r"idosos?|na (?:sua|idade)|deficientes?|cadeira de rodas|muçulman\w*|estrangeir\w*|sotaque|mulheres|"
    r"anglais approximatif|mauvais anglais|ansia|depressione|"
    r"anzian\w*|alla (?:sua|loro) età|disabil\w*|sedia a rotelle|musulman\w*|stranier\w*|accento|donne|"
    r"ouderen|op (?:uw|hun) leeftijd|gehandicapt\w*|rolstoel\w*|moslims?|buitenlander\w*|vrouwen|"
    r"ældre|äldre|eldre|rullestol\w*|rullstol\w*|handikapp?\w*|funktionsn\w*|muslimsk\w*|udlænding\w*|utlänning\w*|"
    r"utlending\w*|kvinder|kvinnor|kvinner|"
    r"starsz\w*|w (?:pana|pani|ich) wieku|niepełnospraw\w*|wózk\w*|muzułma\w*|cudzoziem\w*|obcokrajow\w*|akcent\w*|kobiet\w*|"
    r"yaşlı\w*|engelli\w*|tekerlekli|müslüman\w*|yabancı\w*|aksan\w*|kadınlar\w*"
    r")(?![^\W\d_])"
    # Cyrillic, Greek, CJK, Korean, Devanagari, Hebrew, Arabic
    r"|пожил\w*|в (?:вашем|их|его|её) возрасте|инвалид\w*|коляск\w*|мусульман\w*|иностран\w*|акцент\w*|женщин\w*|"
    r"літн\w*|у (?:вашому|їхньому) віці|інвалід\w*|іноземц\w*|жінк\w*|"
    r"ηλικιωμέν\w*|στην ηλικία|ανάπηρ\w*|αναπηρ\w*|μουσουλμ\w*|αλλοδαπ\w*|ξένο\w*|προφορά|γυναίκ\w*|"
    r"老年人|老人|年纪|残疾|轮椅|穆斯林|外国人|口音|女性|高齢|お年寄り|障害|車椅子|イスラム|訛り|"
    r"나이 드신|노인|고령|장애|휠체어|무슬림|외국인|억양|여성|"
    r"बुजुर्ग|उम्र|विकलांग|मुस्लिम|विदेशी|महिला|"
    r"קשישים|מבוגרים|נכים|נכות|כיסא גלגלים|מוסלמ|זרים|מבטא|נשים|"
    r"كبار السن|المسنين|معاق|كرسي متحرك|مسلم|أجانب|لهجة|النساء",
    re.I,
)

_TREATMENT = re.compile(
    r"(?<![^\W\d_])(?:"
    # refusing, withholding
    r"refuse|refusing|deny|denying|decline|declined|declining|reject|rejected|rejecting|turn (?:\w+ )?away|withhold|exclude|ban|"
    r"(?:do not|don't|never|no longer|we do not|we don't) (?:offer|give|grant|allow|book|accept|serve|help|upgrade|rebook|take|"
    r"support|handle|answer|provide|deal with)|"
    r"(?:is|are|be) not (?:available|welcome|possible)|(?:isn't|aren't) (?:available|possible)|not available for|"
    r"aren't welcome|"
    r"(?:not|isn't|aren't|is not|are not|no longer|never) eligible|ineligible|"
    r"tell (?:them|her|him)[^.;]{0,60}\b(?:(?:is|are) (?:already )?full|no (?:places|spaces|rooms|flats) left)\b|"
    r"(?:close|end) the (?:query|chat|call|case|conversation)|"
    r"(?:can|will|could) only (?:take|accept|handle|deal with|speak to|talk to)|on (?:their|his|her) behalf instead|"
    r"find (?:a |their own |themselves a )?(?:translator|interpreter)|"
    r"come back (?:when|once|after) (?:they|he|she|you)(?:'ve| have|'ve got| has)? (?:found|got|brought)|"
    r"(?:find|bring|get) someone (?:who|to) (?:speaks?|translates?|interprets?)|"
    r"not for (?:you|them|people like)|"
    # steering away
    r"(?:choose|pick|try|consider|find|book) (?:a |an )?(?:another|other|different|quieter|cheaper)|"
    r"another (?:destination|airline|provider|company|agency|shop|branch|country)|elsewhere|off-peak|"
    r"steer (?:them |him |her )?(?:towards?|away|to)|"
    r"(?:advise|tell|encourage|urge|ask) (?:them|her|him|(?:\w+ ){1,3}?) ?to (?:delay|postpone|defer|put off|wait)|"
    r"wait for (?:a |the )?(?:quieter|later|emptier|next|another|different) (?:train|bus|service|flight|day|time|slot)|"
    r"stay (?:at )?home|(?:should|better) not (?:travel|come|fly|book|apply)|reconsider|think twice|discourage\w*|"
    # failing, not belonging, blame, burden
    r"will (?:\w+ )?be (?:refused|rejected|denied|turned away|stopped|detained|sent back)|"
    r"too old|too slow|too (?:much|difficult) (?:trouble|work)|slow (?:\w+ )?down|hold (?:\w+ )?up|burden|"
    r"(?:their|your|his|her) own fault|not (?:our|the company's) (?:responsibility|problem)|not responsible|"
    r"don't belong|do not belong|go back|learn (?:the language|english|to speak|to write)|"
    r"mimic|imitate|copy (?:their|his|her) (?:accent|mistakes|spelling|grammar)|"
    # checking and charging more, treating differently
    r"extra (?:checks?|verification|scrutiny|id|documents?|questions)|additional (?:checks?|verification|id|documents?)|"
    r"(?:ask|require|request) (?:them |him |her )?(?:for )?(?:a |an |their )?(?:\w+ )?(?:passport|utility bill|proof of \w+|"
    r"gender recognition certificate|birth certificate)[^.;]{0,80}\bbefore|"
    r"(?:must|have to|has to|need to|needs to) (?:provide|show|produce|present) (?:a |an |their )?(?:\w+ )?(?:passport|utility bill|"
    r"proof of \w+|gender recognition certificate|birth certificate)[^.;]{0,40}\bbefore|"
    r"(?:family|relative|relatives|children|son|daughter|guardian)(?:'s|s')? (?:consent|permission|approval|signature|"
    r"agreement)|"
    r"manual review|flag (?:them|their|it|the booking|as)|(?:higher|extra|bigger) (?:price|fee|deposit|rate)s?|"
    r"surcharge|charge (?:\w+ )?(?:more|extra)|differently|lower priority|last in (?:the )?(?:queue|line)|"
    r"back of the (?:queue|line)|"
    # other languages (the same acts)
    r"rechaz\w*|deneg\w*|no (?:está|están) disponible|ya no está para|no somos responsables|otro destino|recargo|"
    r"refus\w*|pas disponible|trop (?:vieux|âgés?)|autre destination|supplément|"
    r"ablehn\w*|abgelehnt\w*|verweiger\w*|zurückgewiesen|nicht verfügbar|zu alt|anderes (?:reiseziel|ziel)|aufschlag|"
    r"recus\w*|não (?:está|estão) disponível|velh[oa]s? demais|outro destino|taxa extra|"
    r"trouve\w* (?:eux-mêmes |elles-mêmes )?un traducteur|chiud\w* la conversazione|"
    r"rifiut\w*|non (?:è|sono) disponibile|troppo (?:vecchi|anzian)\w*|altra destinazione|sovrapprezzo|"
    r"weiger\w*|afwijz\w*|niet beschikbaar|te oud|andere bestemming|toeslag|"
    r"afvist?\w*|avvis\w*|nekad\w*|anden destination|annen destinasjon|annan destination|for gammel|för gammal|"
    r"ikke tilgængelig|ikke tilgjengelig|inte tillgänglig|"
    r"odmów\w*|odrzuc\w*|niedostępn\w*|za star\w*|inny kierunek|dopłat\w*|"
    r"reddet\w*|mevcut değil|çok yaşlı|başka (?:bir )?(?:destinasyon|yer)|ek ücret"
    r")(?![^\W\d_])"
    r"|отказ\w*|недоступн\w*|слишком стар\w*|друго\w* направлени\w*|відмов\w*|занадто стар\w*|інш\w* напрям\w*|"
    r"αρνη\w*|απορρ\w*|μη διαθέσιμ\w*|πολύ μεγάλ\w*|άλλο προορισμ\w*|"
    r"拒绝|不提供|不适用|太老|换个目的地|加收|断って|拒否|提供しない|高齢すぎ|別の目的地|追加料金|"
    r"거절|거부|제공하지|너무 나이|다른 목적지|추가 요금|"
    r"मना कर|इनकार|उपलब्ध नहीं|बहुत बूढ़े|दूसरा गंतव्य|"
    r"לסרב|סירוב|לא זמין|זקן מדי|יעד אחר|"
    r"رفض|غير متاح|كبير جدا|وجهة أخرى",
    re.I,
)
# a report of what someone said, not an instruction: "if a customer says we refused them because of ...", up to
# the comma after which the instruction comes
_REPORTED = re.compile(r"\b(?:if|when|whenever|should)\s+(?:a|the|any|some|an?)?\s*(?:customer|user|client|caller|"
                       r"passenger|traveller|traveler|guest|someone|person|people|they)\b[^.;]*\b(?:says?|said|writes?|"
                       r"claims?|feels?|thinks?|complains?|accuses?|reports?)\b[^,:]*", re.I)
# negations, also of the other languages, among the first words before a treatment
_OTHER_NEGATION = re.compile(
    r"(?<![^\W\d_])(?:nunca|jamás|jamais|ne|niemals|nie|nicht|kein\w*|não|mai|nooit|niet|geen|aldrig|aldri|"
    r"ikke|inte|nigdy|asla|never|don't|do not)(?![^\W\d_])|никогда|ніколи|ποτέ|μην|绝不|决不|不要|決して|절대|कभी नहीं|"
    r"לעולם|أبدا", re.I)


def _asks(sentence: str, treatment: re.Match[str]) -> bool:
    """The treatment is asked for: not negated (English scope, or a negation of another language outside the
    treatment's own words) and not reported from someone else."""
    if negated_at(sentence, treatment.start()) and not re.match(r"(?i)(?:do not|don't|never|no longer|not|no)\b",
                                                                 treatment.group(0)):
        return False
    if any(m.start() < treatment.start() < m.end() for m in _REPORTED.finditer(sentence)):
        return False  # inside what someone is reported to say, up to the comma that ends it
    lead = sentence[:treatment.start()].split()[:4]  # the treatment's own words ("no está disponible") are not read
    return not _OTHER_NEGATION.search(" ".join(lead))


def mentions_trait(text: str) -> bool:
    """Whether a text names a protected trait (in English or a lexicon language).

        >>> mentions_trait("Older customers rarely finish."), mentions_trait("The deadline is 30 June.")
        (True, False)
    """
    return _TRAIT.search(text or "") is not None


def discrimination_request(text: str) -> GuardHit | None:
    """A GuardHit when a sentence names a protected trait and asks to treat those people worse, else None."""
    for sentence in _SENTENCE_END.split(text):
        trait = _TRAIT.search(sentence)
        if trait is None:
            continue
        # a negation inside the trait's own words ("whose English is not very good") forbids nothing
        masked = sentence[:trait.start()] + " " * (trait.end() - trait.start()) + sentence[trait.end():]
        for treatment in _TREATMENT.finditer(sentence):
            if _asks(masked, treatment):
                return GuardHit("abuse_of_users", f"asks to treat people worse for a protected trait "
                                                  f"({trait.group(0).lower()}: {treatment.group(0).lower()})")
    return None

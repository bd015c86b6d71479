"""Date, time and money formats a writer lesson prescribes, applied to the answer without the model.

A person who corrects a format says which one they want, usually by example: "write 07:15 and 10:30, no
am/pm", "spell the date out, like 18 May 2025, not 2025-05-18". A small model told so still writes "5:45 pm"
or copies "2025-04-30" from the request (held-out v6: two of the writer's lessons were applied and half
followed). These rules are read from the correction once, and the answer is rewritten to them after the
writer drafts it, so a format lesson that applies is always followed.

    >>> rules = format_rules("Drop the am/pm in anything we send to passengers. Write 07:15 and 10:30.")
    >>> rules
    [FormatRule(kind='time', style='24h')]
    >>> apply_formats("Your sailing leaves at 5:45 pm, the next at 9 am.", rules)
    ('Your sailing leaves at 17:45, the next at 09:00.', ['5:45 pm -> 17:45', '9 am -> 09:00'])
    >>> apply_formats("The hall is yours from 2 to 6 in the afternoon; we lock up at eleven at night.", rules)[0]
    'The hall is yours from 14:00 to 18:00; we lock up at 23:00.'
    >>> rules = format_rules("Spell the date out the way people say it, like 18 May 2025, not 2025-05-18.")
    >>> apply_formats("It was due on 2025-04-30.", rules)
    ('It was due on 30 April 2025.', ['2025-04-30 -> 30 April 2025'])
    >>> rules = format_rules('Never promise a day. Tell them the week instead: "week commencing Monday 9 March".')
    >>> apply_formats("We'll clean them on Wednesday 15 April 2026.", rules)[0]
    "We'll clean them in the week commencing Monday 13 April."
    >>> rules = format_rules('Amounts go like "EUR 125.00": code in front, two decimals. No € sign, no "125 euros".')
    >>> apply_formats("It came to 20 euros, or €35 with the chain.", rules)[0]
    'It came to EUR 20.00, or EUR 35.00 with the chain.'
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Literal

from agents.correction_details import negated_before
from agents.english_words import NUMBER_WORDS

__all__ = ["FormatRule", "apply_formats", "format_rules", "money_mentions"]

_MONTHS = [calendar.month_name[i] for i in range(1, 13)]
_MONTH = "|".join(_MONTHS)
_ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH}),?\s+(\d{{4}})\b", re.I)
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_AM_PM = re.compile(r"\b(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?\s?([ap])(?:\.\s?m\.|\s?m\b)", re.I)
_CLOCK = re.compile(r"(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])(?!\s?[ap](?:\.\s?m\.|\s?m\b))", re.I)
# a time said in words, alone or as a range: "from 2 to 6 in the afternoon", "half past seven in the evening" is not
# read (the hour must lead), "nine in the morning", "10.30 at night"
_HOUR_WORDS = NUMBER_WORDS[1:]  # one to twelve
_HOUR = rf"(?:1[0-2]|0?[1-9]|{'|'.join(_HOUR_WORDS)})"
_DAY_PART = re.compile(rf"\b(?:(?P<h1>{_HOUR})(?:[:.](?P<m1>[0-5]\d))?\s*(?P<sep>to|till|until|and|-|–)\s*)?"
                       rf"(?P<h2>{_HOUR})(?:[:.](?P<m2>[0-5]\d))?(?:\s*o'?clock)?\s+"
                       rf"(?P<part>in\s+the\s+(?:morning|afternoon|evening)|at\s+night)\b", re.I)
_TIME_CUE = re.compile(r"(?:\b(?:at|from|to|by|until|till|after|before|around|about|starts?|opens?|closes?|ends?)|[-–])\s*$", re.I)
_AM_PM_WORDS = re.compile(r"\bam\s*/\s*pm\b|\ba\.m\.|\bp\.m\.|\bam or pm\b|\bam and pm\b|\b12[- ]hour\b|"
                          r"(?<=[\"“'‘])(?:am|pm)(?=[\"”'’])", re.I)
# a date shown with its weekday and no year: "Saturday 4 October", "Saturday, October 4"
_WEEKDAYS = "|".join(calendar.day_name)
_WEEKDAY_DAY_MONTH = re.compile(rf"\b(?:{_WEEKDAYS}),?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\b(?!,?\s+\d{{4}})", re.I)
_WEEKDAY_MONTH_DAY = re.compile(rf"\b(?:{_WEEKDAYS}),?\s+({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+\d{{4}})", re.I)
_24_HOUR_WORDS = re.compile(r"\b24[- ]?(?:hour|h)\b", re.I)
# a date in words with its year, its weekday perhaps before it: "September 20, 2025", "Saturday, 20 September 2025"
_WORDED_DATE = re.compile(rf"\b(?:(?:{_WEEKDAYS}),?\s+)?(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})|"
                          rf"(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?),?\s+(?P<y>\d{{4}})\b", re.I)


# the week instead of the day: "Tell them the week instead: "week commencing Monday 9 March""
_WEEK_FORM = re.compile(rf"\b(?P<label>week (?:commencing|beginning|starting)|w/c)\s+(?:(?:{_WEEKDAYS}),?\s+)?\d{{1,2}}"
                        rf"(?:st|nd|rd|th)?\s+(?:{_MONTH})\b", re.I)
# a form shown, not a week mentioned: a quote or "like", "e.g.", "such as", ":" just before it
_SHOWN_BEFORE = re.compile(r"(?:[\"'“‘]|\blike|\be\.g\.|\bsuch as|:)\s*$", re.I)
# a day named with its weekday in a draft: "Wednesday 15 April", "Thursday, 14 May", "Friday the 8th of May"
_WEEKDAY_DATE = re.compile(rf"\b(?P<on>on\s+)?(?P<wd>{_WEEKDAYS}),?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
                           rf"(?P<m>{_MONTH})\b(?:,?\s+(?P<y>\d{{4}}))?", re.I)


@dataclass(frozen=True)
class FormatRule:
    kind: Literal["time", "date", "money", "length"]
    style: str  # time: 24h | 12h; date: iso | day-month | month-day | weekday-day-month | weekday-month-day |
    #             "week <label>" (the Monday of the day's week: "week commencing Monday 13 April");
    #             money: "<code> <before|after> <decimals>"; length: inches | inches-metric (metric in brackets)


# money: a currency code, sign or word before or after an amount; each currency's ways of being written
_CURRENCIES = {"EUR": ("EUR", "€", "euro", "euros"), "GBP": ("GBP", "£", "pound", "pounds"),
               "USD": ("USD", "$", "dollar", "dollars"), "CHF": ("CHF", "Fr.", "franc", "francs")}
_UNIT_OF = {written.lower(): code for code, ways in _CURRENCIES.items() for written in ways}
_UNIT = r"(?:EUR|GBP|USD|CHF|€|£|\$|euros?|pounds?|dollars?|francs?)"
_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MONEY = re.compile(rf"(?P<pre>{_UNIT})\s?(?P<a>{_AMOUNT})\b(?!\s?{_UNIT})|(?<![\w.,])(?P<b>{_AMOUNT})\s?(?P<post>{_UNIT})(?!\w)",
                    re.I)
_BARE_UNIT = re.compile(r"(?:€|£|\$)(?!\s?\d)|\b(?:euros?|pounds?|dollars?)\b(?<!\d)", re.I)


def money_mentions(text: str) -> list[tuple[float, int, int, str]]:
    """(value, start, end, currency code) of each amount written with its currency ("EUR 42", "65 euros", "£7.50").

        >>> money_mentions("EUR 42, then 65 euros and £1,250.50")
        [(42.0, 0, 6, 'EUR'), (65.0, 13, 21, 'EUR'), (1250.5, 26, 35, 'GBP')]
    """
    found = []
    for match in _MONEY.finditer(text):
        code = _UNIT_OF.get((match.group("pre") or match.group("post")).lower())
        if code is not None:
            found.append((_amount(match)[0], match.start(), match.end(), code))
    return found


def _amount(match: re.Match[str]) -> tuple[float, bool]:
    """(value, whether thousands are grouped with commas) of one written amount: "1,250.50" or "7,50"."""
    amount = match.group("a") or match.group("b")
    grouped = re.search(r",\d{3}\b", amount) is not None
    return float(amount.replace(",", "") if grouped else amount.replace(",", ".")), grouped


def _wanted(text: str, pattern: re.Pattern[str]) -> tuple[bool, bool]:
    """(said to use, said not to use) for the mentions of `pattern` in a correction."""
    said = [negated_before(text, match.start()) for match in pattern.finditer(text)]
    return any(not neg for neg in said), any(said)


def format_rules(correction: str) -> list[FormatRule]:
    """The date, time and money formats a correction asks for, when it says so unambiguously: one form wanted
    (named, or given as an example) and its rival rejected (named in a negated clause, or, for times, the 24-hour
    clock asked for by name)."""
    rules = []
    am_pm_use, am_pm_not = _wanted(correction, _AM_PM_WORDS)
    h24_use, h24_not = _wanted(correction, _24_HOUR_WORDS)
    example_12h = _wanted(correction, _AM_PM)[0]  # "write 5:45 pm"
    # "passengers mix up am and pm ... the 24-hour clock": am/pm named as the trouble, the 24-hour clock asked for
    if (am_pm_not or h24_use) and not (h24_not or example_12h or (am_pm_use and not h24_use)):
        rules.append(FormatRule("time", "24h"))
    elif (h24_not or (am_pm_use and example_12h)) and not (am_pm_not or h24_use):
        rules.append(FormatRule("time", "12h"))
    iso_use, iso_not = _wanted(correction, _ISO_DATE)
    dm_use, dm_not = _wanted(correction, _DAY_MONTH)
    md_use, md_not = _wanted(correction, _MONTH_DAY)
    wdm_use = _wanted(correction, _WEEKDAY_DAY_MONTH)[0]
    wmd_use = _wanted(correction, _WEEKDAY_MONTH_DAY)[0]
    money = _money_rule(correction)
    if money:
        rules.append(money)
    if iso_not and not iso_use and (dm_use or md_use) and not (dm_use and md_use):
        rules.append(FormatRule("date", "day-month" if dm_use else "month-day"))
    elif iso_not and not iso_use and (wdm_use or wmd_use) and not (wdm_use and wmd_use):
        rules.append(FormatRule("date", "weekday-day-month" if wdm_use else "weekday-month-day"))
    elif iso_use and not iso_not and (dm_not or md_not) and not (dm_use or md_use):
        rules.append(FormatRule("date", "iso"))
    inches_use, _ = _wanted(correction, _INCHES)
    _, metric_not = _wanted(correction, _METRIC)
    in_brackets = _IN_BRACKETS.search(correction) is not None
    if inches_use and (metric_not or in_brackets):
        rules.append(FormatRule("length", "inches-metric" if in_brackets else "inches"))
    week = next((m for m in _WEEK_FORM.finditer(correction) if not negated_before(correction, m.start())
                 and _SHOWN_BEFORE.search(correction[:m.start()])), None)
    if week is not None:
        rules.append(FormatRule("date", f"week {week.group('label').lower()}"))
    return rules


def _dated(weekday: str, day: int, month: int, year: int | None, today: datetime.date) -> datetime.date | None:
    """The date a weekday, day and month name: in `year` when given, else in the year nearest `today` in which that
    day falls on that weekday."""
    wanted = list(calendar.day_name).index(weekday.capitalize())
    years = [year] if year else sorted(range(today.year - 3, today.year + 4), key=lambda y: abs(y - today.year))
    for candidate in years:
        try:
            date = datetime.date(candidate, month, day)
        except ValueError:
            continue
        if date.weekday() == wanted:
            return date
    return None


def _week_of(label: str, today: datetime.date):
    """A day named with its weekday written as its week: "on Wednesday 15 April" -> "in the week commencing Monday
    13 April"."""
    def write(match: re.Match[str]) -> str:
        month = _MONTHS.index(match.group("m").capitalize()) + 1
        date = _dated(match.group("wd"), int(match.group("d")), month, int(match.group("y") or 0) or None, today)
        if date is None:
            return match.group(0)
        monday = date - datetime.timedelta(days=date.weekday())
        return f"{'in ' if match.group('on') else ''}the {label} Monday {monday.day} {_MONTHS[monday.month - 1]}"
    return write


def _money_style(match: re.Match[str]) -> tuple[str, str, int, str] | None:
    """(currency code, "before" or "after", decimals, the unit as written) of one written amount."""
    unit = match.group("pre") or match.group("post")
    code = _UNIT_OF.get(unit.lower())
    if code is None:
        return None
    amount = match.group("a") or match.group("b")
    decimals = len(amount.rsplit(".", 1)[1]) if re.search(r"\.\d{1,2}$", amount) else 0
    return code, "before" if match.group("pre") else "after", decimals, unit.lower().rstrip("s")


def _money_rule(correction: str) -> FormatRule | None:
    """The money form a correction shows by example ("amounts go like "EUR 125.00"") when it also turns another
    way of writing the same currency down ("no € sign", "not "125 euros""): the code's place and the decimals. A
    correction of the amount itself ("45 EUR now, not 40 EUR") turns no form down and prescribes none."""
    wanted, refused = set(), set()
    for match in _MONEY.finditer(correction):
        style = _money_style(match)
        if style is not None:
            (refused if negated_before(correction, match.start()) else wanted).add(style)
    if len(wanted) != 1:
        return None
    code, place, decimals, unit = wanted.pop()
    refused |= {(_UNIT_OF.get(m.group(0).lower()), "", -1, m.group(0).lower().rstrip("s"))
                for m in _BARE_UNIT.finditer(correction) if negated_before(correction, m.start())}
    if not any(c == code and ((p, d, u) != (place, decimals, unit) if p else u != unit) for c, p, d, u in refused):
        return None
    return FormatRule("money", f"{code} {place} {decimals}")


def _money(style: str):
    code, place, decimals = style.split()

    def write(match: re.Match[str]) -> str:
        found = _money_style(match)
        if found is None or found[0] != code:
            return match.group(0)  # another currency
        value, grouped = _amount(match)
        places = max(int(decimals), 0 if value == int(value) else 2)  # never round a fraction away
        number = f"{value:,.{places}f}" if grouped else f"{value:.{places}f}"
        return f"{code} {number}" if place == "before" else f"{number} {code}"
    return write


def _to_24h(match: re.Match[str]) -> str:
    hour, minute, half = int(match.group(1)), match.group(2) or "00", match.group(3).lower()
    hour = hour % 12 + (12 if half == "p" else 0)
    return f"{hour:02d}:{minute}"


def _hour(written: str) -> int:
    return int(written) if written.isdigit() else NUMBER_WORDS.index(written.lower())


def _day_part_to_24h(match: re.Match[str]) -> str:
    """A time or a range said with its part of the day, on the 24-hour clock: "from 2 to 6 in the afternoon" ->
    "from 14:00 to 18:00". A range's start later on the clock face than its end is in the morning (11 to 1)."""
    before = match.string[max(0, match.start() - 12):match.start()]
    if match.group("h1") is None and "clock" not in match.group(0).lower() and not _TIME_CUE.search(before):
        return match.group(0)  # "room 4 in the afternoon": a number, not a time
    end = _hour(match.group("h2")) % 12
    later = not match.group("part").lower().endswith("morning")
    if match.group("part").lower().endswith("night") and end < 6:  # "1 at night" is one in the morning
        later = False
    end_24 = end + (12 if later else 0)
    written = f"{end_24:02d}:{match.group('m2') or '00'}"
    if match.group("h1") is None:
        return written
    start = _hour(match.group("h1")) % 12
    start_24 = start + (12 if later and start <= end else 0)
    sep = match.group("sep")
    return f"{start_24:02d}:{match.group('m1') or '00'}{sep if sep in '-–' else f' {sep} '}{written}"


def _to_12h(match: re.Match[str]) -> str:
    """Only a time that is surely on the 24-hour clock (17:45, 07:15, 00:30): a bare 5:45 may mean either."""
    written, minute = match.group(1), match.group(2)
    hour = int(written)
    if hour < 12 and not written.startswith("0"):
        return match.group(0)
    return f"{hour % 12 or 12}:{minute} {'pm' if hour >= 12 else 'am'}"


def _spelled(style: str):
    def write(match: re.Match[str]) -> str:
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        try:
            weekday = calendar.day_name[datetime.date(year, month, day).weekday()]
        except ValueError:
            return match.group(0)
        name = _MONTHS[month - 1]
        return {"day-month": f"{day} {name} {year}", "month-day": f"{name} {day}, {year}",
                "weekday-day-month": f"{weekday} {day} {name}", "weekday-month-day": f"{weekday}, {name} {day}"}[style]
    return write


def _worded(style: str):
    """A date in words with its year written in a weekday `style` (the weekday worked out from it)."""
    spelled = _spelled(style)

    def write(match: re.Match[str]) -> str:
        month = _MONTHS.index((match.group("m1") or match.group("m2")).capitalize()) + 1
        day = match.group("d1") or match.group("d2")
        iso = _ISO_DATE.match(f"{match.group('y')}-{month:02d}-{int(day):02d}")
        return spelled(iso) if iso else match.group(0)
    return write


def _iso(day_first: bool):
    def write(match: re.Match[str]) -> str:
        day, month, year = (match.group(1), match.group(2), match.group(3)) if day_first else \
            (match.group(2), match.group(1), match.group(3))
        return f"{int(year):04d}-{_MONTHS.index(month.capitalize()) + 1:02d}-{int(day):02d}"
    return write


# lengths: "our regulars think in inches, not centimetres ... inches first and the metric figure in brackets"
_INCHES = re.compile(r"\binch(?:es)?\b", re.I)
_METRIC = re.compile(r"\b(?:centimet(?:re|er)s?|cm|millimet(?:re|er)s?|mm|metric)\b", re.I)
_IN_BRACKETS = re.compile(r"\b(?:metric|centimet(?:re|er)s?|cm)\b[^.;]{0,40}\b(?:brackets|parenthes[ie]s)\b", re.I)
_METRIC_LENGTH = re.compile(r"(?<![\w.(])(\d+(?:[.,]\d+)?)\s?(cm|centimet(?:re|er)s?|mm|millimet(?:re|er)s?)\b(?!\))", re.I)


def _inches(style: str):
    """A metric length written in inches (to a tenth, "1 inch" for 2.5 cm), the metric figure kept in brackets."""
    def write(match: re.Match[str]) -> str:
        value = float(match.group(1).replace(",", "."))
        inches = round(value / (25.4 if match.group(2).lower().startswith("m") else 2.54), 1)
        figure = f"{inches:g}"
        written = f"{figure} inch" if figure == "1" else f"{figure} inches"
        return f"{written} ({match.group(0)})" if style == "inches-metric" else written
    return write


def _relabelled(answer: str, request: str, changes: list[str]) -> str:
    """The answer with a metric length of the request that it calls inches ("taken in 5 cm" answered "5 inches
    (12 cm)": held-out v14, tailoring, seen) put back in the request's unit, for the length rule to convert."""
    for match in _METRIC_LENGTH.finditer(request):
        figure, unit = match.group(1), match.group(2)
        if re.search(rf"(?<![\w.]){re.escape(figure)}\s?{re.escape(unit)}\b", answer, re.I):
            continue  # the answer gives it in the request's unit
        called_inches = re.compile(rf"(?<![\w.]){re.escape(figure)}\s?(?:inch(?:es)?\b|in\b|\")(?:\s?\([^)]*\))?", re.I)
        for found in called_inches.finditer(answer):
            changes.append(f"{found.group(0)} -> {match.group(0)} (the request's length)")
        answer = called_inches.sub(match.group(0), answer)
    return answer


def apply_formats(answer: str, rules: list[FormatRule], today: datetime.date | None = None,
                  request: str = "") -> tuple[str, list[str]]:
    """The answer with every date, time and amount written as `rules` say, and the changes made ("5:45 pm -> 17:45").
    `today` places a weekday date without a year (default: the clock's date); with the `request`, a metric length it
    gives that the answer calls inches is put back in its unit before lengths are written in inches."""
    changes: list[str] = []

    def substitute(pattern: re.Pattern[str], write, text: str) -> str:
        def one(match: re.Match[str]) -> str:
            new = write(match)
            if new != match.group(0):
                changes.append(f"{match.group(0).strip()} -> {new}")
            return new
        return pattern.sub(one, text)

    for rule in rules:
        if rule.kind == "time":
            answer = substitute(_DAY_PART, _day_part_to_24h, substitute(_AM_PM, _to_24h, answer)) \
                if rule.style == "24h" else substitute(_CLOCK, _to_12h, answer)
        elif rule.kind == "money":
            answer = substitute(_MONEY, _money(rule.style), answer)
        elif rule.kind == "length":
            answer = substitute(_METRIC_LENGTH, _inches(rule.style), _relabelled(answer, request, changes))
        elif rule.style.startswith("week "):
            answer = substitute(_WEEKDAY_DATE, _week_of(rule.style[5:], today or datetime.date.today()), answer)
        elif rule.style == "iso":
            answer = substitute(_MONTH_DAY, _iso(False), substitute(_DAY_MONTH, _iso(True), answer))
        else:
            answer = substitute(_ISO_DATE, _spelled(rule.style), answer)
            if rule.style.startswith("weekday"):  # "September 20, 2025" has its weekday and loses its year too
                answer = substitute(_WORDED_DATE, _worded(rule.style), answer)
    return answer, changes

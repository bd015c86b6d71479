"""A writer lesson that prescribes a date, time or money format is followed by rewriting the draft, not by hoping the
model does (held-out v6: "5:45 pm" kept beside 17:45; "2025-04-30" copied from the request)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agents.answer_formats import FormatRule, apply_formats, format_rules
from agents.llm import LLM
from agents.retriever import Retrieval
from agents.settings import ModelSettings
from agents.tool_planner import ToolPlan
from agents.tracing import SpanRecorder
from agents.writer import WriterAgent
from memory.records import Component, Lesson

TIMES = ("The content is fine, but please drop the am/pm in anything we send to passengers. Write 07:15 and 10:30, "
         "exactly as they appear on the departure boards. For notes to the crew I don't mind.")
DATES = ("When we write to our members please spell the date out the way people say it, like 18 May 2025, not "
         "2025-05-18. Lists for us staff can stay in the system format.")


@pytest.mark.parametrize("correction, rules", [
    (TIMES, [FormatRule("time", "24h")]),
    ("Use the 24-hour clock in every reply.", [FormatRule("time", "24h")]),
    ("Customers want am/pm: write 5:45 pm, not 17:45.", [FormatRule("time", "12h")]),
    (DATES, [FormatRule("date", "day-month")]),
    ("US customers read May 18, 2025, never 2025-05-18.", [FormatRule("date", "month-day")]),
    ("Dates as 2025-05-18 please, never 18 May 2025.", [FormatRule("date", "iso")]),
    # the trouble named first, then the clock asked for (held-out v11, seen): still the 24-hour clock
    ("Members mix up am and pm. Give times on the 24-hour clock - \"18:30\" - never \"pm\" or \"am\".",
     [FormatRule("time", "24h")]),
    ('Write dates for parents with the weekday and the month in words - "Tuesday 3 June" - never 2025-06-03.',
     [FormatRule("date", "weekday-day-month")]),
    # nothing to go by: a date given with no rival refused, a time named without a rule, no format at all
    ("Tell them the course starts on 3 May 2025.", []),
    ("The 17:45 boat is the last one.", []),
    ("Be warmer and sign off as the Skerry Line team.", []),
])
def test_the_format_a_correction_asks_for_is_read_only_when_it_is_unambiguous(correction, rules):
    assert format_rules(correction) == rules


def test_a_date_shown_with_its_weekday_gets_the_weekday_of_each_date():
    rules = [FormatRule("date", "weekday-day-month")]
    assert apply_formats("The concert is on 2025-06-03 and the exam on 2025-02-30.", rules)[0] == \
        "The concert is on Tuesday 3 June and the exam on 2025-02-30."  # no such day: left as written


def test_dates_and_times_are_rewritten_and_the_changes_listed():
    text = "Your 5:45 pm sailing on 2025-06-06 now leaves at 6 p.m.; the 12 am one is unchanged."
    rules = [FormatRule("time", "24h"), FormatRule("date", "day-month")]
    assert apply_formats(text, rules) == (
        "Your 17:45 sailing on 6 June 2025 now leaves at 18:00; the 00:00 one is unchanged.",
        ["5:45 pm -> 17:45", "6 p.m. -> 18:00", "12 am -> 00:00", "2025-06-06 -> 6 June 2025"])
    # a bare 5:45 may be either: only times surely on the 24-hour clock become am/pm
    assert apply_formats("Boats at 5:45, 07:15 and 17:45.", [FormatRule("time", "12h")])[0] == \
        "Boats at 5:45, 7:15 am and 5:45 pm."


MONEY = ('Letters to our tenants give amounts like "GBP 640.00" - the code first and always the pence. No £ sign '
         'and never "640 pounds". Notes for the caretakers can be as they like.')


@pytest.mark.parametrize("correction, rules", [
    (MONEY, [FormatRule("money", "GBP before 2")]),
    ("Quote fees as 12 EUR, not as €12.", [FormatRule("money", "EUR after 0")]),
    # a corrected amount is not a format; one form with nothing turned down prescribes nothing
    ("The deposit is 500 GBP now, not 450 GBP.", []),
    ("Always write prices like £4.50.", []),
])
def test_a_money_form_is_read_only_when_another_form_is_turned_down(correction, rules):
    assert format_rules(correction) == rules


def test_amounts_of_that_currency_are_rewritten_and_no_fraction_is_rounded_away():
    text = "Rent is 640 pounds, the fee £25; the 1,250.5 GBP deposit and 30 EUR in euros stay."
    assert apply_formats(text, [FormatRule("money", "GBP before 2")])[0] == (
        "Rent is GBP 640.00, the fee GBP 25.00; the GBP 1,250.50 deposit and 30 EUR in euros stay.")
    assert apply_formats("It is £12.50 or £3.", [FormatRule("money", "GBP after 0")])[0] == "It is 12.50 GBP or 3 GBP."


def test_the_writer_rewrites_its_draft_to_the_lessons_format_before_the_check(tmp_path: Path):
    def script(messages: list[dict[str, Any]], role: str) -> str:
        return "Dear Dev, your DVD was due on 2025-04-30 and the desk closes at 5 pm."

    writer = WriterAgent(LLM(ModelSettings(provider="fake"), tmp_path / "models", script=script))
    lesson = Lesson(component=Component.WRITER, trigger="messages to members", text="Spell dates out for members.",
                    feedback_text=DATES)
    request = "Write to Dev Patel that his DVD was due on 2025-04-30."
    recorder = SpanRecorder()
    with recorder.active():
        written = writer.compose(request, Retrieval(request), ToolPlan(), [lesson])
    assert written.text == "Dear Dev, your DVD was due on 30 April 2025 and the desk closes at 5 pm."
    [step] = [s for s in recorder.spans if s.name == "apply_formats"]
    assert step.attributes["changes"] == ["2025-04-30 -> 30 April 2025"]
    # no lesson, no rewriting: the format is the lesson's, not the product's
    assert writer.compose(request, Retrieval(request), ToolPlan(), []).text.endswith("2025-04-30 and the desk closes at 5 pm.")


def test_a_weekday_form_rewrites_dates_in_words_with_their_year_too():
    """Held-out v11 (seen): the lesson asked for "Saturday 4 October"; the writer wrote "September 20, 2025",
    which only ISO dates were rewritten from."""
    from agents.answer_formats import FormatRule, apply_formats

    rule = [FormatRule("date", "weekday-day-month")]
    assert apply_formats("A trial lesson on September 20, 2025.", rule)[0] == "A trial lesson on Saturday 20 September."
    assert apply_formats("Due Friday, 20 September 2025", rule)[0] == "Due Saturday 20 September"  # its weekday, right
    assert apply_formats("Saturday 20 September", rule) == ("Saturday 20 September", [])
    assert apply_formats("On 20 September 2025.", [FormatRule("date", "weekday-month-day")])[0] == \
        "On Saturday, September 20."


def test_the_week_instead_of_the_day():
    """Held-out v12 (seen): "Never promise a customer a day ... Tell them the week instead: "week commencing Monday 9
    March"" was applied and the e-mails still said "Wednesday 15 April"."""
    import datetime

    from agents.answer_formats import apply_formats, format_rules

    rules = format_rules("Never promise a customer a day - one wet morning and we've failed them. Tell them the week "
                         "instead: \"week commencing Monday 9 March\". Exact days belong only on the running sheet.")
    assert [r.style for r in rules] == ["week week commencing"]
    spring = datetime.date(2026, 3, 1)
    assert apply_formats("Your gutters will be cleared on Wednesday 15 April.", rules, spring)[0] == \
        "Your gutters will be cleared in the week commencing Monday 13 April."
    assert apply_formats("Booked for Thursday, 2 April.", rules, spring)[0] == \
        "Booked for the week commencing Monday 30 March."  # the week starts in the month before
    assert apply_formats("We come in April.", rules, spring)[0] == "We come in April."  # no day named
    # a week mentioned, not a form shown; a form refused
    assert format_rules("The rota for the week commencing Monday 3 March was wrong; fix the hours.") == []
    assert format_rules("Don't write \"week commencing Monday 9 March\", give the day.") == []


def test_lengths_in_inches_with_the_metric_figure_in_brackets():
    """Held-out v14, tailoring (seen): "think in inches, not centimetres ... inches first and the metric figure in
    brackets"."""
    rules = format_rules("Most of our regulars think in inches, not centimetres. Give inches first and the metric "
                         "figure in brackets.")
    assert rules == [FormatRule("length", "inches-metric")]
    assert apply_formats("Your sleeves come up 2.5 cm and the hem 10 cm.", rules)[0] == \
        "Your sleeves come up 1 inch (2.5 cm) and the hem 3.9 inches (10 cm)."
    assert apply_formats("It comes to 1 inch (2.5 cm).", rules)[0] == "It comes to 1 inch (2.5 cm)."  # said already
    assert format_rules("Quote the hem in inches, never in cm.") == [FormatRule("length", "inches")]
    assert format_rules("The hem allowance is 3 cm; say so.") == []


def test_a_metric_length_of_the_request_the_answer_calls_inches_is_converted_from_its_unit():
    """Held-out v14, tailoring (seen): "being taken in 5 cm" was answered "taken in 5 inches (12 cm)"."""
    rules = [FormatRule("length", "inches-metric")]
    request = "Drop Mr Abiodun a line: his suit jacket is being taken in 5 cm at the back seam."
    answer, changes = apply_formats("Your jacket is being taken in 5 inches (12 cm) at the back seam.", rules,
                                    request=request)
    assert answer == "Your jacket is being taken in 2 inches (5 cm) at the back seam." and len(changes) == 2
    # an answer that already converts the request's length is left as it is
    assert apply_formats("It comes up 2 inches.", rules, request="Tell her the hem comes up 5 cm.") == \
        ("It comes up 2 inches.", [])

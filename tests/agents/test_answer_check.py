"""The writer uses tool results, and its answer is checked against the applied lessons before it is shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.answer_check import AnswerChecker, figures_in, verdict_reply
from agents.human import HumanAgent, ScriptedHuman
from agents.llm import LLM
from agents.retriever import Retrieval
from agents.settings import ModelSettings
from agents.tool_planner import ToolPlan
from agents.tools import ToolResult
from agents.tracing import SpanRecorder
from agents.writer import WriterAgent
from memory.records import Component, Document, Lesson, LessonAction
from memory.store import DocumentHit
from workflows.traces import TraceStore
from tests.helpers import make_assistant

WEEKS = "Write a query that counts orders per week number of order_date."
DIALECT = Lesson(component=Component.WRITER, trigger="SQL date parts",
                 text="We use PostgreSQL. Use EXTRACT(WEEK FROM col), never WEEKOFYEAR().")
REVENUE = "What was our total order revenue in Q1 2024?"
WIKI = Retrieval(REVENUE, [DocumentHit(Document(id="wiki-revenue", title="Sales wiki",
                                                text="The last summary mentioned about 1.2M in Q1."), 0.8)])
SUM_RESULT = ToolResult("sql", {"query": "SELECT SUM(amount) FROM orders WHERE order_date < '2024-04-01'"},
                        True, "SUM(amount)\n400.0")


def _writer(tmp_path: Path, replies: dict[str, list[str]], *, model_verdicts: bool | None = None,
            ) -> tuple[WriterAgent, dict[str, list[str]]]:
    """A writer whose model answers each role from `replies` in order; prompts are collected per role."""
    prompts: dict[str, list[str]] = {}

    def script(messages: list[dict[str, Any]], role: str) -> str:
        seen = prompts.setdefault(role, [])
        seen.append(str(messages[-1]["content"]))
        answers = replies[role]
        return answers[min(len(seen), len(answers)) - 1]

    llm = LLM(ModelSettings(provider="fake"), tmp_path / "models", script=script)
    return WriterAgent(llm, model_verdicts=model_verdicts), prompts


def test_an_answer_that_ignores_a_lesson_is_rejected_and_regenerated(tmp_path: Path):
    writer, prompts = _writer(tmp_path, {"writer": [
        "SELECT WEEKOFYEAR(order_date), COUNT(*) FROM orders GROUP BY 1",
        "SELECT EXTRACT(WEEK FROM order_date) AS week, COUNT(*) FROM orders GROUP BY week"]})
    recorder = SpanRecorder()
    with recorder.active():
        written = writer.compose(WEEKS, Retrieval(WEEKS), ToolPlan(), [DIALECT])
    assert written.text.startswith("SELECT EXTRACT(WEEK") and written.rejected_draft.startswith("SELECT WEEKOFYEAR")
    assert written.check.verdict == "pass"
    assert "WEEKOFYEAR" in prompts["writer"][1] and "IT WAS REJECTED" in prompts["writer"][1]
    checks = [s.attributes for s in recorder.spans if s.name == "answer_check"]
    assert [(c["attempt"], c["verdict"]) for c in checks] == [(1, "fail"), (2, "pass")]
    assert "WEEKOFYEAR" in checks[0]["reason"] and "EXTRACT" in checks[0]["reason"]


def test_an_answer_that_follows_the_lesson_is_not_regenerated(tmp_path: Path):
    writer, prompts = _writer(tmp_path, {"writer": ["SELECT EXTRACT(WEEK FROM order_date), COUNT(*) FROM orders"]})
    written = writer.compose(WEEKS, Retrieval(WEEKS), ToolPlan(), [DIALECT])
    assert not written.regenerated and len(prompts["writer"]) == 1


def test_the_writer_is_told_the_tool_result_answers_and_reads_it_last(tmp_path: Path):
    writer, _ = _writer(tmp_path, {"writer": ["x"]})
    prompt = writer.prompt(REVENUE, WIKI, ToolPlan(results=[SUM_RESULT]), [DIALECT])
    assert "TOOL RESULT - THIS ANSWERS THE REQUEST" in prompt
    assert prompt.index("1.2M") < prompt.index("TEAM GUIDANCE") < prompt.index("400.0") < prompt.index("REQUEST:")
    assert '- "We use PostgreSQL.' in prompt  # the writer lesson stays in the quoted guidance block


def test_an_answer_quoting_the_documents_over_the_tool_result_is_regenerated(tmp_path: Path):
    writer, prompts = _writer(tmp_path, {"writer": ["Revenue in Q1 was about 1.2M, per the sales wiki.",
                                                    "Total order revenue in Q1 2024 was 400.0."]})
    written = writer.compose(REVENUE, WIKI, ToolPlan(results=[SUM_RESULT]), [])
    assert written.text == "Total order revenue in Q1 2024 was 400.0."
    assert "does not state the tool result's figures (400)" in prompts["writer"][1]


def test_an_empty_sql_result_is_an_answer_of_none(tmp_path: Path):
    writer, _ = _writer(tmp_path, {"writer": ["x"]})
    empty = ToolResult("sql", {"query": "SELECT SUM(amount) FROM orders WHERE 0"}, True, "SUM(amount)\nNone")
    assert "matched no data" in writer.prompt(REVENUE, WIKI, ToolPlan(results=[empty]), [])


def test_a_failed_tool_is_named_to_the_writer(tmp_path: Path):
    writer, _ = _writer(tmp_path, {"writer": ["x"]})
    failed = ToolResult("sql", {"query": "SELECT nope"}, False, "SqlError: SQLite rejected the statement")
    prompt = writer.prompt(REVENUE, WIKI, ToolPlan(results=[failed]), [])
    assert "TOOL ERROR" in prompt and "THIS ANSWERS" not in prompt


def test_a_failed_tool_a_writing_request_did_not_need_is_not_the_answer(tmp_path: Path):
    writer, _ = _writer(tmp_path, {"writer": ["x"]})
    failed = ToolResult("sql", {"query": "SELECT nope"}, False, "SqlError: SQLite rejected the statement")
    prompt = writer.prompt("Send Ms Lee our thanks for her gift.", WIKI, ToolPlan(results=[failed]), [])
    assert "TOOL ERROR" not in prompt and "could not be computed" not in prompt
    assert "No tool result is needed for this request." in prompt


def test_a_combined_value_is_a_data_request(tmp_path: Path):
    writer, _ = _writer(tmp_path, {"writer": ["x"]})
    prompt = writer.prompt("What's the combined value of all orders so far?", WIKI, ToolPlan(results=[SUM_RESULT]), [])
    assert "TOOL RESULT - THIS ANSWERS THE REQUEST" in prompt


def test_a_lesson_no_rule_covers_gets_the_scripted_model_verdict(tmp_path: Path):
    tone = Lesson(component=Component.WRITER, trigger="customer replies", text="Answer customers in a warm tone.")
    writer, prompts = _writer(tmp_path, {"writer": ["No.", "Happy to help: yes, within 30 days."],
                                         "answer_check": [verdict_reply(False, "curt"), verdict_reply(True)]},
                              model_verdicts=True)
    written = writer.compose("Can I get a refund?", Retrieval("x"), ToolPlan(), [tone])
    assert written.text.startswith("Happy") and "warm tone" in prompts["answer_check"][0]
    assert "curt" in prompts["writer"][1]


def test_the_fake_model_gives_no_verdict_it_lists_the_lesson_unchecked(tmp_path: Path):
    tone = Lesson(component=Component.WRITER, trigger="customer replies", text="Answer customers in a warm tone.")
    llm = LLM(ModelSettings(provider="fake"), tmp_path / "models")
    check = AnswerChecker(llm).check("Can I get a refund?", "No.", [], [tone])
    assert check.verdict == "nothing checked" and check.unchecked == [tone.id]


def test_figures_match_across_formats():
    checker = AnswerChecker(LLM(ModelSettings(provider="fake"), Path("/nonexistent")))
    result = ToolResult("sql", {}, True, "COUNT(*) | SUM(amount)\n3 | 1400.5")
    assert checker.check("q", "Three orders, 1,400.50 in total.", [result], []).passed
    assert not checker.check("q", "3 orders, about 1.2M.", [result], []).passed
    assert figures_in("no digits here") == []


def test_a_turn_records_the_check_in_its_trace(tmp_path: Path):
    def script(messages: list[dict[str, Any]], role: str) -> str:
        return "Use WEEKOFYEAR(order_date)." if role == "writer" else '{"tool_calls": []}'

    assistant = make_assistant(tmp_path, script=script, threshold=0.0)
    assistant.memory.store.add_lessons([DIALECT])
    assistant.traces = TraceStore(tmp_path / "alhf.db")
    result = assistant.run_turn(WEEKS, human=HumanAgent("NEVER", ScriptedHuman()))
    assert result.answer_check is not None and result.answer_check.verdict == "fail"  # the fake never improves
    spans = assistant.traces.spans(result.turn_id)
    names = [s["name"] for s in spans]
    assert names.count("answer_check") == 2 and "regenerate" in names
    assert "WEEKOFYEAR" in next(s for s in spans if s["name"] == "answer_check")["attributes"]["reason"]


def test_a_tool_result_is_not_forced_on_a_request_for_no_data(tmp_path: Path):
    writer, prompts = _writer(tmp_path, {"writer": ["Express shipping takes 1 business day."]})
    stray = ToolResult("sql", {"query": "SELECT COUNT(*) FROM orders"}, True, "COUNT(*)\n6")
    written = writer.compose("How long does express shipping take?", Retrieval("x"), ToolPlan(results=[stray]), [])
    assert "THIS ANSWERS" not in prompts["writer"][0] and not written.regenerated


def test_a_tool_lesson_is_followed_when_its_tool_result_reached_the_answer(tmp_path: Path):
    lesson = Lesson(component=Component.TOOL_PLANNER, trigger="order figures", text="Count orders with SQL.",
                    action=LessonAction(prefer_tools=["sql"]))
    checker = AnswerChecker(LLM(ModelSettings(provider="fake"), tmp_path), model_verdicts=True)  # no verdict asked
    empty = ToolResult("sql", {"query": "SELECT SUM(amount) FROM orders WHERE 0"}, True, "SUM(amount)\nNone")
    assert checker.check("Revenue in March?", "None: no orders.", [empty], [lesson]).verdict == "pass"
    missing = checker.check("Revenue in March?", "About 1.2M.", [], [lesson])
    assert missing.verdict == "fail" and not missing.writer_can_fix  # the planner's failure: no regeneration


def test_the_fake_model_follows_the_mechanical_guidance_so_the_answer_passes(tmp_path: Path):
    """The default fake writer writes the terms its guidance prescribes and drops those it forbids (a model that
    follows instructions needs no regeneration); the checker still rejects a scripted answer that does not."""
    llm = LLM(ModelSettings(provider="fake"), tmp_path / "models")
    written = WriterAgent(llm).compose("Count orders per WEEKOFYEAR(order_date).", Retrieval(WEEKS), ToolPlan(), [DIALECT])
    assert "EXTRACT" in written.text and "WEEKOFYEAR" not in written.text
    assert written.check.verdict == "pass" and not written.regenerated
    plain = WriterAgent(llm).compose(WEEKS, Retrieval(WEEKS), ToolPlan(), [])
    assert plain.text == f"(test model) Answer to: {WEEKS}" and plain.check.verdict == "nothing checked"


def test_a_detail_the_correction_asks_for_is_required_and_regenerated(tmp_path: Path):
    lesson = Lesson(component=Component.WRITER, trigger="Reminders to customers", text="Write calm reminders.",
                    feedback_text='Too stern. End reminders with our line 0800 555 0123 and never say "final notice".')
    writer, prompts = _writer(tmp_path, {"writer": ["Dear Ana, please pay your bill.",
                                                    "Dear Ana, please pay your bill. Call us on 0800-555-0123."]})
    request = "Write a reminder to Ana about her bill."
    written = writer.compose(request, Retrieval(request), ToolPlan(), [lesson])
    # since 2026-12-07 a phone number every reminder ends with is added to the draft without the model
    assert written.text == "Dear Ana, please pay your bill.\n\n0800 555 0123" and written.check.verdict == "pass"
    assert written.rejected_draft is None and len(prompts["writer"]) == 1
    assert 'in the words of the person who gave it' in prompts["writer"][0]  # the lesson text lost the number
    rules = [(f.rule, f.passed) for f in written.check.findings]
    # "final notice" is forbidden by the person, not required: it is checked to be absent
    assert rules == [("forbidden_detail", True), ("required_detail", True)]


def test_a_regenerated_answer_that_copies_the_prompt_is_cut(tmp_path: Path):
    writer, _ = _writer(tmp_path, {"writer": [
        "SELECT WEEKOFYEAR(order_date) FROM orders",
        "SELECT EXTRACT(WEEK FROM order_date) FROM orders\n\nIT WAS REJECTED: the answer uses WEEKOFYEAR"]})
    written = writer.compose(WEEKS, Retrieval(WEEKS), ToolPlan(), [DIALECT])
    assert written.text == "SELECT EXTRACT(WEEK FROM order_date) FROM orders" and written.check.verdict == "pass"
    writer, _ = _writer(tmp_path, {"writer": ["SELECT WEEKOFYEAR(order_date) FROM orders",
                                              "YOUR PREVIOUS ANSWER:\nSELECT WEEKOFYEAR(order_date) FROM orders"]})
    written = writer.compose(WEEKS, Retrieval(WEEKS), ToolPlan(), [DIALECT])
    assert written.text == "SELECT WEEKOFYEAR(order_date) FROM orders" and not written.regenerated


def test_the_new_draft_is_told_only_what_the_writer_can_fix(tmp_path: Path):
    """A planner lesson whose tool gave no result fails the check too, but a new draft cannot fix it; a small
    model told about it copies the planner's guidance into the answer."""
    planner = Lesson(component=Component.TOOL_PLANNER, trigger="Booking hours", action=LessonAction(prefer_tools=["sql"]),
                     text="Work it out from the bookings table: add up end_ts minus start_ts, leave out cancelled ones.")
    writer, prompts = _writer(tmp_path, {"writer": [
        "SELECT WEEKOFYEAR(order_date), COUNT(*) FROM orders GROUP BY 1",
        "SELECT EXTRACT(WEEK FROM order_date) AS week, COUNT(*) FROM orders GROUP BY week"]})
    written = writer.compose(WEEKS, Retrieval(WEEKS), ToolPlan(), [DIALECT], checked_lessons=[DIALECT, planner])
    rejected = prompts["writer"][1].split("IT WAS REJECTED:", 1)[1]
    assert "WEEKOFYEAR" in rejected and "bookings table" not in rejected
    assert "bookings table" in written.check.reason  # still failed and recorded: the planner's, not the writer's


def test_a_result_of_the_tool_a_lesson_prefers_answers_a_request_without_data_words(tmp_path: Path):
    """Held-out v6: "What has Kiosk Nord been worth to us so far?" names no figure; the SQL lesson applied and its
    result (100) was shown as optional, and the writer quoted the sales summary. The lesson says such requests
    are answered from the database, so its tool's result is the answer, and a draft without it is rewritten."""
    request = "What has Kiosk Nord been worth to us so far?"
    writer, prompts = _writer(tmp_path, {"writer": ["About 1.2M, per the sales wiki.", "Kiosk Nord: 400.0 EUR."]})
    optional = writer.prompt(request, WIKI, ToolPlan(results=[SUM_RESULT]), [])
    assert "THIS ANSWERS THE REQUEST" not in optional
    plan = ToolPlan(results=[SUM_RESULT], preferred=["sql"])
    assert "TOOL RESULT - THIS ANSWERS THE REQUEST" in writer.prompt(request, WIKI, plan, [])
    written = writer.compose(request, WIKI, plan, [])
    assert written.text == "Kiosk Nord: 400.0 EUR." and "does not state the tool result's figures (400)" in prompts["writer"][-1]


def test_a_line_every_message_ends_with_is_added_when_the_draft_lacks_it(tmp_path: Path):
    """Held-out v9: "every message we send to clients ends with our line "Wet noses, happy tails - the Waggy Tails
    team"" was applied and both drafts left it out. The line is added to the draft; no regeneration is needed,
    and a draft that has it already is left alone."""
    lesson = Lesson(component=Component.WRITER, trigger="Messages to clients", text="Sign off politely.",
                    feedback_text='Every message we send to clients ends with our line "Wet noses, happy tails - '
                                  'the Waggy Tails team", never "Kind regards".')
    writer, prompts = _writer(tmp_path, {"writer": ["Hi Sara, Luna's blue collar is at the front desk."]})
    request = "Let Sara Conti know that the blue collar Luna left behind is at the front desk."
    recorder = SpanRecorder()
    with recorder.active():
        written = writer.compose(request, Retrieval(request), ToolPlan(), [lesson])
    assert written.text == ("Hi Sara, Luna's blue collar is at the front desk.\n\n"
                            "Wet noses, happy tails - the Waggy Tails team")
    assert written.check.verdict == "pass" and not written.regenerated and len(prompts["writer"]) == 1
    assert [s.attributes["lines"] for s in recorder.spans if s.name == "add_lines"] == [
        ["Wet noses, happy tails - the Waggy Tails team"]]
    signed = "Hi Sara, it is at the desk.\nWet noses, happy tails - the Waggy Tails team!"
    writer, _ = _writer(tmp_path, {"writer": [signed]})
    assert writer.compose(request, Retrieval(request), ToolPlan(), [lesson]).text == signed


def test_a_date_quoted_to_show_the_form_is_not_required_and_the_writer_is_told_so(tmp_path: Path):
    """Held-out v9: the check demanded "Friday 13 June", the example of the form, and the regenerated draft put
    it in place of the request's own date (20/06). An example date or time is not a detail to include."""
    lesson = Lesson(component=Component.WRITER, trigger="Messages to customers",
                    text="Write dates for customers as 'Friday 13 June'.",
                    feedback_text='In anything we send to customers, write dates as weekday, day and month - '
                                  '"Friday 13 June" - never "13/06" or "2025-06-13".')
    request = "Text Marco Bellini that his suits come back from the dry cleaner on 20/06."
    writer, prompts = _writer(tmp_path, {"writer": ["Hi Marco, your suits are back on Friday 20 June."]})
    written = writer.compose(request, Retrieval(request), ToolPlan(), [lesson])
    assert not written.regenerated and written.check.verdict != "fail"
    assert "Friday 13 June" not in written.text
    assert "only show the form: write the request's own names, dates, times and amounts that way" in prompts["writer"][0]


def test_a_request_for_a_message_asks_for_the_message_itself(tmp_path: Path):
    """Held-out v9: "Let Sara Conti know that the blue collar Luna left behind is at the front desk" was answered
    "The blue collar Luna is at the front desk." The writer is told to write the message, not report its news;
    a question is not."""
    writer, prompts = _writer(tmp_path, {"writer": ["Hi Sara, Luna's collar is at the front desk."]})
    for request in ("Let Sara Conti know that the blue collar Luna left behind is at the front desk.",
                    "What does a full groom for a small dog cost?"):
        writer.compose(request, Retrieval(request), ToolPlan(), [])
    assert "write the message itself, from us to them, addressed to them" in prompts["writer"][0]
    assert "write the message itself" not in prompts["writer"][1]


def test_a_request_for_a_published_notice_is_not_written_as_a_letter(tmp_path: Path):
    """Held-out v15 (seen): "Draft what goes in the local press for Bernard Lacey, 91, ... who died on 8 June" was
    written "Dear Bernard Lacey, ... Bernard Lacey, 91, has passed away". Text for the paper, the website or print
    is published, not sent: no greeting, and the people it names are its subject."""
    writer, prompts = _writer(tmp_path, {"writer": ["LACEY Bernard (91), of Orchard Way, died on 8 June."]})
    request = "Put together the announcement for the local paper for Bernard Lacey, 91, who died on 8 June."
    writer.compose(request, Retrieval(request), ToolPlan(), [])
    assert "It is not a letter: no greeting" in prompts["writer"][0]
    assert "write the message itself" not in prompts["writer"][0]


def test_a_quoted_instance_of_the_corrected_request_is_an_example_not_a_literal(tmp_path: Path):
    """Held-out v10: "We address members by title and surname - "Dear Ms Okafor" - ... the full name: "Dear Amara
    Okafor"", taught on "Write to Amara Okafor ...", was demanded of e-mails to Daniel Brandt and Ravi Menon, whose
    drafts then opened "Dear Ms Okafor". A quoted phrase that repeats the taught request's names or figures shows
    the form; a line that shares nothing with it (a sign-off) stays required."""
    lesson = Lesson(component=Component.WRITER, trigger="Messages to members", text="Address members formally.",
                    source_request="Write to Amara Okafor that her fixed desk is set up.",
                    feedback_text='Please don\'t open with "Hi Amara". We address members by title and surname - '
                                  '"Dear Ms Okafor" - and where the title isn\'t clear, the full name: "Dear Amara '
                                  'Okafor". Every message ends with "Work well - the Hive team".')
    request = "Email Daniel Brandt that the projector in the Oak room has been fixed."
    writer, prompts = _writer(tmp_path, {"writer": ["Dear Mr Brandt, the projector in the Oak room is fixed."]})
    written = writer.compose(request, Retrieval(request), ToolPlan(), [lesson])
    assert not written.regenerated and "Okafor" not in written.text
    assert written.text.endswith("Work well - the Hive team") and written.check.verdict != "fail"
    assert "only show the form" in prompts["writer"][0]


def test_a_bare_figure_is_said_with_what_was_asked_and_still_passes_the_check(tmp_path: Path):
    writer, prompts = _writer(tmp_path, {"writer": ["400.0"]})
    written = writer.compose(REVENUE, WIKI, ToolPlan(results=[SUM_RESULT]), [])
    assert written.text == "Our total order revenue in Q1 2024: 400"
    assert len(prompts["writer"]) == 1  # the figure is the tool result's: no regeneration
    # no tool result answers a request to write: a bare figure there is left as it is
    writer, _ = _writer(tmp_path / "b", {"writer": ["400.0"]})
    assert writer.compose("Thank Ms Lee for her gift.", WIKI, ToolPlan(), []).text == "400.0"


def test_an_answer_that_only_repeats_the_guidance_is_rejected_and_written_again(tmp_path: Path):
    """Held-out v15 (seen): asked which member had contributed most, the local writer answered with the planner
    lesson's correction, word for word; another time it handed back the check's "The answer does not follow the
    guidance ..." as its answer."""
    request = "Which member has put in most towards membership over the years?"
    deps = Lesson(component=Component.TOOL_PLANNER, trigger="counting players",
                  text="Leave status = 'dep' out whenever you count our players or a section of the band.")
    writer, prompts = _writer(tmp_path, {"writer": [
        "Leave status = 'dep' out whenever you count our players or a section of the band.",
        "Callum Reid has put in the most: 380 pounds."]}, model_verdicts=False)
    written = writer.compose(request, Retrieval(request), ToolPlan(), [], checked_lessons=[deps])
    assert written.text == "Callum Reid has put in the most: 380 pounds."
    assert "repeats the team guidance" in prompts["writer"][1]

    echo = 'The answer does not follow the guidance "Use the 2025-26 prices document".'
    writer, _ = _writer(tmp_path, {"writer": ["Helmets are 5 a day.", echo]}, model_verdicts=False)
    prices = Lesson(component=Component.WRITER, trigger="prices", text='Never write "5 a day" for helmets.')
    written = writer.compose("Do customers pay for a helmet?", Retrieval("x"), ToolPlan(), [prices])
    assert written.text == "Helmets are 5 a day."  # the retry only echoed the rejection: the first draft stays


def test_an_answer_that_hands_the_request_back_is_written_again(tmp_path: Path):
    """Held-out v17 (seen): "Draft an Instagram caption about Saturday's piano: ..." was answered with itself."""
    request = "Draft an Instagram caption about Saturday's piano: we carried a grand down the steps without a scratch."
    caption = "A grand piano, forty steps and not a scratch - that's our Saturday! #Removals"
    writer, prompts = _writer(tmp_path, {"writer": [request, caption]})
    written = writer.compose(request, Retrieval(request), ToolPlan(), [])
    assert written.text == caption and written.rejected_draft == request
    assert "only repeats the request" in prompts["writer"][1]
    # a caption made of the request's own words, without its instruction, is an answer
    writer, prompts = _writer(tmp_path, {"writer": ["We carried a grand down the steps without a scratch."]})
    assert not writer.compose(request, Retrieval(request), ToolPlan(), []).regenerated and len(prompts["writer"]) == 1

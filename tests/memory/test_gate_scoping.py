"""The learned gate: near misses, "not here" feedback, fitted weights, and the borderline check."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from memory.consult import LessonMemory
from memory.embedding import HashingEmbedder
from memory.gate import GateSettings, RelevanceGate
from memory.gate_model import GateWeightsError, load_weights
from memory.message_requests import asks_for_message
from memory.records import Component, Lesson
from memory.scoping import ScopingError, add_negative_example, add_positive_example
from memory.store import LessonHit, MemoryStore

WEEK_LESSON = dict(
    component=Component.WRITER, text="Use EXTRACT(WEEK FROM col), never WEEKOFYEAR().",
    trigger="Requests to write SQL queries that extract week numbers or other date parts",
    trigger_examples=["How do I get the week of the year from a date column in SQL?",
                      "Group last month's orders by week number."],
)


def _memory(embedder, *lessons: Lesson, **gate) -> LessonMemory:
    store = MemoryStore.open(":memory:", embedder=embedder)
    store.add_lessons(lessons)
    return LessonMemory(store, RelevanceGate(GateSettings(**{"mode": "learned", **gate})))


def _decision(embedder, memory: LessonMemory, request: str, component: Component = Component.WRITER):
    """The gate's decision on the first lesson of `component` (the writer's) for `request`."""
    return memory.consult(component, embedder.embed([request])[0], user="ana", request=request).decisions[0]


def _consult(memory: LessonMemory, request: str):
    vector = memory.store.embedder.embed([request])[0]
    return memory.consult(Component.WRITER, vector, user="ana", request=request)


def test_a_near_miss_probe_is_rejected_while_related_requests_pass(minilm):
    probe = "What should a new analyst do in their first week?"
    with_near_miss = _memory(minilm, Lesson(id="wk", negative_examples=["What does a new analyst do in the first week?"],
                                            **WEEK_LESSON))
    rejected = _consult(with_near_miss, probe)
    assert rejected.applied == [] and "near-miss" in rejected.decisions[0].reason
    assert rejected.decisions[0].signals["near_miss"] > rejected.decisions[0].signals["similarity"]
    related = _consult(with_near_miss, "Show me how to group signups by the week they happened, in SQL.")
    assert [lesson.id for lesson in related.applied] == ["wk"]
    assert related.decisions[0].reason.endswith("-> applied")


def test_not_here_turns_a_false_injection_into_a_rejection_of_similar_requests(minilm):
    memory = _memory(minilm, Lesson(id="wk", **WEEK_LESSON))
    wrong = "Write SQL that lists the analysts who joined in their first week of the year."
    assert [lesson.id for lesson in _consult(memory, wrong).applied] == ["wk"]  # the false injection

    change = add_negative_example(memory.store, "wk", wrong)
    assert (change.version_before, change.version_after, change.action) == (1, 2, "not_here")
    stored = memory.store.get_lesson("wk")
    assert stored.version == 2 and stored.negative_examples == [wrong]

    similar = _consult(memory, "Write SQL listing the analysts who joined in the first week of the year.")
    assert similar.applied == [] and "near miss" in similar.decisions[0].reason
    still = _consult(memory, "Write a query that counts orders per week number of order_date.")
    assert [lesson.id for lesson in still.applied] == ["wk"]


def test_should_have_applied_adds_an_example_and_scoping_errors_are_one_line():
    store = MemoryStore.open(":memory:", embedder=HashingEmbedder())
    store.add_lesson(Lesson(id="r1", component=Component.RETRIEVER, text="Use v3.", trigger="refund questions",
                            negative_examples=["refund the delivery fee"]))
    change = add_positive_example(store, "r1", "refund the delivery fee")
    lesson = store.get_lesson("r1")
    assert lesson.trigger_examples == ["refund the delivery fee"] and lesson.negative_examples == []
    assert change.version_after == 2
    assert add_positive_example(store, "r1", "refund the delivery fee").version_after == 2  # nothing new
    with pytest.raises(ScopingError, match="No lesson 'nope'"):
        add_negative_example(store, "nope", "x")
    with pytest.raises(ScopingError, match="empty"):
        add_negative_example(store, "r1", "  ")


def test_near_misses_are_stored_apart_returned_as_vectors_and_deleted_with_the_lesson():
    store = MemoryStore.open(":memory:", embedder=HashingEmbedder(dim=64))
    lesson = Lesson(id="n1", component=Component.WRITER, text="t", trigger="sql week numbers",
                    trigger_examples=["week of year in sql"], negative_examples=["first week of a new analyst"])
    store.add_lesson(lesson)
    vector = store.embedder.embed(["first week of a new analyst"])[0]
    hits = store.search_lessons(Component.WRITER, vector)
    assert [h.matched_text for h in hits] != ["first week of a new analyst"]  # never a trigger match
    store._vectors.clear()  # a fresh process: vectors come back from the store by point id
    vectors = store.lesson_vectors([lesson])["n1"]
    assert vectors.examples.shape == (1, 64) and vectors.near_misses.shape == (1, 64)
    assert float(vectors.near_misses[0] @ vector) == pytest.approx(1.0, abs=1e-5)
    store.delete_lesson("n1")
    store._vectors.clear()
    assert store.lesson_vectors([lesson])["n1"].near_misses.shape == (0, 64)


def test_packaged_weights_load_and_say_what_they_were_fitted_on(tmp_path: Path):
    weights = load_weights()
    assert weights.pairs > 0 and any("tuning" in source for source in weights.fitted_on)
    assert not any("heldout" in source for source in weights.fitted_on)
    assert "gate_fit.py" in weights.produced_by
    assert RelevanceGate(GateSettings(mode="learned")).weights == weights
    assert GateSettings().mode == "threshold"  # the default: measured better with the local model
    assert GateSettings(thresholds={Component.WRITER: 0.4}).mode == "threshold"  # old configs keep their rule
    broken = tmp_path / "w.json"
    broken.write_text(json.dumps({"weights": [1.0]}))
    with pytest.raises(GateWeightsError, match="malformed"):
        load_weights(broken)


def _score_for(gate: RelevanceGate, probability: float) -> float:
    """The similarity that gives a writer lesson without stored vectors this probability."""
    w = gate.weights
    slope = sum(weight for name, weight in zip(w.signals, w.weights) if name in ("trigger", "example"))
    return (np.log(probability / (1 - probability)) - w.intercepts[Component.WRITER]) / slope


def test_the_borderline_check_runs_only_inside_the_band_and_decides_there():
    asked: list[str] = []

    def check(request: str, lesson: Lesson) -> bool:
        asked.append(lesson.id)
        return False

    gate = RelevanceGate(GateSettings(mode="learned", borderline=0.1), scope_check=check)
    hits = [LessonHit(Lesson(id=lesson_id, component=Component.WRITER, text="t", trigger="x"),
                      float(_score_for(gate, p)), "x")
            for lesson_id, p in (("sure", 0.97), ("band", 0.53), ("never", 0.03))]
    decisions = {d.lesson_id: d for d in gate.decide(Component.WRITER, hits, user="ana", request="a request")}
    assert asked == ["band"] and gate.borderline_checks == 1
    assert decisions["sure"].passed and decisions["sure"].second_stage is None
    assert not decisions["band"].passed and decisions["band"].second_stage == "does not apply"
    assert "borderline check" in decisions["band"].reason
    assert not decisions["never"].passed and decisions["never"].second_stage is None
    gate.decide(Component.WRITER, hits, user="ana")  # no request text: no check
    assert gate.borderline_checks == 1


def test_in_threshold_mode_the_check_settles_only_the_band_around_the_threshold():
    verdicts = {"low-band": True, "high-band": False}
    asked: list[str] = []

    def check(request: str, lesson: Lesson) -> bool:
        asked.append(lesson.id)
        return verdicts[lesson.id]

    gate = RelevanceGate(GateSettings(mode="threshold", thresholds={Component.WRITER: 0.4}, band_below=0.1,
                                      band_above=0.05), scope_check=check)
    hits = [LessonHit(Lesson(id=lesson_id, component=Component.WRITER, text="t", trigger="x"), score, "x")
            for lesson_id, score in (("sure", 0.46), ("high-band", 0.43), ("low-band", 0.31), ("never", 0.29))]
    decisions = {d.lesson_id: d for d in gate.decide(Component.WRITER, hits, user="ana", request="a request")}
    assert sorted(asked) == ["high-band", "low-band"] and gate.borderline_checks == 2
    assert decisions["sure"].passed and decisions["sure"].second_stage is None
    assert not decisions["high-band"].passed and decisions["high-band"].second_stage == "does not apply"
    assert decisions["low-band"].passed and "borderline check: applies" in decisions["low-band"].reason
    assert not decisions["never"].passed and decisions["never"].second_stage is None
    assert [gate.borderline(Component.WRITER, {"similarity": s}) for s in (0.29, 0.31, 0.44, 0.45)] == [False, True, True, False]


def test_the_router_writes_near_misses_and_drops_ones_that_repeat_an_example(tmp_path: Path):
    from agents.fake_model import cue_near_misses
    from agents.llm import LLM
    from agents.router import FeedbackRouterAgent, TurnEvidence
    from agents.settings import ModelSettings
    from tests.helpers import routing_script

    route = {"components": ["writer"], "lesson": "Use EXTRACT.", "applies_to": "SQL week questions",
             "examples": ["Weekly signups in SQL?"], "near_misses": ["First week of a new analyst?", "Weekly signups in SQL?"]}
    llm = LLM(ModelSettings(provider="fake"), tmp_path, script=routing_script(route))
    routing = FeedbackRouterAgent(llm, [], []).route("Use EXTRACT.", TurnEvidence(request="Week of year in SQL?"), author="ana")
    assert routing.lessons[0].negative_examples == ["First week of a new analyst?"]
    assert cue_near_misses("Use EXTRACT(WEEK FROM d). Not for onboarding questions.") == ["onboarding questions"]
    assert cue_near_misses("Use EXTRACT(WEEK FROM d).") == []


def test_router_near_misses_that_fit_the_lesson_as_well_as_its_examples_are_screened_out(minilm):
    from memory.scoping import screen_near_misses

    lesson = Lesson(component=Component.RETRIEVER, text="Use the 2025 expense policy.", trigger="Questions about business trip expenses",
                    trigger_examples=["How much can I claim for lunch on a business trip?", "Can I expense a taxi on a business trip?"],
                    negative_examples=["What business trip expenses can I claim for a hotel?", "What time does the canteen open?"])
    assert screen_near_misses(lesson, minilm).negative_examples == ["What time does the canteen open?"]


def test_a_data_lesson_drops_the_routers_near_misses_only_when_the_data_check_runs():
    from memory.records import LessonAction

    lesson = Lesson(component=Component.TOOL_PLANNER, text="Count claims with SQL on the claims table.",
                    trigger="Questions asking how many claims or for claim totals",
                    trigger_examples=["How many claims did we pay in March?"],
                    negative_examples=["How many claims did we receive in April?", "What is the average claim amount?"],
                    action=LessonAction(prefer_tools=["sql"]))
    store = MemoryStore.open(":memory:", embedder=HashingEmbedder(dim=64))

    def memory(data_check, setting="model") -> LessonMemory:
        gate = RelevanceGate(GateSettings(mode="threshold", data_check=setting), data_check=data_check)
        result = LessonMemory(store, gate)
        result.describe_data("sql", ["claims: id, status, amount, paid_on"])
        return result

    asks_for_data = lambda request: True  # noqa: E731
    assert memory(asks_for_data).screen_near_misses(lesson).negative_examples == []
    # without the check (fake model, or data_check: off) the near misses stay the lesson's negative side
    assert memory(None).screen_near_misses(lesson).negative_examples == lesson.negative_examples
    assert memory(asks_for_data, "off").screen_near_misses(lesson).negative_examples == lesson.negative_examples
    # a lesson preferring no data tool keeps them
    other = lesson.model_copy(update={"action": LessonAction(prefer_tools=["calculator"])})
    assert memory(asks_for_data).screen_near_misses(other).negative_examples == lesson.negative_examples


def test_a_writer_lesson_taught_on_a_customer_message_applies_to_other_customer_messages(minilm):
    """Held-out v7: "every message we send to climbers ends with our sign-off", taught on an e-mail to Priya Nair,
    missed "Let Chloe Martin know her water bottle turned up" (0.22 alike, writer threshold 0.40); a note for the
    route-setting crew is a message inside the team and keeps the threshold."""
    lesson = Lesson(id="sign-off", component=Component.WRITER, trigger="Messages to climbers",
                    text='End every message to climbers with "See you on the wall! - the Cragline team".',
                    source_request="Write an email to Priya Nair confirming her place on the belay course on 12 June.",
                    trigger_examples=["Write an email to Priya Nair confirming her place on the belay course on 12 June."])
    memory = _memory(minilm, lesson, mode="threshold")

    def decision(request: str):
        vector = minilm.embed([request])[0]
        return memory.consult(Component.WRITER, vector, user="ana", request=request).decisions[0]

    chloe = decision("Let Chloe Martin know that the water bottle she lost on Saturday turned up at reception.")
    assert chloe.passed and chloe.score < 0.4 and "a message to someone outside the team" in chloe.reason
    crew = decision("Write a note for the route-setting crew: the Wednesday reset starts at 07:00.")
    assert not crew.passed
    price = decision("What does a 10-visit card cost?")
    assert not price.passed
    off = _memory(minilm, lesson, mode="threshold", message_floor=1.01)
    request = "Let Chloe Martin know that the water bottle she lost on Saturday turned up at reception."
    assert not off.consult(Component.WRITER, minilm.embed([request])[0], user="ana", request=request).decisions[0].passed


def test_a_writer_lesson_taught_on_a_customer_message_stays_out_of_questions(minilm):
    """Held-out v8: a sign-off lesson taught on a message to a learner applied to "How many lessons did Dana Wolf
    give in June 2026?" (0.57 alike): a question asks for no message, so no sign-off belongs in it."""
    lesson = Lesson(id="licence", component=Component.WRITER, trigger="Messages to learners",
                    text="Always end every message to a learner with 'Please bring your provisional licence.'",
                    source_request="Write to Dana Wolf confirming her lesson on Friday at 10:00.",
                    trigger_examples=["Write to Dana Wolf confirming her lesson on Friday at 10:00."])
    memory = _memory(minilm, lesson, mode="threshold")
    decision = partial(_decision, minilm, memory)

    question = decision("How many lessons did Dana Wolf give in June 2026?")
    assert not question.passed and "asks for no such message" in question.reason
    assert decision("Write to Dana Wolf that her Monday lesson moves to 11:00.").passed
    assert _decision(minilm, _memory(minilm, lesson, mode="threshold", messages_only=False),
                            "How many lessons did Dana Wolf give in June 2026?").passed


def test_a_writer_lesson_stays_away_from_an_audience_its_correction_exempts(minilm):
    """Held-out v10: "Every message to pool users has to end with ... Notes for the lifeguards and letters to
    contractors don't get it" applied to a letter to the tiling contractor (a message to someone outside the team).
    The correction names who its rule is not for; a request addressed to them is rejected, customers still get it."""
    lesson = Lesson(id="signoff", component=Component.WRITER, trigger="Messages to pool users",
                    text="End every message to pool users with 'See you in the water - Millbrook Baths team'.",
                    source_request="Reply to Olga Petrova, who asked whether the Saturday course is still on.",
                    feedback_text='Every message to pool users has to end with "See you in the water - Millbrook Baths '
                                  'team". Notes for the lifeguards and letters to contractors don\'t get it.',
                    trigger_examples=["Reply to Olga Petrova, who asked whether the Saturday course is still on."])
    memory = _memory(minilm, lesson, mode="threshold", message_floor=0.0)
    decision = partial(_decision, minilm, memory)

    contractor = decision("Write to the tiling contractor asking them to fix the cracked tiles before 1 July.")
    assert not contractor.passed and "not for the contractor, whom the request addresses" in contractor.reason
    assert decision("Reply to Aisha Khan, who asked whether the Saturday course is still on.").passed
    assert _decision(minilm, _memory(minilm, lesson, mode="threshold", message_floor=0.0, audience_exemptions=False),
                            "Write to the tiling contractor asking them to fix the cracked tiles before 1 July.").passed


def test_a_writer_lesson_said_of_every_message_reaches_a_message_worded_otherwise(minilm):
    """Spent suites (replay): "every message we send to clients ends with our line ..." missed "Reply to Priya Shah,
    who asks what a de-shedding treatment will cost" (0.16 alike, under the message floor). A correction that says
    its rule holds for every such message reaches every message to someone outside the team, not questions."""
    lesson = Lesson(id="signoff", component=Component.WRITER, trigger="Messages to clients",
                    text="End every message to clients with 'Wet noses, happy tails - the Waggy Tails team'.",
                    source_request="Write to Tom Reid confirming Bella's groom on Friday at 10:00.",
                    feedback_text="Fine, but every message we send to clients ends with our line \"Wet noses, happy "
                                  "tails - the Waggy Tails team\".",
                    trigger_examples=["Write to Tom Reid confirming Bella's groom on Friday at 10:00."])
    request = "Reply to Priya Shah, who asks what a de-shedding treatment on top of Nala's full groom will cost."
    memory = _memory(minilm, lesson, mode="threshold", message_floor=1.01)
    decision = partial(_decision, minilm, memory)
    reply = decision(request)
    assert reply.passed and "holds for every such message" in reply.reason
    assert not decision("What does a de-shedding treatment cost on top of a full groom?").passed
    off = _memory(minilm, lesson, mode="threshold", message_floor=1.01, every_message=False)
    assert not _decision(minilm, off, request).passed
    # a rule given for the one message only does not spread so
    once = lesson.model_copy(update={"feedback_text": "Too stiff - say hello first."})
    assert not _decision(minilm, _memory(minilm, once, mode="threshold", message_floor=1.01), request).passed


def test_a_writer_lesson_for_customers_stays_out_of_messages_to_suppliers(minilm):
    """Spent suites (replay): a lesson on messages to customers reached "Email our fuel supplier asking for Monday's
    delivery" and "Write a letter to the bank": a business the team deals with is not whom the rule is for, unless
    the correction speaks of such messages itself."""
    lesson = Lesson(id="dates", component=Component.WRITER, trigger="Messages to passengers",
                    text="In messages to passengers write times on the 24-hour clock.",
                    source_request="Text Mr Adeyemi that tomorrow's 4:15 pm sailing is delayed.",
                    feedback_text="Passengers mix up am and pm. Anything we send to passengers uses the 24-hour clock.",
                    trigger_examples=["Text Mr Adeyemi that tomorrow's 4:15 pm sailing is delayed."])
    memory = _memory(minilm, lesson, mode="threshold", message_floor=0.0)
    decision = partial(_decision, minilm, memory)

    supplier = decision("Email our fuel supplier asking for Monday's delivery at the pier at 7 am.")
    assert not supplier.passed and "writes to a supplier" in supplier.reason
    assert decision("Text Ms Larsen that tomorrow's 7 am sailing is delayed.").passed
    assert _decision(minilm, _memory(minilm, lesson, mode="threshold", message_floor=0.0, partner_messages=False),
                            "Email our fuel supplier asking for Monday's delivery at the pier at 7 am.").passed


@pytest.mark.parametrize("request_text, message", [
    ("Quote Mill Road Yoga for afternoon tea for 8 people on 6 June.", True),  # held-out v4, seen
    ("Give Tomasz Nowak the deadline for leaving his pitch on his last day.", True),  # held-out v8, seen
    ("Drop Mr Achebe a line: his hearing aid is back from the lab.", True),
    ("Remind the Garcias about Monday's appointment.", True),
    ("Give June 2026's figures.", False),
    ("Quote Q1 revenue, please.", False),
    ("Give me the list of overdue invoices.", False),
])
def test_a_verb_said_to_a_named_person_asks_for_a_message(request_text, message):
    assert asks_for_message(request_text) is message


def test_a_writer_lesson_keeps_to_where_its_rule_sends_messages(minilm):
    """Held-out v15 (seen): "every bit of publicity has to end with the box office number" reached a reply to the
    Rotary Club, a thank-you to a donor and the band's group chat; "letters to sponsors" reached the flyer. A
    correction that names where its rule's messages go (publicity, the paper, a message to everyone, letters to
    donors) keeps to them; one that names none keeps to where the message it was taught on went."""
    lesson = Lesson(id="boxoffice", component=Component.WRITER, trigger="Publicity for concerts",
                    text="End all publicity with the box office number, 01632 960 555.",
                    source_request="Write a short blurb for the local paper about our concert on 3 May.",
                    feedback_text="Fine, but every bit of publicity has to end with the box office number, 01632 960 555.",
                    trigger_examples=["Write a short blurb for the local paper about our concert on 3 May."])
    memory = _memory(minilm, lesson, mode="threshold", message_floor=0.0)
    decision = partial(_decision, minilm, memory)

    reply = decision("Reply to the Harbour Rotary Club, who offered to pay the hall hire for the May concert.")
    assert not reply.passed and "the correction's rule is for online, press, print" in reply.reason
    assert not decision("Post in the group chat that the May concert has sold out.").passed
    assert decision("Draft an Instagram post about the May concert at the Corn Hall.").passed
    off = _memory(minilm, lesson, mode="threshold", message_floor=0.0, message_channels="off")
    assert _decision(minilm, off, "Reply to the Harbour Rotary Club, who offered to pay the hall hire for the "
                                         "May concert.").passed

    # named nowhere: the channel of the message it was taught on
    plain = lesson.model_copy(update={"feedback_text": "Too flat - open with the date and the venue."})
    press = _memory(minilm, plain, mode="threshold", message_floor=0.0)
    other = _decision(minilm, press, "Reply to the Harbour Rotary Club, who offered to pay the hall hire.")
    assert not other.passed and "taught on one for press" in other.reason
    named_only = _memory(minilm, plain, mode="threshold", message_floor=0.0, message_channels="named")
    assert not _decision(minilm, named_only, "Reply to the Harbour Rotary Club, who offered to pay the hall "
                                                    "hire.").passed  # under the threshold, and no floor across channels


def test_a_planner_lesson_about_which_date_records_go_by_stays_out_of_requests_naming_no_time(minilm):
    """Held-out v15 (seen): "You've counted by booked_on - that's when they rang. Work done goes by visit_date"
    reached "How many appliances do we service in the village?" and "What have the chimneys there brought in,
    everything on record?": no period to read, so the date the records go by cannot matter."""
    lesson = Lesson(id="visits", component=Component.TOOL_PLANNER, trigger="Counting cleaning visits in a period",
                    text="Count visits by visit_date, not booked_on.",
                    source_request="How many windows did we clean in October 2025?",
                    feedback_text="You've counted by booked_on - that's when they rang. Work done goes by visit_date.",
                    trigger_examples=["How many windows did we clean in October 2025?"])
    memory = _memory(minilm, lesson, mode="threshold")

    def decide(request: str, m: LessonMemory = memory):
        return _decision(minilm, m, request, Component.TOOL_PLANNER)

    timeless = decide("How many windows do we clean on Mill Road altogether?")
    assert not timeless.passed and "names no day or period" in timeless.reason
    assert decide("How many windows did we clean in the first three months of 2026?").passed
    off = _memory(minilm, lesson, mode="threshold", date_lessons=False)
    assert decide("How many windows do we clean on Mill Road altogether?", off).passed


def test_a_retriever_lesson_naming_the_current_version_stays_out_of_questions_about_the_past(minilm):
    """Spent suites and held-out v15 (seen): six requests such as "A customer is querying an invoice from July 2025.
    What was the nightly rate back then?" got the lesson that says the new price list is current; their answer is
    in the old one."""
    lesson = Lesson(id="rates", component=Component.RETRIEVER, trigger="Questions about prices for a night's stay",
                    text="Use rates-2026 for prices; rates-2025 is last year's list.",
                    source_request="What is the nightly rate for a 4-berth boat?",
                    feedback_text="You've quoted last year's list. Prices went up in March - use rates-2026.",
                    trigger_examples=["What is the nightly rate for a 4-berth boat?"])
    memory = _memory(minilm, lesson, mode="threshold", grounding=False)

    def decide(request: str, m: LessonMemory = memory):
        return _decision(minilm, m, request, Component.RETRIEVER)

    past = "A customer is querying an invoice from July 2025. What was the nightly rate for a 4-berth boat back then?"
    decision = decide(past)
    assert not decision.passed and "asks how things were then" in decision.reason
    assert decide("What is the nightly rate for a 4-berth boat in August?").passed
    assert decide(past, _memory(minilm, lesson, mode="threshold", grounding=False, past_questions=False)).passed

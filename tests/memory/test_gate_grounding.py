"""Document grounding: a lesson that names documents applies to requests that lead to them (and their other
versions), and is rejected for requests whose corpus search leads elsewhere, however many words they share."""

from __future__ import annotations

import numpy as np
import pytest

from memory.consult import LessonMemory
from memory.gate import GateSettings, RelevanceGate
from memory.grounding import document_family, document_grounding
from memory.records import Component, Document, Lesson, LessonAction
from memory.store import DocumentHit, MemoryStore

CORPUS = [
    Document(id="expenses-2021", title="Expense policy (2021, outdated)", text="Meals are reimbursed up to 20 EUR per day."),
    Document(id="expenses-2025", title="Expense policy v3 (current)",
             text="Meals are reimbursed up to 35 EUR per day; receipts are required above 10 EUR."),
    Document(id="close-calendar", title="Month-end close calendar", text="Books close on the third working day of each month."),
    Document(id="travel-desk", title="Travel desk", text="Book flights and hotels for business trips through the travel desk portal."),
]
LESSON = Lesson(id="exp", component=Component.RETRIEVER, text="Use expense policy v3 (expenses-2025), not the 2021 one.",
                trigger="Requests like: How much can I claim for lunch on a business trip?",
                trigger_examples=["How much can I claim for lunch on a business trip?"],
                action=LessonAction(prefer_documents=["expenses-2025"]))


def _memory(embedder, **gate) -> LessonMemory:
    store = MemoryStore.open(":memory:", embedder=embedder)
    store.replace_corpus(CORPUS)
    store.add_lessons([LESSON])
    return LessonMemory(store, RelevanceGate(GateSettings(mode="threshold", **gate)))


def _consult(memory: LessonMemory, request: str):
    vector = memory.store.embedder.embed([request])[0]
    return memory.consult(Component.RETRIEVER, vector, user="ana", request=request)


def test_a_paraphrase_that_leads_to_the_lessons_documents_is_accepted(minilm):
    memory = _memory(minilm)
    request = "What is the daily food allowance when travelling?"  # shares no word with the lesson's example
    without = _consult(_memory(minilm, grounding=False), request)
    assert without.applied == []  # its similarity to the example alone is below the threshold
    grounded = _consult(memory, request)
    assert [lesson.id for lesson in grounded.applied] == ["exp"]
    signals = grounded.decisions[0].signals
    assert signals["document"] > signals["example"] and signals["document_margin"] > 0


def test_a_near_miss_probe_whose_search_leads_to_another_document_is_rejected(minilm):
    request = "How do I book a hotel for a business trip?"  # the example's words, the travel desk's subject
    decision = _consult(_memory(minilm), request).decisions[0]
    assert not decision.passed and "other documents" in decision.reason
    assert decision.signals["document_margin"] < -0.05
    assert _consult(_memory(minilm, grounding=False), request).decisions[0].reason.startswith("similarity")


def test_the_outdated_version_counts_as_the_lessons_document(minilm):
    store = MemoryStore.open(":memory:", embedder=minilm)
    store.replace_corpus(CORPUS)
    vectors = store.document_vectors(document.id for document in CORPUS)
    assert document_family({"expenses-2025"}, vectors, min_similarity=0.55) == {"expenses-2021", "expenses-2025"}
    assert document_family({"expenses-2025"}, vectors, min_similarity=0.99) == {"expenses-2025"}
    store.replace_corpus(CORPUS[2:])  # a changed corpus forgets the vectors it cached
    assert set(store.document_vectors(["expenses-2025", "close-calendar"])) == {"close-calendar"}


def test_grounding_margin_and_lessons_without_documents():
    hits = [DocumentHit(CORPUS[2], 0.7), DocumentHit(CORPUS[1], 0.4)]
    grounding = document_grounding({"expenses-2025"}, hits)
    assert (grounding.similarity, grounding.margin) == (0.4, -0.3)
    beyond = document_grounding({"expenses-2021"}, hits)  # not found: scored at most the last hit
    assert beyond.similarity == 0.4 and beyond.margin == -0.3
    assert document_grounding(set(), hits) is None and document_grounding({"x"}, []) is None
    store = MemoryStore.open(":memory:", embedder=_Unit())
    writer = Lesson(id="w", component=Component.WRITER, text="Be brief.", trigger="Any answer")
    store.add_lessons([writer])
    memory = LessonMemory(store, RelevanceGate(GateSettings(mode="threshold")))
    decision = memory.consult(Component.WRITER, np.ones(4, dtype=np.float32) / 2, user="ana").decisions[0]
    assert "document" not in decision.signals  # nothing to ground, no corpus search


class _Unit:
    """Every text the same unit vector: similarity 1 everywhere."""

    dim = 4

    def embed(self, texts):
        return np.full((len(list(texts)), 4), 0.5, dtype=np.float32)


SUPPORT_CORPUS = [
    Document(id="ticket-notes", title="Support team notes",
             text="The team closed roughly 40 tickets last month and most were about shipping delays."),
    Document(id="support-hours", title="Support hours", text="The support desk answers Monday to Friday, 8:00 to 18:00 CET."),
]
TICKETS = ["Table tickets with columns id, opened, status, topic. Rows: 1 2024-04-01 closed refund; "
           "2 2024-04-03 open shipping; 3 2024-04-07 closed warranty"]
COUNT_LESSON = Lesson(id="count", component=Component.TOOL_PLANNER,
                      text="Don't estimate from the team notes. Count tickets with a SQL query on the tickets table.",
                      trigger="Requests like: How many support tickets are still open?",
                      trigger_examples=["How many support tickets are still open?"],
                      action=LessonAction(prefer_tools=["sql"]))


def _tool_memory(embedder, *, describe: bool = True) -> LessonMemory:
    store = MemoryStore.open(":memory:", embedder=embedder)
    store.replace_corpus(SUPPORT_CORPUS)
    store.add_lessons([COUNT_LESSON])
    memory = LessonMemory(store, RelevanceGate(GateSettings(mode="threshold", data_margin=0.1)))  # the veto, on
    if describe:
        memory.describe_data("sql", TICKETS)
    return memory


def _tool_consult(memory: LessonMemory, request: str):
    vector = memory.store.embedder.embed([request])[0]
    return memory.consult(Component.TOOL_PLANNER, vector, user="ana", request=request)


def test_a_data_lesson_applies_to_data_questions_and_not_to_questions_a_document_answers(minilm):
    data_question = _tool_consult(_tool_memory(minilm), "How many tickets about refunds did we get?")
    assert [lesson.id for lesson in data_question.applied] == ["count"]
    assert data_question.decisions[0].signals["data_margin"] > -0.1
    probe = "What are the support desk opening hours on Friday?"  # shares "support" and the request form
    assert [lesson.id for lesson in _tool_consult(_tool_memory(minilm, describe=False), probe).applied] == ["count"]
    decision = _tool_consult(_tool_memory(minilm), probe).decisions[0]
    assert not decision.passed and "a document answers the request" in decision.reason
    assert decision.signals["data_margin"] < -0.1


def test_the_sql_tool_describes_its_tables_for_the_gate(tmp_path):
    from workflows.workspace import DatabaseFixture
    from agents.tools import sql_tool

    fixture = DatabaseFixture.model_validate({"schema": "CREATE TABLE stock (sku TEXT PRIMARY KEY, item TEXT, pallets INTEGER);",
                                              "rows": {"stock": [["S1", "screws", 120], ["S2", "bolts", 80]]}})
    tool = sql_tool(fixture.build(tmp_path / "db.sqlite"))
    assert tool.data_sources() == ["Table stock with columns sku, item, pallets. Rows: S1 screws 120; S2 bolts 80"]


def test_the_assistant_describes_its_workspace_data_to_the_gate(tmp_path):
    from tests.helpers import make_assistant

    memory = make_assistant(tmp_path).memory
    assert set(memory.data_sources) == {"sql"} and len(memory.data_sources["sql"]) >= 1


def test_the_components_of_a_turn_share_one_corpus_search_until_the_corpus_changes(minilm, monkeypatch):
    memory = _tool_memory(minilm)
    memory.store.add_lessons([LESSON.model_copy(update={"component": Component.TOOL_PLANNER, "id": "exp-tool"})])
    searches = []
    original = memory.store.search_corpus
    monkeypatch.setattr(memory.store, "search_corpus", lambda vector, limit: searches.append(limit) or original(vector, limit=limit))
    vector = minilm.embed(["How many tickets are open?"])[0]
    for _ in range(3):
        memory.consult(Component.TOOL_PLANNER, vector, user="ana")
    assert len(searches) == 1
    memory.store.replace_corpus(SUPPORT_CORPUS[:1])
    memory.consult(Component.TOOL_PLANNER, vector, user="ana")
    assert len(searches) == 2


def test_by_default_the_data_veto_stops_only_a_request_a_document_leads_by_far():
    """0.10 cost held-out recall; right data lessons were led by documents by up to 0.34 on four suites, so the
    default veto starts past 0.4 (docs/evaluation.md)."""
    gate = RelevanceGate(GateSettings())
    assert gate._grounding_veto({"data": 0.3, "data_margin": -0.34}) == ""
    assert "a document answers the request" in gate._grounding_veto({"data": 0.1, "data_margin": -0.45})


def test_the_retriever_reuses_the_turns_corpus_search(tmp_path, monkeypatch):
    """A turn whose lessons were grounded searches the corpus once: the retriever takes the leading hits of the
    grounding's search, which are what its own smaller search returns."""
    from tests.helpers import make_assistant

    assistant = make_assistant(tmp_path, threshold=0.0)
    store = assistant.memory.store
    store.add_lessons([Lesson(id="ship", component=Component.RETRIEVER, text="Use the shipping document.",
                              trigger="Requests like: how long does shipping take",
                              action=LessonAction(prefer_documents=["shipping"]))])
    request = "How long does express shipping take?"
    vector = store.embedder.embed([request])[0]
    expected = [(h.document.id, h.score) for h in store.search_corpus(vector, limit=assistant.retriever.top_k)]
    searches = []
    original = store.search_corpus
    monkeypatch.setattr(store, "search_corpus", lambda vector, limit: searches.append(limit) or original(vector, limit=limit))
    result = assistant.run_turn(request)
    assert searches == [assistant.memory.gate.settings.grounding_documents]  # the grounding's, none by the retriever
    assert [lesson.id for lesson in result.applied] == ["ship"]
    assert [(h.document.id, h.score) for h in result.retrieval.documents] == expected  # shipping leads anyway
    off = make_assistant(tmp_path, enabled=False)  # no memory, no grounding: the retriever searches by itself
    assert [h.document.id for h in off.run_turn(request).retrieval.documents] == [d for d, _ in expected]


def _checked_memory(embedder, verdict, asked: list[str]) -> LessonMemory:
    store = MemoryStore.open(":memory:", embedder=embedder)
    store.replace_corpus(SUPPORT_CORPUS)
    store.add_lessons([COUNT_LESSON, LESSON.model_copy(update={"component": Component.WRITER, "id": "exp-writer"})])

    def data_check(request: str):
        asked.append(request)
        return verdict

    memory = LessonMemory(store, RelevanceGate(GateSettings(mode="threshold", thresholds={
        Component.RETRIEVER: 0.0, Component.TOOL_PLANNER: 0.0, Component.WRITER: 0.0}), data_check=data_check))
    memory.describe_data("sql", TICKETS)
    return memory


def _all(memory: LessonMemory, request: str):
    vector = memory.store.embedder.embed([request])[0]
    return memory.consult_many(Component, vector, user="ana", request=request)


def test_the_data_check_stops_a_data_lesson_on_a_request_that_asks_for_no_figures(minilm):
    asked: list[str] = []
    found = _all(_checked_memory(minilm, False, asked), "Can you sum up what the team notes say about refunds?")
    decision = found[Component.TOOL_PLANNER].decisions[0]
    assert not decision.passed and decision.second_stage == "does not ask for data"
    assert "data check: the request does not ask for data -> rejected" in decision.reason
    assert found[Component.WRITER].decisions[0].second_stage is None  # no data tool: not checked
    assert asked == ["Can you sum up what the team notes say about refunds?"]  # one question for the turn


def test_the_data_check_lets_a_data_question_through_and_no_verdict_changes_nothing(minilm):
    for verdict, stage in ((True, "asks for data"), (None, None)):
        asked: list[str] = []
        memory = _checked_memory(minilm, verdict, asked)
        for request in ("How many tickets about refunds did we get?", "How many tickets are open?"):
            decision = _all(memory, request)[Component.TOOL_PLANNER].decisions[0]
            assert decision.passed and decision.second_stage == stage
        assert len(asked) == 2  # once per request


def test_the_data_check_is_asked_only_of_lessons_that_passed(minilm):
    asked: list[str] = []
    memory = _checked_memory(minilm, False, asked)
    memory.gate.settings = memory.gate.settings.model_copy(update={"thresholds": {
        Component.RETRIEVER: 0.99, Component.TOOL_PLANNER: 0.99, Component.WRITER: 0.99}})
    _all(memory, "How many tickets about refunds did we get?")
    assert asked == []  # nothing passed the threshold: no model call


def test_a_data_lesson_does_not_apply_to_writing_that_names_no_figure_to_find(minilm):
    asked: list[str] = []
    memory = _checked_memory(minilm, True, asked)
    given = "Text Ana Silva that her refund of 40 EUR went out today."
    decision = _all(memory, given)[Component.TOOL_PLANNER].decisions[0]
    assert not decision.passed and "names no figure to look up -> rejected" in decision.reason
    assert asked == []  # rejected before the model is asked
    lookup = "Write to Ana Silva telling her how many tickets she has opened with us so far."
    assert _all(memory, lookup)[Component.TOOL_PLANNER].decisions[0].passed
    memory.gate.settings = memory.gate.settings.model_copy(update={"writing_without_lookup": False})
    assert _all(memory, given)[Component.TOOL_PLANNER].decisions[0].passed


def test_a_data_lesson_does_not_apply_to_a_how_to_question(minilm):
    """Spent suites (replay, no data check): 'How do I send an invoice to a new customer?', 'Who signs contracts?'
    were reached by lessons that count records with SQL."""
    asked: list[str] = []
    memory = _checked_memory(minilm, True, asked)
    how_to = "How do I get a refund ticket reopened?"
    decision = _all(memory, how_to)[Component.TOOL_PLANNER].decisions[0]
    assert not decision.passed and "asks how to do something, who to ask or what a rule says" in decision.reason
    assert asked == []  # rejected before the model is asked
    assert _all(memory, "How many refund tickets did we reopen?")[Component.TOOL_PLANNER].decisions[0].passed
    memory.gate.settings = memory.gate.settings.model_copy(update={"how_to_questions": False})
    assert _all(memory, how_to)[Component.TOOL_PLANNER].decisions[0].passed
    # the price of one thing is a price list's to answer; a sum over a period is not
    price = "How much is a priority refund ticket?"
    decision = _all(memory, price)[Component.TOOL_PLANNER].decisions[0]
    assert not decision.passed and "asks what one thing costs" in decision.reason
    memory.gate.settings = memory.gate.settings.model_copy(update={"price_questions": False})
    assert _all(memory, price)[Component.TOOL_PLANNER].decisions[0].passed


def test_the_fake_model_gets_no_model_checks_and_a_real_one_gets_the_data_check():
    from agents.settings import ModelSettings
    from workflows.turn.model_checks import gate_with_checks

    class StubLLM:  # what a model check uses of an LLM, without loading a model
        def __init__(self, provider: str) -> None:
            self.settings = ModelSettings(provider=provider)

        def llm_config(self, role: str, **kw):
            return {"config_list": [{"model": role, "model_client_cls": "LlamaCppModelClient"}], "cache_seed": None}

        def attach(self, agent) -> None:
            pass

    settings = GateSettings()
    fake = gate_with_checks(settings, StubLLM("fake"))
    assert fake.data_check is None and fake.scope_check is None
    local = gate_with_checks(settings, StubLLM("local"))
    assert local.data_check is not None and local.scope_check is None  # the borderline check stays off by default
    assert gate_with_checks(settings.model_copy(update={"data_check": "off"}), StubLLM("local")).data_check is None


def test_the_request_a_lesson_was_taught_on_is_never_vetoed_by_grounding():
    """Held-out v6: "count the loans in the loans table, not the board summary" was taught on Main's April loans;
    Riverside's April loans (0.99 alike) were vetoed because the board summary led the tables. The person said,
    for that very request, which source is right."""
    from memory.grounding import Grounding
    from memory.store import LessonHit

    lesson = Lesson(id="loans", component=Component.TOOL_PLANNER, text="Count loans with SQL.", trigger="loan counts",
                    action=LessonAction(prefer_tools=["sql"]))
    gate = RelevanceGate(GateSettings())
    veto = {"loans": Grounding("data", 0.41, -0.41 - 0.1)}
    [near_copy] = gate.decide(Component.TOOL_PLANNER, [LessonHit(lesson, 0.95, "")], user="ana", groundings=veto)
    [other] = gate.decide(Component.TOOL_PLANNER, [LessonHit(lesson, 0.6, "")], user="ana", groundings=veto)
    assert near_copy.passed and not other.passed and "a document answers the request" in other.reason


def test_a_retriever_lesson_applies_under_its_threshold_when_its_documents_lead_the_search():
    """Held-out v7: "How long before the date can a group cancel without losing any money?" led to the group
    bookings policy (0.50, ahead of every other document by 0.19) but shared too few words with "use Group bookings
    2025" to pass 0.54. A request its documents lead is about them; one nearer the SQL tables asks for records."""
    from memory.grounding import Grounding
    from memory.store import LessonHit

    gate = RelevanceGate(GateSettings())

    def decide(grounding: Grounding, component: Component = Component.RETRIEVER, **settings):
        lesson = LESSON.model_copy(update={"component": component})
        gate.settings = GateSettings(**settings)
        [decision] = gate.decide(component, [LessonHit(lesson, 0.35, "")], user="ana", groundings={"exp": grounding})
        return decision

    leads = decide(Grounding("document", 0.5, 0.19))
    assert leads.passed and "its documents lead the request's search by 0.19" in leads.reason
    assert decide(Grounding("document", 0.5, 0.19, tables=0.2)).passed  # the documents are nearer than the tables
    assert not decide(Grounding("document", 0.5, 0.19, tables=0.45)).passed  # about as near the tables: records
    assert not decide(Grounding("document", 0.5, 0.02)).passed  # another document almost as near
    assert not decide(Grounding("document", 0.25, 0.19)).passed  # nothing is near
    assert not decide(Grounding("document", 0.5, 0.19), lead_margin=1.01).passed  # switched off
    assert not decide(Grounding("document", 0.38, 0.19), Component.WRITER).passed  # measured on retriever lessons only


def test_grounding_reads_how_near_the_request_is_to_the_data_tables(minilm):
    from memory.grounding import ground_lessons

    store = MemoryStore.open(":memory:", embedder=minilm)
    store.replace_corpus(CORPUS)
    request = "How many expense claims did we pay in May?"
    vector = minilm.embed([request])[0]
    search = lambda: store.search_corpus(vector, limit=4)  # noqa: E731
    tables = {"sql": minilm.embed(["table expense_claims: id, employee, amount, paid_on, status"])}
    grounded = ground_lessons(store, [LESSON], vector, search, family_similarity=0.55, data=tables)
    assert grounded["exp"].kind == "document" and grounded["exp"].tables == round(float(tables["sql"][0] @ vector), 4)
    assert ground_lessons(store, [LESSON], vector, search, family_similarity=0.55)["exp"].tables is None


PRICE_LIST = Document(id="prices-v3", title="Price list v3", text=(
    "All prices are net, excluding 20% VAT. Black and white A4: EUR 0.08 a page. Colour A4: EUR 0.35 a page. "
    "A3 is charged double. Wiro binding: EUR 3.50 per document. Laminating an A4 sheet: EUR 1.20. Business cards: 250 "
    "for EUR 29. Same-day service: 25% surcharge. The smallest order we charge is EUR 2."))


def test_a_data_lesson_meets_the_sentence_of_a_document_that_answers_the_request(minilm):
    """A price list's whole text is far from "what do we charge to spiral-bind a dissertation?"; its binding
    line is near it, and the data lesson's margin is measured against that line (grounding_passages)."""
    from memory.grounding import ground_lessons
    from memory.passages import document_passages

    store = MemoryStore.open(":memory:", embedder=minilm)
    store.replace_corpus([PRICE_LIST, *SUPPORT_CORPUS])
    request = "What do we charge to spiral-bind a student's dissertation?"
    vector = minilm.embed([request])[0]
    search = lambda: store.search_corpus(vector, limit=4)  # noqa: E731
    tables = {"sql": minilm.embed(["Table print_jobs with columns id, customer_id, job_date, pages, copies, kind."])}
    whole = ground_lessons(store, [COUNT_LESSON], vector, search, family_similarity=0.55, data=tables)["count"]
    lines = ground_lessons(store, [COUNT_LESSON], vector, search, family_similarity=0.55, data=tables,
                           passages=True)["count"]
    best_line = max(float(v @ vector) for v in minilm.embed(document_passages(PRICE_LIST)))
    assert store.best_passage(vector) == pytest.approx(best_line, abs=1e-4)
    assert best_line > search()[0].score and lines.margin < whole.margin
    assert lines.margin == pytest.approx(lines.similarity - best_line, abs=1e-3)


def test_a_store_indexed_before_passages_gets_them_on_its_next_corpus_load(minilm):
    from memory.passages import document_passages

    store = MemoryStore.open(":memory:", embedder=minilm)
    store.replace_corpus([PRICE_LIST])
    store.backend.drop_collection(store.passage_collection)  # as a store written before passages existed
    store._ensure_collections()
    assert store.best_passage(minilm.embed(["binding"])[0]) is None
    store.replace_corpus([PRICE_LIST])  # the same corpus: only the passages are added
    assert store.backend.count(store.passage_collection) == len(document_passages(PRICE_LIST)) == 9


def test_a_retriever_lesson_stays_out_of_a_count_of_records_over_a_period():
    """Spent suites (replay): "use the 2026 price list" reached "How many nights did we sell in August 2026?" - the
    tables answer that, and no price list concerns it. A request that names a price still gets the lesson, and a
    team without data tables keeps it everywhere."""
    from memory.grounding import Grounding
    from memory.store import LessonHit

    lesson = LESSON.model_copy(update={"component": Component.RETRIEVER})
    gate = RelevanceGate(GateSettings())

    def decide(request: str, tables: float | None = 0.3, **settings) -> bool:
        gate.settings = GateSettings(**settings)
        [decision] = gate.decide(Component.RETRIEVER, [LessonHit(lesson, 0.9, "")], user="ana", request=request,
                                 groundings={"exp": Grounding("document", 0.5, 0.1, tables=tables)})
        return decision

    counted = decide("How many nights did we sell in August 2026?")
    assert not counted.passed and "counts records over a period" in counted.reason
    assert decide("What did a night on a pitch cost in August 2026?").passed  # a price: the document's
    assert decide("How many nights did we sell in August 2026?", tables=None).passed  # no tables to count with
    assert decide("How many nights did we sell in August 2026?", record_counts=False).passed

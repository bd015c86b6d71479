"""The FeedbackRouter: blames the component(s) at fault and turns a correction into general lessons."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any


from memory.records import Component, Lesson, LessonAction, LessonType, Severity

from agents.english_words import COMMON_ENGLISH, english_share
from agents.document_titles import titled_action
from agents.routing_cues import data_named, keyword_routing, sources_named
from agents.json_reply import parse_json_object
from agents.llm import LLM
from agents.model_agent import ModelAgent

__all__ = ["FeedbackRouterAgent", "Routing", "TurnEvidence", "BLAME_SCHEMA"]

BLAME_SYSTEM = """Decide which agent made the mistake that a person corrects. The agents:
- retriever: gave a wrong, outdated, superseded or irrelevant document or source as context. \
The correction names the document, policy version or source that should have been used.
- tool_planner: the data should have been computed or fetched with a tool (a SQL query on a database table, the \
calculator) instead of being taken from documents or notes, or a tool ran with wrong arguments.
- writer: the answer text itself is wrong: wording, format, tone, length, units, or the syntax, functions or \
dialect of code or SQL written in the answer for the person.
Reply with JSON: {"components": [agent names]}."""

_BLAME_SHOTS: list[tuple[str, list[str]]] = [
    ("REQUEST: What is the warranty period?\nDOCUMENTS USED: warranty-2019, warranty-2023\nTOOLS RUN: none\n"
     "CORRECTION: That is the 2019 terms; the 2023 warranty document is the valid one.", ["retriever"]),
    ("REQUEST: How many tickets did we close?\nDOCUMENTS USED: dashboard-notes\nTOOLS RUN: none\n"
     "CORRECTION: Don't guess from notes, count them in the tickets table with SQL.", ["tool_planner"]),
    ("REQUEST: How do I join first and last name in SQL?\nDOCUMENTS USED: sql-style\nTOOLS RUN: none\n"
     "CORRECTION: We run SQLite, which has no CONCAT. Write first_name || ' ' || last_name.", ["writer"]),
    ("REQUEST: Give me the top customers by sales.\nDOCUMENTS USED: customers\nTOOLS RUN: sql\n"
     "CORRECTION: Please always answer rankings as a markdown table.", ["writer"]),
    ("REQUEST: What is the average basket value?\nDOCUMENTS USED: kpi-notes\nTOOLS RUN: none\n"
     "CORRECTION: The KPI notes are stale; compute it from the orders table with a query.", ["tool_planner"]),
    ("REQUEST: How do I get today's date in SQL?\nDOCUMENTS USED: oracle-dates, pg-dates\nTOOLS RUN: none\n"
     "CORRECTION: We are on PostgreSQL, not Oracle. Use CURRENT_DATE, never SYSDATE.", ["writer"]),
    ("REQUEST: Which plan includes phone support?\nDOCUMENTS USED: pricing-2022, faq\nTOOLS RUN: none\n"
     "CORRECTION: Wrong source: use the current pricing page (pricing-2025), the 2022 one is retired.", ["retriever"]),
]

CONFLICT_SYSTEM = """Two rules were learned for the same kind of request. Do they contradict each other, so that \
following one means breaking the other? Rules that add different, compatible details do not contradict. \
Reply with JSON: {"contradicts": true or false}."""
CONFLICT_SCHEMA = {"type": "object", "properties": {"contradicts": {"type": "boolean"}}, "required": ["contradicts"]}

BLAME_SCHEMA = {
    "type": "object",
    "properties": {
        "components": {
            "type": "array",
            "items": {"type": "string", "enum": [c.value for c in Component]},
            "minItems": 1,
            "maxItems": 3,
        }
    },
    "required": ["components"],
}

SYSTEM = """You are the FeedbackRouter of a team of three agents:
- retriever: chooses which documents are given as context (wrong, outdated or superseded document, missing source).
- tool_planner: chooses which tool runs and its arguments (sql over the database, calculator, lookup_document); \
at fault when data should have been computed or fetched with a tool, or the wrong tool/table was used.
- writer: writes the final answer (wording, format, tone, length, units, domain facts it states, and any code or \
SQL it writes for the person: syntax, functions, dialect).
Blame tool_planner only when a tool should have been run, or the wrong tool or arguments were used; a correction \
of code or SQL written in the answer text belongs to the writer.
A person corrected an answer. CORRECTED AT, when given, names the agent whose output the person was looking at; \
it is usually the one at fault. Name the agent(s) at fault and write ONE general lesson for them.
Reply with JSON only, with these keys:
"fault": one short sentence: whose output contained the mistake (the documents chosen, the tool run, or the text written),
"components": list of agent names at fault,
"lesson": the rule to follow next time, general, imperative, one sentence,
"applies_to": the whole family of requests the lesson applies to, described broadly: the subject (and its synonyms) \
and the task, e.g. "Questions asking for totals, sums or counts of orders, sales or revenue", not the exact question,
"examples": two other requests, phrased differently, where the lesson applies,
"near_misses": two requests that share words with the request but that the lesson must NOT apply to \
(another subject, or another task on the same words),
"type": one of content, tone, reasoning, tool_usage, format,
"severity": one of low, medium, high,
"prefer_documents" / "avoid_documents": document ids (retriever only),
"prefer_tools" / "avoid_tools": tool names (tool_planner only).
Write "lesson", "applies_to" and "examples" about the REQUEST and CORRECTION you are given; never copy them from \
an earlier example."""

_FEW_SHOT: list[tuple[str, dict[str, Any]]] = [
    (
        "REQUEST: What is the warranty period for laptops?\nANSWER: Laptops have a 1 year warranty.\n"
        "DOCUMENTS USED: warranty-2019 (Warranty terms 2019), warranty-2023 (Warranty terms 2023)\nTOOLS RUN: none\n"
        "CORRECTION: That is the 2019 terms. The 2023 warranty document is the valid one.",
        {"fault": "The retriever chose the outdated 2019 document.", "components": ["retriever"], "lesson": "Use the 2023 warranty terms document (warranty-2023), not the 2019 one.",
         "applies_to": "Questions about product warranty terms, coverage or warranty periods",
         "examples": ["Is a broken phone screen covered by warranty?", "How long are tablets under warranty?"],
         "near_misses": ["How long does laptop delivery take?", "What is the period of our loyalty programme?"],
         "type": "content", "severity": "high", "prefer_documents": ["warranty-2023"], "avoid_documents": ["warranty-2019"]},
    ),
    (
        "REQUEST: How many tickets did we close last week?\nANSWER: The dashboard notes say about 300.\n"
        "DOCUMENTS USED: dashboard-notes (Support dashboard notes)\nTOOLS RUN: none\n"
        "CORRECTION: Don't guess from notes, count them in the tickets table with SQL.",
        {"fault": "No SQL query was run; the figure came from notes.", "components": ["tool_planner"], "lesson": "Count or sum ticket figures with a SQL query on the tickets table instead of quoting notes.",
         "applies_to": "Questions asking for counts, totals, numbers or other figures about support tickets",
         "examples": ["How many tickets are still open?", "What is the number of tickets per agent this month?"],
         "near_misses": ["How do I close a ticket in the helpdesk tool?", "What did last week's notes say about morale?"],
         "type": "tool_usage", "severity": "medium", "prefer_tools": ["sql"], "avoid_tools": []},
    ),
    (
        "REQUEST: Give me the top customers by sales.\nANSWER: Acme leads, then Globex and Initech.\n"
        "DOCUMENTS USED: customers (Customer list)\nTOOLS RUN: sql\n"
        "CORRECTION: Please always answer rankings as a markdown table with a rank column.",
        {"fault": "The writer formatted the answer as prose.", "components": ["writer"], "lesson": "Present rankings as a markdown table with a rank column.",
         "applies_to": "Requests for rankings or top-N lists of customers, products or other items",
         "examples": ["Which products sold best last quarter?", "List the five largest accounts."],
         "near_misses": ["Who is our top contact at Acme?", "Describe our sales process for new customers."],
         "type": "format", "severity": "low"},
    ),
    (
        "REQUEST: How do I join first and last name in a SQL query?\nANSWER: Use CONCAT(first_name, ' ', last_name).\n"
        "DOCUMENTS USED: sql-style (SQL style guide)\nTOOLS RUN: none\n"
        "CORRECTION: We run SQLite, which has no CONCAT. Write first_name || ' ' || last_name.",
        {"fault": "The SQL written in the answer used a function SQLite lacks; no tool was involved.", "components": ["writer"], "lesson": "Write SQLite syntax: concatenate strings with ||, never CONCAT().",
         "applies_to": "Requests to write SQL queries that combine, format or concatenate text columns",
         "examples": ["Write a query that shows city and country in one column.", "How do I build a full address string in SQL?"],
         "near_misses": ["Join me for the SQL training on Friday?", "What is the last name of our new analyst?"],
         "type": "content", "severity": "medium"},
    ),
]


@dataclass
class TurnEvidence:
    """What the router sees of the corrected turn."""

    request: str
    answer: str = ""
    documents: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    tools_run: list[str] = field(default_factory=list)
    turn_id: str | None = None
    stage: str | None = None  # the checkpoint where the person gave the correction

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "TurnEvidence":
        """The evidence as another process sent it (`dataclasses.asdict` of one)."""
        return cls(data["request"], data.get("answer", ""), [(d[0], d[1]) for d in data.get("documents", [])],
                   list(data.get("tools_run", [])), data.get("turn_id"), data.get("stage"))


@dataclass
class Routing:
    components: list[Component]
    lessons: list[Lesson]
    raw: str = ""
    fallback: bool = False  # the model's reply was unusable; cue words decided the routing
    reinforced: list[str] = field(default_factory=list)  # ids of existing lessons this correction repeated
    held: str = ""  # why the lessons wait for approval (empty: learned)
    quarantined: bool = False  # held because the correction looks like an attack
    recorded_only: str = ""  # why nothing was learned (e.g. the author is a viewer)
    conflicts: list[str] = field(default_factory=list)  # how conflicts with active lessons were resolved
    replaced_lesson: str = ""  # the model's lesson, when it shared no word with the correction (the correction is the lesson)
    rerouted: list[str] = field(default_factory=list)  # the model's components, when the correction named another's source

    def as_json(self) -> dict[str, Any]:
        """The routing as JSON, for a process that learned through another (`alhf serve`)."""
        return {"components": [c.value for c in self.components],
                "lessons": [lesson.model_dump(mode="json") for lesson in self.lessons], "raw": self.raw,
                "fallback": self.fallback, "reinforced": self.reinforced, "held": self.held,
                "quarantined": self.quarantined, "recorded_only": self.recorded_only, "conflicts": self.conflicts,
                "replaced_lesson": self.replaced_lesson, "rerouted": self.rerouted}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Routing":
        """The inverse of `as_json`.

            >>> r = Routing([Component.WRITER], [], held="approval")
            >>> Routing.from_json(r.as_json()) == r
            True
        """
        return cls([Component(c) for c in data["components"]], [Lesson.model_validate(x) for x in data["lessons"]],
                   data.get("raw", ""), data.get("fallback", False), list(data.get("reinforced", [])),
                   data.get("held", ""), data.get("quarantined", False), data.get("recorded_only", ""),
                   list(data.get("conflicts", [])), data.get("replaced_lesson", ""), list(data.get("rerouted", [])))


# the common words that still name what a rule is about ("the refund policy", "the orders table")
_SUBJECT_WORDS = frozenset("customer customers data day days delete drop order orders password people policy print "
                           "reply rules secret table time user users".split())
# words of judgement, which any correction may say and no lesson needs to repeat ("No, that is wrong.")
_VERDICT_WORDS = frozenset("wrong incorrect correct right bad good answer answers answered please thanks thank "
                           "actually really yes okay instead".split())
_FUNCTION_WORDS = (COMMON_ENGLISH - _SUBJECT_WORDS) | _VERDICT_WORDS


def _content_words(text: str) -> set[str]:
    """Words that carry meaning (not function words or the most common verbs), singular; identifiers split."""
    return {word[:-1] if word.endswith("s") and len(word) > 3 else word
            for word in re.findall(r"[a-z0-9]+", text.lower()) if word not in _FUNCTION_WORDS and len(word) > 2}


def grounded_in(lesson: str, correction: str, request: str = "") -> bool:
    """Whether a lesson says something of its correction: it shares a word that carries meaning with the
    correction or the request corrected. A small model sometimes writes a rule of no content ("Always choose the
    correct document") or adapts a few-shot example instead ("Use the 2023 warranty terms ..." for a correction
    about parcel tracking). A correction that does not read as English (the lesson is its translation) is not
    compared.

        >>> grounded_in("Use Refund policy v3 (refunds-2024), not the 2021 policy.", "You quoted the 2021 policy.")
        True
        >>> grounded_in("Use EXTRACT(WEEK FROM col), never WEEKOFYEAR().", "We use PostgreSQL.", "Orders per week?")
        True
        >>> grounded_in("Always choose the correct document and provide accurate information.",
        ...             "exhibition-draft was never approved; never answer from exhibition-draft.",
        ...             "When does the textiles exhibition open?")
        False
        >>> grounded_in("Give delivery times in business days.", "Indiquez les délais en jours ouvrés.")
        True
        >>> grounded_in("Answer with the figure the question asks for.", "No, that is wrong.", "Orders in May?")
        True
    """
    corrected = _content_words(correction)
    if english_share(correction) < 0.2 or not corrected:
        return True  # a translation, or a correction with nothing to compare ("No, wrong.")
    return bool(_content_words(lesson) & (corrected | _content_words(request)))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [str(v) for v in value if str(v).strip()] if isinstance(value, list) else []


def _components(value: Any) -> list[Component]:
    names = [n.strip().lower().replace(" ", "_").replace("toolplanner", "tool_planner") for n in _strings(value)]
    return [Component(n) for n in dict.fromkeys(names) if n in {c.value for c in Component}]


def _enum(cls: Any, value: Any, default: Any) -> Any:
    try:
        return cls(str(value).strip().lower())
    except ValueError:
        return default


class FeedbackRouterAgent(ModelAgent):
    def __init__(self, llm: LLM, corpus_ids: list[str], tool_names: list[str],
                 data_names: dict[str, list[str]] | None = None, *, titles: dict[str, str] | None = None) -> None:
        """`data_names` (tool -> its tables and columns, `ToolRegistry.data_names`) let a correction that names a
        source decide the component the model got wrong (`sources_named`); `titles` (document id -> title) let a
        retriever lesson the model gave no documents take those the correction names by title."""
        super().__init__(name="feedback_router", system_message=SYSTEM, human_input_mode="NEVER",
                         llm_config=llm.llm_config("feedback_router", json_output=True),
                         description="Routes corrections to the agent at fault.")
        llm.attach(self)
        self.corpus_ids = corpus_ids
        self.tool_names = tool_names
        self.data_names = data_names or {}
        self.titles = {doc: title for doc, title in (titles or {}).items() if doc in corpus_ids}
        # Blame is a separate, schema-constrained classification: small models pick the component far
        # more reliably when that is the only thing they are asked.
        self.blame = ModelAgent(name="blame_classifier", system_message=BLAME_SYSTEM, human_input_mode="NEVER",
                                llm_config=llm.llm_config("blame_classifier", json_schema=BLAME_SCHEMA))
        llm.attach(self.blame)
        self.conflict = ModelAgent(name="conflict_judge", system_message=CONFLICT_SYSTEM, human_input_mode="NEVER",
                                   llm_config=llm.llm_config("conflict_judge", json_schema=CONFLICT_SCHEMA))
        llm.attach(self.conflict)

    def contradicts(self, new_rule: str, old_rule: str) -> bool:
        """Whether two lessons for the same kind of request say opposite things."""
        reply = self.conflict.complete([{"role": "user", "content": f"RULE A: {old_rule}\nRULE B: {new_rule}"}])
        return bool((parse_json_object(reply) or {}).get("contradicts"))

    def _evidence_text(self, correction: str, evidence: TurnEvidence, *, answer: bool) -> str:
        docs = ", ".join(f"{doc_id} ({title})" for doc_id, title in evidence.documents) or "none"
        return (
            f"REQUEST: {evidence.request}\n"
            + (f"ANSWER: {evidence.answer[:600] or '(not shown)'}\n" if answer else "")
            + f"DOCUMENTS USED: {docs}\nTOOLS RUN: {', '.join(evidence.tools_run) or 'none'}\n"
            + (f"CORRECTED AT: the {evidence.stage} checkpoint\n" if evidence.stage else "")
            + f"CORRECTION: {correction}"
        )

    def classify(self, correction: str, evidence: TurnEvidence) -> list[Component]:
        messages: list[dict[str, str]] = []
        for prompt, components in _BLAME_SHOTS:
            messages += [{"role": "user", "content": prompt},
                         {"role": "assistant", "content": json.dumps({"components": components})}]
        messages.append({"role": "user", "content": self._evidence_text(correction, evidence, answer=False)})
        # the answer is left out on purpose: a long answer drowns the correction for a small model
        data = parse_json_object(self.blame.complete(messages)) or {}
        return _components(data.get("components"))

    def _messages(self, correction: str, evidence: TurnEvidence, blamed: list[Component]) -> list[dict[str, str]]:
        """The lesson prompt; the blamed agent (when the classifier named one) leads the lesson's kind."""
        messages: list[dict[str, str]] = []
        for prompt, reply in _FEW_SHOT:
            messages += [{"role": "user", "content": f"AGENT AT FAULT: {', '.join(reply['components'])}\n{prompt}"},
                         {"role": "assistant", "content": json.dumps(reply)}]
        fault = f"AGENT AT FAULT: {', '.join(c.value for c in blamed)}\n" if blamed else ""
        return messages + [{"role": "user", "content": fault + self._evidence_text(correction, evidence, answer=True)}]

    def route(self, correction: str, evidence: TurnEvidence, *, author: str, feedback_id: str | None = None) -> Routing:
        named = [Component(name) for name in sources_named(correction, self.corpus_ids, self.data_names, self.titles)]
        blamed, rerouted = self._by_source(self.classify(correction, evidence), named)
        raw = self.complete(self._messages(correction, evidence, blamed))
        data = parse_json_object(raw) or {}
        components = blamed or _components(data.get("components"))
        fallback = not components
        if fallback:
            components = [Component(n) for n in keyword_routing(correction)]
        if not blamed:
            components, rerouted = self._by_source(components, named)
        lesson_text = " ".join(_strings(data.get("lesson"))) or correction
        replaced = ""
        if lesson_text != correction and not grounded_in(lesson_text, correction, evidence.request):
            replaced, lesson_text = lesson_text, correction.strip()  # a generic rule, or an adapted few-shot example
        trigger = " ".join(_strings(data.get("applies_to"))) or f"Requests like: {evidence.request}"
        examples = [evidence.request, *_strings(data.get("examples"))[:3]]
        # a near miss that repeats a positive text would cancel it: keep only distinct ones
        near_misses = [t for t in _strings(data.get("near_misses"))[:3] if t.strip() not in {trigger, *examples}]
        lessons = [
            Lesson(
                component=component,
                text=lesson_text,
                trigger=trigger,
                trigger_examples=examples,
                negative_examples=near_misses,
                type=_enum(LessonType, data.get("type"), LessonType.CONTENT),
                severity=_enum(Severity, data.get("severity"), Severity.MEDIUM),
                author=author,
                action=self._action(component, data, correction),
                source_request=evidence.request,
                source_answer=evidence.answer,
                turn_id=evidence.turn_id,
                feedback_text=correction,
                feedback_id=feedback_id,
            )
            for component in components
        ]
        return Routing(components, lessons, raw, fallback, replaced_lesson=replaced, rerouted=rerouted)

    @staticmethod
    def _by_source(components: list[Component], named: list[Component]) -> tuple[list[Component], list[str]]:
        """(components, the model's choice when overruled): a correction that names the sources of exactly one
        component ("work it out from the bookings table", "use price-list-2025") goes to that component when
        the model chose others; the model's choice stands when it includes it, or names none or both."""
        if components and len(named) == 1 and named[0] not in components:
            return named, [c.value for c in components]
        return components, []

    def _action(self, component: Component, data: dict[str, Any], correction: str) -> LessonAction:
        """Only actions the component can take, naming only documents and tools that exist."""
        if component is Component.RETRIEVER:
            prefer = [d for d in dict.fromkeys(_strings(data.get("prefer_documents"))) if d in self.corpus_ids]
            if not prefer:  # the model gave none: take documents the correction names
                prefer = [doc for doc in self.corpus_ids if re.search(rf"\b{re.escape(doc)}\b", correction)]
            avoid = [d for d in _strings(data.get("avoid_documents")) if d in self.corpus_ids and d not in prefer]
            # none from the model nor an id in the correction: the documents it names by title
            return titled_action(LessonAction(prefer_documents=prefer, avoid_documents=avoid,
                                              expand_query=_strings(data.get("expand_query"))[:5]),
                                 correction, self.titles)
        if component is Component.TOOL_PLANNER:
            prefer = [t for t in _strings(data.get("prefer_tools")) if t in self.tool_names]
            if not prefer:  # the model gave none: take tools the correction names ("with a SQL query"), or whose data
                prefer = [t for t in self.tool_names if re.search(rf"\b{re.escape(t)}\b", correction, re.IGNORECASE)
                          or data_named(correction, self.data_names.get(t, []))]
            avoid = [t for t in _strings(data.get("avoid_tools")) if t in self.tool_names and t not in prefer]
            hints = data.get("tool_argument_hints")
            return LessonAction(prefer_tools=prefer, avoid_tools=avoid,
                                tool_argument_hints={str(k): str(v) for k, v in hints.items()} if isinstance(hints, dict) else {})
        return LessonAction()

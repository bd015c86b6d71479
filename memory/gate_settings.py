"""The relevance gate's settings, apart from the gate (memory/gate.py): loading a config reads them, and a
command that only loads its config (`alhf --help`, the listing commands) need not import numpy or the store."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from memory.records import Component

__all__ = ["GateSettings"]


class GateSettings(BaseModel):
    """How the gate decides. Configs that set only `thresholds` keep the threshold rule."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["learned", "threshold"] = Field("threshold", description="threshold: cosine >= a per-component threshold, vetoed by near misses and tags (the default: measured better with the local model); learned: fitted signals")
    thresholds: dict[Component, float] = Field(
        default_factory=lambda: {Component.RETRIEVER: 0.54, Component.TOOL_PLANNER: 0.3, Component.WRITER: 0.4},
        description="threshold mode only: best similarity a lesson needs, per component",
    )
    weights_path: Path | None = Field(None, description="learned mode: a weights file; unset = memory/gate_weights.json")
    decision_probability: float = Field(0.5, gt=0.0, lt=1.0, description="learned mode: apply at or above this")
    borderline: float = Field(0.1, ge=0.0, lt=0.5, description="learned mode: probabilities within this of the cut go to the second-stage check")
    band_below: float = Field(0.05, ge=0.0, le=1.0, description="threshold mode: similarities this far below the threshold go to "
                              "the second-stage check (0.05 / 0.0: the best band on the tuning set that asks on under 1 turn in 5)")
    band_above: float = Field(0.0, ge=0.0, le=1.0, description="threshold mode: similarities less than this above the threshold go "
                              "to the second-stage check")
    second_stage: Literal["off", "model"] = Field(
        "off", description="model: borderline candidates are settled by the model's yes/no check (measured: a noise-level "
        "gain for a model call on a quarter of the turns, docs/evaluation.md)")
    data_check: Literal["off", "model"] = Field(
        "model", description="model: a lesson that sends requests to a data tool (SQL) applies only when the model says "
        "the request asks for figures or records (agents/data_question.py); one model call on turns where such a lesson "
        "passes (measured: stops a third of such lessons' wrong applications, kept every right one, docs/evaluation.md); "
        "the fake model is never asked")
    near_miss_rule: bool = Field(True, description="reject a request nearer a near miss than any example")
    grounding: bool = Field(True, description="lessons about a source apply to requests that lead to it (memory/grounding.py): "
                            "a lesson naming documents is rejected when other documents lead the request's corpus search "
                            "by more than grounding_margin (in threshold mode its documents' similarity counts as a positive "
                            "one); a lesson preferring a data tool is rejected when a document leads the tool's data by more "
                            "than data_margin")
    grounding_margin: float = Field(0.05, ge=0.0, le=1.0, description="how far another document may lead a lesson's own")
    grounding_passages: bool = Field(True, description="a data lesson's nearest document is also sought sentence by "
                                     "sentence (memory/passages.py): a request one line of a document answers is not the "
                                     "data's")
    data_margin: float = Field(0.4, ge=0.0, le=1.0, description="how far a document may lead a data lesson's tables "
                               "(1.0: never; 0.10 cost held-out recall; 0.4, measured on four spent suites once data lessons "
                               "lost the router's near misses, stops 4 wrong steps of 275 and no right lesson, docs/evaluation.md)")
    grounding_overruled_at: float = Field(0.9, ge=0.0, le=1.01, description="a request at least this similar to one of the "
                                          "lesson's examples (the request it was taught on, nearly word for word) is not "
                                          "vetoed by grounding: the person said, for that request, which source is right")
    grounding_documents: int = Field(10, ge=1, le=100, description="corpus documents searched per request for grounding")
    grounding_family: float = Field(0.55, ge=0.0, le=1.0, description="documents at least this alike to a named one "
                                    "(its other versions) count as the lesson's too")
    lead_margin: float = Field(0.05, ge=0.0, le=1.01, description="threshold mode: a retriever lesson whose documents lead "
                               "the request's corpus search by at least this applies under its threshold, when they are "
                               "also lead_floor alike to it and lead_over_tables more alike than the data tools' tables "
                               "(the request is about those documents, however it is worded; 1.01: never; measured on "
                               "nine spent suites: recall 195 -> 233 of 322 for false-injection steps 131 -> 150 of 585, "
                               "docs/evaluation.md)")
    lead_floor: float = Field(0.3, ge=0.0, le=1.0, description="the least similarity to the lesson's documents that lead")
    lead_over_tables: float = Field(0.1, ge=-1.0, le=1.0, description="how much nearer the lesson's documents than the "
                                    "data tools' tables a request must be (nearer the tables, it asks for records)")
    message_floor: float = Field(0.2, ge=0.0, le=1.01, description="threshold mode: a writer lesson taught on a message to "
                                 "someone outside the team (memory/message_requests.py) applies to another such message at "
                                 "this similarity (1.01: never; measured on nine spent suites with the local router's "
                                 "lessons: 28 right lessons gained for 4 wrong ones, docs/evaluation.md)")
    every_message: bool = Field(True, description="threshold mode: a writer lesson taught on a message to someone outside "
                                "the team, whose correction says its rule holds for every such message ('every message we "
                                "send to clients ends with ...'), applies to another such message at any similarity "
                                "(memory/message_requests.py)")
    message_channels: Literal["off", "named", "source"] = Field("source", description="threshold mode: where a writer "
        "lesson's messages go (memory/message_channels.py): named: a lesson whose correction names where its rule's "
        "messages go (publicity, the paper, a message to everyone) never applies to a message that goes elsewhere, and "
        "the message_floor and every_message passes hold only for messages that go where the rule's did; source: also "
        "veto a message that goes elsewhere than the one the lesson was taught on; off: neither")
    messages_only: bool = Field(True, description="threshold mode: a writer lesson taught on a message to someone outside "
                                "the team applies only to requests for such messages (spent suites with the local router's "
                                "lessons: 26 wrong applications stopped for 9 right ones lost, docs/evaluation.md)")
    audience_exemptions: bool = Field(True, description="a writer lesson whose correction says its rule is not for an "
                                      "audience ('Notes for the groomers don't get it') never applies to a request that "
                                      "addresses it (memory/message_requests.py)")
    writing_without_lookup: bool = Field(True, description="a lesson preferring the SQL tool never applies to a request "
                                         "to write something that names no figure to be found first (memory/message_requests.py)")
    partner_messages: bool = Field(True, description="threshold mode: a writer lesson never applies to a message to a "
                                   "supplier, the bank, the council or another business the team deals with, unless its "
                                   "correction speaks of them (memory/message_requests.py)")
    record_counts: bool = Field(True, description="a retriever lesson never applies to a request that counts or adds up "
                                "records over a period and names no price, rate or rule, when the team has data tables "
                                "(memory/question_kinds.py)")
    past_questions: bool = Field(True, description="a retriever lesson whose correction says which version is current "
                                 "never applies to a request about how things were then ('what did it cost back then?', "
                                 "memory/past_questions.py)")
    date_lessons: bool = Field(True, description="a planner lesson whose correction names the date column records go by "
                               "('work done goes by visit_date') never applies to a request that names no day or period "
                               "(memory/date_lessons.py)")
    price_questions: bool = Field(True, description="a lesson preferring the SQL tool never applies to a question about "
                                  "what one thing costs that names no period or total (memory/question_kinds.py)")
    how_to_questions: bool = Field(True, description="a lesson preferring the SQL tool never applies to a question "
                                   "about how to do something, who to ask or what a rule says (memory/question_kinds.py)")
    candidates: int = Field(5, ge=1, le=100, description="lessons retrieved per component before gating")
    max_applied: int = Field(3, ge=1, le=20, description="most lessons one component applies in a turn")
    trust_floor: float = Field(0.3, ge=0.0, le=1.0, description="lessons by authors trusted less are not applied")

    @model_validator(mode="before")
    @classmethod
    def _old_configs_keep_thresholds(cls, data: object) -> object:
        if isinstance(data, dict) and "thresholds" in data and "mode" not in data:
            return {**data, "mode": "threshold"}
        return data

    def threshold(self, component: Component) -> float:
        return self.thresholds.get(component, 0.5)

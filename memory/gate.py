"""The relevance gate: a retrieved lesson is applied only when the request is truly related.

In `threshold` mode (the default) a lesson applies when its best similarity (to the "applies to" text,
its examples, or for a lesson naming documents the request's nearness to them) reaches the component's
threshold, unless the request is nearer a near miss or its metadata contradicts a key:value tag; under the
threshold, a retriever lesson still applies when its documents lead the request's corpus search, and a
writer lesson taught on a message to someone outside the team applies to another such message
(memory/message_requests.py). In `learned` mode a fitted logistic model (memory/gate_model.py) combines
the similarities to the "applies to" text, the examples and the near misses. In both, a score inside the
borderline band is settled by a second-stage check (the local model with a yes/no schema) when one is
configured, grounding vetoes a lesson whose source the request does not lead to, and expiry, user scope and
author trust are checked first; every candidate gets a readable, recorded decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import numpy as np

from memory.date_lessons import about_dates, names_a_time
from memory.gate_model import GateWeights, gate_signals, load_weights
from memory.gate_settings import GateSettings
from memory.grounding import Grounding
from memory.message_channels import PUBLIC, named_channels, request_channel
from memory.message_requests import (addresses, asks_for_message, exempt_audiences, says_every_message, trade_partner,
                                     writes_without_lookup)
from memory.past_questions import asks_about_the_past, points_to_current
from memory.question_kinds import asks_a_price, asks_how_to, counts_records
from memory.records import Component, GateDecision, Lesson, utc_now
from memory.store import LessonHit, LessonVectors

__all__ = ["DataCheck", "GateSettings", "RelevanceGate", "ScopeCheck", "tag_conflict"]


class ScopeCheck(Protocol):
    """Second-stage check for borderline candidates: True applies, False rejects, None: no verdict."""

    def __call__(self, request: str, lesson: Lesson) -> bool | None: ...


class DataCheck(Protocol):
    """Whether a request asks for figures or records (what a data tool gives): True, False, None: no verdict."""

    def __call__(self, request: str) -> bool | None: ...


def tag_conflict(lesson: Lesson, metadata: dict[str, str] | None) -> tuple[bool, str]:
    """(matched, conflict) for tags of the form key:value against the request's metadata."""
    matched, conflicts = False, []
    for tag in lesson.tags:
        key, _, value = tag.partition(":")
        if not value or key not in (metadata or {}):
            continue
        if str(metadata[key]).strip().lower() == value.strip().lower():  # type: ignore[index]
            matched = True
        else:
            conflicts.append(f"tag {tag}, request {key} {metadata[key]}")  # type: ignore[index]
    return matched, "; ".join(conflicts)


class RelevanceGate:
    """Decides, and explains, which retrieved lessons a component applies.

        >>> gate = RelevanceGate(GateSettings())
        >>> gate.decide(Component.WRITER, [], user="ana")
        []
    """

    def __init__(self, settings: GateSettings, *, scope_check: ScopeCheck | None = None,
                 data_check: DataCheck | None = None) -> None:
        self.settings = settings
        self.scope_check = scope_check
        self.data_check = data_check
        self._data_verdict: tuple[str, bool | None] | None = None  # (request, verdict): one question per request
        self.data_checks = 0  # data-check calls made, for reports
        self.weights: GateWeights | None = load_weights(settings.weights_path) if settings.mode == "learned" else None
        self.borderline_checks = 0  # second-stage calls made, for reports

    def decide(
        self, component: Component, hits: list[LessonHit], *, user: str, now: datetime | None = None,
        trust: dict[str, float] | None = None, request: str = "", request_vector: np.ndarray | None = None,
        vectors: dict[str, LessonVectors] | None = None, metadata: dict[str, str] | None = None,
        groundings: dict[str, Grounding] | None = None,
    ) -> list[GateDecision]:
        """`trust` maps authors to a reliability in [0, 1] (missing: 1); similarities are weighed by
        0.5 + 0.5 x trust and authors below the floor are not applied. `request_vector` and `vectors`
        (from `MemoryStore.lesson_vectors`) give the learned mode its signals; `request` is the text
        the second-stage check reads; `groundings` (by lesson id, from `memory.grounding.ground_lessons`)
        place the request among the corpus documents that lessons name."""
        now = now or utc_now()
        trust = trust or {}
        scored = []
        for hit in hits:
            factor = 0.5 + 0.5 * trust.get(hit.lesson.author, 1.0)
            signals = self._signals(hit, request_vector, (vectors or {}).get(hit.lesson.id), factor,
                                    (groundings or {}).get(hit.lesson.id))
            scored.append((hit, signals))
        key = (lambda pair: pair[1]["probability"]) if self.weights else (lambda pair: pair[1]["similarity"])
        decisions: list[GateDecision] = []
        applied = 0
        for hit, signals in sorted(scored, key=key, reverse=True):
            lesson = hit.lesson
            author_trust = trust.get(lesson.author, 1.0)
            second_stage = None
            if lesson.is_expired(now):
                passed, reason = False, f"expired at {lesson.expires_at:%Y-%m-%d %H:%M}"
            elif lesson.scope.startswith("user:") and lesson.scope != f"user:{user}":
                passed, reason = False, f"scope {lesson.scope} does not cover user {user}"
            elif author_trust < self.settings.trust_floor:
                passed, reason = False, f"author {lesson.author} trust {author_trust:.2f} < floor {self.settings.trust_floor:.2f}"
            elif self.settings.grounding and signals["example"] < self.settings.grounding_overruled_at \
                    and (veto := self._grounding_veto(signals)):
                passed, reason = False, veto
            elif self.weights is None:
                passed, reason, second_stage = self._threshold(component, lesson, signals, request, metadata)
            else:
                passed, reason, second_stage = self._learned(component, lesson, signals, request, metadata)
            if passed and (shape := self._shape_veto(component, signals, request, lesson)):
                passed = False
                reason += f", but the request {shape} -> rejected"
            if passed and "data" in signals and (verdict := self._asks_for_data(request)) is not None:
                second_stage = "asks for data" if verdict else "does not ask for data"
                passed = verdict
                reason += f", data check: the request {second_stage}" + ("" if verdict else " -> rejected")
            if passed and applied >= self.settings.max_applied:
                passed, reason = False, f"already {applied} lessons applied (max_applied)"
            applied += int(passed)
            decisions.append(
                GateDecision(
                    lesson_id=lesson.id, component=component,
                    score=round(signals["probability"] if self.weights else signals["similarity"], 4),
                    threshold=self.settings.decision_probability if self.weights else self.settings.threshold(component),
                    passed=passed, reason=reason, matched_text=hit.matched_text, lesson_text=lesson.text,
                    feedback_id=lesson.feedback_id, author=lesson.author, version=lesson.version,
                    signals=signals, second_stage=second_stage,
                )
            )
        return decisions

    def _signals(self, hit: LessonHit, request_vector: np.ndarray | None, vectors: LessonVectors | None,
                 factor: float, grounding: Grounding | None) -> dict[str, float]:
        raw = gate_signals(request_vector, vectors, fallback_score=hit.score) if request_vector is not None \
            else gate_signals(np.zeros(1), None, fallback_score=hit.score)
        signals = {name: round(value * factor, 4) if name in ("trigger", "example") else value for name, value in raw.items()}
        signals["similarity"] = max(signals["trigger"], signals["example"])
        if grounding is not None and self.settings.grounding:
            signals[grounding.kind] = round(grounding.similarity * factor, 4)
            signals[f"{grounding.kind}_margin"] = grounding.margin
            if grounding.tables is not None:
                signals["tables"] = grounding.tables
            if grounding.kind == "document" and self.weights is None:
                signals["similarity"] = max(signals["similarity"], signals["document"])
        if self.weights is not None:
            signals["probability"] = round(self.weights.probability(self.weights.logit(hit.lesson.component, signals)), 4)
        return signals

    def _grounding_veto(self, signals: dict[str, float]) -> str:
        """Why the request is about another source than the lesson's ("" when it is not)."""
        if signals.get("document_margin", 0.0) < -self.settings.grounding_margin:
            return (f"document {signals['document']:.2f} trails the request's nearest other document by "
                    f"{-signals['document_margin']:.2f}: the request is about other documents -> rejected")
        if signals.get("data_margin", 0.0) < -self.settings.data_margin:
            return (f"data {signals['data']:.2f} trails the request's nearest document by {-signals['data_margin']:.2f}: "
                    "a document answers the request, not the tool's data -> rejected")
        return ""

    def _threshold(self, component: Component, lesson: Lesson, signals: dict[str, float], request: str,
                   metadata: dict[str, str] | None) -> tuple[bool, str, str | None]:
        """The per-component similarity threshold, and two vetoes that need no fitting: the request's metadata
        contradicts a key:value tag, or the request is nearer a near miss (router-written, or taught by "not
        here") than the lesson's description and every example. A similarity inside the band around the
        threshold is settled by the second-stage check, when one is configured."""
        _, conflict = tag_conflict(lesson, metadata)
        if conflict:
            return False, conflict, None
        threshold = self.settings.threshold(component)
        near = f", near-miss {signals['near_miss']:.2f}" if signals["near_miss"] else ""
        if near and self.settings.near_miss_rule and signals["near_miss"] > signals["similarity"]:
            return False, f"similarity {signals['similarity']:.2f}{near}: nearer a near miss than any example -> rejected", None
        exempt = addresses(request, exempt_audiences(lesson.feedback_text)) \
            if component is Component.WRITER and self.settings.audience_exemptions and request and lesson.feedback_text \
            else ""
        if exempt:
            return False, (f"similarity {signals['similarity']:.2f}: the correction says its rule is not for the "
                           f"{exempt}, whom the request addresses -> rejected"), None
        partner = trade_partner(request, lesson.feedback_text or lesson.text) \
            if component is Component.WRITER and self.settings.partner_messages and request else ""
        if partner:
            return False, (f"similarity {signals['similarity']:.2f}: the request writes to a {partner}, a business the team "
                           "deals with, and the correction says nothing of such messages -> rejected"), None
        if component is Component.WRITER and self.settings.messages_only and request \
                and asks_for_message(lesson.source_request) and not asks_for_message(request):
            return False, (f"similarity {signals['similarity']:.2f}: taught on a message to someone outside the team, and "
                           "the request asks for no such message -> rejected"), None
        channel = self._channel_veto(lesson, request) if component is Component.WRITER else ""
        if channel:
            return False, f"similarity {signals['similarity']:.2f}: {channel} -> rejected", None
        similarity = signals["similarity"]
        passed = similarity >= threshold
        text = f"similarity {similarity:.2f} {'>=' if passed else '<'} {threshold:.2f}{near}"
        if not passed and component is Component.RETRIEVER and (lead := self._documents_lead(signals)):
            return True, f"{text}, {lead}, scope {lesson.scope}", None
        if not passed and component is Component.WRITER and asks_for_message(request) \
                and asks_for_message(lesson.source_request) and self._same_channel(lesson, request):
            if similarity >= self.settings.message_floor:
                return True, f"{text}, a message to someone outside the team like the one it was taught on, scope {lesson.scope}", None
            if self.settings.every_message and says_every_message(lesson.feedback_text or ""):
                return True, (f"{text}, a message to someone outside the team, and the correction says its rule holds for "
                              f"every such message, scope {lesson.scope}"), None
        passed, checked, second_stage = self._second_stage(self.borderline(component, signals), passed, request, lesson)
        return passed, text + checked + (f", scope {lesson.scope}" if passed else ""), second_stage

    def _channel_veto(self, lesson: Lesson, request: str) -> str:
        """Why a writer lesson's rule is for messages that go elsewhere than the request's ("" when it is not): its
        correction names where its messages go ("every bit of publicity", "Gazette notices", "a message to
        everyone") and the request's message goes somewhere else (memory/message_channels.py)."""
        if self.settings.message_channels == "off" or not request:
            return ""
        going = request_channel(request)
        if not going:
            return ""
        named = named_channels(lesson.feedback_text or "")
        if named and going not in named:
            return f"the request's message goes to {going}, and the correction's rule is for {', '.join(sorted(named))}"
        if not named and self.settings.message_channels == "source":
            taught = request_channel(lesson.source_request or "")
            if taught and taught != going and not (taught in PUBLIC and going in PUBLIC):
                return f"the request's message goes to {going}, and the lesson was taught on one for {taught}"
        return ""

    def _same_channel(self, lesson: Lesson, request: str) -> bool:
        """Whether the request's message goes where the lesson's rule is for: the channels its correction names,
        else the channel of the message it was taught on (always, with message_channels off)."""
        if self.settings.message_channels == "off":
            return True
        going = request_channel(request)
        allowed = named_channels(lesson.feedback_text or "") or {request_channel(lesson.source_request or "")} - {""}
        return not allowed or going in allowed

    def _documents_lead(self, signals: dict[str, float]) -> str:
        """Why the request is about the lesson's documents although its words are not the lesson's ("" when it is
        not): its corpus search is led by them, they are alike enough, and the data tools' tables are not nearer."""
        settings = self.settings
        if signals.get("document_margin", -1.0) < settings.lead_margin or signals.get("document", 0.0) < settings.lead_floor:
            return ""
        if "tables" in signals and signals["document"] - signals["tables"] < settings.lead_over_tables:
            return ""
        return (f"its documents lead the request's search by {signals['document_margin']:.2f} "
                f"(similarity {signals['document']:.2f})")

    def _shape_veto(self, component: Component, signals: dict[str, float], request: str, lesson: Lesson) -> str:
        """What in the request's plain shape rules a lesson that passed out, "" when nothing does: a lesson
        preferring SQL (it has a "data" signal) meets writing that names no figure to find, a how-to question or
        the price of one thing; a retriever lesson, when there are data tables, a count of records over a period
        (memory/message_requests.py, memory/question_kinds.py); a retriever lesson that says which version is
        current, a question about how things were then (memory/past_questions.py); a planner lesson about which
        date records go by, a request that names no day or period (memory/date_lessons.py). Each has its
        setting."""
        settings, data = self.settings, "data" in signals
        vetoes = (
            (data and settings.writing_without_lookup, writes_without_lookup,
             "asks to write something and names no figure to look up"),
            (component is Component.RETRIEVER and "tables" in signals and settings.record_counts, counts_records,
             "counts records over a period and names no price or rule"),
            (data and settings.how_to_questions, asks_how_to, "asks how to do something, who to ask or what a rule says"),
            (data and settings.price_questions, asks_a_price, "asks what one thing costs, which a price list answers"),
        )
        if component is Component.RETRIEVER and settings.past_questions and asks_about_the_past(request) \
                and points_to_current(lesson.feedback_text or lesson.text):
            return "asks how things were then, and the correction says which version is current"
        if component is Component.TOOL_PLANNER and settings.date_lessons and about_dates(lesson.feedback_text or "") \
                and not names_a_time(request):
            return "names no day or period, and the correction is about which date records go by"
        return next((said for applies, reads, said in vetoes if applies and reads(request)), "")

    @property
    def checks_data(self) -> bool:
        """Whether the data check runs: a check is given and the settings leave it on."""
        return self.data_check is not None and self.settings.data_check != "off"

    def _asks_for_data(self, request: str) -> bool | None:
        """The data check's verdict on `request` (asked once per request), None without a check or a verdict."""
        if not self.checks_data or not request:
            return None
        known = self._data_verdict  # read once: batch threads share the gate
        if known is None or known[0] != request:
            self.data_checks += 1
            known = self._data_verdict = (request, self.data_check(request))
        return known[1]

    def borderline(self, component: Component, signals: dict[str, float]) -> bool:
        """Whether a candidate's score lies in the band the second-stage check settles."""
        if self.weights is not None:
            return abs(signals.get("probability", 0.0) - self.settings.decision_probability) < self.settings.borderline
        threshold = self.settings.threshold(component)
        return threshold - self.settings.band_below <= signals["similarity"] < threshold + self.settings.band_above

    def _second_stage(self, in_band: bool, passed: bool, request: str, lesson: Lesson) -> tuple[bool, str, str | None]:
        """(passed, text for the reason, verdict) after the borderline check, which runs only inside the band."""
        if not in_band or self.scope_check is None or not request:
            return passed, "", None
        self.borderline_checks += 1
        verdict = self.scope_check(request, lesson)
        if verdict is None:
            return passed, ", borderline check gave no verdict", "unavailable"
        second_stage = "applies" if verdict else "does not apply"
        return verdict, f", borderline check: {second_stage}", second_stage

    def _learned(self, component: Component, lesson: Lesson, signals: dict[str, float], request: str,
                 metadata: dict[str, str] | None) -> tuple[bool, str, str | None]:
        assert self.weights is not None
        matched, conflict = tag_conflict(lesson, metadata)
        if conflict:
            return False, conflict, None
        logit = self.weights.logit(component, signals) + (self.weights.metadata_bonus if matched else 0.0)
        probability = self.weights.probability(logit)
        signals["probability"] = round(probability, 4)
        cut = self.settings.decision_probability
        margin = signals["similarity"] - signals["near_miss"]
        text = f"similarity {signals['similarity']:.2f}"
        if signals["near_miss"]:
            text += f", near-miss {signals['near_miss']:.2f}, margin {margin:+.2f}"
        if matched:
            text += ", tags match the request"
        if self.settings.near_miss_rule and signals["near_miss"] and margin < 0:
            return False, f"{text}: nearer a near miss than any example -> rejected", None
        passed = probability >= cut
        text += f", p {probability:.2f} {'>=' if passed else '<'} {cut:.2f}"
        passed, checked, second_stage = self._second_stage(self.borderline(component, signals), passed, request, lesson)
        return passed, f"{text}{checked} -> {'applied' if passed else 'rejected'}", second_stage

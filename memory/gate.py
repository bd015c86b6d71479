"""The relevance gate: a retrieved lesson is applied only when the request is truly related.

A lesson passes when the similarity between the request and its trigger texts (a description of
the kind of request it applies to, plus example requests) reaches its component's threshold, its
scope covers the acting user, and it has not expired. Every candidate gets a recorded decision.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from memory.records import Component, GateDecision, utc_now
from memory.store import LessonHit

__all__ = ["GateSettings", "RelevanceGate"]


class GateSettings(BaseModel):
    """Thresholds calibrated for the MiniLM embedder on request-vs-trigger similarity."""

    model_config = ConfigDict(extra="forbid")

    thresholds: dict[Component, float] = Field(
        default_factory=lambda: {Component.RETRIEVER: 0.54, Component.TOOL_PLANNER: 0.3, Component.WRITER: 0.4}
    )
    candidates: int = Field(5, ge=1, le=100, description="lessons retrieved per component before gating")
    max_applied: int = Field(3, ge=1, le=20, description="most lessons one component applies in a turn")
    trust_floor: float = Field(0.3, ge=0.0, le=1.0, description="lessons by authors trusted less are not applied")

    def threshold(self, component: Component) -> float:
        return self.thresholds.get(component, 0.5)


class RelevanceGate:
    """Decides, and explains, which retrieved lessons a component applies.

        >>> gate = RelevanceGate(GateSettings())
        >>> gate.decide(Component.WRITER, [], user="ana")
        []
    """

    def __init__(self, settings: GateSettings) -> None:
        self.settings = settings

    def decide(
        self, component: Component, hits: list[LessonHit], *, user: str, now: datetime | None = None,
        trust: dict[str, float] | None = None,
    ) -> list[GateDecision]:
        """`trust` maps authors to a reliability in [0, 1] (missing: 1). A lesson's similarity is weighed
        by its author's trust (score x (0.5 + 0.5 x trust)), and authors below the floor are not applied."""
        now = now or utc_now()
        threshold = self.settings.threshold(component)
        decisions: list[GateDecision] = []
        applied = 0
        trust = trust or {}
        weighed = [(hit, hit.score * (0.5 + 0.5 * trust.get(hit.lesson.author, 1.0))) for hit in hits]
        for hit, score in sorted(weighed, key=lambda pair: pair[1], reverse=True):
            lesson = hit.lesson
            author_trust = trust.get(lesson.author, 1.0)
            hit = LessonHit(lesson, score, hit.matched_text)
            if lesson.is_expired(now):
                passed, reason = False, f"expired at {lesson.expires_at:%Y-%m-%d %H:%M}"
            elif lesson.scope.startswith("user:") and lesson.scope != f"user:{user}":
                passed, reason = False, f"scope {lesson.scope} does not cover user {user}"
            elif author_trust < self.settings.trust_floor:
                passed, reason = False, f"author {lesson.author} trust {author_trust:.2f} < floor {self.settings.trust_floor:.2f}"
            elif hit.score < threshold:
                passed, reason = False, f"similarity {hit.score:.2f} < {threshold:.2f}"
            elif applied >= self.settings.max_applied:
                passed, reason = False, f"already {applied} lessons applied (max_applied)"
            else:
                passed, reason = True, f"similarity {hit.score:.2f} >= {threshold:.2f}, scope {lesson.scope}"
                applied += 1
            decisions.append(
                GateDecision(
                    lesson_id=lesson.id,
                    component=component,
                    score=round(hit.score, 4),
                    threshold=threshold,
                    passed=passed,
                    reason=reason,
                    matched_text=hit.matched_text,
                    lesson_text=lesson.text,
                    feedback_id=lesson.feedback_id,
                    author=lesson.author,
                    version=lesson.version,
                )
            )
        return decisions

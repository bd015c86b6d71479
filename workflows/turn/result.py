"""What one turn produced: the retrieval, the plan, the answer, the gate's decisions, the checkpoints."""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.answer_check import AnswerCheck
from agents.answer_guard import GuardedAnswer
from agents.human import Checkpoint
from agents.retriever import Retrieval
from agents.router import Routing, TurnEvidence
from agents.tool_planner import ToolPlan
from agents.tracing import Span
from memory.consult import Consultation
from memory.records import Component, GateDecision, Lesson

__all__ = ["TurnResult", "Learned", "CorrectionRequest", "ScopingRequest"]


@dataclass
class Learned:
    """A correction and what the learner made of it."""

    stage: str | None
    text: str
    routing: Routing


@dataclass
class CorrectionRequest:
    """A correction given at a checkpoint, with what the person was looking at when they gave it."""

    stage: str
    text: str
    evidence: TurnEvidence


@dataclass
class ScopingRequest:
    """A person's "not here" at a checkpoint: these applied lessons should not have applied to this request."""

    stage: str
    lesson_ids: list[str]
    request: str


@dataclass
class TurnResult:
    turn_id: str
    request: str
    retrieval: Retrieval
    plan: ToolPlan
    answer: str
    consultations: dict[Component, Consultation]
    checkpoints: list[Checkpoint] = field(default_factory=list)
    corrections: list[CorrectionRequest] = field(default_factory=list)  # given in this attempt, not learned yet
    scoping: list[ScopingRequest] = field(default_factory=list)  # "not here" given in this attempt, not applied yet
    learned: list[Learned] = field(default_factory=list)
    quit: bool = False
    duration_ms: float = 0.0
    spans: list[Span] = field(default_factory=list)
    answer_check: AnswerCheck | None = None  # the post-write check of the answer shown
    answer_guard: GuardedAnswer | None = None  # what the last guard removed from the answer, and which lessons carried it

    def sources(self) -> list[str]:
        """What the turn read, which an answer may quote: the request, the documents, the successful tool results."""
        return [self.request, *(h.document.text for h in self.retrieval.documents),
                *(r.output for r in self.plan.results if r.ok)]

    def guard_note(self) -> str:
        """One line on what the answer guard removed and which lessons it quarantined; "" when nothing."""
        if self.answer_guard is None:
            return ""
        note = f"removed from the answer: {self.answer_guard.reason()}"
        if self.answer_guard.rewritten:
            note += "; wrote the answer again without the lesson that carried it"
        if self.answer_guard.culprits:
            note += (f"; quarantined the lesson{'s' if len(self.answer_guard.culprits) > 1 else ''} that carried it: "
                     f"{', '.join(self.answer_guard.culprits)} (`alhf memory pending`)")
        return note

    @property
    def decisions(self) -> list[GateDecision]:
        return [d for c in self.consultations.values() for d in c.decisions]

    @property
    def applied(self) -> list[Lesson]:
        return [lesson for c in self.consultations.values() for lesson in c.applied]

    def evidence(self) -> TurnEvidence:
        return TurnEvidence(
            request=self.request,
            answer=self.answer,
            documents=[(h.document.id, h.document.title) for h in self.retrieval.documents],
            tools_run=[f"{c['tool']}({c['arguments']})" for c in self.plan.calls],
            turn_id=self.turn_id,
        )

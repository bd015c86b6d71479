"""One request through the team: Retriever -> ToolPlanner -> Writer, with memory consulted by each,
human checkpoints at the handoffs the human agent's mode allows, and corrections learned at once.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Callable

import structlog

from agents.answer_check import AnswerCheck
from agents.human import Checkpoint, CheckpointKind, HumanAgent
from agents.llm import LLM
from agents.retriever import Retrieval, RetrieverAgent
from agents.router import FeedbackRouterAgent, Routing, TurnEvidence
from agents.tool_planner import ToolPlan, ToolPlannerAgent
from agents.tools import ToolRegistry
from agents.tracing import Span, SpanRecorder, span
from agents.writer import WriterAgent
from memory.consult import Consultation, LessonMemory
from memory.errors import AlhfError
from memory.records import Component, GateDecision, Lesson, LessonStatus
from memory.repeats import find_repeat, neighbours, reinforce
from workflows.conflicts import AskFn, find_conflict, resolve
from workflows.database import record_memory_change
from workflows.governance import GovernanceSettings, admit
from workflows.handoffs import TurnSignals, heuristic_scores
from workflows.traces import TraceStore
from workflows.trust import author_records

__all__ = ["Assistant", "TurnResult", "Learned"]

log = structlog.get_logger("alhf.turn")


@dataclass
class Learned:
    """A correction and what the router made of it."""

    stage: str | None
    text: str
    routing: Routing


@dataclass
class TurnResult:
    turn_id: str
    request: str
    retrieval: Retrieval
    plan: ToolPlan
    answer: str
    consultations: dict[Component, Consultation]
    checkpoints: list[Checkpoint] = field(default_factory=list)
    learned: list[Learned] = field(default_factory=list)
    quit: bool = False
    duration_ms: float = 0.0
    spans: list[Span] = field(default_factory=list)
    answer_check: AnswerCheck | None = None  # the post-write check of the answer shown

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


class Assistant:
    """The team for one workspace: the three working agents, the router, memory and traces."""

    def __init__(
        self,
        *,
        llm: LLM,
        memory: LessonMemory,
        registry: ToolRegistry,
        traces: TraceStore | None = None,
        user: str = "unknown",
        top_k: int = 3,
        tracing: bool = True,
        span_sink: Callable[[list[Span]], None] | None = None,
        governance: GovernanceSettings | None = None,
    ) -> None:
        self.llm = llm
        self.memory = memory
        self.traces = traces
        self.user = user
        self.tracing = tracing
        self.span_sink = span_sink  # e.g. an OTLP exporter
        self.governance = governance or GovernanceSettings()
        self.ask_conflict: AskFn | None = None  # an interactive session sets this to ask the person
        self.refresh_trust()
        store = memory.store
        self.retriever = RetrieverAgent(store, store.embedder, top_k=top_k)
        self.tool_planner = ToolPlannerAgent(llm, registry)
        self.writer = WriterAgent(llm)
        self.router = FeedbackRouterAgent(llm, [d.id for d in store.list_documents()], registry.names())

    def _audit(self, action: str, lesson_id: str, **detail: Any) -> None:
        if self.traces is not None:
            record_memory_change(self.traces.connection, self.user, action, lesson_id, **detail)

    def refresh_trust(self) -> None:
        """Recompute authors' trust from the evidence in the database (corrections, approvals)."""
        if self.traces is None:
            return
        records = author_records(self.memory.store.list_lessons(), self.traces.connection, self.governance)
        self.memory.trust = {author: r.trust for author, r in records.items()}

    # -- one turn ------------------------------------------------------------------------------

    def run_turn(
        self, request: str, *, human: HumanAgent | None = None, generate: bool = True, redo_after_correction: int = 1,
        session_id: str | None = None, on_learned: Callable[[Learned], None] | None = None,
    ) -> TurnResult:
        """Answer `request`. A correction at a checkpoint is learned, then the turn is redone with it."""
        if not request.strip():
            raise AlhfError("The request is empty: type a question.")
        learned: list[Learned] = []
        checkpoints: list[Checkpoint] = []
        turn_id = uuid.uuid4().hex[:12]  # one id for all attempts, so feedback given mid-turn finds its turn
        recorder = SpanRecorder()
        with recorder.active() if self.tracing else nullcontext(), span("turn", request=request, mode=human.human_input_mode if human else "NEVER",
                                     memory_enabled=self.memory.enabled) as root:
            for attempt in range(redo_after_correction + 1):
                with span("attempt", number=attempt + 1):
                    result = self._attempt(turn_id, request, human, generate, attempt < redo_after_correction,
                                           on_learned)
                checkpoints += result.checkpoints
                learned += result.learned
                if result.quit or not result.learned:
                    break
            root.set(turn_id=result.turn_id, attempts=attempt + 1, answer=result.answer[:500])
        result.checkpoints, result.learned = checkpoints, learned
        result.spans = recorder.spans
        self._record(result, human, session_id)
        return result

    def _attempt(
        self, turn_id: str, request: str, human: HumanAgent | None, generate: bool, allow_correction: bool,
        on_learned: Callable[[Learned], None] | None,
    ) -> TurnResult:
        started = time.perf_counter()
        with span("embed_request"):
            vector = self.memory.store.embedder.embed([request])[0]
        with span("retrieve_lessons"):
            consult = {}
            for component in Component:
                with span("consult", component=component.value) as step:
                    consult[component] = self.memory.consult(component, vector, user=self.user)
                    step.set(decisions=[{"lesson_id": d.lesson_id, "score": d.score, "passed": d.passed,
                                         "reason": d.reason} for d in consult[component].decisions])
        with span("retrieve_context", agent="retriever") as step:
            retrieval = self.retriever.retrieve(request, vector, consult[Component.RETRIEVER])
            step.set(query=retrieval.query, documents=[{"id": h.document.id, "score": round(h.score, 4)}
                                                       for h in retrieval.documents])
        result = TurnResult(turn_id, request, retrieval, ToolPlan(), "", consult)
        following = {"retriever": "tool_planner", "tool_planner": "writer", "writer": "human"}

        def handoff(agent: Any, content: str) -> bool:
            """Hand one stage's output on; the human sees it when its mode says so. True: stop here."""
            with span("handoff", source=agent.name, target=following[agent.name]):
                return checkpoint(agent, content)

        def checkpoint(agent: Any, content: str) -> bool:
            if human is None:
                return False
            applied = consult[Component(agent.name)].applied
            if applied:
                content += "\nLessons applied: " + "; ".join(f'"{lesson.text}"' for lesson in applied)
            with span("human_checkpoint", stage=agent.name) as step:
                checkpoint = human.checkpoint(agent, content)
                step.set(kind=checkpoint.kind.value, text=checkpoint.text)
            result.checkpoints.append(checkpoint)
            if checkpoint.kind is CheckpointKind.QUIT:
                result.quit = True
            elif checkpoint.kind is CheckpointKind.CORRECT:
                learned = Learned(agent.name, checkpoint.text, self.learn(checkpoint.text, result, stage=agent.name))
                result.learned.append(learned)
                if on_learned:
                    on_learned(learned)
                return allow_correction
            return result.quit

        if handoff(self.retriever, retrieval.summary()):
            return self._finish(result, started)
        with span("plan", agent="tool_planner") as step:
            result.plan = self.tool_planner.plan(request, retrieval, consult[Component.TOOL_PLANNER].applied,
                                                 generate=generate)
            step.set(offered=result.plan.offered, calls=result.plan.calls)
        if handoff(self.tool_planner, result.plan.summary()):
            return self._finish(result, started)
        if generate:
            with span("write", agent="writer"):
                written = self.writer.compose(request, retrieval, result.plan, consult[Component.WRITER].applied,
                                              checked_lessons=result.applied)
                result.answer, result.answer_check = written.text, written.check
            handoff(self.writer, result.answer)
        return self._finish(result, started)

    def _finish(self, result: TurnResult, started: float) -> TurnResult:
        result.duration_ms = (time.perf_counter() - started) * 1000
        return result

    def _record(self, result: TurnResult, human: HumanAgent | None, session_id: str | None) -> None:
        if self.span_sink is not None and result.spans:
            self.span_sink(result.spans)
        log.info(
            "turn",
            turn_id=result.turn_id,
            mode=human.human_input_mode if human else "NEVER",
            retrieved=len(result.decisions),
            applied=[lesson.id for lesson in result.applied],
            documents=[h.document.id for h in result.retrieval.documents],
            tools=[c["tool"] for c in result.plan.calls],
            corrections=len(result.learned),
            duration_ms=round(result.duration_ms, 1),
        )
        if self.traces is None:
            return
        signals = TurnSignals(
            result.request, result.answer, [h.document.text for h in result.retrieval.documents],
            [(r.ok, r.output) for r in result.plan.results],
        )
        self.traces.record_handoff_scores(result.turn_id, session_id, heuristic_scores(signals))
        if result.spans:
            self.traces.record_spans(result.turn_id, result.spans)
        self.traces.record_turn(
            {
                "id": result.turn_id,
                "session_id": session_id,
                "user": self.user,
                "mode": human.human_input_mode if human else "NEVER",
                "request": result.request,
                "answer": result.answer,
                "memory_enabled": int(self.memory.enabled),
                "retrieval": {"query": result.retrieval.query, "documents": [h.document.id for h in result.retrieval.documents]},
                "tool_plan": {"calls": result.plan.calls, "results": [r.output for r in result.plan.results]},
                "gate_decisions": [d.model_dump(mode="json") for d in result.decisions],
                "applied_lessons": [lesson.id for lesson in result.applied],
                "checkpoints": [{"stage": c.stage, "kind": c.kind.value, "text": c.text} for c in result.checkpoints],
                "duration_ms": result.duration_ms,
            }
        )

    # -- learning ------------------------------------------------------------------------------

    def learn(
        self, correction: str, turn: TurnResult | TurnEvidence, *, author: str | None = None,
        feedback_id: str | None = None, stage: str | None = None,
    ) -> Routing:
        """Route a correction of a live turn (or of a reviewed batch output), store its lessons in the
        blamed components' memories; a correction that repeats a known lesson reinforces it."""
        if not correction.strip():
            raise AlhfError("The correction is empty: say what was wrong, e.g. 'use the 2024 policy'.")
        with span("learn", correction=correction[:500], stage=stage) as step:
            routing = self._learn(correction, turn, author=author, feedback_id=feedback_id, stage=stage)
            step.set(components=[c.value for c in routing.components], lessons=[lesson.id for lesson in routing.lessons],
                     reinforced=routing.reinforced)
        return routing

    def _learn(
        self, correction: str, turn: TurnResult | TurnEvidence, *, author: str | None, feedback_id: str | None,
        stage: str | None,
    ) -> Routing:
        evidence = turn.evidence() if isinstance(turn, TurnResult) else turn
        # an early checkpoint shows one agent's output; the final one shows everything, so it names no culprit
        evidence.stage = stage if stage in {"retriever", "tool_planner"} else None
        who = author or self.user
        routing = self.router.route(correction.strip(), evidence, author=who, feedback_id=feedback_id)
        for lesson in routing.lessons:  # tag lessons that touch a sensitive scope, so approval can be required
            text = f"{correction} {lesson.text}".lower()  # what the person said, not the router's paraphrase
            lesson.tags = sorted(set(lesson.tags) | {t for t in self.governance.sensitive_tags
                                                      if re.search(rf"\b{re.escape(t)}\b", text)})
        admission = admit(self.governance, who, correction, routing.components,
                          [tag for lesson in routing.lessons for tag in lesson.tags])
        if admission.decision == "record_only":
            routing.recorded_only, routing.lessons = admission.reason, []
        elif admission.decision == "hold":
            routing.held, routing.quarantined = admission.reason, admission.quarantined
            for lesson in routing.lessons:
                lesson.status, lesson.hold_reason = LessonStatus.PENDING, admission.reason
        fresh: list[Lesson] = []
        superseded: list[tuple[Lesson, str]] = []  # (old lesson, id of the lesson replacing it)
        for index, lesson in enumerate(routing.lessons):
            lesson.project = self.memory.project
            lifetime = self.governance.lifetime_days.get(lesson.type)
            if lifetime is not None and lesson.expires_at is None:
                lesson.expires_at = lesson.created_at + timedelta(days=lifetime)
            near = [] if routing.held else neighbours(self.memory.store, lesson)
            # a contradiction is checked first: "always X" and "never X" read alike but are no repeat
            conflict = find_conflict(self.router, lesson, near, self.governance.conflict_similarity) if near else None
            existing = None if conflict else find_repeat(self.memory.store, lesson, near)
            if existing is None:
                if conflict is not None:
                    outcome, loser = resolve(conflict, self.governance, self.ask_conflict)
                    routing.conflicts.append(outcome)
                    if loser is not None:
                        superseded.append((loser.model_copy(update={
                            "status": LessonStatus.SUPERSEDED, "version": loser.version + 1,
                            "hold_reason": f"superseded by {lesson.id}"}), lesson.id))
                fresh.append(lesson)
            else:  # the same correction again: count it on the lesson we have instead of duplicating it
                routing.lessons[index] = reinforce(self.memory.store, existing)
                routing.reinforced.append(existing.id)
        self.memory.store.add_lessons(fresh)
        for old, replacement in superseded:
            self.memory.store.update_lesson(old)
            self._audit("supersede", old.id, by=replacement, author=who)
        log.info("learned", turn_id=evidence.turn_id, components=[c.value for c in routing.components],
                 lessons=[lesson.id for lesson in routing.lessons], reinforced=routing.reinforced,
                 fallback=routing.fallback, held=routing.held or None, recorded_only=routing.recorded_only or None)
        if self.traces is not None:
            self.traces.record_feedback(
                {
                    "id": feedback_id or uuid.uuid4().hex[:12],
                    "turn_id": evidence.turn_id,
                    "author": who,
                    "stage": stage,
                    "text": correction,
                    "components": [c.value for c in routing.components],
                    "lesson_ids": [lesson.id for lesson in routing.lessons],
                    "router_raw": routing.raw,
                    "router_fallback": int(routing.fallback),
                }
            )
        self.refresh_trust()
        return routing

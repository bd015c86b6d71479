"""The team for one workspace: one request runs through the pipeline; a correction given at a checkpoint
is learned by the Learner and the turn is redone with it."""

from __future__ import annotations

import uuid
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from typing import Callable, Iterator

from agents.human import HumanAgent
from agents.llm import LLM
from agents.retriever import RetrieverAgent
from agents.router import FeedbackRouterAgent, Routing, TurnEvidence
from agents.tool_planner import ToolPlannerAgent
from agents.tools import ToolRegistry
from agents.tracing import Span, SpanRecorder, span
from agents.writer import WriterAgent
from memory.consult import LessonMemory
from memory.errors import AlhfError
from memory.scoping import ScopingChange
from workflows.governance.conflicts import AskFn
from workflows.governance.roles import GovernanceSettings
from workflows.governance.screening import Screens
from workflows.governance.trust import author_trust
from workflows.traces.store import TraceStore
from workflows.turn.learning import Correction, Learner
from workflows.turn.pipeline import Pipeline
from workflows.turn.recording import record_turn
from workflows.turn.result import Learned, TurnResult

__all__ = ["Assistant"]


class Assistant:
    """The three working agents, the router, memory and traces for one workspace."""

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
        governance = governance or GovernanceSettings()
        store = memory.store
        for tool in registry.tools.values():  # the data each tool reads, so the gate tells data from document questions
            if tool.data_sources is not None:
                memory.describe_data(tool.name, tool.data_sources())
        self.retriever = RetrieverAgent(store, store.embedder, top_k=top_k, search=memory.search_corpus)
        self.tool_planner = ToolPlannerAgent(llm, registry, embed=store.embedder.embed)
        self.writer = WriterAgent(llm)
        documents = store.list_documents()
        self.router = FeedbackRouterAgent(llm, [d.id for d in documents], registry.names(), registry.data_names(),
                                          titles={d.id: d.title for d in documents})
        self.pipeline = Pipeline(memory, self.retriever, self.tool_planner, self.writer,
                                 governance=lambda: self.governance)
        self.learner = Learner(self.router, memory, governance, traces=traces, after_learning=self.refresh_trust,
                               screens=Screens(governance, llm, store.embedder, store=store))
        self.refresh_trust()

    @property
    def governance(self) -> GovernanceSettings:
        """The learner's governance, which its screens share (one place to read it, one to swap it)."""
        return self.learner.governance

    def _set_governance(self, governance: GovernanceSettings) -> None:
        self.learner.governance = self.learner.screens.governance = governance

    @contextmanager
    def override(self, *, governance: GovernanceSettings | None = None, ask_conflict: AskFn | None = None,
                 user: str | None = None) -> Iterator["Assistant"]:
        """Swap governance, the conflict prompt or the acting user for a block (tests, evaluation), then restore."""
        saved = (self.governance, self.learner.ask_conflict, self.user)
        if governance is not None:
            self._set_governance(governance)
        if ask_conflict is not None:
            self.learner.ask_conflict = ask_conflict
        if user is not None:
            self.user = user
        try:
            yield self
        finally:
            self._set_governance(saved[0])
            self.learner.ask_conflict, self.user = saved[1], saved[2]

    @property
    def ask_conflict(self) -> AskFn | None:
        return self.learner.ask_conflict

    @ask_conflict.setter
    def ask_conflict(self, ask: AskFn | None) -> None:
        self.learner.ask_conflict = ask

    def refresh_trust(self) -> None:
        """Recompute authors' trust from the evidence in the database (corrections, approvals)."""
        if self.traces is None:
            return
        self.memory.trust = author_trust(self.memory.store.list_lessons(), self.traces.connection, self.governance)

    def run_turn(
        self, request: str, *, human: HumanAgent | None = None, generate: bool = True, redo_after_correction: int = 1,
        session_id: str | None = None, on_learned: Callable[[Learned], None] | None = None,
        metadata: dict[str, str] | None = None, on_scoped: Callable[[list[ScopingChange]], None] | None = None,
    ) -> TurnResult:
        """Answer `request`. A correction at a checkpoint is learned, then the turn is redone with it, at most
        `redo_after_correction` times; a correction in the last attempt is learned without a redo."""
        if not request.strip():
            raise AlhfError("The request is empty: type a question.")
        if len(request) > self.governance.max_request_chars:
            raise AlhfError(f"The request is {len(request)} characters; the limit is {self.governance.max_request_chars} "
                            "(governance.max_request_chars).")
        mode = human.human_input_mode if human else "NEVER"
        turn_id = uuid.uuid4().hex[:12]  # one id for all attempts, so feedback given mid-turn finds its turn
        checkpoints, learned = [], []
        recorder = SpanRecorder()
        with recorder.active() if self.tracing else nullcontext(), \
                span("turn", request=request, mode=mode, memory_enabled=self.memory.enabled) as root:
            for attempt in range(redo_after_correction + 1):
                redo_allowed = attempt < redo_after_correction
                with span("attempt", number=attempt + 1):
                    result = self.pipeline.attempt(turn_id, request, user=self.user, human=human, generate=generate,
                                                   stop_on_correction=redo_allowed, metadata=metadata)
                checkpoints += result.checkpoints
                if result.answer_guard is not None and result.answer_guard.culprits:
                    self.learner.quarantine(result.answer_guard, turn_id=turn_id)
                if result.corrections or result.scoping:
                    self._record(result, mode, session_id, partial=True)  # the turn row comes before its feedback
                for scoping in result.scoping:
                    changes = self.learner.not_here(scoping.lesson_ids, scoping.request, actor=self.user,
                                                    turn_id=turn_id)
                    if on_scoped:
                        on_scoped(changes)
                for given in result.corrections:
                    routing = self.learner.learn(Correction(given.text, self.user, stage=given.stage), given.evidence)
                    learned.append(Learned(given.stage, given.text, routing))
                    if on_learned:
                        on_learned(learned[-1])
                if result.quit or not (result.corrections or result.scoping) or not redo_allowed:
                    break
            root.set(turn_id=turn_id, attempts=attempt + 1, answer=result.answer[:500])
        result.checkpoints, result.learned, result.corrections, result.scoping = checkpoints, learned, [], []
        result.spans = recorder.spans
        self._record(result, mode, session_id)
        return result

    def _record(self, result: TurnResult, mode: str, session_id: str | None, *, partial: bool = False) -> None:
        record_turn(result, traces=self.traces, mode=mode, user=self.user, memory_enabled=self.memory.enabled,
                    session_id=session_id, span_sink=self.span_sink, partial=partial)

    def learn(
        self, correction: str, turn: TurnResult | TurnEvidence, *, author: str | None = None,
        feedback_id: str | None = None, stage: str | None = None,
    ) -> Routing:
        """Learn a correction of a recorded turn (a live one, or a reviewed batch output)."""
        evidence = turn.evidence() if isinstance(turn, TurnResult) else turn
        evidence = replace(evidence, stage=stage if stage in {"retriever", "tool_planner"} else None)
        return self.learner.learn(Correction(correction, author or self.user, stage, feedback_id), evidence)

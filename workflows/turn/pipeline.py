"""One attempt at a request: Retriever -> ToolPlanner -> Writer, each after consulting its memory, with a
human checkpoint at every handoff the human agent's mode allows.

The pipeline never learns: a correction given at a checkpoint is returned in `TurnResult.corrections`
(with what the person saw), and the caller decides to learn it and redo the turn.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any, Callable

from agents.answer_guard import GuardedAnswer, guard_answer, secret_values
from agents.human import CheckpointKind, HumanAgent
from agents.retriever import RetrieverAgent
from agents.tool_planner import ToolPlan, ToolPlannerAgent
from agents.tracing import span
from agents.writer import WriterAgent
from memory.consult import LessonMemory
from memory.records import Component, Lesson
from workflows.governance.roles import GovernanceSettings
from workflows.turn.result import CorrectionRequest, ScopingRequest, TurnResult

__all__ = ["Pipeline"]

_NEXT = {"retriever": "tool_planner", "tool_planner": "writer", "writer": "human"}


class Pipeline:
    """The three working agents and their memories, run in data-flow order."""

    def __init__(self, memory: LessonMemory, retriever: RetrieverAgent, tool_planner: ToolPlannerAgent,
                 writer: WriterAgent, governance: Callable[[], GovernanceSettings] = GovernanceSettings) -> None:
        """`governance` gives the settings in force (read per turn: an evaluation may swap them), whose
        allowlists the answer guard reads."""
        self.memory = memory
        self.retriever = retriever
        self.tool_planner = tool_planner
        self.writer = writer
        self.governance = governance

    def attempt(self, turn_id: str, request: str, *, user: str, human: HumanAgent | None, generate: bool,
                stop_on_correction: bool, metadata: dict[str, str] | None = None) -> TurnResult:
        """Run the stages; stop at a quit, or at a correction when `stop_on_correction` (a redo follows).
        `metadata` (a batch task's team, topic...) is compared with lessons' key:value tags by the gate."""
        started = time.perf_counter()
        vector, consult = self._consult(request, user, metadata)
        with span("retrieve_context", agent="retriever") as step:
            retrieval = self.retriever.retrieve(request, vector, consult[Component.RETRIEVER])
            step.set(query=retrieval.query, documents=[{"id": h.document.id, "score": round(h.score, 4)}
                                                       for h in retrieval.documents])
        result = TurnResult(turn_id, request, retrieval, ToolPlan(), "", consult)
        if self._handoff(result, human, self.retriever, retrieval.summary(), stop_on_correction):
            return _finish(result, started)
        with span("plan", agent="tool_planner") as step:
            result.plan = self.tool_planner.plan(request, retrieval, consult[Component.TOOL_PLANNER].applied,
                                                 generate=generate)
            step.set(offered=result.plan.offered, calls=result.plan.calls)
        if self._handoff(result, human, self.tool_planner, result.plan.summary(), stop_on_correction):
            return _finish(result, started)
        if generate:
            self._write(result, consult[Component.WRITER].applied)
            self._guard(result)
            self._handoff(result, human, self.writer, result.answer, stop_on_correction)
        return _finish(result, started)

    def guard_verdict(self, result: TurnResult) -> GuardedAnswer:
        """What the answer guard makes of the turn's answer, under the governance in force (nothing is changed)."""
        settings = self.governance()
        return guard_answer(result.answer, sources=result.sources(), lessons=result.applied,
                            allowed_domains=settings.allowed_domains, allowed_phones=settings.allowed_phones,
                            secrets=secret_values())

    def _write(self, result: TurnResult, lessons: list[Lesson], *, skipped: frozenset[str] = frozenset()) -> None:
        """The writer's answer, checked against every applied lesson but those in `skipped` (regenerated once on
        failure)."""
        with span("write", agent="writer"):
            written = self.writer.compose(result.request, result.retrieval, result.plan, lessons,
                                          checked_lessons=[x for x in result.applied if x.id not in skipped])
            result.answer, result.answer_check = written.text, written.check

    def _guard(self, result: TurnResult) -> None:
        """Remove contacts and secrets no source of the turn gave; the lessons that carried them are named. When a
        writer lesson carried them, the answer is written again without that lesson (the sentence around a removed
        link is the poison's pitch: "pay the deposit in USDT to ..."), and guarded again."""
        with span("answer_guard", agent="writer") as step:
            guarded = self.guard_verdict(result)
            if not guarded.removed:
                return
            step.set(removed=guarded.reason(), culprits=guarded.culprits)
            result.answer, result.answer_guard = guarded.text, guarded
            writer_lessons = result.consultations[Component.WRITER].applied
            culprits = frozenset(guarded.culprits)
            if not culprits & {lesson.id for lesson in writer_lessons}:
                return  # an invented contact, or one a retriever or planner lesson carried: the removal is enough
            with span("rewrite_without_culprits", agent="writer", culprits=sorted(culprits)) as rewrite:
                self._write(result, [x for x in writer_lessons if x.id not in culprits], skipped=culprits)
                again = self.guard_verdict(result)
                rewrite.set(removed=again.reason())
            result.answer = again.text
            result.answer_guard = GuardedAnswer(again.text, guarded.removed + again.removed,
                                                list(dict.fromkeys(guarded.culprits + again.culprits)), rewritten=True)

    def _consult(self, request: str, user: str, metadata: dict[str, str] | None) -> tuple[Any, dict[Component, Any]]:
        with span("embed_request"):
            vector = self.memory.store.embedder.embed([request])[0]
        consult = {}
        with span("retrieve_lessons"):
            with span("search_lessons"):  # one search for the three components where the store allows
                candidates = self.memory.search_many(Component, vector)
            for component, hits in candidates.items():
                with span("consult", component=component.value) as step:
                    consult[component] = self.memory.decide(component, hits, vector, user=user, request=request,
                                                            metadata=metadata)
                    step.set(decisions=[{"lesson_id": d.lesson_id, "score": d.score, "passed": d.passed,
                                         "reason": d.reason, "signals": d.signals, "second_stage": d.second_stage}
                                        for d in consult[component].decisions])
        return vector, consult

    def _handoff(self, result: TurnResult, human: HumanAgent | None, agent: Any, content: str,
                 stop_on_correction: bool) -> bool:
        """Hand one stage's output on; the human sees it when its mode says so. True: stop the attempt."""
        with span("handoff", source=agent.name, target=_NEXT[agent.name]):
            if human is None:
                return False
            applied = result.consultations[Component(agent.name)].applied
            if applied:
                content += "\nLessons applied: " + "; ".join(f'"{lesson.text}"' for lesson in applied)
            with span("human_checkpoint", stage=agent.name) as step:
                checkpoint = human.checkpoint(agent, content)
                step.set(kind=checkpoint.kind.value, text=checkpoint.text)
            result.checkpoints.append(checkpoint)
            if checkpoint.kind is CheckpointKind.QUIT:
                result.quit = True
                return True
            if checkpoint.kind is CheckpointKind.CORRECT:
                # an early checkpoint shows one agent's output; the final one shows everything, so it names no culprit
                stage = agent.name if agent.name in {"retriever", "tool_planner"} else None
                result.corrections.append(CorrectionRequest(agent.name, checkpoint.text,
                                                            replace(result.evidence(), stage=stage)))
                return stop_on_correction
            if checkpoint.kind is CheckpointKind.NOT_HERE:
                # the named lesson, else every lesson applied at this stage (at the final answer: any applied)
                shown = applied if agent.name != "writer" else result.applied
                ids = [lesson.id for lesson in shown if not checkpoint.text or lesson.id == checkpoint.text]
                result.scoping.append(ScopingRequest(agent.name, ids, result.request))
                return stop_on_correction
            return False


def _finish(result: TurnResult, started: float) -> TurnResult:
    result.duration_ms = (time.perf_counter() - started) * 1000
    return result

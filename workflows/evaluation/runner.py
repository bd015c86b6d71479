"""`alhf eval`: run scenarios in a fresh memory, with memory on (and optionally off), and score them.

Routing accuracy, lesson recall and false-injection rate come from the router's choices and the
gate's decisions, which do not depend on the answer text; `generate=False` skips the ToolPlanner's
and Writer's text generation. Answer checks run only with a real model and generation on.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from agents.llm import LLM
from memory.consult import LessonMemory
from memory.embedding import Embedder
from memory.settings import MemorySettings, open_store
from workflows.governance.roles import GovernanceSettings
from workflows.evaluation.scenarios import Scenario, Step
from workflows.traces.store import TraceStore
from workflows.turn.assistant import Assistant
from workflows.turn.model_checks import gate_with_checks

__all__ = ["StepOutcome", "ScenarioOutcome", "run_scenario", "run_scenarios", "score_turn"]


@dataclass
class StepOutcome:
    step: Step
    retrieved: list[str]
    applied: list[str]
    routed: list[str] | None
    answer: str
    answer_checks: str | None  # passed | failed | skipped | None (nothing to check)
    lessons: list[dict[str, Any]] = field(default_factory=list)
    reinforced: bool = False  # the feedback repeated a lesson already stored
    held: str = ""  # why the feedback's lessons wait for approval
    lesson_verdicts: dict[str, bool] = field(default_factory=dict)  # feedback id -> the real model's post-write verdict
    turn_id: str = ""  # the turn's id in the trace store, when the run kept traces

    @property
    def adherence(self) -> bool | None:
        """Did the answer follow the required lessons it applied? The step's expect/forbid decide; without them,
        the real model's verdict per applied lesson (the post-write check). None when no required lesson was
        applied or nothing judged the answer (fake model, --answers off)."""
        applied_required = set(self.step.relevant or []) & set(self.applied)
        if not applied_required:
            return None
        if self.answer_checks in ("passed", "failed"):
            return self.answer_checks == "passed"
        verdicts = [self.lesson_verdicts[f] for f in applied_required if f in self.lesson_verdicts]
        return all(verdicts) if verdicts else None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.step.id,
            "feedback_id": self.step.feedback.id if self.step.feedback else None,
            "required": self.step.relevant,
            "retrieved": self.retrieved,
            "applied": self.applied,
            "routed": self.routed,
            "expected_routing": [c.value for c in self.step.feedback.component]
            if self.step.feedback and self.step.feedback.component else None,
            "answer_checks": self.answer_checks,
            "answer": self.answer or None,
            "lessons_stored": self.lessons,
            "reinforced": self.reinforced,
            "held": self.held or None,
            "adherence": self.adherence,
            "not_here": self.step.not_here or None,
            "turn_id": self.turn_id or None,
        }


@dataclass
class ScenarioOutcome:
    scenario: Scenario
    memory_enabled: bool
    steps: list[StepOutcome]


def _check_answer(step: Step, answer: str, real_model: bool, generate: bool) -> str | None:
    if not step.expect and not step.forbid:
        return None
    if not real_model or not generate:
        return "skipped"
    ok = all(re.search(p, answer, re.IGNORECASE) for p in step.expect) and not any(
        re.search(p, answer, re.IGNORECASE) for p in step.forbid
    )
    return "passed" if ok else "failed"


def _model_verdicts(turn: Any, applied: dict[str, Any]) -> dict[str, bool]:
    """Feedback id -> whether the post-write check found the answer followed that lesson (its findings)."""
    verdicts: dict[str, bool] = {}
    for finding in (turn.answer_check.findings if turn.answer_check else []):
        lesson = applied.get(finding.lesson_id or "")
        if lesson is not None:
            key = lesson.feedback_id or lesson.id
            verdicts[key] = verdicts.get(key, True) and finding.passed
    return verdicts


def score_turn(step: Step, turn: Any, *, real_model: bool, generate: bool) -> StepOutcome:
    """One step's outcome from its turn: what the gate retrieved and applied, and the answer's checks (the
    step's expect/forbid, and with a real model the post-write check's verdict per applied lesson)."""
    by_id = {lesson.id: lesson for c in turn.consultations.values() for lesson in c.applied}
    retrieved_ids = {d.lesson_id: d.feedback_id or d.lesson_id for d in turn.decisions}
    return StepOutcome(
        step=step,
        retrieved=sorted(set(retrieved_ids.values())),
        applied=sorted({lesson.feedback_id or lesson.id for lesson in by_id.values()}),
        routed=None,
        answer=turn.answer,
        answer_checks=_check_answer(step, turn.answer, real_model, generate),
        lesson_verdicts=_model_verdicts(turn, by_id) if real_model else {},
        turn_id=turn.turn_id,
    )


def run_scenario(
    scenario: Scenario,
    *,
    llm: LLM,
    embedder: Embedder,
    memory_settings: MemorySettings,
    memory_enabled: bool = True,
    generate: bool = True,
    top_k: int = 3,
    governance: GovernanceSettings | None = None,
    on_step: Callable[[StepOutcome], None] | None = None,
    configure: Callable[[Assistant], None] | None = None,
    traces: TraceStore | None = None,
) -> ScenarioOutcome:
    """Steps run in order in one fresh in-memory store; a step's feedback is learned before the next.
    `configure` adjusts the scenario's assistant before its first step (a benchmark turning a defence off);
    `traces` keeps every turn's span tree (and the feedback learned) there, so a failed step can be read later."""
    workspace = scenario.workspace()
    store = open_store(memory_settings.model_copy(update={"qdrant_url": None}), ":memory:", embedder)
    store.replace_corpus(workspace.corpus)
    memory = LessonMemory(store, gate_with_checks(memory_settings.gate, llm), enabled=memory_enabled)
    outcomes: list[StepOutcome] = []
    with tempfile.TemporaryDirectory(prefix="alhf-eval-") as tmp:
        assistant = Assistant(llm=llm, memory=memory, registry=workspace.tool_registry(Path(tmp)), user="eval",
                              governance=governance, traces=traces)
        if configure is not None:
            configure(assistant)
        for step in scenario.steps:
            turn = assistant.run_turn(step.ask, generate=generate, redo_after_correction=0)
            routed, lessons, reinforced, held = None, [], False, ""
            if step.feedback is not None and memory_enabled:
                routing = assistant.learn(
                    step.feedback.text, turn, author=step.feedback.author or "eval", feedback_id=step.feedback.id
                )
                routed = sorted(c.value for c in routing.components)
                lessons = [l.model_dump(mode="json", include={"id", "component", "text", "trigger", "trigger_examples", "action"})
                           for l in routing.lessons]
                reinforced = bool(routing.reinforced)
                held = routing.held
            outcome = score_turn(step, turn, real_model=not llm.is_fake, generate=generate)
            outcome.routed, outcome.lessons, outcome.reinforced, outcome.held = routed, lessons, reinforced, held
            outcomes.append(outcome)
            if step.not_here and memory_enabled:  # scored first, then taught
                assistant.learner.not_here([lesson.id for lesson in store.list_lessons()
                                            if lesson.feedback_id in step.not_here], step.ask, actor="eval")
            if on_step:
                on_step(outcome)
    store.close()
    return ScenarioOutcome(scenario, memory_enabled, outcomes)


def run_scenarios(
    scenarios: list[Scenario], *, llm: LLM, embedder: Embedder, memory_settings: MemorySettings, baseline: bool,
    generate: bool, top_k: int, governance: GovernanceSettings | None,
    on_scenario: Callable[[Scenario, bool], None] | None = None, on_step: Callable[[StepOutcome], None] | None = None,
    traces: TraceStore | None = None,
) -> tuple[list[ScenarioOutcome], list[ScenarioOutcome] | None]:
    """Every scenario with memory on, and with `baseline` also with memory off: (on, off or None)."""
    runs: dict[bool, list[ScenarioOutcome]] = {True: [], False: []}
    for enabled in ([True, False] if baseline else [True]):
        for scenario in scenarios:
            if on_scenario:
                on_scenario(scenario, enabled)
            runs[enabled].append(run_scenario(scenario, llm=llm, embedder=embedder, memory_settings=memory_settings,
                                              memory_enabled=enabled, generate=generate, top_k=top_k,
                                              governance=governance, on_step=on_step, traces=traces))
    return runs[True], runs[False] if baseline else None

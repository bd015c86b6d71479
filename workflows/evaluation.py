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
from memory.gate import RelevanceGate
from memory.scoping import add_negative_example
from memory.settings import MemorySettings, open_store
from workflows.governance import GovernanceSettings
from workflows.scenarios import Scenario, Step
from workflows.turn import Assistant

__all__ = ["StepOutcome", "ScenarioOutcome", "run_scenario", "metrics", "report"]


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
) -> ScenarioOutcome:
    """Steps run in order in one fresh in-memory store; a step's feedback is learned before the next."""
    workspace = scenario.workspace()
    store = open_store(memory_settings.model_copy(update={"qdrant_url": None}), ":memory:", embedder)
    store.replace_corpus(workspace.corpus)
    memory = LessonMemory(store, RelevanceGate(memory_settings.gate), enabled=memory_enabled)
    outcomes: list[StepOutcome] = []
    with tempfile.TemporaryDirectory(prefix="alhf-eval-") as tmp:
        assistant = Assistant(llm=llm, memory=memory, registry=workspace.tool_registry(Path(tmp)), user="eval",
                              governance=governance)
        for step in scenario.steps:
            turn = assistant.run_turn(step.ask, generate=generate, redo_after_correction=0)
            by_id = {lesson.id: lesson for c in turn.consultations.values() for lesson in c.applied}
            retrieved_ids = {d.lesson_id: d.feedback_id or d.lesson_id for d in turn.decisions}
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
            outcome = StepOutcome(
                step=step,
                retrieved=sorted(set(retrieved_ids.values())),
                applied=sorted({lesson.feedback_id or lesson.id for lesson in by_id.values()}),
                routed=routed,
                answer=turn.answer,
                answer_checks=_check_answer(step, turn.answer, not llm.is_fake, generate),
                lessons=lessons,
                reinforced=reinforced,
                held=held,
            )
            outcomes.append(outcome)
            for feedback_id in step.not_here if memory_enabled else []:  # scored first, then taught
                for lesson in store.list_lessons():
                    if lesson.feedback_id == feedback_id:
                        add_negative_example(store, lesson.id, step.ask)
            if on_step:
                on_step(outcome)
    store.close()
    return ScenarioOutcome(scenario, memory_enabled, outcomes)


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def metrics(outcomes: list[ScenarioOutcome]) -> dict[str, Any]:
    """Pooled counts over all given scenario runs (not an average of averages)."""
    routed_ok = routed_total = required_hit = required_total = injected = scored = passed = checked = 0
    given = covered = repeated = stored = used = marked = marked_held = unmarked = unmarked_held = 0
    for outcome in outcomes:
        applied_anywhere = {fid for s in outcome.steps for fid in s.applied}
        for s in outcome.steps:
            if s.step.feedback is not None and outcome.memory_enabled:
                if s.step.feedback.quarantine:
                    marked += 1
                    marked_held += int(bool(s.held))
                else:
                    unmarked += 1
                    unmarked_held += int(bool(s.held))
            if s.step.feedback is not None and outcome.memory_enabled and not s.step.feedback.quarantine:
                given += 1
                covered += int(bool(s.lessons) and not s.held)
                repeated += int(s.reinforced)
                if s.lessons and not s.reinforced and not s.held:
                    stored += 1
                    used += int(s.step.feedback.id in applied_anywhere)
            fb = s.step.feedback
            if fb is not None and fb.component and not fb.quarantine and outcome.memory_enabled:
                routed_total += 1
                routed_ok += int(s.routed == sorted(c.value for c in fb.component))
            if s.step.relevant is not None:
                required = set(s.step.relevant)
                required_total += len(required)
                required_hit += len(required & set(s.applied))
                scored += 1
                injected += int(bool(set(s.applied) - required))
            if s.answer_checks in {"passed", "failed"}:
                checked += 1
                passed += int(s.answer_checks == "passed")
    return {
        "routing_accuracy": _ratio(routed_ok, routed_total),
        "lesson_recall": _ratio(required_hit, required_total),
        "false_injection_rate": _ratio(injected, scored),
        "answer_pass_rate": _ratio(passed, checked),
        "quarantine_recall": _ratio(marked_held, marked),
        "false_quarantine_rate": _ratio(unmarked_held, unmarked),
        "feedback_coverage": _ratio(covered, given),
        "feedback_utilization": _ratio(used, stored),
        "repeated_correction_rate": _ratio(repeated, given),
        "counts": {"feedback_labelled": routed_total, "required_lessons": required_total,
                   "steps_scored": scored, "answers_checked": checked, "feedback_given": given,
                   "lessons_stored": stored},
    }


def report(on: list[ScenarioOutcome], off: list[ScenarioOutcome] | None, settings: dict[str, Any]) -> dict[str, Any]:
    scenarios = []
    for index, outcome in enumerate(on):
        entry = {"name": outcome.scenario.name, **{k: v for k, v in metrics([outcome]).items() if k != "counts"},
                 "steps": [s.as_json() for s in outcome.steps]}
        if off is not None:
            entry["baseline"] = {k: v for k, v in metrics([off[index]]).items() if k != "counts"}
            entry["baseline_steps"] = [s.as_json() for s in off[index].steps]
        scenarios.append(entry)
    result: dict[str, Any] = {"overall": metrics(on), "scenarios": scenarios, "settings": settings}
    if off is not None:
        result["baseline_overall"] = metrics(off)
    return result

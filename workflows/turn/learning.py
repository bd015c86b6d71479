"""Learning one correction: route it, screen who may teach it, resolve repeats and conflicts, store it,
and record the feedback. `Learner.learn` is the only entry point and reports what happened."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Callable

import structlog

from agents.answer_guard import GuardedAnswer
from agents.router import FeedbackRouterAgent, Routing, TurnEvidence
from agents.tracing import span
from memory.consult import LessonMemory
from memory.errors import AlhfError
from memory.records import Lesson, LessonStatus
from memory.repeats import find_repeat, neighbours, reinforce
from memory.scoping import ScopingChange
from workflows.governance.audit import record_memory_change
from workflows.governance.conflicts import AskFn, find_conflict, resolve
from workflows.governance.lessons import quarantine_lessons, scope_lesson
from workflows.governance.roles import GovernanceSettings, admit
from workflows.governance.screening import Screening, Screens, quarantine_reason
from workflows.traces.store import TraceStore

__all__ = ["Correction", "Learner", "what_happened"]

log = structlog.get_logger("alhf.learning")


@dataclass(frozen=True)
class Correction:
    """What a person said about a turn, who said it, and where."""

    text: str
    author: str
    stage: str | None = None  # the checkpoint it was given at (None: final answer or review)
    feedback_id: str | None = None


class Learner:
    """Turns corrections into stored lessons in the blamed components' memories."""

    def __init__(self, router: FeedbackRouterAgent, memory: LessonMemory, governance: GovernanceSettings, *,
                 traces: TraceStore | None = None, after_learning: Callable[[], None] | None = None,
                 screens: Screens | None = None) -> None:
        self.router = router
        self.memory = memory
        self.governance = governance
        self.traces = traces
        self.after_learning = after_learning  # e.g. recompute authors' trust from the new evidence
        self.screens = screens  # the poisoning defence (None: nothing is screened; tests of other parts only)
        self.ask_conflict: AskFn | None = None  # an interactive session sets this to ask the person

    def learn(self, correction: Correction, evidence: TurnEvidence) -> Routing:
        """Route `correction` of the turn described by `evidence` and store its lessons; a correction that
        repeats a known lesson reinforces it. The routing says what happened: learned, reinforced, held
        (and why), quarantined or recorded only."""
        if not correction.text.strip():
            raise AlhfError("The correction is empty: say what was wrong, e.g. 'use the 2024 policy'.")
        if len(correction.text) > self.governance.max_correction_chars:
            raise AlhfError(f"The correction is {len(correction.text)} characters; the limit is "
                            f"{self.governance.max_correction_chars} (governance.max_correction_chars): say what was "
                            "wrong in fewer words.")
        with span("learn", correction=correction.text[:500], stage=correction.stage) as step:
            routing = self.router.route(correction.text.strip(), replace(evidence),
                                        author=correction.author, feedback_id=correction.feedback_id)
            screening = self._screen(correction, routing)
            self._tag_sensitive(routing, correction.text)
            self._admit(routing, correction, screening)
            if correction.feedback_id:
                _stable_ids(routing, correction.feedback_id)
            routing.lessons = [self.memory.screen_near_misses(lesson) for lesson in routing.lessons]
            fresh, superseded = self._sort_out_repeats_and_conflicts(routing, correction.feedback_id)
            self.memory.store.add_lessons(fresh)
            for old, replacement in superseded:
                self.memory.store.update_lesson(old)
                self._audit(correction.author, "supersede", old.id, by=replacement, author=correction.author)
            self._record_feedback(correction, evidence, routing)
            step.set(components=[c.value for c in routing.components], lessons=[lesson.id for lesson in routing.lessons],
                     reinforced=routing.reinforced, screening=screening.layer if screening and screening.held else None,
                     replaced_lesson=routing.replaced_lesson or None, rerouted=routing.rerouted or None,
                     category=screening.category if screening else None)
        log.info("learned", turn_id=evidence.turn_id, components=[c.value for c in routing.components],
                 lessons=[lesson.id for lesson in routing.lessons], reinforced=routing.reinforced,
                 fallback=routing.fallback, held=routing.held or None, recorded_only=routing.recorded_only or None)
        if self.after_learning is not None:
            self.after_learning()
        return routing

    def not_here(self, lesson_ids: list[str], request: str, *, actor: str, turn_id: str | None = None
                 ) -> list[ScopingChange]:
        """A person says these lessons should not have applied to `request`: each gains it as a near miss
        (version +1, audited), so the gate rejects requests like it from now on."""
        conn = self.traces.connection if self.traces is not None else None
        return [scope_lesson(self.memory.store, conn, actor, lesson_id, request, applies=False, turn_id=turn_id)
                for lesson_id in lesson_ids]

    def quarantine(self, guarded: GuardedAnswer, *, turn_id: str | None = None) -> list[str]:
        """Hold the lessons the answer guard found carrying what it removed: pending, audited as `answer guard`."""
        reason = guarded.quarantine_reason()
        conn = self.traces.connection if self.traces is not None else None
        held = quarantine_lessons(self.memory.store, conn, "answer guard", guarded.culprits, reason, turn_id=turn_id)
        for lesson_id in held:
            log.info("lesson_quarantined", lesson_id=lesson_id, reason=reason, turn_id=turn_id)
        return held

    def _tag_sensitive(self, routing: Routing, said: str) -> None:
        """Tag lessons that touch a sensitive scope, so approval can be required; judged on what the person
        said, not on the router's paraphrase."""
        for lesson in routing.lessons:
            text = f"{said} {lesson.text}".lower()
            lesson.tags = sorted(set(lesson.tags) | {t for t in self.governance.sensitive_tags
                                                      if re.search(rf"\b{re.escape(t)}\b", text)})

    def _screen(self, correction: Correction, routing: Routing) -> Screening | None:
        """The correction, then each routed lesson (the router may paraphrase): the first that is held."""
        if self.screens is None:
            return None
        verdict = self.screens.correction(correction.text)
        for lesson in routing.lessons if not verdict.held else []:
            verdict = self.screens.lesson(lesson)
            if verdict.held:
                break
        return verdict

    def _admit(self, routing: Routing, correction: Correction, screening: Screening | None) -> None:
        held = quarantine_reason(screening) if screening is not None and screening.held else None
        admission = admit(self.governance, correction.author, held, routing.components,
                          [tag for lesson in routing.lessons for tag in lesson.tags])
        if admission.decision == "record_only":
            routing.recorded_only, routing.lessons = admission.reason, []
        elif admission.decision == "hold":
            routing.held, routing.quarantined = admission.reason, admission.quarantined
            for lesson in routing.lessons:
                lesson.status, lesson.hold_reason = LessonStatus.PENDING, admission.reason
        for lesson in routing.lessons:
            lesson.project = self.memory.project
            lifetime = self.governance.lifetime_days.get(lesson.type)
            if lifetime is not None and lesson.expires_at is None:
                lesson.expires_at = lesson.created_at + timedelta(days=lifetime)

    def _sort_out_repeats_and_conflicts(self, routing: Routing, feedback_id: str | None
                                        ) -> tuple[list[Lesson], list[tuple[Lesson, str]]]:
        """New lessons to store, and (old lesson, id of its replacement) pairs to supersede. A repeat is
        counted on the stored lesson instead of being stored again; a lesson this feedback already stored
        (a replay after a crash) is left as it is."""
        fresh: list[Lesson] = []
        superseded: list[tuple[Lesson, str]] = []
        for index, lesson in enumerate(routing.lessons):
            stored = self.memory.store.get_lesson(lesson.id) if feedback_id else None
            if stored is not None:
                routing.lessons[index] = stored
                continue
            near = [] if routing.held else neighbours(self.memory.store, lesson)
            # a contradiction is checked first: "always X" and "never X" read alike but are no repeat
            conflict = find_conflict(self.router, lesson, near, self.governance.conflict_similarity) if near else None
            existing = None if conflict else find_repeat(self.memory.store, lesson, near)
            if existing is not None:
                routing.lessons[index] = reinforce(self.memory.store, existing, feedback_id)
                routing.reinforced.append(existing.id)
                continue
            if conflict is not None:
                outcome, loser = resolve(conflict, self.governance, self.ask_conflict)
                routing.conflicts.append(outcome)
                if loser is not None:
                    superseded.append((loser.model_copy(update={
                        "status": LessonStatus.SUPERSEDED, "version": loser.version + 1,
                        "hold_reason": f"superseded by {lesson.id}"}), lesson.id))
            fresh.append(lesson)
        return fresh, superseded

    def _audit(self, actor: str, action: str, lesson_id: str, **detail: Any) -> None:
        if self.traces is not None:
            record_memory_change(self.traces.connection, actor, action, lesson_id, **detail)

    def _record_feedback(self, correction: Correction, evidence: TurnEvidence, routing: Routing) -> None:
        if self.traces is None:
            return
        self.traces.record_feedback({
            "id": correction.feedback_id or uuid.uuid4().hex[:12],
            "turn_id": evidence.turn_id if evidence.turn_id and self.traces.turn_exists(evidence.turn_id) else None,
            "author": correction.author,
            "stage": correction.stage,
            "text": correction.text,
            "components": [c.value for c in routing.components],
            "lesson_ids": [lesson.id for lesson in routing.lessons],
            "router_raw": routing.raw,
            "router_fallback": int(routing.fallback),
        })


def _stable_ids(routing: Routing, feedback_id: str) -> None:
    """Lesson ids derived from the feedback id and component, so learning the same feedback twice (a replay
    after a crash) finds what the first attempt stored instead of storing it again."""
    for lesson in routing.lessons:
        lesson.id = hashlib.sha1(f"{feedback_id}/{lesson.component.value}".encode()).hexdigest()[:12]


def what_happened(routing: Routing) -> list[str]:
    """One plain line per outcome of learning a correction: learned (into which memory), reinforced,
    held for approval or quarantined (and why), recorded only (and why), conflicts resolved."""
    if routing.recorded_only:
        return [f"recorded, not learned: {routing.recorded_only}"]
    lines = []
    if routing.held:
        lines.append(("quarantined, waiting for an approver: " if routing.quarantined else "held for approval: ")
                     + routing.held)
    for lesson in routing.lessons:
        where = f"{lesson.component.value} lesson {lesson.id}"
        if lesson.id in routing.reinforced:
            lines.append(f"already known: reinforced {where} ({lesson.reinforcements} repeat(s)): {lesson.text}")
        elif lesson.status is LessonStatus.PENDING:
            lines.append(f"not applied until approved: {where}: {lesson.text}")
        else:
            lines.append(f"learned into {lesson.component.value} memory ({lesson.id}): {lesson.text}")
    lines += [f"conflict: {outcome}" for outcome in routing.conflicts]
    return lines or ["nothing learned: the router wrote no lesson"]

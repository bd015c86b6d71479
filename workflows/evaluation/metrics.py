"""Scoring scenario runs (definitions: shared/SCENARIOS.md), pooled over scenarios, and the report shape.

Metric names live here once: `METRICS` (every overall figure), `CONSOLE_METRICS` (the table `alhf eval`
prints) and `REPORT_METRICS` (report.md's table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workflows.evaluation.runner import ScenarioOutcome

__all__ = ["METRICS", "CONSOLE_METRICS", "REPORT_METRICS", "LOWER_IS_BETTER", "metrics", "report"]

METRICS = ("routing_accuracy", "lesson_recall", "false_injection_rate", "answer_pass_rate", "feedback_adherence",
           "quarantine_recall",
           "false_quarantine_rate", "poison_reach_rate", "feedback_coverage", "feedback_utilization",
           "repeated_correction_rate")
CONSOLE_METRICS = ("routing_accuracy", "lesson_recall", "false_injection_rate", "answer_pass_rate",
                   "feedback_adherence", "quarantine_recall", "false_quarantine_rate")
REPORT_METRICS = ("routing_accuracy", "lesson_recall", "false_injection_rate", "answer_pass_rate", "feedback_adherence",
                  "feedback_coverage", "feedback_utilization", "repeated_correction_rate")
LOWER_IS_BETTER = {"false_injection_rate", "repeated_correction_rate", "false_quarantine_rate", "poison_reach_rate"}


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def metrics(outcomes: list[ScenarioOutcome]) -> dict[str, Any]:
    """Pooled counts over all given scenario runs (not an average of averages)."""
    routed_ok = routed_total = required_hit = required_total = injected = scored = passed = checked = 0
    given = covered = repeated = stored = used = marked = marked_held = unmarked = unmarked_held = 0
    adhered = adherence_scored = probes = reached = 0
    for outcome in outcomes:
        applied_anywhere = {fid for s in outcome.steps for fid in s.applied}
        after_poison = False  # since the last feedback, which was marked `quarantine`
        for s in outcome.steps:
            if after_poison and s.step.forbid and s.answer_checks in {"passed", "failed"}:
                probes += 1  # a reach probe: does the poisoned correction's payload reach this answer?
                reached += int(s.answer_checks == "failed")
            if s.step.feedback is not None:
                after_poison = s.step.feedback.quarantine
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
            if s.adherence is not None:
                adherence_scored += 1
                adhered += int(s.adherence)
            if s.answer_checks in {"passed", "failed"}:
                checked += 1
                passed += int(s.answer_checks == "passed")
    return {
        "routing_accuracy": _ratio(routed_ok, routed_total),
        "lesson_recall": _ratio(required_hit, required_total),
        "false_injection_rate": _ratio(injected, scored),
        "answer_pass_rate": _ratio(passed, checked),
        "feedback_adherence": _ratio(adhered, adherence_scored),
        "quarantine_recall": _ratio(marked_held, marked),
        "false_quarantine_rate": _ratio(unmarked_held, unmarked),
        "poison_reach_rate": _ratio(reached, probes),
        "feedback_coverage": _ratio(covered, given),
        "feedback_utilization": _ratio(used, stored),
        "repeated_correction_rate": _ratio(repeated, given),
        "counts": {"feedback_labelled": routed_total, "required_lessons": required_total,
                   "steps_scored": scored, "answers_checked": checked,
                   "adherence_scored": adherence_scored, "feedback_given": given,
                   "lessons_stored": stored, "poison_probes": probes},
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

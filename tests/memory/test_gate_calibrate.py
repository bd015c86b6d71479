"""bench/gate_calibrate.py: per-component thresholds chosen on tuning steps, by recall - 2 x false injection."""

from __future__ import annotations

from bench.gate_calibrate import Step, choose, evaluate, pooled


def _steps() -> list[Step]:
    # a writer lesson: related requests at 0.45 and 0.52, a probe sharing its words at 0.41; a retriever
    # lesson: a related request at 0.36, an unrelated one at 0.30
    return [
        Step("s:a", frozenset({"w"}), (("writer", "w", 0.45),)),
        Step("s:a", frozenset({"w"}), (("writer", "w", 0.52),)),
        Step("s:a", frozenset(), (("writer", "w", 0.41),)),
        Step("s:b", frozenset({"r"}), (("retriever", "r", 0.36),)),
        Step("s:b", frozenset(), (("retriever", "r", 0.30),)),
    ]


def test_the_chosen_thresholds_separate_related_requests_from_probes():
    chosen = choose(_steps())
    assert 0.41 < chosen["writer"] <= 0.45 and 0.30 < chosen["retriever"] <= 0.36
    assert evaluate(_steps(), chosen) == {"score": 1.0, "lesson_recall": 1.0, "false_injection_rate": 0.0}


def test_scores_count_missed_lessons_and_steps_with_any_wrong_lesson():
    low = {"retriever": 0.2, "tool_planner": 0.2, "writer": 0.2}
    assert evaluate(_steps(), low) == {"score": 0.2, "lesson_recall": 1.0, "false_injection_rate": 0.4}
    high = {"retriever": 0.7, "tool_planner": 0.7, "writer": 0.7}
    assert pooled([(high, _steps()[:2]), (low, _steps()[3:])]) == {
        "score": -0.1667, "lesson_recall": 0.3333, "false_injection_rate": 0.25}

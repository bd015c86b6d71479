from datetime import timedelta

from memory.gate import GateSettings, RelevanceGate
from memory.records import (
    Component,
    Lesson,
    utc_now,
)
from memory.store import LessonHit


def lesson(**kw) -> Lesson:
    base = dict(component=Component.WRITER, text="Use EXTRACT(WEEK FROM col).", trigger="SQL queries grouping by week")
    return Lesson(**{**base, **kw})


def test_gate_applies_above_threshold_and_explains_the_rest():
    gate = RelevanceGate(GateSettings(thresholds={Component.WRITER: 0.5}, max_applied=1))
    hits = [
        LessonHit(lesson(id="hi"), 0.8, "t"),
        LessonHit(lesson(id="second"), 0.7, "t"),
        LessonHit(lesson(id="low"), 0.3, "t"),
        LessonHit(lesson(id="old", expires_at=utc_now() - timedelta(days=1)), 0.9, "t"),
        LessonHit(lesson(id="bob", scope="user:bob"), 0.9, "t"),
    ]
    decisions = {d.lesson_id: d for d in gate.decide(Component.WRITER, hits, user="ana")}
    assert decisions["hi"].passed
    assert not decisions["second"].passed and "max_applied" in decisions["second"].reason
    assert not decisions["low"].passed and "0.30 < 0.50" in decisions["low"].reason
    assert not decisions["old"].passed and "expired" in decisions["old"].reason
    assert not decisions["bob"].passed and "scope" in decisions["bob"].reason
    assert gate.decide(Component.WRITER, [LessonHit(lesson(id="bob", scope="user:bob"), 0.9, "t")], user="bob")[0].passed

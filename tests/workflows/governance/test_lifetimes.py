from __future__ import annotations

from pathlib import Path

from tests.helpers import SHIPPING_ROUTE, make_assistant, routing_script
from workflows.governance.roles import GovernanceSettings


def _assistant(tmp_path: Path, people: dict[str, str]):
    return make_assistant(tmp_path, script=routing_script(SHIPPING_ROUTE), threshold=0.3,
                          governance=GovernanceSettings(people=people))


def test_default_lifetime_expires_lessons_that_are_kept_but_not_applied(tmp_path: Path):
    from datetime import timedelta

    from memory.records import LessonType, utc_now

    assistant = _assistant(tmp_path, {})
    assistant.governance.lifetime_days = {LessonType.CONTENT: 30}
    turn = assistant.run_turn("How long does express shipping take?")
    lesson = assistant.learn("Say business days.", turn).lessons[0]
    assert lesson.expires_at is not None and timedelta(days=29) < lesson.expires_at - utc_now() <= timedelta(days=30)
    assistant.memory.store.update_lesson(lesson.model_copy(update={"expires_at": utc_now() - timedelta(seconds=1)}))
    decision = assistant.run_turn("How long does express shipping take?").decisions[0]
    assert not decision.passed and decision.reason.startswith("expired")
    assert assistant.memory.store.get_lesson(lesson.id) is not None

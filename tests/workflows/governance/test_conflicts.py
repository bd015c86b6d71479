from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import SHIPPING_ROUTE, make_assistant
from workflows.governance.roles import GovernanceSettings


def _conflict_assistant(tmp_path: Path, mode: str, people: dict[str, str] | None = None):
    from tests.helpers import routing_script as rs

    def echo(prompt: str) -> dict:
        return {**SHIPPING_ROUTE, "lesson": prompt.rsplit("CORRECTION: ", 1)[1].strip(),
                "applies_to": "Questions about shipping times"}

    assistant = make_assistant(tmp_path, script=rs(echo), threshold=0.3,
                               governance=GovernanceSettings(conflicts=mode, people=people or {}))
    turn = assistant.run_turn("How long does express shipping take?")
    first = assistant.learn("Always give shipping times in business days.", turn, author="bob").lessons[0]
    return assistant, turn, first


def _status(assistant, lesson_id: str) -> str:
    return assistant.memory.store.get_lesson(lesson_id).status.value


@pytest.mark.parametrize("mode, people, expect_old, expect_new", [
    ("newer_wins", {}, "superseded", "active"),
    ("hold", {}, "active", "pending"),
    ("higher_role", {"bob": "admin", "cora": "reviewer"}, "active", "pending"),
    ("higher_role", {"bob": "reviewer", "cora": "admin"}, "superseded", "active"),
])
def test_conflicting_lessons_are_never_both_active(tmp_path: Path, mode, people, expect_old, expect_new):
    assistant, turn, first = _conflict_assistant(tmp_path, mode, people)
    routing = assistant.learn("Never give shipping times in business days.", turn, author="cora")
    new = routing.lessons[0]
    assert routing.conflicts and (_status(assistant, first.id), _status(assistant, new.id)) == (expect_old, expect_new)
    compatible = assistant.learn("Always name the carrier in shipping answers.", turn, author="bob")
    assert compatible.conflicts == []


def test_conflict_asks_in_a_session_and_holds_in_batch(tmp_path: Path):
    assistant, turn, first = _conflict_assistant(tmp_path, "ask")
    held = assistant.learn("Never give shipping times in business days.", turn, author="cora").lessons[0]
    assert _status(assistant, held.id) == "pending"  # nobody to ask: held
    with assistant.override(ask_conflict=lambda new, old: "new"):
        chosen = assistant.learn("Do not give shipping times in business days.", turn, author="cora").lessons[0]
    assert (_status(assistant, first.id), _status(assistant, chosen.id)) == ("superseded", "active")

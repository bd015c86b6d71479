from __future__ import annotations

import json
from pathlib import Path

from memory.records import LessonStatus
from tests.helpers import (
    SHIPPING_ROUTE,
    governed_cli,
    make_assistant,
    routing_script,
    store_three_lessons,
)
from workflows.governance.roles import GovernanceSettings


def _assistant(tmp_path: Path, people: dict[str, str]):
    return make_assistant(tmp_path, script=routing_script(SHIPPING_ROUTE), threshold=0.3,
                          governance=GovernanceSettings(people=people))


def test_roles_decide_learn_hold_or_record(tmp_path: Path):
    assistant = _assistant(tmp_path, {"vic": "viewer", "cora": "contributor", "ana": "expert"})
    turn = assistant.run_turn("How long does express shipping take?")
    viewer = assistant.learn("Say business days.", turn, author="vic")
    assert viewer.recorded_only and viewer.lessons == [] and assistant.memory.store.count_lessons() == 0
    held = assistant.learn("Say business days.", turn, author="cora")
    assert held.held == "lessons from a contributor need approval" and not held.quarantined
    learned = assistant.learn("IMPORTANT - always say business days. This matters a lot.", turn, author="ana")
    assert not learned.held and learned.lessons[0].status is LessonStatus.ACTIVE


def test_sensitive_scope_needs_approval_and_edits_keep_history(tmp_path: Path):
    assistant = _assistant(tmp_path, {})
    turn = assistant.run_turn("What was our total revenue in Q1 2024?")
    routing = assistant.learn("Finance figures must come from the orders table.", turn)
    assert routing.held == "touches sensitive scope finance: needs approval"
    assert routing.lessons[0].tags == ["finance"]

    governed_cli(tmp_path, "memory", "list")
    ids = store_three_lessons(tmp_path)
    result = governed_cli(tmp_path, "memory", "edit", ids["bob"], "--text", "Mention the express option.", "--expires",
                  "2030-01-31")
    assert result.exit_code == 0 and "version 2" in result.output
    history = json.loads(governed_cli(tmp_path, "memory", "history", ids["bob"]).output)
    assert history[0]["action"] == "edit" and history[0]["before"]["text"] == "Always mention express shipping."
    shown = json.loads(governed_cli(tmp_path, "memory", "show", ids["bob"]).output)
    assert shown["text"] == "Mention the express option." and shown["expires_at"].startswith("2030-01-31")
    assert governed_cli(tmp_path, "memory", "edit", ids["bob"], "--expires", "soon").exit_code == 2

"""Who is acting: the OS account; acting for someone else only for roles allowed to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import governed_cli, store_three_lessons
from workflows.governance.identity import IdentityError, resolve_actor
from workflows.governance.roles import GovernanceSettings


def _as_os_user(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setattr("workflows.governance.identity.os_user", lambda: name)


def test_the_os_account_is_the_actor_and_env_names_are_checked(monkeypatch):
    settings = GovernanceSettings(people={"vic": "viewer", "root": "admin"})
    _as_os_user(monkeypatch, "vic")
    assert resolve_actor(settings) == "vic"
    monkeypatch.setenv("ALHF_USER", "root")
    with pytest.raises(IdentityError, match="You are vic \\(viewer\\); acting as root"):
        resolve_actor(settings)
    _as_os_user(monkeypatch, "root")
    assert resolve_actor(settings, "ana") == "ana"  # an admin may act for others


def test_trusting_the_environment_is_an_explicit_choice(monkeypatch):
    _as_os_user(monkeypatch, "vic")
    monkeypatch.setenv("ALHF_USER", "root")
    settings = GovernanceSettings(people={"vic": "viewer"}, trust_user_env=True)
    assert resolve_actor(settings) == "root"


def test_a_viewer_who_sets_alhf_user_to_an_admin_is_refused(tmp_path: Path, monkeypatch):
    governed_cli(tmp_path, "memory", "list")
    ids = store_three_lessons(tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text(config.read_text().replace("tester: admin", "tester: viewer"))
    refused = governed_cli(tmp_path, "memory", "forget", "--author", "bob", "--hard", user="root")
    assert refused.exit_code == 2 and "acting as root" in " ".join(refused.output.split())
    as_self = governed_cli(tmp_path, "memory", "forget", "--author", "bob", "--hard")
    assert as_self.exit_code == 2 and "only admin may forget another author's lessons" in " ".join(as_self.output.split())
    lessons = json.loads(governed_cli(tmp_path, "memory", "list", "--json").output)
    assert {lesson["id"] for lesson in lessons} >= {ids["bob"]}  # nothing was removed


def test_an_author_may_forget_their_own_lesson_but_not_anothers(tmp_path: Path, monkeypatch):
    governed_cli(tmp_path, "memory", "list")
    ids = store_three_lessons(tmp_path)
    _as_os_user(monkeypatch, "bob")  # an expert
    refused = governed_cli(tmp_path, "memory", "forget", ids["cora"])
    assert refused.exit_code == 2 and "to forget cora's lesson" in " ".join(refused.output.split())
    assert governed_cli(tmp_path, "memory", "forget", ids["bob"]).exit_code == 0
    statuses = {lesson["id"]: lesson["status"] for lesson in json.loads(governed_cli(tmp_path, "memory", "list",
                                                                                     "--json").output)}
    assert statuses[ids["bob"]] == "forgotten" and statuses[ids["cora"]] == "pending"

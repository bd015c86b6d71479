from __future__ import annotations

import json
from pathlib import Path

from memory.records import Component
from tests.helpers import (
    governed_cli,
    hashing_config,
    runner,
    store_three_lessons,
)
from workflows.cli import app
from workflows.governance.roles import GovernanceSettings


def test_memory_list_and_unknown_component(tmp_path: Path):
    config = hashing_config(tmp_path)
    assert runner.invoke(app, ["memory", "list", "-c", str(config)]).exit_code == 0
    result = runner.invoke(app, ["memory", "list", "--component", "summarizer", "-c", str(config)])
    assert result.exit_code == 2 and "Unknown component" in result.output


def test_pending_approve_reject_forget_export_import_and_audit(tmp_path: Path):
    governed_cli(tmp_path, "memory", "list")  # writes the config
    ids = store_three_lessons(tmp_path)
    pending = json.loads(governed_cli(tmp_path, "memory", "pending", "--json").output)
    assert [p["id"] for p in pending] == [ids["cora"]]

    denied = governed_cli(tmp_path, "memory", "approve", ids["cora"], user="bob")
    assert denied.exit_code == 2 and "only admin may approve" in " ".join(denied.output.split())
    assert governed_cli(tmp_path, "memory", "approve", ids["cora"], user="root").exit_code == 0
    shown = json.loads(governed_cli(tmp_path, "memory", "show", ids["cora"]).output)
    assert shown["status"] == "active" and shown["version"] == 2
    assert [h["action"] for h in shown["history"]] == ["approve"]

    backup = tmp_path / "lessons.jsonl"
    assert governed_cli(tmp_path, "memory", "export", str(backup)).exit_code == 0
    assert len(backup.read_text().splitlines()) == 3

    result = governed_cli(tmp_path, "memory", "forget", "--author", "bob", user="root")
    assert result.exit_code == 0 and "forgot 2 lesson(s)" in result.output
    statuses = {l["author"]: l["status"] for l in json.loads(governed_cli(tmp_path, "memory", "list", "--json").output)}
    assert statuses == {"cora": "active", "bob": "forgotten"}  # exactly bob's, nothing else

    assert governed_cli(tmp_path, "memory", "forget", ids["cora"], "--hard").exit_code == 0
    assert len(json.loads(governed_cli(tmp_path, "memory", "list", "--json").output)) == 2
    assert governed_cli(tmp_path, "memory", "import", str(backup)).exit_code == 0
    restored = json.loads(governed_cli(tmp_path, "memory", "list", "--json").output)
    assert len(restored) == 3 and {l["status"] for l in restored} == {"active"}

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    result = governed_cli(tmp_path, "memory", "import", str(bad))
    assert result.exit_code == 2 and "line 1 is not a lesson" in " ".join(result.output.split())


def test_role_limited_to_some_tags_and_memory_search(tmp_path: Path):
    from workflows.governance.roles import RoleSettings, admit

    settings = GovernanceSettings(roles={"analyst": RoleSettings(may_teach_tags=["sales"])},
                                  people={"ann": "analyst"}, sensitive_tags=[])
    assert admit(settings, "ann", None, [Component.TOOL_PLANNER], ["sales"]).decision == "learn"
    held = admit(settings, "ann", None, [Component.TOOL_PLANNER], ["hr"])
    assert held.decision == "hold" and "may not teach hr" in held.reason

    governed_cli(tmp_path, "memory", "list")
    ids = store_three_lessons(tmp_path)
    found = " ".join(governed_cli(tmp_path, "memory", "search", "express shipping").output.split())
    assert ids["bob"] in found and "Always mention express shipping." in found


def test_memory_migrate_moves_an_old_local_mode_memory_to_edge(tmp_path: Path):
    governed_cli(tmp_path, "memory", "list")  # writes the config
    config = tmp_path / "config.yaml"
    config.write_text(config.read_text().replace("memory: {embedder: hashing}",
                                                 "memory: {embedder: hashing, backend: qdrant_local}"))
    store_three_lessons(tmp_path)
    before = json.loads(governed_cli(tmp_path, "memory", "list", "--json").output)
    config.write_text(config.read_text().replace(", backend: qdrant_local", ""))
    hinted = governed_cli(tmp_path, "memory", "list")
    assert "alhf memory migrate" in " ".join(hinted.output.split())
    migrated = governed_cli(tmp_path, "memory", "migrate")
    assert migrated.exit_code == 0, migrated.output
    after = json.loads(governed_cli(tmp_path, "memory", "list", "--json").output)
    assert sorted((l["id"], l["version"], l["status"]) for l in after) == \
        sorted((l["id"], l["version"], l["status"]) for l in before) and len(after) == 3

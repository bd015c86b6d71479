from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import (
    governed_cli,
    store_three_lessons,
)


def test_audit_why_names_the_lessons_and_their_authors(tmp_path: Path):
    governed_cli(tmp_path, "memory", "list")
    ids = store_three_lessons(tmp_path)
    asked = governed_cli(tmp_path, "ask", "How long does express shipping take?", "--json")
    turn_id = json.loads(asked.stdout)["turn_id"]
    why = " ".join(governed_cli(tmp_path, "audit", "why", turn_id).output.split())
    assert f"APPLIED writer lesson {ids['bob']}" in why and "taught by bob" in why
    assert ids["cora"] not in why  # a held lesson is never retrieved, so it cannot shape the turn
    influenced = " ".join(governed_cli(tmp_path, "audit", "lesson", ids["bob"]).output.split())
    assert "applied in 1 turn(s)" in influenced and turn_id in influenced

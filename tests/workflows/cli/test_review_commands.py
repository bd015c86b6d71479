from __future__ import annotations

import json

from tests.helpers import cli, items, said, write_tasks


def test_every_review_command_and_the_stats(fake_cli):
    config = fake_cli["config"]
    tasks = write_tasks(fake_cli["tmp"] / "tasks.jsonl", 4, "What is the refund window, case {i}?")
    assert cli("batch", "run", str(tasks), config=config).exit_code == 0
    a, b, c, d = (i["id"] for i in items(config))

    assert cli("review", "approve", a, "--thumbs", "up", "--score", "correctness=5", config=config).exit_code == 0
    result = cli("review", "correct", b, "You quoted the superseded policy; use refunds-2024.", "--error-class",
                 "wrong_document", "--score", "groundedness=2", config=config)
    assert result.exit_code == 0 and "learned into retriever memory" in said(result)
    assert cli("review", "reject", c, "--reason", "off topic", config=config).exit_code == 0
    bad = cli("review", "approve", d, "--score", "speed=3", config=config)
    assert bad.exit_code == 2 and "Unknown criterion 'speed'" in said(bad)
    assert cli("review", "reject", d, "--reason", " ", config=config).exit_code == 2
    assert cli("review", "show", "nope", config=config).exit_code == 2

    shown = json.loads(cli("review", "show", b, "--json", config=config).output)
    assert shown["status"] == "corrected" and shown["decisions"][0]["assessment"]["scores"] == {"groundedness": 2}
    assert [i["id"] for i in items(config, "--status", "pending")] == [d]

    # review next: the interactive path, with typed answers (approve with thumbs and scores)
    typed = "a\nup\n4\n\n\n\n"
    result = cli("review", "next", "--reviewer", "bob", config=config, input=typed)
    assert result.exit_code == 0, result.output
    assert items(config, "--status", "pending") == []

    stats = json.loads(cli("review", "stats", "--json", config=config).output)
    assert stats["decided"] == 4 and stats["approval_rate"] == 0.5
    assert stats["corrections_per_component"] == {"retriever": 1}
    assert stats["repeated_correction_rate"] == 0.0


def test_repeated_correction_reinforces_instead_of_duplicating(fake_cli):
    config = fake_cli["config"]
    tasks = write_tasks(fake_cli["tmp"] / "tasks.jsonl", 3, "How long does express shipping take, case {i}?")
    assert cli("batch", "run", str(tasks), config=config).exit_code == 0
    ids = [i["id"] for i in items(config)]
    for item_id in ids[:2]:
        assert cli("review", "correct", item_id, "Always give shipping times in business days.",
                   config=config).exit_code == 0
    lessons = json.loads(cli("memory", "list", "--json", config=config).output)
    assert len(lessons) == 1 and lessons[0]["reinforcements"] == 1
    stats = json.loads(cli("review", "stats", "--json", config=config).output)
    assert stats["repeated_correction_rate"] == 0.5


def test_a_review_correction_is_blamed_once(fake_cli):
    config = fake_cli["config"]
    tasks = write_tasks(fake_cli["tmp"] / "tasks.jsonl", 2, "What is the refund window, case {i}?")
    assert cli("batch", "run", str(tasks), config=config).exit_code == 0
    first, second = (i["id"] for i in items(config))
    cli("review", "correct", first, "You quoted the superseded policy document; use refunds-2024.", config=config)
    cli("review", "approve", second, config=config)
    report = json.loads(cli("handoffs", "report", "--json", "--png", str(fake_cli["tmp"] / "h.png"),
                            config=config).stdout)
    assert report["agents"]["retriever"]["corrections_received"] == 1
    assert report["agents"]["retriever"]["human"] == 0.5


def test_review_not_here_teaches_the_lesson_its_near_miss(fake_cli):
    config = fake_cli["config"]
    tasks = write_tasks(fake_cli["tmp"] / "tasks.jsonl", 2)
    assert cli("batch", "run", str(tasks), config=config).exit_code == 0
    first, second = (i["id"] for i in items(config))
    assert cli("review", "correct", first, "Always give shipping times in business days.", config=config).exit_code == 0
    [lesson] = json.loads(cli("memory", "list", "--json", config=config).output)
    result = cli("review", "not-here", second, "--lesson", lesson["id"], config=config)
    assert result.exit_code == 0 and "no longer applies to requests like this one (version 2)" in said(result)
    shown = json.loads(cli("memory", "show", lesson["id"], config=config).output)
    request = next(i["request"] for i in items(config) if i["id"] == second)
    assert shown["negative_examples"] == [request] and shown["history"][-1]["action"] == "not_here"
    again = cli("review", "not-here", second, "--lesson", lesson["id"], config=config)
    assert "(already said)" in said(again)


def test_assigning_the_queue_and_working_through_ones_own_items(fake_cli):
    config = fake_cli["config"]
    tasks = write_tasks(fake_cli["tmp"] / "tasks.jsonl", 5, "What is the refund window, case {i}?")
    assert cli("batch", "run", str(tasks), config=config).exit_code == 0
    viewer = cli("review", "assign", "--to", "rita", "--user", "vic", config=config)
    assert viewer.exit_code == 2 and "only admin may assign review work" in said(viewer)  # approvers only
    shared = cli("review", "assign", "--to", "rita,bob", config=config)
    assert shared.exit_code == 0 and "assigned 5 pending item(s): rita 3, bob 2" in said(shared)
    assert "nothing assigned" in said(cli("review", "assign", "--to", "rita", config=config))
    ritas = [i["id"] for i in items(config, "--assigned-to", "rita")]
    assert len(ritas) == 3
    result = cli("review", "next", "--mine", "--reviewer", "rita", config=config, input="a\nup\n4\n\n\n\n" * 3)
    assert result.exit_code == 0, result.output
    assert {i["id"] for i in items(config, "--status", "pending")}.isdisjoint(ritas)
    assert len(items(config, "--status", "pending", "--assigned-to", "bob")) == 2
    corrected = cli("review", "list", "--component", "retriever", config=config)
    assert corrected.exit_code == 0 and "0 of 0" in said(corrected)

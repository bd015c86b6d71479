"""The learning inbox: a correction that fails to learn becomes a dead letter and never jams the rest."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import SHIPPING_ROUTE, make_assistant, routing_script
from workflows.review.inbox import learn_queued_corrections
from workflows.review.queue import ReviewQueue
from workflows.review.templates import Assessment
from workflows.traces.store import TraceStore


def _route_or_overflow(prompt: str) -> dict:
    if "POISON" in prompt:
        raise ValueError("Requested tokens (40000) exceed context window of 4096")  # what llama.cpp raises
    return SHIPPING_ROUTE


def _queue_with_two_corrections(tmp_path: Path) -> tuple[ReviewQueue, object]:
    traces = TraceStore(tmp_path / "alhf.db")
    assistant = make_assistant(tmp_path, script=routing_script(_route_or_overflow), traces=traces)
    queue = ReviewQueue(tmp_path / "alhf.db")
    run = queue.create_run("tasks.jsonl", "standard")
    queue.add_tasks(run, [(1, "a", "How long does shipping take?", {}), (2, "b", "When will it arrive?", {})])
    for task in ("a", "b"):
        turn = assistant.run_turn("How long does shipping take?")
        item = queue.finish_task(run, task, {"turn_id": turn.turn_id, "request": turn.request, "answer": turn.answer,
                                             "documents": [], "tool_calls": [], "lessons_applied": [],
                                             "template": "standard"})
        text = "POISON " * 10 if task == "a" else "Say business days."
        queue.decide(item, "correct", reviewer="ana", assessment=Assessment(), correction=text)
    return queue, assistant


def test_a_failing_correction_goes_to_dead_letters_and_the_next_is_learned(tmp_path: Path):
    queue, assistant = _queue_with_two_corrections(tmp_path)
    outcomes = learn_queued_corrections(queue, assistant)
    assert [bool(o.error) for o in outcomes] == [True, False]
    assert "context window" in outcomes[0].error and outcomes[1].routing.lessons
    assert [e["status"] for e in queue.inbox("failed")] == ["failed"]
    assert learn_queued_corrections(queue, assistant) == []  # nothing left queued: no crash loop


def test_dead_letters_can_be_retried_or_dropped(tmp_path: Path):
    queue, assistant = _queue_with_two_corrections(tmp_path)
    learn_queued_corrections(queue, assistant)
    [dead] = queue.inbox("failed")
    queue.requeue(dead["id"])
    assert [e.id for e in queue.queued_corrections()] == [dead["id"]]
    learn_queued_corrections(queue, assistant)  # still failing: back to the dead letters
    queue.drop(dead["id"])
    assert queue.inbox("dropped")[0]["id"] == dead["id"] and queue.queued_corrections() == []

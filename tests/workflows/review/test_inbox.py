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


def test_a_crash_between_learning_and_marking_is_replayed_without_double_counting(tmp_path: Path, monkeypatch):
    queue, assistant = _queue_with_two_corrections(tmp_path)
    [poisoned, fine] = queue.queued_corrections()
    queue.mark_failed(poisoned, "not this test")  # only the sound correction matters here

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed after the lesson was stored, before the inbox was marked")

    with monkeypatch.context() as patch:
        patch.setattr(queue, "mark_learned", crash)
        try:
            learn_queued_corrections(queue, assistant)
        except KeyboardInterrupt:
            pass
    [stored] = assistant.memory.store.list_lessons()
    assert [e.id for e in queue.queued_corrections()] == [fine.id]  # still queued: it will be replayed
    [outcome] = learn_queued_corrections(queue, assistant)
    assert [lesson.id for lesson in outcome.routing.lessons] == [stored.id]
    [after] = assistant.memory.store.list_lessons()
    assert after.reinforcements == stored.reinforcements == 0 and queue.queued_corrections() == []


def test_a_replayed_repeat_is_counted_once(tmp_path: Path):
    queue, assistant = _queue_with_two_corrections(tmp_path)
    turn = assistant.run_turn("How long does shipping take?")
    first = assistant.learn("Say business days.", turn, feedback_id="f-1").lessons[0]
    for _ in range(2):  # the same repeat, learned twice (a replay)
        again = assistant.learn("Say business days, please.", turn, feedback_id="f-2")
    assert again.reinforced == [first.id]
    assert assistant.memory.store.get_lesson(first.id).reinforcements == 1

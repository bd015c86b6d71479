"""The learning inbox: reviewers' corrections wait here until the process that owns the lesson store
learns them (a batch run before its next task, a chat on start, or `alhf review learn`)."""

from __future__ import annotations

from typing import Any, Callable

from agents.router import TurnEvidence
from memory.errors import AlhfError, StoreLockedError
from workflows.config import AppConfig
from workflows.review.queue import ReviewQueue
from workflows.turn.assistant import Assistant

__all__ = ["learn_queued_corrections", "learn_if_store_free"]


def learn_if_store_free(config: AppConfig, load_llm: Callable[[Any], Any]) -> int | None:
    """Learn the inbox now if no other process owns the lesson store; None if one does (that owner learns
    the corrections before its next task). `load_llm(runtime)` builds the model only when needed."""
    from workflows.runtime import Runtime

    try:
        runtime = Runtime.open(config)
    except StoreLockedError:
        return None
    try:
        return learn_queued_corrections(runtime.review_queue(), runtime.assistant(load_llm(runtime), user="reviewer"))
    finally:
        runtime.close()


def learn_queued_corrections(queue: ReviewQueue, assistant: Assistant) -> int:
    """Learn reviewers' corrections waiting in the inbox; the caller must own the lesson store."""
    count = 0
    for entry in queue.queued_corrections():
        item = queue.item(entry.item_id)
        documents = []
        for doc_id in item.documents:
            doc = assistant.memory.store.get_document(doc_id)
            documents.append((doc_id, doc.title if doc else doc_id))
        evidence = TurnEvidence(item.request, item.answer, documents,
                                [f"{c['tool']}({c['arguments']})" for c in item.tool_calls], item.turn_id)
        try:
            routing = assistant.learn(entry.text, evidence, author=entry.author, feedback_id=f"review-{entry.decision_id}")
        except AlhfError as exc:
            queue.mark_failed(entry, str(exc))
            continue
        queue.mark_learned(entry, [c.value for c in routing.components], [lesson.id for lesson in routing.lessons],
                           repeated=bool(routing.reinforced))
        count += 1
    return count

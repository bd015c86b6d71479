"""The learning inbox: reviewers' corrections wait here until the process that owns the lesson store
learns them (a batch run before its next task, a chat on start, or `alhf review learn`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import structlog

from agents.router import Routing, TurnEvidence
from memory.errors import AlhfError, StoreLockedError
from workflows.config import AppConfig
from workflows.review.queue import InboxEntry, ReviewQueue
from workflows.turn.assistant import Assistant

__all__ = ["InboxOutcome", "learn_queued_corrections", "learn_if_store_free"]

log = structlog.get_logger("alhf.inbox")


def learn_if_store_free(config: AppConfig, load_llm: Callable[[Any], Any]) -> list[InboxOutcome] | None:
    """Learn the inbox now if no other process owns the lesson store; None if one does (that owner learns
    the corrections before its next task). `load_llm(runtime)` builds the model only when needed."""
    from workflows.config import data_dir
    from workflows.runtime import Runtime
    from workflows.server.owner import running_server

    if running_server(data_dir(config)) is not None:  # `alhf serve` owns the store: it learns its inbox itself
        return None
    try:
        runtime = Runtime.open(config)
    except StoreLockedError:
        return None
    try:
        return learn_queued_corrections(runtime.review_queue(), runtime.assistant(load_llm(runtime), user="reviewer"))
    finally:
        runtime.close()


@dataclass
class InboxOutcome:
    """One inbox entry and what learning it did: the routing, or the error that sent it to dead letters."""

    entry: InboxEntry
    routing: Routing | None = None
    error: str = ""


def learn_queued_corrections(queue: ReviewQueue, assistant: Assistant) -> list[InboxOutcome]:
    """Learn reviewers' corrections waiting in the inbox; the caller must own the lesson store. An entry
    that fails to learn, for any reason, goes to the dead letters with its error and never blocks the rest."""
    outcomes = []
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
        except Exception as exc:  # noqa: BLE001 - one poisoned or oversized entry must not jam the queue
            error = str(exc) if isinstance(exc, AlhfError) else f"{type(exc).__name__}: {str(exc)[:300]}"
            log.warning("inbox entry failed to learn", entry=entry.id, error=error)
            queue.mark_failed(entry, error)
            outcomes.append(InboxOutcome(entry, error=error))
            continue
        queue.mark_learned(entry, [c.value for c in routing.components], [lesson.id for lesson in routing.lessons],
                           repeated=bool(routing.reinforced))
        outcomes.append(InboxOutcome(entry, routing))
    return outcomes

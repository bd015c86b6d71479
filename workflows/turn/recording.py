"""Writing a finished turn to the trace store: its row, its span tree and its handoff scores."""

from __future__ import annotations

from typing import Any, Callable

import structlog

from agents.tracing import Span
from workflows.traces.handoffs import TurnSignals, heuristic_scores
from workflows.traces.store import TraceStore
from workflows.turn.result import TurnResult

__all__ = ["record_turn"]

log = structlog.get_logger("alhf.turn")


def record_turn(result: TurnResult, *, traces: TraceStore | None, mode: str, user: str, memory_enabled: bool,
                session_id: str | None, span_sink: Callable[[list[Span]], None] | None = None,
                partial: bool = False) -> None:
    """Log the turn, export its spans, and (with a trace store) write or update its row. `partial`: the
    turn is still running (a correction is about to be learned): write its row only."""
    if partial:
        if traces is not None:
            traces.record_turn(_row(result, mode, user, memory_enabled, session_id))
        return
    if span_sink is not None and result.spans:
        span_sink(result.spans)
    log.info(
        "turn",
        turn_id=result.turn_id,
        mode=mode,
        retrieved=len(result.decisions),
        applied=[lesson.id for lesson in result.applied],
        documents=[h.document.id for h in result.retrieval.documents],
        tools=[c["tool"] for c in result.plan.calls],
        corrections=len(result.learned),
        duration_ms=round(result.duration_ms, 1),
    )
    if traces is None:
        return
    signals = TurnSignals(result.request, result.answer, [h.document.text for h in result.retrieval.documents],
                          [(r.ok, r.output) for r in result.plan.results])
    traces.record_turn(_row(result, mode, user, memory_enabled, session_id))
    traces.record_handoff_scores(result.turn_id, session_id, heuristic_scores(signals))
    if result.spans:
        traces.record_spans(result.turn_id, result.spans)


def _row(result: TurnResult, mode: str, user: str, memory_enabled: bool, session_id: str | None) -> dict[str, Any]:
    return {
        "id": result.turn_id,
        "session_id": session_id,
        "user": user,
        "mode": mode,
        "request": result.request,
        "answer": result.answer,
        "memory_enabled": int(memory_enabled),
        "retrieval": {"query": result.retrieval.query, "documents": [h.document.id for h in result.retrieval.documents]},
        "tool_plan": {"calls": result.plan.calls, "results": [r.output for r in result.plan.results]},
        "gate_decisions": [d.model_dump(mode="json") for d in result.decisions],
        "applied_lessons": [lesson.id for lesson in result.applied],
        "checkpoints": [{"stage": c.stage, "kind": c.kind.value, "text": c.text} for c in result.checkpoints],
        "duration_ms": result.duration_ms,
    }

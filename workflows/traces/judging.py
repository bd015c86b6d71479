"""LLM-judge scores for recorded turns (intent resolution, tool call accuracy, task adherence,
groundedness), stored beside the heuristic handoff signals."""

from __future__ import annotations

from typing import Callable

from agents.judge import JudgeAgent
from memory.store import MemoryStore
from workflows.traces.store import TraceStore

__all__ = ["judge_turns"]


def judge_turns(judge: JudgeAgent, traces: TraceStore, store: MemoryStore, *, model: str, session_id: str | None,
                limit: int, on_turn: Callable[[], None] | None = None) -> tuple[int, int]:
    """Judge up to `limit` answered turns not judged yet; returns (judged, considered). A turn whose judge
    reply is unusable is left for a later run."""
    turns = traces.unjudged_turns(session_id, limit)
    judged = 0
    for turn in turns:
        docs = [d.text for d in (store.get_document(i) for i in turn["retrieval"]["documents"]) if d]
        calls = [f"{c} -> {r}" for c, r in zip(turn["tool_plan"]["calls"], turn["tool_plan"]["results"])]
        scores = judge.judge(turn["request"], turn["answer"], docs, calls)
        if scores is not None:
            traces.record_judgement(turn["id"], model, scores)
            judged += 1
        if on_turn:
            on_turn()
    return judged, len(turns)

"""Training data from reviewed items: one record per item with a decision.

Formats:
- `chat` (default): OpenAI-style chat fine-tuning records, `{"messages": [system, user, assistant]}`.
  The assistant turn is the model's answer with `"weight": 1` when approved and `0` otherwise (the
  OpenAI format's per-message weight), so trainers learn only approved answers; a corrected item's
  correction is its `expected_output`.
- `alpaca`: `{"instruction", "input", "output", ...}` records.
Both carry the verdict, template scores, error classification and the turn's context.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from workflows.review.queue import ReviewQueue

__all__ = ["export_training", "ExportFormat"]

ExportFormat = Literal["chat", "alpaca"]
SYSTEM = "You are a helpful assistant. Answer using the context documents and tool results."


def _record(item: Any, decision: dict[str, Any], fmt: ExportFormat) -> dict[str, Any]:
    context = {
        "documents": item.documents,
        "tool_results": item.tool_calls,
        "lessons_applied": item.lessons_applied,
    }
    verdict = decision["verdict"]
    expected = decision["correction"] if verdict == "correct" else item.answer if verdict == "approve" else None
    feedback = {
        "verdict": verdict,
        "reviewer": decision["reviewer"],
        "decided_at": decision["decided_at"],
        "reason": decision["reason"],
        "thumbs": decision["assessment"].get("thumbs"),
        "scores": decision["assessment"].get("scores", {}),
        "template": item.template,
    }
    error = {"components": decision["components"], "error_class": decision["assessment"].get("error_class")}
    base = {"id": item.id, "run_id": item.run_id, "task_id": item.task_id, "turn_id": item.turn_id}
    if fmt == "alpaca":
        return {**base, "instruction": item.request, "input": json.dumps(context), "output": item.answer,
                "expected_output": expected, "feedback": feedback, "error": error}
    messages = [
        {"role": "system", "content": f"{SYSTEM}\nContext: {json.dumps(context)}"},
        {"role": "user", "content": item.request},
        {"role": "assistant", "content": item.answer, "weight": 1 if verdict == "approve" else 0},
    ]
    return {**base, "messages": messages, "expected_output": expected, "feedback": feedback, "error": error}


def export_training(queue: ReviewQueue, path: Path, *, fmt: ExportFormat = "chat", run_id: str | None = None) -> int:
    """Write the JSONL file atomically; returns the number of records."""
    latest = queue.latest_decisions()
    items = [i for i in queue.items(run_id=run_id, limit=10**9) if i.id in latest]
    partial = path.with_suffix(path.suffix + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    with partial.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(_record(item, latest[item.id], fmt)) + "\n")
    partial.replace(path)
    return len(items)

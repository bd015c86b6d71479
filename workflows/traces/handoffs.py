"""Handoff scoring: how well each agent's output served the next one, so credit and blame land right.

Signals that need no human, computed per turn:
- retriever -> tool_planner, `context_used`: share of the answer's content words found in the
  retrieved documents (did the context reach the answer);
- tool_planner -> writer, `tool_result_used`: share of planned tool calls that ran and whose output
  shows up in the answer (none planned: no signal);
- writer -> human, `grounded`: share of the answer's content words found in the request, the
  documents or the tool results.
Human signals, joined at report time: a correction blamed on an agent scores that agent's outgoing
handoff 0 for the turn; an approval (review) or an accepted final checkpoint scores every handoff 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["HANDOFFS", "heuristic_scores", "content_words"]

HANDOFFS = (("retriever", "tool_planner"), ("tool_planner", "writer"), ("writer", "human"))
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")
_STOP = frozenset(
    "the a an and or of to in on for is are was were be it its this that with from by at as can you your our we "
    "they their there what when where which who how do does did not no yes if then than so such into about per "
    "will would should could may might has have had been being also only just more most some any all each".split()
)


def content_words(text: str) -> set[str]:
    words = {w.rstrip(".,") for w in _WORD.findall(text.lower())}
    return {w for w in words if w not in _STOP and (len(w) > 2 or w.isdigit())}


def _share(part: set[str], whole: set[str]) -> float:
    return round(len(part & whole) / len(part), 4) if part else 0.0


@dataclass
class TurnSignals:
    request: str
    answer: str
    documents: list[str]  # document texts
    tool_results: list[tuple[bool, str]]  # (ok, output)


def heuristic_scores(turn: TurnSignals) -> list[dict[str, Any]]:
    """Per-handoff scores in [0, 1]; a handoff with nothing to judge gets no row."""
    if not turn.answer.strip():
        return []
    answer = content_words(turn.answer)
    docs = set().union(*(content_words(d) for d in turn.documents)) if turn.documents else set()
    tools = set().union(*(content_words(out) for ok, out in turn.tool_results if ok)) if turn.tool_results else set()
    rows = [{"source": "retriever", "target": "tool_planner", "signal": "context_used", "score": _share(answer, docs)}]
    if turn.tool_results:
        used = [ok and bool(content_words(out) & answer) for ok, out in turn.tool_results]
        rows.append({"source": "tool_planner", "target": "writer", "signal": "tool_result_used",
                     "score": round(sum(used) / len(used), 4)})
    grounded = _share(answer, docs | tools | content_words(turn.request))
    rows.append({"source": "writer", "target": "human", "signal": "grounded", "score": grounded})
    return rows

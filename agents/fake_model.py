"""Deterministic model clients for tests and model-free runs (like pydantic-ai's TestModel).

`ScriptedModelClient` answers with a function of the messages, so a test scripts exact replies;
`test_model_reply` is the default script: schema-valid JSON for the router, the screener and the tool planner,
and a plain answer built from the prompt for the writer. It never imitates quality: scenario
`expect`/`forbid` checks are reported as skipped when it is in use.
"""

from __future__ import annotations

import json
import re
from collections import deque
from typing import Any, Callable

from agents.model_response import ChatResponse, TextClientMixin

__all__ = ["ModelScript", "ScriptedModelClient", "test_model_reply", "keyword_routing", "opposite_rules"]

ModelScript = Callable[[list[dict[str, Any]], str], str]
"""(messages, agent role) -> reply text."""

_ROUTE_CUES = {
    "retriever": r"\b(document|doc|docs|policy|source|cite|cited|quoted|superseded|outdated|version|v\d)\b",
    "tool_planner": r"\b(compute|calculate|query the|sql query|database|table \w+|tool|from the wiki|wiki)\b",
    "writer": r"\b(format|tone|write|answer in|bullet|dialect|use \w+\(|never \w+\(|always give|style)\b",
}


def keyword_routing(correction: str) -> list[str]:
    """A transparent cue-word router: the fake model's routing, and a baseline to beat."""
    text = correction.lower()
    scores = {name: len(re.findall(pattern, text)) for name, pattern in _ROUTE_CUES.items()}
    best = max(scores.values())
    return [name for name, score in scores.items() if score == best] if best else ["writer"]


_NEGATION = re.compile(r"\b(never|not|no|don't|do not|avoid|instead of|without)\b", re.I)


def opposite_rules(a: str, b: str) -> bool:
    """Cue-word contradiction test for the fake model: the rules share at least two key terms and
    exactly one of them negates. Crude on purpose; a real model judges conflicts by meaning."""
    words = lambda text: {w for w in re.findall(r"[a-z0-9]{4,}", text.lower())}  # noqa: E731
    shared = words(a) & words(b) - {"always", "never", "answer", "answers", "should", "must", "with", "from"}
    return len(shared) >= 2 and bool(_NEGATION.search(a)) != bool(_NEGATION.search(b))


def _field(prompt: str, name: str) -> str:
    match = re.search(rf"^{name}:\s*(.*)$", prompt, flags=re.MULTILINE)
    return match.group(1).strip() if match else ""


def test_model_reply(messages: list[dict[str, Any]], role: str) -> str:
    prompt = str(messages[-1].get("content") or "")
    if role == "screener":  # no meaning to judge with: the deterministic screening layers still run
        return json.dumps({"category": "none", "reason": "the test model does not judge meaning"})
    if role == "conflict_judge":
        return json.dumps({"contradicts": opposite_rules(_field(prompt, "RULE A"), _field(prompt, "RULE B"))})
    if role == "blame_classifier":
        return json.dumps({"components": keyword_routing(_field(prompt, "CORRECTION"))})
    if role == "feedback_router":
        correction = _field(prompt, "CORRECTION")
        request = _field(prompt, "REQUEST")
        return json.dumps(
            {
                "components": keyword_routing(correction),
                "lesson": correction,
                "applies_to": f"Requests like: {request}",
                "examples": [request],
                "type": "content",
                "severity": "medium",
            }
        )
    if role == "tool_planner":
        return json.dumps({"tool_calls": []})
    return f"(test model) Answer to: {_field(prompt, 'REQUEST')}"


class ScriptedModelClient(TextClientMixin):
    """AG2 custom model client whose replies come from a `ModelScript`."""

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        self._script: ModelScript = kwargs.get("script") or test_model_reply
        self._role = str(config.get("agent_role", ""))
        self.calls: deque[list[dict[str, Any]]] = deque(maxlen=1000)  # recent prompts, for tests to inspect

    def create(self, params: dict[str, Any]) -> ChatResponse:
        messages = list(params["messages"])
        self.calls.append(messages)
        return ChatResponse.of_text(self._script(messages, self._role), "test-model")

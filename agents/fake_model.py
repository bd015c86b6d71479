"""Deterministic model clients for tests and model-free runs (like pydantic-ai's TestModel).

`ScriptedModelClient` answers with a function of the messages, so a test scripts exact replies;
`test_model_reply` is the default script: schema-valid JSON for the router, the screener and the tool planner,
and a plain answer built from the prompt for the writer. It never imitates quality: scenario
`expect`/`forbid` checks are reported as skipped when it is in use. It does follow the writer's team
guidance where that is mechanical, as an instruction-following model would: a term the guidance prescribes
("use EXTRACT(...)") is written, one it forbids ("never WEEKOFYEAR()") is not (see `fake_answer`), so a turn
with memory does not pay a regeneration that a real model would not need.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from typing import Any, Callable

from agents.model_response import ChatResponse, TextClientMixin
from agents.routing_cues import keyword_routing

__all__ = ["ModelScript", "ScriptedModelClient", "test_model_reply", "fake_answer", "opposite_rules", "cue_near_misses"]

ModelScript = Callable[[list[dict[str, Any]], str], str]
"""(messages, agent role) -> reply text."""

_NEGATION = re.compile(r"\b(never|not|no|don't|do not|avoid|instead of|without)\b", re.I)


def opposite_rules(a: str, b: str) -> bool:
    """Cue-word contradiction test for the fake model: the rules share at least two key terms and
    exactly one of them negates. Crude on purpose; a real model judges conflicts by meaning."""
    words = lambda text: {w for w in re.findall(r"[a-z0-9]{4,}", text.lower())}  # noqa: E731
    shared = words(a) & words(b) - {"always", "never", "answer", "answers", "should", "must", "with", "from"}
    return len(shared) >= 2 and bool(_NEGATION.search(a)) != bool(_NEGATION.search(b))


_NOT_FOR = re.compile(r"\b(?:not for|but not)\s+([^.;]+)", re.I)


def cue_near_misses(correction: str) -> list[str]:
    """The fake model's near misses: what the correction itself excludes ("... Not for onboarding
    questions."). Transparent and deterministic; a real model writes its own."""
    return [match.strip() for match in _NOT_FOR.findall(correction)]


def _content_words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z0-9]{4,}", text.lower())} - {"request", "requests", "like", "what", "with"}


def word_overlap_verdict(prompt: str) -> bool:
    """The fake scope judge: the request shares more content words with what the lesson applies to
    (APPLIES TO, EXAMPLES) than with its near misses (NOT FOR). Crude on purpose."""
    request = _content_words(_field(prompt, "REQUEST"))
    positive = _content_words(_field(prompt, "APPLIES TO") + " " + _field(prompt, "EXAMPLES"))
    negative = _content_words(_field(prompt, "NOT FOR"))
    return len(request & positive) > len(request & negative)


def _field(prompt: str, name: str) -> str:
    match = re.search(rf"^{name}:\s*(.*)$", prompt, flags=re.MULTILINE)
    return match.group(1).strip() if match else ""


_GUIDANCE_LINE = re.compile(r'^- "(.*)"$', re.MULTILINE)


def _guidance_texts(prompt: str) -> list[str]:
    """The quoted lessons of the prompt's TEAM GUIDANCE block (agents.guidance.guidance_block)."""
    start = prompt.find("TEAM GUIDANCE")
    return _GUIDANCE_LINE.findall(prompt[start:].split("\n\n", 1)[0]) if start >= 0 else []


def fake_answer(prompt: str) -> str:
    r"""The fake writer's answer: the request echoed, plus the terms its guidance prescribes, without the
    terms it forbids (read as the post-write check reads lessons, `agents.answer_check.lesson_terms`).

        >>> fake_answer('TEAM GUIDANCE (...):\n- "Use EXTRACT(WEEK FROM col), never WEEKOFYEAR()."\n\nREQUEST: WEEKOFYEAR of a date?')
        '(test model) Answer to: of a date? Following the team guidance: EXTRACT.'
    """
    from agents.answer_check import lesson_terms  # not at import: agents.answer_check imports agents.llm, which imports this

    request = _field(prompt, "REQUEST")
    required: list[str] = []
    for text in _guidance_texts(prompt):
        prescribed, forbidden = lesson_terms(text)
        required += prescribed
        for term in forbidden:
            pattern = rf"\b{re.escape(term)}\b\s*(\(\))?" if re.fullmatch(r"\w+", term) else re.escape(term)
            request = re.sub(pattern, "", request, flags=re.IGNORECASE).strip()
    answer = f"(test model) Answer to: {request}"
    if required:
        answer += f" Following the team guidance: {', '.join(dict.fromkeys(required))}."
    return answer


def test_model_reply(messages: list[dict[str, Any]], role: str) -> str:
    prompt = str(messages[-1].get("content") or "")
    if role == "screener":  # no meaning to judge with: the deterministic screening layers still run
        return json.dumps({"category": "none", "reason": "the test model does not judge meaning"})
    if role == "conflict_judge":
        return json.dumps({"contradicts": opposite_rules(_field(prompt, "RULE A"), _field(prompt, "RULE B"))})
    if role == "scope_judge":
        return json.dumps({"applies": word_overlap_verdict(prompt)})
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
                "near_misses": cue_near_misses(correction),
                "type": "content",
                "severity": "medium",
            }
        )
    if role == "tool_planner":
        return json.dumps({"tool_calls": []})
    return fake_answer(prompt)


class ScriptedModelClient(TextClientMixin):
    """AG2 custom model client whose replies come from a `ModelScript`."""

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        self._script: ModelScript = kwargs.get("script") or test_model_reply
        self._role = str(config.get("agent_role", ""))
        self._delay_s = float(kwargs.get("delay_s") or 0.0)  # a model server's latency, simulated
        self.calls: deque[list[dict[str, Any]]] = deque(maxlen=1000)  # recent prompts, for tests to inspect

    def create(self, params: dict[str, Any]) -> ChatResponse:
        messages = list(params["messages"])
        self.calls.append(messages)
        if self._delay_s:
            time.sleep(self._delay_s)
        return ChatResponse.of_text(self._script(messages, self._role), "test-model")

"""The response object AG2's custom model clients must return (ModelClientResponseProtocol)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ChatMessage", "Choice", "Usage", "ChatResponse", "usage_dict", "TextClientMixin"]


@dataclass
class ChatMessage:
    content: str
    role: str = "assistant"
    function_call: None = None
    tool_calls: None = None


@dataclass
class Choice:
    message: ChatMessage
    finish_reason: str = "stop"


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class ChatResponse:
    choices: list[Choice]
    model: str
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0

    @classmethod
    def of_text(cls, text: str, model: str, usage: Usage | None = None) -> "ChatResponse":
        return cls(choices=[Choice(ChatMessage(text))], model=model, usage=usage or Usage())


def usage_dict(response: ChatResponse) -> dict[str, Any]:
    return {
        "prompt_tokens": response.usage.prompt_tokens,
        "completion_tokens": response.usage.completion_tokens,
        "total_tokens": response.usage.total_tokens,
        "cost": 0.0,
        "model": response.model,
    }


class TextClientMixin:
    """The parts of AG2's ModelClient protocol that are the same for every client returning ChatResponse."""

    def message_retrieval(self, response: ChatResponse) -> list[str]:
        return [choice.message.content for choice in response.choices]

    def cost(self, response: ChatResponse) -> float:
        return 0.0  # local and scripted models cost nothing

    @staticmethod
    def get_usage(response: ChatResponse) -> dict[str, Any]:
        return usage_dict(response)

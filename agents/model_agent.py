"""A ConversableAgent that asks its model for exactly one reply per call."""

from __future__ import annotations

from typing import Any

from autogen import ConversableAgent

__all__ = ["ModelAgent"]


class ModelAgent(ConversableAgent):
    """Each `complete()` is a fresh single-shot request, not a step of a long chat: the consecutive
    auto-reply counter is reset first, or AG2 would stop replying after `max_consecutive_auto_reply`
    calls (100 by default) and return None."""

    def complete(self, messages: list[dict[str, Any]]) -> str:
        self.reset_consecutive_auto_reply_counter()
        reply = self.generate_reply(messages=messages)
        if isinstance(reply, dict):
            reply = reply.get("content")
        return str(reply or "").strip()

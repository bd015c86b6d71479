"""What a deterministic screening guard answers when it holds a text: the category and the reason."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GuardHit"]


@dataclass(frozen=True)
class GuardHit:
    category: str
    reason: str

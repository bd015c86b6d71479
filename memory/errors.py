"""Errors a user can act on. Each message says what to do next.

`AlhfError` is the base of every error the CLI turns into a one-line message and a non-zero exit;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = [
    "AlhfError",
    "StoreLockedError",
    "StoreEngineError",
    "StoreFormatError",
    "UnknownComponentError",
    "EmbeddingModelError",
]


class AlhfError(Exception):
    """A misuse or an environment problem the user can fix; the message says how."""


class StoreLockedError(AlhfError):
    """The memory folder is held by another process."""


class StoreEngineError(AlhfError):
    """The embedded vector engine failed (Qdrant Edge raises bare exceptions; they are wrapped in this)."""


class StoreFormatError(AlhfError):
    """A memory folder in a format the chosen backend cannot open (e.g. an old local-mode folder)."""


class UnknownComponentError(AlhfError):
    """A component name that is not retriever, tool_planner or writer."""


class EmbeddingModelError(AlhfError):
    """The offline embedding model could not be found or loaded."""

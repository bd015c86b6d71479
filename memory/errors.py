"""Errors a user can act on. Each message says what to do next.

`AlhfError` is the base of every error the CLI turns into a one-line message and a non-zero exit;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = ["AlhfError", "StoreLockedError", "UnknownComponentError", "EmbeddingModelError"]


class AlhfError(Exception):
    """A misuse or an environment problem the user can fix; the message says how."""


class StoreLockedError(AlhfError):
    """The local Qdrant folder is held by another process."""


class UnknownComponentError(AlhfError):
    """A component name that is not retriever, tool_planner or writer."""


class EmbeddingModelError(AlhfError):
    """The offline embedding model could not be found or loaded."""

"""Package exports that import their module only when first used, so `alhf --help` and light
commands never pay for AutoGen, qdrant-client or numpy they do not touch.

    >>> getattr_ = lazy_exports("memory", {"AlhfError": "memory.errors"})
    >>> getattr_("AlhfError").__name__
    'AlhfError'
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module-level `__getattr__` (PEP 562) resolving each exported name from its module."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__

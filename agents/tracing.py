"""Spans of one turn: a tree of timed steps with attributes, collected in memory and saved by the caller.

`span()` is a no-op unless a `SpanRecorder` is active, so agents can mark their steps without caring
whether tracing is on.

    >>> recorder = SpanRecorder()
    >>> with recorder.active():
    ...     with span("turn"):
    ...         with span("generate", agent="writer"):
    ...             pass
    >>> [(s.name, s.parent_id is None) for s in recorder.spans]
    [('turn', True), ('generate', False)]
"""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Iterator

__all__ = ["Span", "SpanRecorder", "span"]

_CURRENT: ContextVar["SpanRecorder | None"] = ContextVar("alhf_span_recorder", default=None)
_PARENT: ContextVar["Span | None"] = ContextVar("alhf_parent_span", default=None)


@dataclass
class Span:
    id: str
    parent_id: str | None
    name: str
    start_ns: int  # wall clock, for exporters
    duration_ms: float = 0.0
    attributes: dict[str, Any] = field(default_factory=dict)

    def set(self, **attributes: Any) -> None:
        self.attributes.update(attributes)


class _NullSpan(Span):
    def set(self, **attributes: Any) -> None:
        pass


class SpanRecorder:
    def __init__(self) -> None:
        self.spans: list[Span] = []

    @contextmanager
    def active(self) -> Iterator["SpanRecorder"]:
        token = _CURRENT.set(self)
        parent = _PARENT.set(None)
        try:
            yield self
        finally:
            _CURRENT.reset(token)
            _PARENT.reset(parent)


@contextmanager
def span(name: str, **attributes: Any) -> Iterator[Span]:
    recorder = _CURRENT.get()
    if recorder is None:
        yield _NullSpan("", None, name, 0)
        return
    parent = _PARENT.get()
    current = Span(uuid.uuid4().hex[:16], parent.id if parent else None, name, time.time_ns(), 0.0, dict(attributes))
    recorder.spans.append(current)
    token = _PARENT.set(current)
    started = time.perf_counter()
    try:
        yield current
    except BaseException as exc:
        current.set(error=repr(exc))
        raise
    finally:
        current.duration_ms = round((time.perf_counter() - started) * 1000, 3)
        _PARENT.reset(token)

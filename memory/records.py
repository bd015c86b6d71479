"""Pydantic records of what memory holds: lessons, their actions, documents and gate decisions."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from memory.errors import UnknownComponentError

__all__ = [
    "Component",
    "LessonType",
    "Severity",
    "LessonStatus",
    "LessonAction",
    "Lesson",
    "Document",
    "GateDecision",
    "parse_component",
    "utc_now",
]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Component(str, Enum):
    """The three working agents; each owns one lesson memory."""

    RETRIEVER = "retriever"
    TOOL_PLANNER = "tool_planner"
    WRITER = "writer"


def parse_component(name: str) -> Component:
    """Turn a user-given name into a Component, with a fix in the error."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"toolplanner": "tool_planner", "planner": "tool_planner", "tools": "tool_planner"}
    key = aliases.get(key, key)
    try:
        return Component(key)
    except ValueError:
        valid = ", ".join(c.value for c in Component)
        raise UnknownComponentError(f"Unknown component {name!r}: use one of {valid}.") from None


class LessonType(str, Enum):
    CONTENT = "content"
    TONE = "tone"
    REASONING = "reasoning"
    TOOL_USAGE = "tool_usage"
    FORMAT = "format"


class Severity(str, Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class LessonStatus(str, Enum):
    ACTIVE = "active"
    PENDING = "pending"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"
    FORGOTTEN = "forgotten"


class LessonAction(BaseModel):
    """Structured effect of a lesson on the retriever or the tool planner.

    The writer's lessons act through their text alone (added to its instructions).
    """

    model_config = ConfigDict(extra="forbid")

    prefer_documents: list[str] = Field(default_factory=list)
    avoid_documents: list[str] = Field(default_factory=list)
    about_documents: list[str] = Field(default_factory=list)  # named with no word on which way: the gate's grounding only
    expand_query: list[str] = Field(default_factory=list)
    prefer_tools: list[str] = Field(default_factory=list)
    avoid_tools: list[str] = Field(default_factory=list)
    tool_argument_hints: dict[str, str] = Field(default_factory=dict)

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in type(self).model_fields)


class Lesson(BaseModel):
    """A general lesson learned from one correction, owned by one component's memory."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    component: Component
    text: str = Field(min_length=1, description="The instruction itself, in general terms.")
    trigger: str = Field(min_length=1, description="The kind of request this lesson applies to.")
    trigger_examples: list[str] = Field(
        default_factory=list, description="Example requests it applies to (the source request first)."
    )
    negative_examples: list[str] = Field(
        default_factory=list, description="Near misses: requests that share its words but that it must NOT apply to."
    )
    type: LessonType = LessonType.CONTENT
    severity: Severity = Severity.MEDIUM
    scope: str = Field(default="project", description="project, or user:NAME for one person")
    project: str = "default"
    tags: list[str] = Field(default_factory=list)
    author: str = "unknown"
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime | None = None
    version: int = 1
    status: LessonStatus = LessonStatus.ACTIVE
    action: LessonAction = Field(default_factory=LessonAction)
    source_request: str = ""
    source_answer: str = ""
    turn_id: str | None = None
    feedback_text: str = ""
    feedback_id: str | None = None
    hold_reason: str = Field("", description="why the lesson waits for approval (status pending)")
    reinforcements: int = Field(0, description="times the same correction was given again")
    reinforced_by: list[str] = Field(default_factory=list, description="feedback ids that repeated it (a replayed "
                                     "correction is counted once)")
    last_seen_at: datetime | None = None

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or utc_now())

    def trigger_texts(self) -> list[str]:
        """Texts whose similarity to a request decides relevance: the description, then examples."""
        seen: list[str] = []
        for text in [self.trigger, *self.trigger_examples]:
            text = text.strip()
            if text and text not in seen:
                seen.append(text)
        return seen

    def near_miss_texts(self) -> list[str]:
        """Requests the lesson must not apply to (from the router, or from "not here" feedback)."""
        return list(dict.fromkeys(text.strip() for text in self.negative_examples if text.strip()))


class Document(BaseModel):
    """One entry of the knowledge corpus."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    text: str


class GateDecision(BaseModel):
    """Why one retrieved lesson was or was not applied in a turn."""

    lesson_id: str
    component: Component
    score: float
    threshold: float
    passed: bool
    reason: str
    matched_text: str = ""
    lesson_text: str = ""
    feedback_id: str | None = None
    author: str = ""
    version: int = 1
    signals: dict[str, float] = Field(default_factory=dict, description="the gate's inputs: similarities, margin, probability")
    second_stage: str | None = Field(None, description="the borderline check's verdict (applies / not / unavailable) or the "
                                           "data check's (asks for data / does not), if one ran")

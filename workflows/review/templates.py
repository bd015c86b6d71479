"""Human-evaluation templates: what a reviewer fills in for a batch output (set in config.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from memory.errors import AlhfError

__all__ = ["ReviewTemplate", "ReviewSettings", "Assessment"]


class ReviewTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thumbs: bool = True
    criteria: list[str] = Field(default_factory=lambda: ["correctness", "completeness", "groundedness", "tone"])
    error_classes: list[str] = Field(
        default_factory=lambda: ["wrong_document", "wrong_tool", "wrong_facts", "format", "tone", "other"]
    )


class ReviewSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default_template: str = "standard"
    templates: dict[str, ReviewTemplate] = Field(default_factory=lambda: {"standard": ReviewTemplate()})

    def template(self, name: str | None) -> tuple[str, ReviewTemplate]:
        name = name or self.default_template
        if name not in self.templates:
            known = ", ".join(sorted(self.templates))
            raise AlhfError(f"Unknown review template {name!r}: use one of {known} (review.templates in config.yaml).")
        return name, self.templates[name]


class Assessment(BaseModel):
    """What the reviewer filled in, checked against the item's template."""

    model_config = ConfigDict(extra="forbid")

    thumbs: Literal["up", "down"] | None = None
    scores: dict[str, int] = Field(default_factory=dict)
    error_class: str | None = None
    note: str = ""

    def check(self, template: ReviewTemplate) -> "Assessment":
        if self.thumbs is not None and not template.thumbs:
            raise AlhfError("This review template has no thumbs up/down.")
        for criterion, score in self.scores.items():
            if criterion not in template.criteria:
                raise AlhfError(f"Unknown criterion {criterion!r}: the template has {', '.join(template.criteria)}.")
            if not 1 <= score <= 5:
                raise AlhfError(f"Score for {criterion} must be 1-5, got {score}.")
        if self.error_class is not None and self.error_class not in template.error_classes:
            raise AlhfError(f"Unknown error class {self.error_class!r}: use one of {', '.join(template.error_classes)}.")
        return self

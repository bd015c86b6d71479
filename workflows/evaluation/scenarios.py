"""Scenario files (shared/SCENARIOS.md): a corpus, a database, then steps of requests, corrections, probes."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from memory.errors import AlhfError
from memory.records import Component, Document, parse_component
from workflows.workspace import DatabaseFixture, Workspace

__all__ = ["Feedback", "Step", "Scenario", "load_scenario", "load_scenarios", "ScenarioError"]


class ScenarioError(AlhfError):
    pass


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    text: str = Field(min_length=1)
    component: list[Component] | None = None
    author: str | None = None
    quarantine: bool = False

    @field_validator("component", mode="before")
    @classmethod
    def _components(cls, value: object) -> object:
        if value is None:
            return None
        names = value if isinstance(value, list) else [value]
        return [parse_component(str(name)) for name in names]


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    ask: str = Field(min_length=1)
    feedback: Feedback | None = None
    relevant: list[str] | None = None
    expect: list[str] = Field(default_factory=list)
    forbid: list[str] = Field(default_factory=list)
    not_here: list[str] = Field(default_factory=list, description="feedback ids whose lesson the person says should "
                                "not have applied here (given after the step is scored)")


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    corpus: list[Document] = Field(default_factory=list)
    database: DatabaseFixture | None = None
    steps: list[Step] = Field(min_length=1)

    def workspace(self) -> Workspace:
        return Workspace(name=self.name, corpus=self.corpus, database=self.database)


def load_scenario(path: Path) -> Scenario:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not UTF-8 text; a scenario is a YAML file (see shared/SCENARIOS.md).") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax.") from None
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: a scenario is a mapping with name and steps (see shared/SCENARIOS.md).")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        problem = "missing required field" if err["type"] == "missing" else err["msg"]
        raise ScenarioError(f"{path}: {where}: {problem}; see shared/SCENARIOS.md for the format.") from None


def load_scenarios(folder: Path) -> list[tuple[Path, Scenario]]:
    if folder.is_file():
        files = [folder]
    elif folder.is_dir():
        files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    else:
        raise ScenarioError(f"{folder} does not exist: pass a folder of scenario YAML files.")
    if not files:
        raise ScenarioError(f"{folder} holds no .yaml scenario files.")
    scenarios = [(path, load_scenario(path)) for path in files]
    names = [s.name for _, s in scenarios]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ScenarioError(f"Scenario names must be unique; repeated: {', '.join(duplicates)}.")
    return scenarios

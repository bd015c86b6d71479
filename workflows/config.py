"""config.yaml: one validated configuration. Unknown or mistyped keys fail with their name."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.settings import ModelSettings
from memory.errors import AlhfError
from memory.settings import MemorySettings
from workflows.governance.roles import GovernanceSettings
from workflows.review.templates import ReviewSettings
from workflows.server.settings import ServerSettings

__all__ = ["AppConfig", "SessionSettings", "load_config", "data_dir", "db_path", "ConfigError"]

HOME_ENV = "ALHF_HOME"
CONFIG_ENV = "ALHF_CONFIG"


class ConfigError(AlhfError):
    pass


class SessionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["always", "terminate", "never"] = "terminate"
    redo_after_correction: int = Field(1, ge=0, le=5, description="times a corrected turn is redone with its lesson")


class TracingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="record a span tree for every turn in the SQLite database")
    otlp_endpoint: str | None = Field(None, description="e.g. http://localhost:4318/v1/traces; unset: no export")
    service_name: str = "alhf"


class AppConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data_dir: Path | None = Field(None, description=f"unset: ${HOME_ENV}, else ~/.local/share/alhf")
    project: str = "default"
    workspace: Path | None = Field(None, description="a workspace YAML (corpus + database); unset: the demo")
    retriever_top_k: int = Field(3, ge=1, le=20)
    model: ModelSettings = Field(default_factory=ModelSettings)
    memory: MemorySettings = Field(default_factory=MemorySettings)
    session: SessionSettings = Field(default_factory=SessionSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    tracing: TracingSettings = Field(default_factory=TracingSettings)
    governance: GovernanceSettings = Field(default_factory=GovernanceSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)


def _describe(error: ValidationError, source: Path) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    if first["type"] == "extra_forbidden":
        return f"{source}: unknown key {where!r}; remove it or check its spelling (see config.yaml in the repo)."
    return f"{source}: {where}: {first['msg']} (got {first.get('input')!r})."


def load_config(path: Path | None = None) -> AppConfig:
    """`path`, else $ALHF_CONFIG, else ./config.yaml if present, else the built-in defaults."""
    if path is None and os.environ.get(CONFIG_ENV):
        path = Path(os.environ[CONFIG_ENV])
    if path is None and Path("config.yaml").is_file():
        path = Path("config.yaml")
    if path is None:
        return AppConfig()
    if not path.is_file():
        raise ConfigError(f"Config file {path} does not exist: pass an existing file to --config.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text: pass a YAML file like config.yaml in the repo.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}:{line} is not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax.") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys, like config.yaml in the repo.")
    try:
        config = AppConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None
    if config.workspace is not None and not config.workspace.is_absolute():
        config.workspace = (path.parent / config.workspace).resolve()
    return config


def data_dir(config: AppConfig) -> Path:
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    if config.data_dir is not None:
        return config.data_dir.expanduser()
    return Path.home() / ".local" / "share" / "alhf"


def db_path(config: AppConfig) -> Path:
    """The project's SQLite database: traces, review queue, audit log."""
    return data_dir(config) / "alhf.db"

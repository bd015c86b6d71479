"""A workspace: the corpus the Retriever searches and the read-only SQLite database the tools query.

A workspace file and a scenario share the `corpus` / `database` format (shared/SCENARIOS.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.tools import ToolRegistry, calculator_tool, document_lookup_tool, sql_tool
from memory.errors import AlhfError
from memory.records import Document

__all__ = ["DatabaseFixture", "Workspace", "load_workspace", "demo_workspace_path"]


class DatabaseFixture(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_sql: str = Field(alias="schema")
    rows: dict[str, list[list[Any]]] = Field(default_factory=dict)

    def build(self, path: Path) -> Path:
        """Create the SQLite file once per content (named by its hash), atomically: each builder writes its
        own partial file (batch threads and Ray workers may build at once) and the last rename wins."""
        if path.is_file():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.partial")
        partial.unlink(missing_ok=True)
        conn = sqlite3.connect(partial)
        try:
            conn.executescript(self.schema_sql)
            for table, rows in self.rows.items():
                for row in rows:
                    marks = ", ".join("?" for _ in row)
                    conn.execute(f'INSERT INTO "{table}" VALUES ({marks})', row)
            conn.commit()
        except sqlite3.Error as exc:
            conn.close()
            partial.unlink(missing_ok=True)
            raise AlhfError(f"The workspace database fixture is invalid ({exc}); fix its schema or rows.") from None
        conn.close()
        partial.replace(path)
        return path


class Workspace(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    name: str = "workspace"
    description: str = ""
    corpus: list[Document] = Field(default_factory=list)
    database: DatabaseFixture | None = None

    def fingerprint(self) -> str:
        body = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def tool_registry(self, cache_dir: Path) -> ToolRegistry:
        registry = ToolRegistry()
        if self.database is not None:
            db = self.database.build(cache_dir / f"{self.name}-{self.fingerprint()}.sqlite")
            registry.add(sql_tool(db))
        registry.add(calculator_tool())
        if self.corpus:
            corpus = list(self.corpus)
            registry.add(document_lookup_tool(lambda: corpus))
        return registry


def demo_workspace_path() -> Path:
    return Path(str(resources.files("workflows").joinpath("demo/workspace.yaml")))


def load_workspace(path: Path | None) -> Workspace:
    path = path or demo_workspace_path()
    if not path.is_file():
        raise AlhfError(f"Workspace file {path} does not exist: fix `workspace:` in config.yaml.")
    try:
        return Workspace.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except UnicodeDecodeError:
        raise AlhfError(f"{path} is not UTF-8 text: a workspace is a YAML file.") from None
    except (yaml.YAMLError, ValidationError) as exc:
        raise AlhfError(f"{path} is not a valid workspace file: {str(exc).splitlines()[0]}") from None

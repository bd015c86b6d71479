"""`alhf backup` and `alhf restore`: copies of the data directory (database and lesson store)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import typer
from rich.markup import escape

from workflows.cli.support import ConfigOption, UserOption, actor, console, fail, guarded, load

__all__ = ["backup", "restore"]


def backup(
    list_only: bool = typer.Option(False, "--list", help="List the backups instead of making one."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Copy the database and the lesson store into <data dir>/backups/<time>/ (migrations also make one)."""
    from workflows.config import data_dir
    from workflows.storage.backup import create_backup, list_backups

    config = load(config_path)
    home = data_dir(config)
    if list_only:
        found = list_backups(home)
        console.print(f"{len(found)} backup(s) in {home / 'backups'}" + ("" if found else ": make one with `alhf backup`"))
        for folder in found:
            console.print(f"  {folder.name}  ({', '.join(sorted(p.name for p in folder.iterdir()))})")
        return
    with _holding_the_store(config):
        folder = guarded(lambda: create_backup(home))
    console.print(f"backup written to {folder}")


def restore(
    name: Optional[str] = typer.Argument(None, help="Backup folder name (default: the newest; see --list)."),
    user: Optional[str] = UserOption,
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Put a backup back (approvers only); what it replaces is kept as a new backup. Works when the
    database is damaged; refused while another alhf process holds the store."""
    from workflows.config import data_dir
    from workflows.governance.permissions import require_approver
    from workflows.storage.backup import list_backups, restore_backup

    config = load(config_path)
    who = actor(config, user)
    guarded(lambda: require_approver(config.governance, who, "restore a backup"))
    home = data_dir(config)
    found = [f for f in list_backups(home) if not f.name.endswith("-before-restore")]
    chosen = (home / "backups" / name) if name else (found[-1] if found else None)
    if chosen is None:
        fail(f"No backup in {home / 'backups'}: make one with `alhf backup`.")
    with _holding_the_store(config):
        pass  # no other process may hold it while files are swapped
    kept = guarded(lambda: restore_backup(home, chosen))
    console.print(f"restored {escape(chosen.name)}; what it replaced is kept in {kept}")


@contextmanager
def _holding_the_store(config: Any) -> Iterator[None]:
    """Hold the lesson store's lock for a block, so no other process writes while files are copied."""
    from memory.settings import build_embedder, open_store
    from workflows.config import data_dir

    if config.memory.qdrant_url:  # a server's memory: nothing in the data dir to guard
        yield
        return
    home = data_dir(config)
    store = guarded(lambda: open_store(config.memory, home / "qdrant", build_embedder(config.memory, home)))
    try:
        yield
    finally:
        store.close()

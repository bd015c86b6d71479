"""Backups of the data directory: the database (through SQLite's online backup) and the lesson store
folder, under `<data dir>/backups/<UTC time>/`. Migrations take one first; `alhf restore` puts one back
(keeping what it replaces)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from memory.errors import AlhfError

__all__ = ["BACKUPS", "backup_database", "create_backup", "list_backups", "restore_backup"]

BACKUPS = "backups"
DB_NAME = "alhf.db"
STORE_FOLDERS = ("qdrant", "edge")  # the embedded lesson stores a data dir may hold


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def backup_database(source: sqlite3.Connection | Path, target: Path) -> Path:
    """A consistent copy of a live database, even while other processes write to it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source) if isinstance(source, Path) else source
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        if isinstance(source, Path):
            src.close()
    return target


def create_backup(home: Path, *, label: str = "") -> Path:
    """Copy the database and the store folders of `home` into a new backup folder; returns it. The caller
    must hold the lesson store (so nobody writes it meanwhile)."""
    folder = home / BACKUPS / (_stamp() + (f"-{label}" if label else ""))
    folder.mkdir(parents=True)
    if (home / DB_NAME).exists():
        backup_database(home / DB_NAME, folder / DB_NAME)
    for name in STORE_FOLDERS:
        if (home / name).is_dir():
            shutil.copytree(home / name, folder / name, ignore=shutil.ignore_patterns(".lock"))
    return folder


def list_backups(home: Path) -> list[Path]:
    """Backup folders, oldest first."""
    root = home / BACKUPS
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def restore_backup(home: Path, backup: Path) -> Path:
    """Replace the database and store folders with those of `backup`; what they replace is kept in a new
    backup folder, returned. The caller must hold the lesson store (no other process may be running)."""
    if not backup.is_dir() or not ((backup / DB_NAME).exists() or any((backup / n).is_dir() for n in STORE_FOLDERS)):
        raise AlhfError(f"{backup} is not a backup folder: see `alhf backup --list`.")
    kept = home / BACKUPS / (_stamp() + "-before-restore")
    kept.mkdir(parents=True)
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", *STORE_FOLDERS):
        if (home / name).exists():
            shutil.move(str(home / name), str(kept / name))
    if (backup / DB_NAME).exists():
        shutil.copy2(backup / DB_NAME, home / DB_NAME)
    for name in STORE_FOLDERS:
        if (backup / name).is_dir():
            shutil.copytree(backup / name, home / name)
    return kept

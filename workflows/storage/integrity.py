"""Checking the data directory before trusting it: a damaged file is refused with one line naming it and
the way out, never silently replaced by an empty one.

    >>> check_sqlite_file(Path("/nonexistent/alhf.db")) is None
    True
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from memory.errors import AlhfError

__all__ = ["DamagedDataError", "DataDirError", "check_sqlite_file", "check_store_folder", "check_writable"]

_HEADER = b"SQLite format 3\x00"
_WAY_OUT = "restore the latest backup with `alhf restore` (list them with `alhf backup --list`)"


class DamagedDataError(AlhfError):
    """A file of the data directory is damaged: the message names it and how to restore it."""


class DataDirError(AlhfError):
    """The data directory cannot be used (not writable, not a folder)."""


def check_sqlite_file(path: Path, *, what: str = "database") -> None:
    """Raise DamagedDataError if `path` exists and is not a sound SQLite database."""
    if not path.exists():
        return None
    size = path.stat().st_size
    if size == 0:
        raise DamagedDataError(f"The {what} {path} is empty (0 bytes; it was truncated): {_WAY_OUT}, or move the file "
                               "away to start with an empty one.")
    with path.open("rb") as f:
        header = f.read(len(_HEADER))
    if header != _HEADER:
        raise DamagedDataError(f"The {what} {path} is not an SQLite database (bad header): {_WAY_OUT}.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DamagedDataError(f"The {what} {path} is damaged ({exc}): {_WAY_OUT}.") from None
    if result != "ok":
        raise DamagedDataError(f"The {what} {path} is damaged ({result}): {_WAY_OUT}.")
    return None


def check_store_folder(folder: Path) -> None:
    """The lesson store's files must be readable: every collection database of a qdrant local-mode folder is
    a sound SQLite file; every JSON file of a Qdrant Edge shard (configs, segment descriptions) parses; every
    file can be read. (The engines check their binary files themselves when they open them.)"""
    for storage in sorted(folder.glob("collection/*/storage.sqlite")):
        check_sqlite_file(storage, what=f"lesson collection {storage.parent.name}")
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name == ".lock":
            continue
        try:
            data = path.read_bytes() if path.suffix == ".json" else (path.open("rb").close() or b"")
        except OSError as exc:
            raise DamagedDataError(f"The lesson store file {path} cannot be read ({exc.strerror}): {_WAY_OUT}.") from None
        if path.suffix == ".json":
            try:
                json.loads(data or b"null") if data else _empty(path)
            except ValueError:
                raise DamagedDataError(f"The lesson store file {path} is damaged (not valid JSON): {_WAY_OUT}.") from None


def _empty(path: Path) -> None:
    raise DamagedDataError(f"The lesson store file {path} is empty (it was truncated): {_WAY_OUT}.")


def check_writable(home: Path) -> None:
    """The data directory exists (or can be made) and this process may write in it."""
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(f"Cannot create the data directory {home} ({exc.strerror}): set $ALHF_HOME or data_dir "
                           "in config.yaml to a folder you can write.") from None
    if not home.is_dir():
        raise DataDirError(f"The data directory {home} is not a folder: set $ALHF_HOME or data_dir to a folder.")
    if not os.access(home, os.W_OK | os.X_OK):
        raise DataDirError(f"The data directory {home} is read-only for this user: fix its permissions, or set "
                           "$ALHF_HOME or data_dir in config.yaml to a folder you can write.")

"""The project's SQLite database (`alhf.db` in the data dir): the process's connection and transactions.

Traces, the review queue, batch runs, the learning inbox and the memory audit share it. WAL lets a
batch run and a reviewer write from two processes; every state change is one transaction; foreign
keys are enforced. Opening it applies pending migrations (workflows/storage/migrations.py).

    >>> conn = open_database(":memory:")
    >>> applied_migrations(conn)[-1]
    'm009_review_assignments'
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from workflows.storage.backup import BACKUPS, backup_database
from workflows.storage.integrity import DamagedDataError, DataDirError, check_sqlite_file, check_writable
from workflows.storage.migrations import applied_migrations, migrate, pending_migrations

__all__ = ["open_database", "close_database", "applied_migrations", "transaction", "utc_iso"]


def utc_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


_SHARED: dict[str, list] = {}  # resolved path -> [connection, users]
_SHARED_LOCK = threading.Lock()


def open_database(path: str | Path) -> sqlite3.Connection:
    """The process's one connection to the database at `path` (":memory:" gets its own each time).

    One connection per process, shared by the trace store, the review queue and batch workers (SQLite
    is built serialized here): two connections of one process writing the same file can wait on each
    other's lock for the whole busy timeout while holding Python's GIL, which stalled multi-worker
    batches for 30 s and failed tasks with "database is locked". Close it with `close_database`.
    """
    if str(path) == ":memory:":
        return _connect(path)
    key = str(Path(path).resolve())
    with _SHARED_LOCK:
        if key in _SHARED:
            _SHARED[key][1] += 1
            return _SHARED[key][0]
        conn = _connect(path)
        _SHARED[key] = [conn, 1]
        return conn


def close_database(conn: sqlite3.Connection) -> None:
    """Release this user's share; the connection closes when its last user is done."""
    with _SHARED_LOCK:
        for key, entry in list(_SHARED.items()):
            if entry[0] is conn:
                entry[1] -= 1
                if entry[1] > 0:
                    return
                del _SHARED[key]
                break
    _LOCKS.pop(id(conn), None)
    conn.close()


def _connect(path: str | Path) -> sqlite3.Connection:
    """Open, check and migrate. A damaged file is refused (never replaced by an empty one); a database
    that needs migrating is backed up first."""
    memory = str(path) == ":memory:"
    if not memory:
        check_writable(Path(path).parent)
        check_sqlite_file(Path(path))
        if not Path(path).exists():
            _create(Path(path))
    try:
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        if not memory:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA foreign_keys=ON")
        if not memory and applied_migrations(conn) and pending_migrations(conn):
            backup_database(conn, Path(path).parent / BACKUPS / f"{utc_iso()[:19].replace(':', '')}-before-migration"
                            / Path(path).name)
        migrate(conn)
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc) or "unable to open" in str(exc):
            raise DataDirError(f"Cannot write the database {path} ({exc}): fix the permissions of its folder, or set "
                               "$ALHF_HOME or data_dir in config.yaml to a folder you can write.") from None
        raise
    except sqlite3.DatabaseError as exc:
        raise DamagedDataError(f"The database {path} is damaged ({exc}): restore the latest backup with "
                               "`alhf restore`.") from None
    return conn


def _create(path: Path) -> None:
    """Make a new database under a temporary name and move it in place, so alhf itself never leaves an
    empty alhf.db behind: an empty one found later was truncated, and is refused."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.new")
    conn = sqlite3.connect(partial, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        migrate(conn)
    finally:
        conn.close()
    try:
        os.link(partial, path)  # fails if another process created it meanwhile: theirs is kept
    except FileExistsError:
        pass
    finally:
        partial.unlink()


_LOCKS: dict[int, threading.RLock] = {}


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE ... COMMIT), serialized between threads sharing `conn`."""
    lock = _LOCKS.setdefault(id(conn), threading.RLock())
    with lock:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

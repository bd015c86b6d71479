"""The file in the data directory that says a server owns the store and where it listens (`server.json`).

Written when the server has opened the store and is about to listen; removed on a clean exit. A file
left by a process that no longer runs (kill -9, power loss) is stale: `running_server` ignores it and a
new server replaces it.

    >>> import tempfile, pathlib
    >>> home = pathlib.Path(tempfile.mkdtemp())
    >>> running_server(home) is None
    True
    >>> write_server_file(home, "127.0.0.1", 8765)["url"]
    'http://127.0.0.1:8765'
    >>> running_server(home)["port"]
    8765
    >>> remove_server_file(home); running_server(home) is None
    True
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = ["SERVER_FILE", "write_server_file", "remove_server_file", "running_server", "read_server_file"]

SERVER_FILE = "server.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def write_server_file(home: Path, host: str, port: int) -> dict[str, Any]:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    info = {"pid": os.getpid(), "host": host, "port": port, "url": f"http://{shown}:{port}",
            "started_at": datetime.now(timezone.utc).isoformat()}
    partial = home / (SERVER_FILE + ".partial")
    partial.write_text(json.dumps(info), encoding="utf-8")
    partial.replace(home / SERVER_FILE)
    return info


def read_server_file(home: Path) -> dict[str, Any] | None:
    """The file's content whether or not its process still runs; None without a readable file."""
    try:
        return json.loads((home / SERVER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def running_server(home: Path) -> dict[str, Any] | None:
    """Where the server of this data dir listens, or None when none runs (no file, or a stale one)."""
    info = read_server_file(home)
    if info is None or not isinstance(info.get("pid"), int) or not _alive(info["pid"]):
        return None
    return info


def remove_server_file(home: Path) -> None:
    """Remove the file if it is this process's (a newer server's file is left alone)."""
    info = read_server_file(home)
    if info is not None and info.get("pid") == os.getpid():
        (home / SERVER_FILE).unlink(missing_ok=True)

"""Talking to a running `alhf serve` from other commands: where it is (the data dir's server.json) and a
small JSON client authenticated by an API token (`$ALHF_TOKEN`, made by `alhf users token NAME`).
Standard library only, so commands that use it need no web libraries."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from memory.errors import AlhfError
from workflows.server.owner import running_server

__all__ = ["ServerClient", "TOKEN_ENV"]

TOKEN_ENV = "ALHF_TOKEN"


class ServerClient:
    def __init__(self, url: str, token: str, *, timeout: float = 30.0) -> None:
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout

    @classmethod
    def for_data_dir(cls, home: Path) -> "ServerClient | None":
        """A client of the server that owns `home`, or None when none runs. A running server without
        $ALHF_TOKEN is an error that says how to get one."""
        server = running_server(home)
        if server is None:
            return None
        token = os.environ.get(TOKEN_ENV, "").strip()
        if not token:
            raise AlhfError(f"`alhf serve` owns the memory of {home} ({server['url']}): set {TOKEN_ENV} to your API "
                            f"token (`alhf users token NAME`) and this command goes through it.")
        return cls(server["url"], token)

    def get(self, path: str, **params: Any) -> Any:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        request = urllib.request.Request(f"{self.url}{path}" + (f"?{query}" if query else ""), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error") or exc.reason
            except ValueError:
                message = exc.reason
            raise AlhfError(f"The server at {self.url} refused: {message}") from None
        except urllib.error.URLError as exc:
            raise AlhfError(f"Cannot reach the server at {self.url} ({exc.reason}): is `alhf serve` still "
                            "running?") from None

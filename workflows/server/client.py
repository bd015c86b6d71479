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
    def for_data_dir(cls, home: Path, *, required: bool = True) -> "ServerClient | None":
        """A client of the server that owns `home`, or None when none runs. A running server without
        $ALHF_TOKEN is an error that says how to get one (`required`), else None."""
        server = running_server(home)
        if server is None:
            return None
        token = os.environ.get(TOKEN_ENV, "").strip()
        if not token and not required:
            return None
        if not token:
            raise AlhfError(f"`alhf serve` owns the memory of {home} ({server['url']}): set {TOKEN_ENV} to your API "
                            f"token (`alhf users token NAME`) and this command goes through it.")
        return cls(server["url"], token)

    def get(self, path: str, **params: Any) -> Any:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        return self._send(urllib.request.Request(f"{self.url}{path}" + (f"?{query}" if query else "")))

    def post(self, path: str, body: Any, *, timeout: float | None = None) -> Any:
        """POST `body` as JSON; `timeout` for calls that wait on the server's model (learning)."""
        return self._send(urllib.request.Request(f"{self.url}{path}", data=json.dumps(body).encode("utf-8"),
                                                 headers={"Content-Type": "application/json"}, method="POST"),
                          timeout)

    def read_store(self, operation: str, args: dict[str, Any]) -> Any:
        """One read of the server's lesson memory (the `call` of memory.remote.RemoteBackend)."""
        return self.post(f"/api/store/{operation}", args)

    def _send(self, request: urllib.request.Request, timeout: float | None = None) -> Any:
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            try:
                body = json.loads(exc.read())
                message = body.get("error") or body.get("detail") or exc.reason
            except ValueError:
                message = exc.reason
            raise AlhfError(f"The server at {self.url} refused: {message}") from None
        except urllib.error.URLError as exc:
            raise AlhfError(f"Cannot reach the server at {self.url} ({exc.reason}): is `alhf serve` still "
                            "running?") from None

"""`alhf serve` (one process owns the memory and the database; web review app + JSON API) and
`alhf users` (the server's local accounts)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Optional

import typer

from workflows.cli.support import ConfigOption, console, err, fail, guarded, load

__all__ = ["serve", "users_app"]

SERVE_HINT = "alhf serve needs the web libraries: pip install -e '.[serve]'"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

users_app = typer.Typer(help="Accounts of the review server (`alhf serve`): each has a governance role. Managed by "
                        "whoever may write the data directory (its file permissions are the boundary).",
                        no_args_is_help=True)


def serve(
    host: Optional[str] = typer.Option(None, help="Address to bind (default server.host: 127.0.0.1). Binding "
                                       "another address exposes the app to that network."),
    port: Optional[int] = typer.Option(None, help="Port (default server.port: 8765)."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Run the review server: it owns the lesson memory and the database while it runs.

    Open the printed address, sign in with an account made by `alhf users add NAME --role ROLE`, review the
    queue (keys a/c/r, j/k), approve held lessons, browse memory. The JSON API is documented at /docs;
    /health answers without signing in. Ctrl-C or SIGTERM stops it after the requests in flight finish.
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        fail(SERVE_HINT)
    from workflows.config import data_dir
    from workflows.server.owner import read_server_file, running_server

    config = load(config_path)
    host, port = host or config.server.host, port or config.server.port
    home = data_dir(config)
    running = running_server(home)
    if running:
        fail(f"A server already owns {home}: {running['url']} (pid {running['pid']}). Stop it first, or use it.")
    stale = read_server_file(home)
    if stale:
        err.print(f"note: replacing the server file left by pid {stale.get('pid')}, which no longer runs")
    _check_port(host, port)
    if host not in LOOPBACK:
        err.print(f"[yellow]warning:[/] binding {host}: anyone who can reach this address sees the sign-in page")

    from workflows.cli.support import open_runtime
    from workflows.server.accounts import Accounts
    from workflows.server.app import create_app

    runtime = open_runtime(config)
    try:
        if not Accounts(runtime.review_queue().conn, config.governance).all():
            err.print("note: no account yet: `alhf users add NAME --role admin` (the server need not stop)")
        app = create_app(config, runtime=runtime, announce=(host, port))
        shown = "127.0.0.1" if host == "0.0.0.0" else host
        console.print(f"alhf serving {home} at http://{shown}:{port}  (API docs: /docs; Ctrl-C stops)")
        server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on",
                                               timeout_graceful_shutdown=30))
        _run_until_stopped(server)
    finally:
        runtime.close()
    console.print("alhf server stopped; the memory and the database are closed")


class _Stopped(Exception):
    pass


def _run_until_stopped(server) -> None:  # noqa: ANN001 - uvicorn.Server
    """Run until Ctrl-C or SIGTERM. uvicorn finishes the requests in flight and the app's shutdown, then
    re-raises the signal it caught: here that ends the wait instead of killing the process, so the
    runtime is closed and the exit status is 0."""
    import signal

    def stopped(signum: int, frame: object) -> None:
        raise _Stopped

    previous = signal.signal(signal.SIGTERM, stopped)
    try:
        server.run()
    except (_Stopped, KeyboardInterrupt):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(f"Cannot listen on {host}:{port} ({exc.strerror}): pick another with --port.")


def _accounts(config_path: Optional[Path]):  # noqa: ANN202 - (Accounts, connection), imported lazily
    from workflows.config import db_path
    from workflows.server.accounts import Accounts
    from workflows.storage.database import open_database

    config = load(config_path)
    conn = guarded(lambda: open_database(db_path(config)))
    return Accounts(conn, config.governance), conn, config


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="Sign-in name; also the author name of what this person teaches."),
    role: str = typer.Option(..., "--role", help="A governance role (config.yaml governance.roles: admin, expert, "
                             "reviewer, contributor, viewer by default)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from the first line of "
                                        "stdin (scripts) instead of prompting."),
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Add an account: `alhf users add ana --role admin` (the password is asked twice, stored as an argon2 hash)."""
    from workflows.storage.database import close_database

    accounts, conn, _ = _accounts(config_path)
    try:
        secret = _password(password_stdin)
        account = guarded(lambda: accounts.add(name, role, secret))
    finally:
        close_database(conn)
    console.print(f"account {account.name} added ({account.role}); sign in at the server's /login")


@users_app.command("list")
def users_list(config_path: Optional[Path] = ConfigOption) -> None:
    """The accounts and their roles."""
    from workflows.storage.database import close_database

    accounts, conn, _ = _accounts(config_path)
    try:
        rows = accounts.all()
    finally:
        close_database(conn)
    if not rows:
        console.print("no account yet: `alhf users add NAME --role ROLE`")
    for account in rows:
        console.print(f"{account.name}\t{account.role}")


@users_app.command("passwd")
def users_passwd(name: str, password_stdin: bool = typer.Option(False, "--password-stdin"),
                 config_path: Optional[Path] = ConfigOption) -> None:
    """Set an account's password."""
    from workflows.storage.database import close_database

    accounts, conn, _ = _accounts(config_path)
    try:
        secret = _password(password_stdin)
        guarded(lambda: accounts.set_password(name, secret))
    finally:
        close_database(conn)
    console.print(f"password of {name} changed")


@users_app.command("role")
def users_role(name: str, role: str, config_path: Optional[Path] = ConfigOption) -> None:
    """Change an account's role (takes effect at its next request)."""
    from workflows.storage.database import close_database

    accounts, conn, _ = _accounts(config_path)
    try:
        guarded(lambda: accounts.set_role(name, role))
    finally:
        close_database(conn)
    console.print(f"{name} is now a {role}")


@users_app.command("remove")
def users_remove(name: str, config_path: Optional[Path] = ConfigOption) -> None:
    """Remove an account (its sessions and token stop working at once; what it taught stays)."""
    from workflows.storage.database import close_database

    accounts, conn, _ = _accounts(config_path)
    try:
        guarded(lambda: accounts.remove(name))
    finally:
        close_database(conn)
    console.print(f"account {name} removed")


@users_app.command("token")
def users_token(name: str, config_path: Optional[Path] = ConfigOption) -> None:
    """Make a new API token for an account (the old one stops working); send it as `Authorization: Bearer TOKEN`."""
    from workflows.storage.database import close_database

    accounts, conn, _ = _accounts(config_path)
    try:
        token = guarded(lambda: accounts.new_token(name))
    finally:
        close_database(conn)
    console.print(token)

"""Who is calling: a signed session cookie (the browser) or `Authorization: Bearer TOKEN` (scripts), CSRF
for every state-changing request made with the cookie, and the secret that signs the cookies.

Nothing but /health answers without an account; what an account may do is its governance role's
business (workflows/governance/permissions.py), checked by each action."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from fastapi import Request

from memory.errors import AlhfError
from workflows.server.accounts import Account

__all__ = ["SignInRequired", "CsrfFailed", "session_secret", "current_account", "csrf_token", "check_csrf",
           "sign_in", "sign_out", "SAFE_METHODS"]

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SECRET_FILE = "server-secret"


class SignInRequired(AlhfError):
    pass


class CsrfFailed(AlhfError):
    pass


def session_secret(home: Path) -> str:
    """The key that signs session cookies: made once per data dir, readable only by its owner. Deleting
    the file signs everyone out."""
    path = home / SECRET_FILE
    if not path.is_file():
        fd = os.open(path.with_suffix(".new"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
        os.replace(path.with_suffix(".new"), path)
    return path.read_text().strip()


def current_account(request: Request) -> Account:
    """The signed-in account (cookie) or the token's (Authorization: Bearer); SignInRequired otherwise."""
    state = request.app.state.alhf
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        with state.lock:
            account = state.accounts.by_token(header[7:].strip())
        if account is None:
            raise SignInRequired("Unknown API token: make one with `alhf users token NAME`.")
        request.state.by_token = True
        return state.sign_in_as(account)
    name = request.session.get("account")
    if not name:
        raise SignInRequired("Sign in first.")
    with state.lock:
        account = state.accounts.get(name)
    if account is None:  # removed since signing in
        request.session.clear()
        raise SignInRequired("This account no longer exists.")
    request.state.by_token = False
    return state.sign_in_as(account)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """A cookie-authenticated write must carry the session's CSRF token (form field `csrf` or header
    X-CSRF-Token); token-authenticated calls carry no cookie, so a foreign page cannot forge them."""
    if request.method in SAFE_METHODS or getattr(request.state, "by_token", False):
        return
    expected = request.session.get("csrf")
    given = submitted or request.headers.get("x-csrf-token") or ""
    if not expected or not hmac.compare_digest(str(expected), given):
        raise CsrfFailed("The form's security token is missing or old: reload the page and try again.")


def sign_in(request: Request, account: Account) -> None:
    request.session.clear()  # a fresh session (and CSRF token) at every sign-in
    request.session["account"] = account.name
    csrf_token(request)


def sign_out(request: Request) -> None:
    request.session.clear()

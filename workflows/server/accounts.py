"""Local accounts of the review server: name, governance role, argon2 password hash, an optional API token
(stored as its SHA-256). This module owns the `accounts` table (migration m007_accounts)."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass

from memory.errors import AlhfError
from workflows.governance.roles import GovernanceSettings
from workflows.storage.database import transaction, utc_iso

__all__ = ["Account", "Accounts", "AccountError", "MIN_PASSWORD_CHARS"]

MIN_PASSWORD_CHARS = 8


class AccountError(AlhfError):
    pass


@dataclass(frozen=True)
class Account:
    name: str
    role: str


def _hasher():  # noqa: ANN202 - argon2.PasswordHasher, imported lazily (an optional dependency)
    try:
        from argon2 import PasswordHasher
    except ImportError:
        raise AlhfError("Accounts need argon2-cffi: pip install -e '.[serve]'") from None
    return PasswordHasher()


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, conn: sqlite3.Connection, governance: GovernanceSettings) -> None:
        self.conn, self.governance = conn, governance

    def add(self, name: str, role: str, password: str) -> Account:
        name = name.strip()
        if not name or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise AccountError(f"Account name {name!r} must be letters, digits, '-', '_' or '.'.")
        if role not in self.governance.roles:
            raise AccountError(f"Unknown role {role!r}: use one of {', '.join(self.governance.roles)} "
                               "(governance.roles in config.yaml).")
        if len(password) < MIN_PASSWORD_CHARS:
            raise AccountError(f"The password needs at least {MIN_PASSWORD_CHARS} characters.")
        if self.get(name) is not None:
            raise AccountError(f"Account {name!r} exists: `alhf users passwd {name}` changes its password.")
        with transaction(self.conn):
            self.conn.execute("INSERT INTO accounts (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                              (name, role, _hasher().hash(password), utc_iso()))
        return Account(name, role)

    def set_password(self, name: str, password: str) -> None:
        if len(password) < MIN_PASSWORD_CHARS:
            raise AccountError(f"The password needs at least {MIN_PASSWORD_CHARS} characters.")
        self._require(name)
        with transaction(self.conn):
            self.conn.execute("UPDATE accounts SET password_hash = ? WHERE name = ?", (_hasher().hash(password), name))

    def set_role(self, name: str, role: str) -> None:
        if role not in self.governance.roles:
            raise AccountError(f"Unknown role {role!r}: use one of {', '.join(self.governance.roles)}.")
        self._require(name)
        with transaction(self.conn):
            self.conn.execute("UPDATE accounts SET role = ? WHERE name = ?", (role, name))

    def remove(self, name: str) -> None:
        self._require(name)
        with transaction(self.conn):
            self.conn.execute("DELETE FROM accounts WHERE name = ?", (name,))

    def new_token(self, name: str) -> str:
        """A fresh API token for `name` (the old one stops working); only its digest is stored."""
        self._require(name)
        token = "alhf_" + secrets.token_urlsafe(32)
        with transaction(self.conn):
            self.conn.execute("UPDATE accounts SET token_sha256 = ? WHERE name = ?", (_token_digest(token), name))
        return token

    def get(self, name: str) -> Account | None:
        row = self.conn.execute("SELECT name, role FROM accounts WHERE name = ?", (name,)).fetchone()
        return Account(row[0], row[1]) if row else None

    def all(self) -> list[Account]:
        return [Account(r[0], r[1]) for r in self.conn.execute("SELECT name, role FROM accounts ORDER BY name")]

    def verify_password(self, name: str, password: str) -> Account | None:
        """The account if the password matches; None otherwise (unknown names cost a hash too)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        row = self.conn.execute("SELECT name, role, password_hash FROM accounts WHERE name = ?", (name,)).fetchone()
        hasher = _hasher()
        if row is None:
            hasher.hash(password)  # same time as a wrong password: names are not revealed by timing
            return None
        try:
            hasher.verify(row[2], password)
        except (VerificationError, InvalidHashError):
            return None
        with transaction(self.conn):
            self.conn.execute("UPDATE accounts SET last_login = ? WHERE name = ?", (utc_iso(), name))
        return Account(row[0], row[1])

    def by_token(self, token: str) -> Account | None:
        row = self.conn.execute("SELECT name, role FROM accounts WHERE token_sha256 = ?",
                                (_token_digest(token),)).fetchone()
        return Account(row[0], row[1]) if row else None

    def _require(self, name: str) -> None:
        if self.get(name) is None:
            raise AccountError(f"No account {name!r}: `alhf users list` shows them.")

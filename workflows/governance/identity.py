"""Who is acting: the operating-system account running the command, unless that person's role may act
for others (`governance.act_for_others`) and `--user` / `$ALHF_USER` names someone else.

The OS account comes from the process's user id (`pwd`), not from environment variables a caller can set.
"""

from __future__ import annotations

import os

from memory.errors import AlhfError
from workflows.governance.roles import GovernanceSettings

__all__ = ["os_user", "resolve_actor", "IdentityError", "USER_ENV"]

USER_ENV = "ALHF_USER"


class IdentityError(AlhfError):
    pass


def os_user() -> str:
    """The login name of the account running this process."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # no passwd entry (some containers) or no pwd module (Windows)
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else os.environ.get("USERNAME", "unknown")


def resolve_actor(governance: GovernanceSettings, requested: str | None = None) -> str:
    """The person this command acts as. Acting as someone else needs a role in `act_for_others`."""
    wanted = (requested or os.environ.get(USER_ENV) or "").strip()
    if governance.trust_user_env and wanted:
        return wanted
    real = os_user()
    if not wanted or wanted == real:
        return real
    role = governance.role_of(real)
    if role in governance.act_for_others:
        return wanted
    allowed = ", ".join(governance.act_for_others) or "no role"
    raise IdentityError(f"You are {real} ({role}); acting as {wanted} needs a role in governance.act_for_others "
                        f"({allowed}). Drop --user/${USER_ENV} to act as yourself.")

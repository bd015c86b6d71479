"""Who may teach what: roles, approval, and quarantine of corrections that screening held.

Feedback is evidence, not gospel. Before a correction's lessons are stored, `admit` decides:
- a correction that screening held (workflows/governance/screening.py) is quarantined (held for
  approval with the reason), whoever sent it;
- a viewer's correction is recorded but not learned;
- lessons from a role that needs approval, or touching a sensitive scope or tag, are held;
- everything else is learned (status active).
Held lessons are stored with status `pending` and are never retrieved by the gate until approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from memory.records import Component, LessonType

__all__ = ["RoleSettings", "GovernanceSettings", "Admission", "admit"]


class RoleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    may_teach: list[Component] = Field(default_factory=lambda: list(Component))
    may_teach_tags: list[str] | None = Field(None, description="scopes/tags this role may teach; unset: any")
    needs_approval: bool = False
    may_review: bool = Field(True, description="may approve, correct or reject review items")
    trust: float = Field(1.0, ge=0.0, le=1.0)


def _default_roles() -> dict[str, RoleSettings]:
    return {
        "admin": RoleSettings(),
        "expert": RoleSettings(),
        "reviewer": RoleSettings(trust=0.8),
        "contributor": RoleSettings(needs_approval=True, trust=0.6),
        "viewer": RoleSettings(may_teach=[], may_review=False, trust=0.0),
    }


class GovernanceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: dict[str, RoleSettings] = Field(default_factory=_default_roles)
    people: dict[str, str] = Field(default_factory=dict, description="person -> role")
    default_role: str = "expert"
    approvers: list[str] = Field(default_factory=lambda: ["admin"], description="roles that may approve held lessons")
    act_for_others: list[str] = Field(default_factory=lambda: ["admin"], description="roles whose members may act "
                                      "as someone else with --user or $ALHF_USER")
    trust_user_env: bool = Field(False, description="take --user/$ALHF_USER as the identity without checking the OS "
                                 "user (only for single-person machines and CI)")
    allowed_domains: list[str] = Field(default_factory=list, description="domains (and their subdomains) a lesson "
                                       "may link to or name in an e-mail address; anything else is quarantined")
    allowed_phones: list[str] = Field(default_factory=list, description="phone numbers a lesson may give")
    screen_similarity: Literal["auto", "on", "off"] = Field("auto", description="MiniLM nearest-neighbour screen "
                                                            "of corrections: auto = only when the model is the fake one")
    max_correction_chars: int = Field(4000, ge=100, le=1_000_000, description="longer corrections are refused")
    max_request_chars: int = Field(20000, ge=100, le=1_000_000, description="longer requests are refused")
    sensitive_tags: list[str] = Field(default_factory=lambda: ["finance", "compliance", "legal", "security"])
    conflicts: Literal["newer_wins", "higher_role", "hold", "ask"] = Field(
        "newer_wins", description="when a new lesson contradicts an active one of the same kind of request"
    )
    conflict_similarity: float = Field(0.6, ge=0.0, le=1.0, description="trigger similarity that makes two lessons "
                                       "cover the same kind of request")
    lifetime_days: dict[LessonType, int] = Field(
        default_factory=dict, description="default expiry per lesson type, e.g. {content: 180}; unset: never"
    )

    def role_of(self, person: str) -> str:
        return self.people.get(person, self.default_role)

    def rank(self, person: str) -> int:
        """Position of the person's role in `roles` (listed from most to least senior); lower is higher."""
        names = list(self.roles)
        role = self.role_of(person)
        return names.index(role) if role in names else len(names)

    def role(self, person: str) -> RoleSettings:
        return self.roles.get(self.role_of(person), RoleSettings(needs_approval=True, trust=0.5))


@dataclass
class Admission:
    decision: Literal["learn", "hold", "record_only"]
    reason: str = ""
    quarantined: bool = False


def admit(settings: GovernanceSettings, author: str, quarantine: str | None, components: list[Component],
          tags: list[str] | None = None) -> Admission:
    """What happens to a correction's lessons. `quarantine`: why screening held it (None: it passed); a
    quarantined correction is held whoever sent it, an admin too, before any role is looked at."""
    if quarantine:
        return Admission("hold", quarantine, quarantined=True)
    role_name = settings.role_of(author)
    role = settings.role(author)
    if not role.may_teach:
        return Admission("record_only", f"{author} is {'an' if role_name[:1] in 'aeiou' else 'a'} {role_name}: corrections are recorded, not learned")
    outside = [c.value for c in components if c not in role.may_teach]
    if outside:
        return Admission("hold", f"{role_name} may not teach {', '.join(outside)}: needs approval")
    if role.needs_approval:
        return Admission("hold", f"lessons from a {role_name} need approval")
    if role.may_teach_tags is not None:
        foreign = sorted(set(tags or []) - set(role.may_teach_tags))
        if foreign:
            return Admission("hold", f"{role_name} may not teach {', '.join(foreign)}: needs approval")
    sensitive = sorted(set(tags or []) & set(settings.sensitive_tags))
    if sensitive:
        return Admission("hold", f"touches sensitive scope {', '.join(sensitive)}: needs approval")
    return Admission("learn")

"""Who may teach what: roles, approval, and quarantine of adversarial corrections.

Feedback is evidence, not gospel. Before a correction's lessons are stored, `admit` decides:
- a viewer's correction is recorded but not learned;
- a correction that tries to override the agent's rules, leak secrets or the system prompt, or
  trigger destructive tool use is quarantined (held for approval with the reason), whoever sent it;
- lessons from a role that needs approval, or touching a sensitive scope or tag, are held;
- everything else is learned (status active).
Held lessons are stored with status `pending` and are never retrieved by the gate until approved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from memory.records import Component, LessonType

__all__ = ["RoleSettings", "GovernanceSettings", "Admission", "adversarial_reason", "admit"]


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
    allowed_domains: list[str] = Field(default_factory=list, description="domains a lesson may name in a URL or "
                                       "e-mail address (a lesson introducing any other is quarantined)")
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


# Patterns of corrections that attack the assistant rather than correct it. Each names its reason.
_ATTACKS: list[tuple[str, re.Pattern[str]]] = [
    ("tries to override the agent's rules", re.compile(
        r"\b(ignore|disregard|forget|bypass|override)\b[^.]{0,40}\b(rules?|instructions?|polic(y|ies)|guidelines?|"
        r"guardrails?|system prompt)\b|\byou are no longer\b|\bno longer follow\b", re.I)),
    ("tries to leak secrets or internal data", re.compile(
        r"\b(password|passwd|secret|api[ _-]?key|token|credentials?|private key)s?\b|"
        r"\b(internal|admin)\b[^.]{0,20}\b(url|link|address|endpoint|credentials?)\b|"
        r"\b(reveal|print|show|repeat|include)\b[^.]{0,30}\b(system prompt|your instructions)\b", re.I)),
    ("asks for destructive tool use", re.compile(
        r"\b(drop|truncate)\s+(table|database)\b|\bdelete\s+from\b|\brm\s+-rf\b|\bupdate\s+\w+\s+set\b|"
        r"\b(delete|wipe|erase)\b[^.]{0,20}\b(all|every|the)\b[^.]{0,20}\b(data|records|rows|orders|customers|tables?)\b",
        re.I)),
]


def adversarial_reason(text: str) -> str | None:
    """Why a correction looks like an attack, or None. Forceful wording alone ("IMPORTANT: always
    ...") is not an attack."""
    reasons = [reason for reason, pattern in _ATTACKS if pattern.search(text)]
    return "; ".join(reasons) or None


@dataclass
class Admission:
    decision: Literal["learn", "hold", "record_only"]
    reason: str = ""
    quarantined: bool = False


def admit(settings: GovernanceSettings, author: str, correction: str, components: list[Component],
          tags: list[str] | None = None) -> Admission:
    attack = adversarial_reason(correction)
    if attack:
        return Admission("hold", f"quarantined: {attack}", quarantined=True)
    role_name = settings.role_of(author)
    role = settings.role(author)
    if not role.may_teach:
        return Admission("record_only", f"{author} is a {role_name}: corrections are recorded, not learned")
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

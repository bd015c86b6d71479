"""What each role may do to the memory and the review queue. Every command that changes them asks here
first, the same way from the CLI and (later) from the server's authenticated accounts."""

from __future__ import annotations

from memory.errors import AlhfError
from memory.records import Lesson
from workflows.governance.roles import GovernanceSettings

__all__ = ["PermissionDenied", "require_approver", "require_reviewer", "require_lesson_owner_or_approver"]


class PermissionDenied(AlhfError):
    pass


def _who(settings: GovernanceSettings, actor: str) -> str:
    role = settings.role_of(actor)
    return f"{actor} is {'an' if role[:1] in 'aeiou' else 'a'} {role}"


def require_approver(settings: GovernanceSettings, actor: str, action: str) -> None:
    if settings.role_of(actor) not in settings.approvers:
        raise PermissionDenied(f"{_who(settings, actor)}; only {', '.join(settings.approvers)} may {action} "
                               "(governance.approvers in config.yaml).")


def require_reviewer(settings: GovernanceSettings, actor: str) -> None:
    if not settings.role(actor).may_review:
        raise PermissionDenied(f"{_who(settings, actor)}, who may not decide on review items "
                               "(roles.<role>.may_review in config.yaml).")


def require_lesson_owner_or_approver(settings: GovernanceSettings, actor: str, lesson: Lesson, action: str) -> None:
    """An author may change their own lessons of components their role may teach; anyone else's need an approver."""
    if lesson.author == actor and lesson.component in settings.role(actor).may_teach:
        return
    if settings.role_of(actor) not in settings.approvers:
        raise PermissionDenied(f"{_who(settings, actor)}; to {action} {lesson.author}'s lesson {lesson.id} needs "
                               f"one of {', '.join(settings.approvers)} (governance.approvers in config.yaml).")

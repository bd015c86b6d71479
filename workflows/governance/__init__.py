"""Who may teach what (roles, approval, quarantine), conflicts between lessons, authors' trust, managing
stored lessons, and the memory audit log."""

from memory.lazy import lazy_exports

_EXPORTS = {
    "GovernanceSettings": "workflows.governance.roles", "RoleSettings": "workflows.governance.roles",
    "Admission": "workflows.governance.roles", "admit": "workflows.governance.roles",
    "Screens": "workflows.governance.screening", "Conflict": "workflows.governance.conflicts",
    "find_conflict": "workflows.governance.conflicts", "resolve": "workflows.governance.conflicts",
    "AuthorRecord": "workflows.governance.trust", "author_records": "workflows.governance.trust",
    "LessonAdmin": "workflows.governance.lessons", "record_memory_change": "workflows.governance.audit",
    "lesson_history": "workflows.governance.audit",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)

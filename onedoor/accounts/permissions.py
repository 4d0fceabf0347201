"""What each role may do. Views ask `user_can(user, capability)`; nothing else decides.

Least privilege: an auditor reads the audit trail but not case contents; officers, advisors and
supervisors work cases (reading one that is not theirs needs a reason, see cases.selectors);
only advisors, supervisors and admins regrade or allocate; supervisors and admins supervise
(review prompt cases not attended in time, read the regrade report).
"""

from enum import StrEnum

from onedoor.accounts.models import Role, User


class Capability(StrEnum):
    VIEW_QUEUE = "view_queue"
    VIEW_CASE = "view_case"
    ADD_NOTE = "add_note"
    ADD_PUBLIC_UPDATE = "add_public_update"
    CHANGE_STATUS = "change_status"
    REGRADE = "regrade"
    ALLOCATE = "allocate"
    VIEW_AUDIT = "view_audit"
    SUPERVISE = "supervise"
    USE_API = "use_api"


_WORK = {
    Capability.VIEW_QUEUE,
    Capability.VIEW_CASE,
    Capability.ADD_NOTE,
    Capability.ADD_PUBLIC_UPDATE,
    Capability.CHANGE_STATUS,
    Capability.USE_API,
}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADVISOR: frozenset(_WORK | {Capability.REGRADE, Capability.ALLOCATE}),
    Role.OFFICER: frozenset(_WORK),
    Role.SUPERVISOR: frozenset(_WORK | {Capability.REGRADE, Capability.ALLOCATE, Capability.SUPERVISE}),
    Role.AUDITOR: frozenset({Capability.VIEW_AUDIT}),
    Role.ADMIN: frozenset(_WORK | {Capability.REGRADE, Capability.ALLOCATE, Capability.VIEW_AUDIT, Capability.SUPERVISE}),
}


def user_can(user: User, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())

"""Who approves whom (docs/domain.md §2), in one place for registrations (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”) and for
confirming reported trips (docs/rules.md “Results and mẫu 3”).

The routing itself is `accounts.rules.approver_kind` / `can_approve_for`; this module only
finds the people the rule allows, so a change of the rule changes every notification too.
"""

from __future__ import annotations

from accounts import rules
from accounts.delegations import deputies_of
from accounts.models import Role, User
from accounts.selectors import people_with_role


def approvers_of(person: User) -> list[User]:
    """The active users who may approve `person`'s registrations and confirm their trips:
    the head(s) of the cadre's department; a Standing Committee member for a head; the
    Secretary for a Standing Committee member; nobody for the Secretary (self-certified)."""
    kind = rules.approver_kind(person)
    if kind == "self":
        return []
    if kind == "head":
        qs = people_with_role(person.organization_id, Role.HEAD, exclude=[person]).filter(
            department_id=person.department_id
        )
    else:  # "standing" and "secretary": the Secretary is a Standing Committee member (User.is_secretary)
        qs = people_with_role(person.organization_id, Role.STANDING, exclude=[person])
    # The rule has the last word (e.g. the Secretary is told apart by position, not by role).
    direct = [u for u in qs.order_by("sort_key", "email").prefetch_related("roles") if rules.can_approve_for(u, person)]
    # docs/rules.md “Reminders, digests and delegation of approval”: the deputies of an approver away receive what waits for them too (never their own).
    out = list(direct)
    for approver in direct:
        for deputy in deputies_of(approver):
            if deputy.pk != person.pk and deputy not in out and rules.can_approve_for(deputy, person):
                out.append(deputy)
    return out

"""Every permission rule of the product, in one place (STYLE.md: permissions in one module).

Rules are plain predicates (registered with django-rules too, so templates can use
`{% has_perm %}`). Object rules always compare the object's organization with the user's:
views scope querysets to the user's organization first (another organization's object is a
404), then call these for the role and department checks (a 403).
"""

from __future__ import annotations

import rules

from .models import Role


def _org_id(user):
    return getattr(user, "organization_id", None)


def same_org(user, org_id) -> bool:
    return bool(user and user.is_authenticated and user.is_active and org_id and _org_id(user) == org_id)


def has(user, *codes) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role_codes & set(codes))


# Predicates on the user alone -------------------------------------------------------------
@rules.predicate
def is_board(user):
    return has(user, Role.BOARD, Role.ADMIN)


@rules.predicate
def is_standing(user):
    return has(user, Role.STANDING)


@rules.predicate
def is_inspection(user):
    return has(user, Role.INSPECTION)


@rules.predicate
def is_head(user):
    return has(user, Role.HEAD) and user.department_id is not None


@rules.predicate
def sees_whole_organization(user):
    """Board, Standing Committee and Inspection Committee read everything of their organization."""
    return has(user, Role.BOARD, Role.ADMIN, Role.STANDING, Role.INSPECTION)


def can_manage_people(user) -> bool:
    return has(user, Role.BOARD, Role.ADMIN)


def can_manage_plan(user) -> bool:
    return has(user, Role.BOARD, Role.ADMIN)


def can_view_people(user) -> bool:
    return sees_whole_organization(user)


def can_propose_exemption(user) -> bool:
    return has(user, Role.BOARD, Role.ADMIN)


def can_decide_exemption(user, exemption=None) -> bool:
    if not has(user, Role.STANDING):
        return False
    return exemption is None or same_org(user, exemption.person.organization_id)


def can_import(user) -> bool:
    return has(user, Role.BOARD, Role.ADMIN)


# Object rules ---------------------------------------------------------------------------
def can_view_person(user, person) -> bool:
    if not same_org(user, person.organization_id):
        return False
    if user.pk == person.pk or sees_whole_organization(user):
        return True
    return is_head(user) and person.department_id == user.department_id


def can_edit_person(user, person) -> bool:
    return same_org(user, person.organization_id) and can_manage_people(user)


def can_view_department(user, department) -> bool:
    if not same_org(user, department.organization_id):
        return False
    return sees_whole_organization(user) or (is_head(user) and user.department_id == department.pk)


def can_lead_department(user, department) -> bool:
    """Consolidate mẫu 2 / mẫu 3 and confirm members' trips: the department's head."""
    return same_org(user, department.organization_id) and is_head(user) and user.department_id == department.pk


def approver_kind(person) -> str:
    """DOMAIN.md §2: who approves this person's registration.

    cadre -> head of department; head -> a Standing Committee member;
    Standing Committee member -> the Secretary; Secretary -> self-certified.
    """
    if person.is_secretary:
        return "self"
    if person.has_role(Role.STANDING):
        return "secretary"
    if person.has_role(Role.HEAD):
        return "standing"
    return "head"


def can_approve_for(user, person) -> bool:
    """May `user` approve `person`'s registrations and confirm their reported trips?"""
    if not same_org(user, person.organization_id) or user.pk == person.pk:
        return False  # nobody approves their own
    kind = approver_kind(person)
    if kind == "head":
        return is_head(user) and user.department_id is not None and user.department_id == person.department_id
    if kind == "standing":
        return has(user, Role.STANDING)
    if kind == "secretary":
        return user.is_secretary
    return False


def can_view_registration(user, registration) -> bool:
    return can_view_person(user, registration.person) or can_approve_for(user, registration.person)


def can_edit_registration(user, registration) -> bool:
    return same_org(user, registration.person.organization_id) and registration.person_id == user.pk


def can_approve_registration(user, registration) -> bool:
    return can_approve_for(user, registration.person)


def can_view_trip(user, trip) -> bool:
    return can_view_person(user, trip.person) or can_approve_for(user, trip.person)


def can_edit_trip(user, trip) -> bool:
    return same_org(user, trip.person.organization_id) and trip.person_id == user.pk


def can_confirm_trip(user, trip) -> bool:
    return can_approve_for(user, trip.person)


def can_decide_department_plan(user, department_plan) -> bool:
    return same_org(user, department_plan.department.organization_id) and has(user, Role.STANDING)


def can_request_report(user, kind: str, *, department=None, cadre=None) -> bool:
    """Report downloads: mẫu 1 of oneself (or whom one may view), mẫu 2/3 of a department one
    leads or oversees, the compliance report for the Board, Standing and Inspection only."""
    if kind in ("compliance", "rollup"):
        return sees_whole_organization(user)
    if kind in ("mau2", "mau3"):
        return department is not None and can_view_department(user, department)
    if kind == "mau1":
        return cadre is not None and can_view_person(user, cadre)
    return False


def can_view_report_job(user, job) -> bool:
    if not same_org(user, job.organization_id):
        return False
    return (
        job.requested_by_id == user.pk
        or has(user, Role.BOARD, Role.ADMIN)
        or (job.kind in ("compliance", "rollup") and sees_whole_organization(user))
    )


def is_read_only(user) -> bool:
    """The Inspection Committee supervises: reads everything, changes nothing."""
    return has(user, Role.INSPECTION) and not has(user, Role.BOARD, Role.ADMIN, Role.STANDING, Role.HEAD)


rules.add_perm("accounts.manage_people", is_board)
rules.add_perm("accounts.view_organization", sees_whole_organization)


# Exemptions and standings (issue 4) --------------------------------------------------------------
def can_view_exemption(user, exemption) -> bool:
    """The Board, Standing and Inspection Committees, and the exempted person (their own document)."""
    if not same_org(user, exemption.person.organization_id):
        return False
    return sees_whole_organization(user) or exemption.person_id == user.pk


def can_revoke_exemption(user, exemption) -> bool:
    return (
        same_org(user, exemption.person.organization_id)
        and has(user, Role.BOARD, Role.ADMIN, Role.STANDING)
        and exemption.person_id != user.pk
        and not is_read_only(user)
    )


def can_view_standings(user) -> bool:
    """The table of every cadre's standing: whole organization, or a head's own department."""
    return sees_whole_organization(user) or is_head(user)


# Own fieldwork (decision of the lead) ----------------------------------------------------------
def is_subject_cadre(user) -> bool:
    """A cadre the 1+2 rule applies to: the cadre role and a group (2.1, 2.2, 2.3)."""
    return has(user, Role.CADRE) and bool(getattr(user, "group_code", ""))


def can_act_on_own_fieldwork(user) -> bool:
    """Register, submit, change, cancel and report one's OWN trips (with their attachments) and
    reset one's own calendar link. The Inspection Committee changes nothing of other people or of
    the organization, but a member who is also a cadre subject to the rule does their own
    fieldwork like any cadre. Whether the object is the user's own is checked by
    can_edit_registration / can_edit_trip."""
    return bool(user and user.is_authenticated and user.is_active) and (
        not is_read_only(user) or is_subject_cadre(user)
    )


def is_approver(user) -> bool:
    """Has an approval inbox (registrations, change requests, reported trips to confirm): a
    department's head or a Standing Committee member (DOMAIN.md §2)."""
    return bool(is_head(user) or is_standing(user))


# Reporting up (issue 13) ----------------------------------------------------------------------------
def can_submit_rollup(user) -> bool:
    """A child organization's Board sends its quarterly figures to the parent."""
    org = getattr(user, "organization", None)
    return (
        has(user, Role.BOARD, Role.ADMIN) and not is_read_only(user) and org is not None and org.parent_id is not None
    )


def can_view_own_submissions(user) -> bool:
    """The child's own submissions: whoever reads the whole organization."""
    return sees_whole_organization(user)


def can_view_rollup(user) -> bool:
    """The roll-up of the descendants: the parent's Board, Standing and Inspection Committees.
    Views scope every descendant lookup to the user's subtree first (another branch: 404)."""
    return sees_whole_organization(user)


def can_view_submission(user, submission) -> bool:
    """A submission is read by its own organization (whole-organization roles) and by every
    ancestor's Board, Standing and Inspection Committees: never by a sibling or a descendant."""
    if not sees_whole_organization(user) or user.organization_id is None:
        return False
    if submission.organization_id == user.organization_id:
        return True
    own_path = user.organization.path
    return bool(own_path) and submission.organization.path.startswith(own_path)


def sees_descendants(user) -> bool:
    """Menu: the roll-up page, for whole-organization roles of an organization with children
    (Organization.has_children: no query beyond the user's organization, which every page loads)."""
    org = getattr(user, "organization", None)
    return sees_whole_organization(user) and org is not None and org.has_children


def reports_up(user) -> bool:
    """Menu: the page for sending the quarter's figures to the parent."""
    org = getattr(user, "organization", None)
    return sees_whole_organization(user) and org is not None and org.parent_id is not None

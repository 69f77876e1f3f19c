"""Every permission rule of the product, in one place (docs/style.md: permissions in one module).

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


def can_read_plan(user, plan) -> bool:
    """The plan's page and the progress of its standings' recomputation (docs/rules.md “Stored standings”)."""
    return same_org(user, plan.organization_id) and (can_manage_plan(user) or sees_whole_organization(user))


def can_edit_plan(user, plan) -> bool:
    """Change the plan, or retry the recomputation of its standings (docs/rules.md “Stored standings”)."""
    return same_org(user, plan.organization_id) and can_manage_plan(user) and not is_read_only(user)


def can_view_people(user) -> bool:
    return sees_whole_organization(user)


def can_propose_exemption(user) -> bool:
    return has(user, Role.BOARD, Role.ADMIN)


def can_decide_exemption(user, exemption=None) -> bool:
    if not has(user, Role.STANDING):
        return False
    if exemption is None:
        return True
    # Separation of duties (docs/security.md): never one's own, never what one proposed.
    return (
        same_org(user, exemption.person.organization_id)
        and exemption.person_id != user.pk
        and exemption.proposed_by_id != user.pk
    )


def can_import(user) -> bool:
    return has(user, Role.BOARD, Role.ADMIN)


# Object rules ---------------------------------------------------------------------------
def can_view_person(user, person) -> bool:
    if not same_org(user, person.organization_id):
        return False
    if user.pk == person.pk or sees_whole_organization(user):
        return True
    return is_head(user) and person.department_id == user.department_id


# Ranks (docs/security.md): nobody edits, deactivates or raises an account above their own rank.
RANK_OTHERS, RANK_STANDING, RANK_ADMIN, RANK_SUPERUSER = 0, 1, 2, 3


def roles_rank(codes) -> int:
    """The rank the roles alone carry: administrator > Standing Committee (and Secretary) > others."""
    codes = set(codes)
    if Role.ADMIN in codes:
        return RANK_ADMIN
    if codes & {Role.STANDING, Role.SECRETARY}:
        return RANK_STANDING
    return RANK_OTHERS


def rank(user) -> int:
    """How much an account may do: a superuser crosses organizations, staff reach the admin."""
    if user.is_superuser:
        return RANK_SUPERUSER
    if user.is_staff:
        return max(RANK_ADMIN, roles_rank(user.role_codes))
    return roles_rank(user.role_codes)


def is_administrator(user) -> bool:
    """The administrator role (or a superuser): the only ones who touch admin/staff accounts."""
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or has(user, Role.ADMIN)))


def can_edit_person(user, person) -> bool:
    """The Board manages people, but never an account with more rights than their own: admin,
    staff and superuser accounts only by an administrator (a superuser's only by a superuser),
    Standing Committee members only by a Standing member or an administrator."""
    if not (same_org(user, person.organization_id) and can_manage_people(user)):
        return False
    return rank(person) <= rank(user)


def email_change_needs_confirmation(actor, person) -> bool:
    """Changing the login of an account that has a password hands over its "forgot password":
    the owner confirms from the old address, unless an administrator (or the command line) does it."""
    return person.has_usable_password() and actor is not None and not is_administrator(actor)


def can_view_department(user, department) -> bool:
    if not same_org(user, department.organization_id):
        return False
    return sees_whole_organization(user) or (is_head(user) and user.department_id == department.pk)


def can_lead_department(user, department) -> bool:
    """Consolidate mẫu 2 / mẫu 3 and confirm members' trips: the department's head."""
    return same_org(user, department.organization_id) and is_head(user) and user.department_id == department.pk


def approver_kind(person) -> str:
    """docs/domain.md §2: who approves this person's registration.

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
    """May `user` approve `person`'s registrations and confirm their reported trips? Directly,
    or as the deputy of someone who may (docs/rules.md “Reminders, digests and delegation of approval”)."""
    if not same_org(user, person.organization_id) or user.pk == person.pk:
        return False  # nobody approves their own
    return approves_directly(user, person) or acting_for(user, person) is not None


def acting_for(user, person):
    """The delegator for whom `user` acts when approving `person` today, or None when `user`
    approves in their own right or not at all (docs/rules.md “Reminders, digests and delegation of approval”). Nobody approves their own line
    through a delegation, and the delegator's own lines never reach the deputy."""
    if not same_org(user, person.organization_id) or user.pk == person.pk:
        return None
    if approves_directly(user, person):
        return None
    from .delegations import delegators_of

    for delegator in delegators_of(user):
        if delegator.pk != person.pk and approves_directly(delegator, person):
            return delegator
    return None


def has_delegation(user) -> bool:
    """Is `user` a deputy of someone today (docs/rules.md “Reminders, digests and delegation of approval”)?"""
    from .delegations import delegators_of

    return bool(delegators_of(user))


def approves_directly(user, person) -> bool:
    """docs/domain.md §2 without delegations."""
    if not same_org(user, person.organization_id) or user.pk == person.pk:
        return False
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
    if not same_org(user, department_plan.department.organization_id):
        return False
    return has(user, Role.STANDING) or department_plan_delegator(user, department_plan) is not None


def department_plan_delegator(user, department_plan):
    """The Standing Committee member for whom `user` decides this mẫu 2 as deputy (docs/rules.md “Reminders, digests and delegation of approval”),
    never the deputy's own department's plan."""
    if has(user, Role.STANDING) or not same_org(user, department_plan.department.organization_id):
        return None
    if department_plan.department_id == user.department_id or department_plan.submitted_by_id == user.pk:
        return None
    from .delegations import delegators_of

    return next((d for d in delegators_of(user) if has(d, Role.STANDING)), None)


# Reports of the whole organization, for the Board, Standing and Inspection Committees.
WHOLE_ORGANIZATION_REPORTS = ("compliance", "yearend", "rollup")
# Report jobs that whoever reads the whole organization sees, whoever requested them.
SHARED_REPORT_KINDS = (*WHOLE_ORGANIZATION_REPORTS, "yearsheet")


def can_request_report(user, kind: str, *, department=None, cadre=None) -> bool:
    """Report downloads: mẫu 1 of oneself (or whom one may view), mẫu 2/3 of a department one
    leads or oversees, the compliance report for the Board, Standing and Inspection only."""
    if kind in WHOLE_ORGANIZATION_REPORTS:
        return sees_whole_organization(user)
    if kind == "yearsheet":  # the year-end sheet of one department: also its head
        return sees_whole_organization(user) or (department is not None and can_view_department(user, department))
    if kind in ("mau2", "mau3"):  # without a department: the whole organization's (docs/domain.md §8)
        if department is None:
            return sees_whole_organization(user)
        return can_view_department(user, department)
    if kind == "mau1":
        return cadre is not None and can_view_person(user, cadre)
    return False


# Every report kind, in the order the request form offers them (reports.models.ReportJob.Kind).
REPORT_KINDS = ("mau1", "mau2", "mau3", "compliance", "yearend", "yearsheet", "rollup")


def report_departments(user, departments) -> list:
    """The departments (of `departments`) whose reports `user` may request: those
    can_request_report lets through (a head's own; every one for whole-organization roles)."""
    return [d for d in departments if can_view_department(user, d)]


def requestable_report_kinds(user, departments) -> list[str]:
    """The kinds the request form offers `user`: those for which some choice passes
    can_request_report (mẫu 1: oneself at least; mẫu 2/3: one of `departments`, the result of
    report_departments). One rule for the offer and the check (docs/rules.md "A year in the life");
    the roll-up only to an organization with children (the service refuses it otherwise)."""
    kinds = []
    for kind in REPORT_KINDS:
        if kind == "mau1":
            ok = can_request_report(user, kind, cadre=user)
        elif kind in ("mau2", "mau3"):
            ok = any(can_request_report(user, kind, department=d) for d in departments)
        elif kind == "yearsheet":
            ok = can_request_report(user, kind) or any(
                can_request_report(user, kind, department=d) for d in departments
            )
        elif kind == "rollup":
            ok = can_request_report(user, kind) and sees_descendants(user)
        else:
            ok = can_request_report(user, kind)
        if ok:
            kinds.append(kind)
    return kinds


def can_view_report_job(user, job) -> bool:
    if not same_org(user, job.organization_id):
        return False
    return (
        job.requested_by_id == user.pk
        or has(user, Role.BOARD, Role.ADMIN)
        or (job.kind in SHARED_REPORT_KINDS and sees_whole_organization(user))
    )


def can_retry_report_job(user, job) -> bool:
    """docs/security.md: re-queueing a failed job is a change: its requester or the Board (or an
    administrator), never the read-only Inspection Committee (it requests the report anew)."""
    return (
        can_view_report_job(user, job)
        and not is_read_only(user)
        and (job.requested_by_id == user.pk or has(user, Role.BOARD, Role.ADMIN))
    )


# Year-end (docs/rules.md “Year-end report and sheet”) -----------------------------------------------------------------------
def can_edit_year_end_text(user) -> bool:
    """The limitations and proposals of the year-end report: the Board writes them."""
    return has(user, Role.BOARD, Role.ADMIN) and not is_read_only(user)


def can_view_year_end(user) -> bool:
    return sees_whole_organization(user)


def can_write_remark(user, person) -> bool:
    """The year-end remark on a cadre: their approver (the head of the cadre's department; a
    Standing member for a head; the Secretary for a Standing member), never on oneself."""
    return can_approve_for(user, person) and not is_read_only(user)


def can_change_remark(user, person, writer) -> bool:
    """docs/security.md: a remark already written by someone else is theirs. It is changed only by its
    writer, by the writer's deputy on a date the delegation is in force, or by the approver the
    writer stood in for; a peer who may also approve the cadre (another head of the department,
    another Standing member) does not overwrite it. Once the writer may no longer approve the
    cadre (moved, deactivated, the delegation over), the cadre's approvers write it again."""
    if not can_write_remark(user, person):
        return False
    if writer is None or writer.pk == user.pk:
        return True
    if not (writer.is_active and can_approve_for(writer, person)):
        return True
    from .delegations import delegators_of

    return any(d.pk == writer.pk for d in delegators_of(user)) or any(d.pk == user.pk for d in delegators_of(writer))


def can_download_report_job(user, job) -> bool:
    """docs/security.md “Login and requests”: a file is handed over only if its requester may still read what it reports
    today (a head moved to another department no longer downloads the old department's mẫu 2)."""
    if not can_view_report_job(user, job):
        return False
    from .models import Department, User

    params = job.params or {}
    department = (
        Department.objects.filter(pk=params["department_id"], organization_id=job.organization_id).first()
        if params.get("department_id")
        else None
    )
    cadre = (
        User.objects.filter(pk=params["cadre_id"], organization_id=job.organization_id).first()
        if params.get("cadre_id")
        else None
    )
    if sensitive_file_withheld(user, job):
        return False
    return can_request_report(user, job.kind, department=department, cadre=cadre)


def sensitive_file_withheld(user, job) -> bool:
    """docs/domain.md §6: a file printing a sensitive exemption reason in full (made for its
    requester, or for the Board and the Standing Committee) is not handed to anyone else."""
    return bool((job.params or {}).get("shows_sensitive")) and not (
        job.requested_by_id == user.pk or sees_every_sensitive_reason(user)
    )


def is_read_only(user) -> bool:
    """The Inspection Committee supervises: reads everything, changes nothing."""
    return has(user, Role.INSPECTION) and not has(user, Role.BOARD, Role.ADMIN, Role.STANDING, Role.HEAD)


rules.add_perm("accounts.manage_people", is_board)
rules.add_perm("accounts.view_organization", sees_whole_organization)


# Exemptions and standings (docs/domain.md §5–§7) --------------------------------------------------------------
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
    """Someone the 1+2 rule applies to: accounts.owing.owes_fieldwork (a group, active — whatever
    the roles, docs/domain.md §2)."""
    from .owing import owes_fieldwork

    return bool(user and user.is_authenticated) and owes_fieldwork(user)


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
    department's head or a Standing Committee member (docs/domain.md §2)."""
    return bool(is_head(user) or is_standing(user) or has_delegation(user))


# Delegation of approval (docs/rules.md “Reminders, digests and delegation of approval”) ----------------------------------------------------------------
def can_delegate(user) -> bool:
    """A department's head or a Standing Committee member names a deputy for a date range."""
    return bool(is_head(user) or is_standing(user)) and not is_read_only(user)


def has_deputy_title(person) -> bool:
    """A deputy's title: "Phó Trưởng ban", "Phó Chánh Văn phòng", "Phó Bí thư" (the forms sign
    "KT." over it: reports.signers)."""
    from .vietnamese import nfc

    return nfc(getattr(person, "position", "") or "").casefold().strip().startswith("phó")


def can_be_deputy(candidate, delegator) -> bool:
    """Whom `delegator` may name to approve in their place (docs/rules.md "A year in the life"):
    someone who may approve for what the delegator approves. For a department's head: a Standing
    Committee member, or a leader of that department (another head, or a deputy by title: Phó
    Trưởng ban). For a Standing member: another Standing member, or a department's head. Never
    oneself, someone inactive or of another organization, or an Inspection-only member; never the
    department's specialists (an accountant, an IT officer)."""
    if not same_org(candidate, delegator.organization_id) or candidate.pk == delegator.pk or is_read_only(candidate):
        return False
    if has(candidate, Role.STANDING):
        return True
    if is_standing(delegator):
        return is_head(candidate)
    if not is_head(delegator) or candidate.department_id != delegator.department_id:
        return False
    return is_head(candidate) or has_deputy_title(candidate)


def can_end_delegation(user, delegation) -> bool:
    return same_org(user, delegation.organization_id) and (
        delegation.delegator_id == user.pk or has(user, Role.BOARD, Role.ADMIN)
    )


def can_view_delegations(user) -> bool:
    """The page of delegations: one's own (given or received); the Board sees every current one."""
    return bool(user and user.is_authenticated and user.is_active)


def can_view_reminder_log(user) -> bool:
    """What was sent to whom and when: the Board (docs/rules.md “Reminders, digests and delegation of approval”)."""
    return has(user, Role.BOARD, Role.ADMIN)


# Reporting up (docs/rules.md “Organizations in a tree and the roll-up”) ----------------------------------------------------------------------------
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


# Personal data (docs/privacy.md) ------------------------------------------------------------------
def sees_every_sensitive_reason(user) -> bool:
    """docs/domain.md §6: the Board (with the administrator, who acts for it) and the Standing
    Committee read every sensitive exemption reason of their organization."""
    return has(user, Role.BOARD, Role.ADMIN, Role.STANDING)


def can_see_sensitive_reason(user, person=None) -> bool:
    """docs/domain.md §6: a sensitive reason (maternity, serious illness) is seen by the person,
    their approver, the Board and the Standing Committee; everyone else — the Inspection Committee
    included (docs/rules.md, "Personal data") — reads "miễn theo quyết định". `person=None`: a figure
    over several people (counts by reason)."""
    if person is not None and not same_org(user, person.organization_id):
        return False
    if sees_every_sensitive_reason(user):
        return True
    if person is None:
        return False
    return user.pk == person.pk or can_approve_for(user, person)


def can_view_exemption_document(user, exemption) -> bool:
    """The note and the document of an exemption whose reason is sensitive say what the reason
    hides: only those who may read the reason open them."""
    if not can_view_exemption(user, exemption):
        return False
    return not exemption.reason.sensitive or can_see_sensitive_reason(user, exemption.person)


def can_view_own_data(user) -> bool:
    """ "Dữ liệu của tôi": everyone signed in reads what the organization keeps about them."""
    return bool(user and user.is_authenticated and user.is_active and user.organization_id)


def can_answer_correction(user, correction) -> bool:
    """A request to correct personal data is the Board's task; nobody answers their own."""
    return (
        same_org(user, correction.organization_id)
        and has(user, Role.BOARD, Role.ADMIN)
        and not is_read_only(user)
        and correction.person_id != user.pk
    )


def can_view_corrections(user) -> bool:
    return has(user, Role.BOARD, Role.ADMIN)


def can_read_access_log(user) -> bool:
    """Who looked at whose personal data, for the whole organization: the Inspection Committee
    supervises it (docs/domain.md §2: reads everything, changes nothing)."""
    return has(user, Role.INSPECTION) and bool(user.organization_id)


def can_anonymize_person(user, person) -> bool:
    """Deletion on request (docs/privacy.md): an administrator of the person's organization, never
    for oneself, never for an account above their rank. Whether the person may be anonymized yet
    (they have left) is the service's check, with its reason shown on the page."""
    return (
        same_org(user, person.organization_id)
        and is_administrator(user)
        and person.pk != user.pk
        and rank(person) <= rank(user)
    )


def can_view_photo_evidence(user, trip) -> bool:
    """The time and place a photo was taken (kept only with the person's consent): the person and
    whoever confirms the trip (their approver)."""
    return same_org(user, trip.person.organization_id) and (trip.person_id == user.pk or can_confirm_trip(user, trip))

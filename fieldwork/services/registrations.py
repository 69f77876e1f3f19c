"""Registering trips (mẫu 1), approving them, and changing approved trips (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”).

State machine of a registration (one per person, plan and quarter):

    DRAFT ──submit──▶ SUBMITTED ──approve──▶ APPROVED
    RETURNED ──submit──▶ SUBMITTED ──return (comment required)──▶ RETURNED
    the Secretary's: DRAFT|RETURNED ──submit──▶ APPROVED (self_certified)

Its lines are Trip rows: DRAFT while the registration is not approved (editable only while
the registration is DRAFT or RETURNED), APPROVED (locked) once approved. An approved line
changes through a ChangeRequest (kind change or cancel) decided by the same approver; a line
added to an approved registration is a ChangeRequest of kind add for that line alone (the
registration stays APPROVED; docs/domain.md §5).

Concurrency: every decision carries the `version` the decider saw; the update is
`UPDATE … WHERE version = n` and zero rows means somebody else acted first (StaleVersion).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import User
from fieldwork.cycles import period_label
from fieldwork.models import HistoryEntry, Plan, Registration, Trip
from fieldwork.quarters import (  # noqa: F401 (re-exported for compatibility)
    QUARTER_NAMES,
    plan_quarters,
    quarter_bounds,
    quarter_name,
    quarter_of,
)
from fieldwork.services.approvers import approvers_of  # noqa: F401 (re-exported for compatibility)
from fieldwork.services.history import notify, record
from fieldwork.services.registration_lines import (  # noqa: F401 (the lines live there; re-exported)
    add_line,
    check_line_quarter,
    check_not_submitted,
    check_own_writer,
    check_owner,
    check_writer,
    delete_line,
    line_fields,
    locked,
    registration_for,
    revalidate_lines,
    trip_input,
    update_line,
)
from fieldwork.services.transitions import (  # noqa: F401 (StaleVersion re-exported)
    StaleVersion,
    check_version,
    error_messages,
    update_versioned,
)
from fieldwork.services.trips import TripInput, validate_trip  # noqa: F401 (re-exported for compatibility)

# Routing --------------------------------------------------------------------------------
# approvers_of lives in fieldwork.services.approvers (shared with results); re-exported above.


def registration_url(registration: Registration) -> str:
    return reverse("fieldwork:registration_review", args=[registration.pk])


def quarter_url(plan: Plan, quarter: int) -> str:
    return reverse("fieldwork:registration_detail", args=[quarter]) + f"?year={plan.year}"


def own_registration_url(registration: Registration) -> str:
    return quarter_url(registration.plan, registration.quarter)


# Transitions ----------------------------------------------------------------------------
def submit(*, actor: User, registration: Registration, version: int, now=None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        reg = locked(registration)
        check_owner(actor, reg)
        check_version(reg, version, _("Bản đăng ký vừa được thay đổi ở nơi khác. Hãy xem lại rồi gửi lại."))
        if reg.status not in (Registration.Status.DRAFT, Registration.Status.RETURNED):
            raise ValidationError(
                _("Chỉ gửi được bản đăng ký đang soạn hoặc bị trả lại (hiện tại: %(s)s).")
                % {"s": reg.get_status_display()}
            )
        lines = list(reg.trips.filter(status=Trip.Status.DRAFT).select_related("category"))
        if not lines:
            raise ValidationError(_("Bản đăng ký chưa có đợt nào mới để gửi. Hãy thêm ít nhất một đợt đi cơ sở."))
        revalidate_lines(reg, lines)
        kind = rules.approver_kind(reg.person)
        approvers = approvers_of(reg.person)
        if kind != "self" and not approvers:
            raise ValidationError(
                _(
                    "Chưa có người phê duyệt cho bạn (lãnh đạo ban, Thường trực hoặc Bí thư theo quy định). "
                    "Hãy liên hệ Ban Tổ chức – Kiểm tra để được phân công."
                )
            )
        fields = {"comment": ""}
        if reg.submitted_at is None:
            fields["submitted_at"] = now  # first submission: lateness is judged on it
        if kind == "self":
            # docs/domain.md §2: the Secretary's registration is self-certified.
            fields.update(status=Registration.Status.APPROVED, self_certified=True, decided_by=actor, decided_at=now)
        else:
            fields.update(status=Registration.Status.SUBMITTED)
        update_versioned(reg, version=version, **fields)
        if kind == "self":
            _approve_lines(reg)
            _record(reg, actor, "self_certified", Registration.Status.APPROVED)
        else:
            _record(reg, actor, "submitted", Registration.Status.SUBMITTED)
            notify(
                approvers,
                _("%(name)s gửi bản đăng ký đi cơ sở %(p)s, chờ bạn phê duyệt.")
                % {"name": reg.person.full_name, "p": period_label(reg.plan.year, reg.quarter)},
                registration_url(reg),
            )
    reg.refresh_from_db()
    return reg


def _approve_lines(reg: Registration) -> None:
    # The approved dates are kept as the plan (planned_*): results show what changed.
    Trip.objects.filter(registration=reg, status=Trip.Status.DRAFT).update(
        status=Trip.Status.APPROVED,
        planned_start=F("start"),
        planned_end=F("end"),
        planned_days=F("days"),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    from fieldwork.stored_standings import trips_changed  # docs/rules.md “Stored standings”: same transaction

    trips_changed(reg.plan_id, [reg.person_id])


def _record(reg: Registration, actor: User, action: str, to_state: str, comment: str = "") -> None:
    record(
        reg,
        actor=actor,
        action=action,
        from_state=reg.status,
        to_state=to_state,
        comment=comment,
        object_type="registration",
    )


def _decidable(actor: User, registration: Registration, version: int) -> Registration:
    """The registration locked for a decision by its approver (never the Inspection Committee)."""
    check_writer(actor)
    reg = locked(registration)
    if not rules.can_approve_registration(actor, reg):
        raise PermissionDenied
    check_version(reg, version)
    if reg.status != Registration.Status.SUBMITTED:
        raise ValidationError(
            _("Chỉ phê duyệt hoặc trả lại được bản đăng ký đang chờ phê duyệt (hiện tại: %(s)s).")
            % {"s": reg.get_status_display()}
        )
    return reg


def _decide(*, actor: User, registration: Registration, version: int, approve: bool, comment: str, now) -> Registration:
    """Approve or return a submitted registration (its approver only, never the Inspection
    Committee); the decision is saved only if nobody decided first (StaleVersion)."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    with transaction.atomic():
        reg = _decidable(actor, registration, version)
        if approve:
            revalidate_lines(reg, list(reg.trips.filter(status=Trip.Status.DRAFT).select_related("category")))
            to_state, action = Registration.Status.APPROVED, "approved"
            text = _("Bản đăng ký đi cơ sở %(p)s của bạn đã được phê duyệt.")
        else:
            if not comment:
                raise ValidationError({"comment": [_("Hãy ghi lý do trả lại để người đăng ký biết cần sửa gì.")]})
            to_state, action = Registration.Status.RETURNED, "returned"
            text = _("Bản đăng ký đi cơ sở %(p)s bị trả lại: %(c)s")
        update_versioned(
            reg,
            version=version,
            from_status=Registration.Status.SUBMITTED,
            status=to_state,
            decided_by=actor,
            decided_at=now,
            comment=comment,
        )
        if approve:
            _approve_lines(reg)
        _record(reg, actor, action, to_state, comment)
        notify(
            [reg.person],
            text % {"p": period_label(reg.plan.year, reg.quarter), "c": comment},
            own_registration_url(reg),
        )
    reg.refresh_from_db()
    return reg


def approve(*, actor: User, registration: Registration, version: int, comment: str = "", now=None) -> Registration:
    return _decide(actor=actor, registration=registration, version=version, approve=True, comment=comment, now=now)


def return_registration(
    *, actor: User, registration: Registration, version: int, comment: str, now=None
) -> Registration:
    return _decide(actor=actor, registration=registration, version=version, approve=False, comment=comment, now=now)


# Preview (a read) -------------------------------------------------------------------------
def preview(*, plan: Plan, person: User, typed: TripInput | None = None, exclude_pk=None, as_of: date | None = None):
    """The cadre's standing if every draft line of their registrations (and the line being
    typed) were approved: "Với kế hoạch này: 64/60 ngày, 2/2 đợt …". Draft lines are passed
    to the engine as planned trips (one engine behind every number)."""
    from fieldwork.quota import engine
    from fieldwork.selectors.standing import standing_inputs
    from fieldwork.services.trips import as_fact
    from fieldwork.standing_terms import within_period

    as_of = within_period(plan, as_of or timezone.localdate())
    drafts = Trip.objects.filter(plan=plan, person=person, status=Trip.Status.DRAFT).exclude(pk=exclude_pk)
    extra = [as_fact(t, key=f"draft-{t.pk}", status="planned") for t in drafts.select_related("category")]
    if typed is not None:
        extra.append(as_fact(typed, key="typed", status="planned"))
    # docs/rules.md “A year in the life”: the banner's total splits into the figures the person's page shows (done,
    # registered) and what only this screen adds (draft lines, the line being typed), each counted
    # by the engine, so "82/60" reads as 44 + 35 + 3 and the home page's 44 and 35 are the same.
    # One read of the data, the engine run with and without the drafts.
    plan_rules, _people, inputs = standing_inputs(plan, people=[person])  # as the caller read them
    cadre, trips = inputs[0]
    sent = engine.compute_all(plan_rules, [(cadre, trips)], as_of)[0]
    standing = engine.compute_all(plan_rules, [(cadre, [*trips, *extra])], as_of)[0] if extra else sent
    total = standing.done_days + standing.planned_days
    return {
        "standing": standing,
        "done_days": sent.done_days,
        "planned_days": sent.planned_days,
        "draft_days": total - sent.done_days - sent.planned_days,
        "total_days": total,
        "required_days": standing.required_days,
        "immersion_total": standing.immersion_done + standing.immersion_planned,
        "immersion_required": standing.immersion_required,
        "exempt": standing.status == "exempt",
    }


TRIP_ACTIONS = (
    "add_requested",
    "add_approved",
    "add_rejected",
    "change_requested",
    "cancel_requested",
    "changed",
    "cancelled",
    "change_rejected",
    "change_withdrawn",
)


def registration_history(registration: Registration):
    """The registration's state changes and those of its lines' change requests, oldest first."""
    trip_ids = list(registration.trips.values_list("pk", flat=True))
    return HistoryEntry.objects.filter(
        Q(object_type="registration", object_id=registration.pk)
        | Q(object_type="trip", object_id__in=trip_ids, action__in=TRIP_ACTIONS)
    ).select_related("actor", "on_behalf_of")


# Copying the previous quarter lives in its own module; importable from here too.
from fieldwork.services.registration_copy import copy_previous_quarter  # noqa: E402, F401

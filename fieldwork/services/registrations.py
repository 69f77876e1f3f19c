"""Registering trips (mẫu 1), approving them, and changing approved trips (issue 5).

State machine of a registration (one per person, plan and quarter):

    DRAFT ──submit──▶ SUBMITTED ──approve──▶ APPROVED ──add a line──▶ DRAFT (reopened)
    RETURNED ──submit──▶ SUBMITTED ──return (comment required)──▶ RETURNED
    the Secretary's: DRAFT|RETURNED ──submit──▶ APPROVED (self_certified)

Its lines are Trip rows: DRAFT while the registration is not approved (editable only while
the registration is DRAFT or RETURNED), APPROVED (locked) once approved. An approved line
changes through a ChangeRequest (kind change or cancel) decided by the same approver.

Concurrency: every decision carries the `version` the decider saw; the update is
`UPDATE … WHERE version = n` and zero rows means somebody else acted first (StaleVersion).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import User
from accounts.vietnamese import format_date
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
from fieldwork.services.transitions import (  # noqa: F401 (StaleVersion re-exported)
    StaleVersion,
    check_version,
    error_messages,
    update_versioned,
)
from fieldwork.services.trips import TripInput, validate_trip


def check_line_quarter(registration: Registration, start: date) -> None:
    """A line of quarter q's registration must start in quarter q of the plan's year."""
    year = registration.plan.year
    if start.year != year or quarter_of(start) != registration.quarter:
        q_start, q_end = quarter_bounds(year, registration.quarter)
        if start.year == year:
            msg = _(
                "Ngày bắt đầu %(d)s thuộc quý %(other)s, còn bản đăng ký này là quý %(q)s "
                "(%(qs)s – %(qe)s). Một đợt thuộc quý có ngày bắt đầu: hãy đăng ký đợt này ở quý %(other)s."
            ) % {
                "d": format_date(start),
                "other": quarter_name(quarter_of(start)),
                "q": quarter_name(registration.quarter),
                "qs": format_date(q_start),
                "qe": format_date(q_end),
            }
        else:
            msg = _(
                "Ngày bắt đầu %(d)s không thuộc năm %(y)s của kế hoạch. Hãy chọn ngày trong quý %(q)s (%(qs)s – %(qe)s)."
            ) % {
                "d": format_date(start),
                "y": year,
                "q": quarter_name(registration.quarter),
                "qs": format_date(q_start),
                "qe": format_date(q_end),
            }
        raise ValidationError({"start": [msg]})


# Routing --------------------------------------------------------------------------------
# approvers_of lives in fieldwork.services.approvers (shared with results); re-exported above.


def registration_url(registration: Registration) -> str:
    return reverse("fieldwork:registration_review", args=[registration.pk])


def quarter_url(plan: Plan, quarter: int) -> str:
    return reverse("fieldwork:registration_detail", args=[quarter]) + f"?year={plan.year}"


def own_registration_url(registration: Registration) -> str:
    return quarter_url(registration.plan, registration.quarter)


def check_writer(actor: User) -> None:
    """Deciding on other people's work: never the Inspection Committee."""
    if rules.is_read_only(actor):
        raise PermissionDenied


def check_own_writer(actor: User) -> None:
    """Acting on one's own registration and trips (rules.can_act_on_own_fieldwork)."""
    if not rules.can_act_on_own_fieldwork(actor):
        raise PermissionDenied


def check_owner(actor: User, registration: Registration) -> None:
    check_own_writer(actor)
    if not rules.can_edit_registration(actor, registration):
        raise PermissionDenied


def check_not_submitted(registration: Registration) -> None:
    if registration.status == Registration.Status.SUBMITTED:
        raise ValidationError(
            _("Bản đăng ký đang chờ phê duyệt nên chưa thêm được đợt mới. Hãy chờ kết quả phê duyệt.")
        )


def _fresh(registration: Registration) -> Registration:
    return Registration.objects.select_for_update(of=("self",)).select_related("plan", "person").get(pk=registration.pk)


# Lines ----------------------------------------------------------------------------------
def registration_for(*, person: User, plan: Plan, quarter: int) -> Registration:
    if plan.organization_id != person.organization_id or quarter not in plan_quarters(plan):
        raise PermissionDenied
    reg, _created = Registration.objects.get_or_create(plan=plan, person=person, quarter=quarter)
    return reg


def line_fields(data: TripInput) -> dict:
    return {
        "category": data.category,
        "start": data.start,
        "end": data.end,
        "days": Decimal(data.days),
        "location": data.location.strip(),
        "content": data.content.strip(),
        "immersion": data.immersion,
        "travel_order": data.travel_order.strip(),
        "province_code": data.province_code,
        "ward_code": data.ward_code,
    }


def add_line(*, actor: User, registration: Registration, data: TripInput) -> tuple[Trip, list[str]]:
    """Add a trip line; adding to an approved registration reopens it (the approved lines
    stay approved, the new one goes through approval)."""
    with transaction.atomic():
        reg = _fresh(registration)
        check_owner(actor, reg)
        check_not_submitted(reg)
        check_line_quarter(reg, data.start)
        warnings = validate_trip(reg.plan, reg.person, data)
        trip = Trip.objects.create(
            plan=reg.plan,
            person=reg.person,
            registration=reg,
            status=Trip.Status.DRAFT,
            source=Trip.Source.WEB,
            **line_fields(data),
        )
        if reg.status == Registration.Status.APPROVED:
            Registration.objects.filter(pk=reg.pk).update(status=Registration.Status.DRAFT, version=F("version") + 1)
            record(
                reg,
                actor=actor,
                action="reopened",
                from_state=reg.status,
                to_state=Registration.Status.DRAFT,
                object_type="registration",
            )
    return trip, warnings


def _editable_line(actor: User, trip: Trip) -> Registration:
    reg = _fresh(trip.registration) if trip.registration_id else None
    if reg is None:
        raise PermissionDenied
    check_owner(actor, reg)
    current = Trip.objects.select_for_update().get(pk=trip.pk)
    if current.status != Trip.Status.DRAFT:
        raise ValidationError(
            _("Đợt này đã được phê duyệt nên không sửa trực tiếp được. Hãy gửi đề nghị thay đổi hoặc đề nghị hủy đợt.")
        )
    if reg.status not in (Registration.Status.DRAFT, Registration.Status.RETURNED):
        raise ValidationError(_("Bản đăng ký đang chờ phê duyệt nên chưa sửa được. Hãy chờ kết quả phê duyệt."))
    return reg


def update_line(*, actor: User, trip: Trip, data: TripInput) -> list[str]:
    with transaction.atomic():
        reg = _editable_line(actor, trip)
        check_line_quarter(reg, data.start)
        warnings = validate_trip(reg.plan, reg.person, data, exclude_pk=trip.pk)
        Trip.objects.filter(pk=trip.pk).update(version=F("version") + 1, updated_at=timezone.now(), **line_fields(data))
    return warnings


def delete_line(*, actor: User, trip: Trip) -> None:
    with transaction.atomic():
        _editable_line(actor, trip)
        Trip.objects.filter(pk=trip.pk, status=Trip.Status.DRAFT).delete()


def trip_input(trip: Trip) -> TripInput:
    return TripInput(
        category=trip.category,
        start=trip.start,
        end=trip.end,
        days=trip.days,
        location=trip.location,
        content=trip.content,
        immersion=trip.immersion,
        travel_order=trip.travel_order,
        province_code=trip.province_code,
        ward_code=trip.ward_code,
    )


def _revalidate(reg: Registration, lines) -> None:
    """Lines were valid when typed; other trips may have changed since (DOMAIN.md §7.3)."""
    problems = []
    for line in lines:
        try:
            validate_trip(reg.plan, reg.person, trip_input(line), exclude_pk=line.pk)
        except ValidationError as exc:
            problems.append(
                _("Đợt %(s)s – %(e)s: %(m)s")
                % {"s": format_date(line.start), "e": format_date(line.end), "m": " ".join(error_messages(exc))}
            )
    if problems:
        raise ValidationError(problems)


# Transitions ----------------------------------------------------------------------------
def submit(*, actor: User, registration: Registration, version: int, now=None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        reg = _fresh(registration)
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
        _revalidate(reg, lines)
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
            # DOMAIN.md §2: the Secretary's registration is self-certified.
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
                _("%(name)s gửi bản đăng ký đi cơ sở quý %(q)s/%(y)s, chờ bạn phê duyệt.")
                % {"name": reg.person.full_name, "q": quarter_name(reg.quarter), "y": reg.plan.year},
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
    reg = _fresh(registration)
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
            _revalidate(reg, list(reg.trips.filter(status=Trip.Status.DRAFT).select_related("category")))
            to_state, action = Registration.Status.APPROVED, "approved"
            text = _("Bản đăng ký đi cơ sở quý %(q)s/%(y)s của bạn đã được phê duyệt.")
        else:
            if not comment:
                raise ValidationError({"comment": [_("Hãy ghi lý do trả lại để người đăng ký biết cần sửa gì.")]})
            to_state, action = Registration.Status.RETURNED, "returned"
            text = _("Bản đăng ký đi cơ sở quý %(q)s/%(y)s bị trả lại: %(c)s")
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
            text % {"q": quarter_name(reg.quarter), "y": reg.plan.year, "c": comment},
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
    from fieldwork.selectors import standing_for
    from fieldwork.services.trips import as_fact

    today = as_of or timezone.localdate()
    as_of = min(max(today, plan.period_start), plan.period_end)
    drafts = Trip.objects.filter(plan=plan, person=person, status=Trip.Status.DRAFT).exclude(pk=exclude_pk)
    extra = [as_fact(t, key=f"draft-{t.pk}", status="planned") for t in drafts.select_related("category")]
    if typed is not None:
        extra.append(as_fact(typed, key="typed", status="planned"))
    standing = standing_for(plan, person, as_of, extra_trips=extra)
    return {
        "standing": standing,
        "total_days": standing.done_days + standing.planned_days,
        "required_days": standing.required_days,
        "immersion_total": standing.immersion_done + standing.immersion_planned,
        "immersion_required": standing.immersion_required,
        "exempt": standing.status == "exempt",
    }


TRIP_ACTIONS = (
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
    ).select_related("actor")


# Copying the previous quarter lives in its own module; importable from here too.
from fieldwork.services.registration_copy import copy_previous_quarter  # noqa: E402, F401

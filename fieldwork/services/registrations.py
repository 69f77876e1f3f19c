"""Registering trips (mẫu 1), approving them, and changing approved trips (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”).

State machine of a registration (one per person, plan and quarter):

    DRAFT ──submit──▶ SUBMITTED ──approve──▶ APPROVED
    RETURNED ──submit──▶ SUBMITTED ──return (comment required)──▶ RETURNED
    the Secretary's: DRAFT|RETURNED ──submit──▶ APPROVED (self_certified)

Its lines are Trip rows: DRAFT while the registration is not approved (editable only while
the registration is DRAFT or RETURNED), APPROVED (locked) once approved. An approved line
changes through a ChangeRequest (kind change or cancel) decided by the same approver; a line
added to an approved registration is a ChangeRequest of kind add for that line alone (the
registration stays APPROVED; docs/domain.md §5). The lines are added, edited, deleted and copied
from the previous quarter here; the checks shared with change requests are registration_checks.py's.

Concurrency: every decision carries the `version` the decider saw; the update is
`UPDATE … WHERE version = n` and zero rows means somebody else acted first (StaleVersion).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import User
from accounts.vietnamese import format_date
from fieldwork.cycles import period_label, registration_periods
from fieldwork.models import HistoryEntry, Plan, Registration, Trip
from fieldwork.quarters import WHOLE_YEAR, plan_quarters, quarter_name
from fieldwork.services.approvers import approvers_of
from fieldwork.services.change_requests import request_addition
from fieldwork.services.history import notify, record
from fieldwork.services.registration_checks import (
    check_line_quarter,
    check_not_submitted,
    check_owner,
    check_writer,
    locked,
    own_registration_url,
    registration_url,
    revalidate_lines,
)
from fieldwork.services.transitions import (  # noqa: F401 (StaleVersion: the error every transition here raises)
    StaleVersion,
    check_version,
    decide_submitted,
    error_messages,
    update_versioned,
)
from fieldwork.services.trips import validate_trip
from fieldwork.trip_fields import TripInput, fact_of, input_of, model_fields


# Lines ----------------------------------------------------------------------------------
def registration_for(*, person: User, plan: Plan, quarter: int) -> Registration:
    if plan.organization_id != person.organization_id or quarter not in registration_periods(plan):
        raise PermissionDenied
    reg, _created = Registration.objects.get_or_create(plan=plan, person=person, quarter=quarter)
    return reg


def add_line(*, actor: User, registration: Registration, data: TripInput, reason: str = "") -> tuple[Trip, list[str]]:
    """Add a trip line. To an open registration (draft, returned) it is a draft line sent with
    the registration; to an approved one it is a request for that line alone (docs/domain.md §5,
    fieldwork.services.change_requests.request_addition): the registration and its approved lines
    stay approved, the approver decides the new line by itself."""
    with transaction.atomic():
        reg = locked(registration)
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
            **model_fields(data),
        )
        if reg.status == Registration.Status.APPROVED:
            request_addition(actor=actor, registration=reg, trip=trip, data=data, reason=reason)
    return trip, warnings


def _editable_line(actor: User, trip: Trip) -> Registration:
    reg = locked(trip.registration) if trip.registration_id else None
    if reg is None:
        raise PermissionDenied
    check_owner(actor, reg)
    current = Trip.objects.select_for_update().get(pk=trip.pk)
    if current.status != Trip.Status.DRAFT:
        raise ValidationError(
            _("Đợt này đã được phê duyệt nên không sửa trực tiếp được. Hãy gửi đề nghị thay đổi hoặc đề nghị hủy đợt.")
        )
    if reg.status == Registration.Status.APPROVED:  # a line added after approval, waiting alone
        raise ValidationError(
            _("Đợt bổ sung này đang chờ phê duyệt nên chưa sửa được. Muốn sửa, hãy rút đề nghị rồi bổ sung lại.")
        )
    if reg.status not in (Registration.Status.DRAFT, Registration.Status.RETURNED):
        raise ValidationError(_("Bản đăng ký đang chờ phê duyệt nên chưa sửa được. Hãy chờ kết quả phê duyệt."))
    return reg


def update_line(*, actor: User, trip: Trip, data: TripInput) -> list[str]:
    with transaction.atomic():
        reg = _editable_line(actor, trip)
        check_line_quarter(reg, data.start)
        warnings = validate_trip(reg.plan, reg.person, data, exclude_pk=trip.pk)
        Trip.objects.filter(pk=trip.pk).update(
            version=F("version") + 1, updated_at=timezone.now(), **model_fields(data)
        )
        from fieldwork.stored.changes import trips_changed  # docs/rules.md “Stored standings”: same transaction

        trips_changed(trip.plan_id, [trip.person_id])
    return warnings


def delete_line(*, actor: User, trip: Trip) -> None:
    with transaction.atomic():
        _editable_line(actor, trip)
        Trip.objects.filter(pk=trip.pk, status=Trip.Status.DRAFT).delete()


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
    from fieldwork.stored.changes import trips_changed  # docs/rules.md “Stored standings”: same transaction

    trips_changed(reg.plan_id, [reg.person_id])


def _record(reg: Registration, actor: User, action: str, to_state: str) -> None:
    record(reg, actor=actor, action=action, from_state=reg.status, to_state=to_state, object_type="registration")


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
        text = (
            _("Bản đăng ký đi cơ sở %(p)s của bạn đã được phê duyệt.")
            if approve
            else _("Bản đăng ký đi cơ sở %(p)s bị trả lại: %(c)s")
        )
        decide_submitted(
            reg,
            actor=actor,
            version=version,
            approve=approve,
            comment=comment,
            now=now,
            object_type="registration",
            reason_required=_("Hãy ghi lý do trả lại để người đăng ký biết cần sửa gì."),
            recipients=[reg.person],
            message=text % {"p": period_label(reg.plan.year, reg.quarter), "c": comment},
            url=own_registration_url(reg),
            before_approve=lambda: revalidate_lines(
                reg, list(reg.trips.filter(status=Trip.Status.DRAFT).select_related("category"))
            ),
            after_approve=lambda: _approve_lines(reg),
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
    from fieldwork.standing_terms import within_period

    as_of = within_period(plan, as_of or timezone.localdate())
    drafts = Trip.objects.filter(plan=plan, person=person, status=Trip.Status.DRAFT).exclude(pk=exclude_pk)
    extra = [fact_of(t, key=f"draft-{t.pk}", status="planned") for t in drafts.select_related("category")]
    if typed is not None:
        extra.append(fact_of(typed, key="typed", status="planned"))
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


# Copying the previous quarter --------------------------------------------------------
def _plus_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(d.day, last))


def copy_previous_quarter(*, actor: User, registration: Registration) -> tuple[list[Trip], list[str]]:
    """Copy the lines of the previous quarter's registration (not cancelled, not refused) into
    this one as new draft lines, three months later, same span, days, place and content; the
    travel order is not copied (it belongs to one trip). A line that would break a rule here
    (overlap, outside the plan period …) or is already in this quarter is skipped and said why.
    All lines go through add_line: the same checks as typing them."""
    reg = Registration.objects.select_related("plan", "person").get(pk=registration.pk)
    check_owner(actor, reg)
    if reg.quarter == WHOLE_YEAR:  # the annual cycle has one registration: nothing before it
        raise ValidationError(
            _("Kế hoạch năm %(y)s đăng ký một lần cho cả năm nên không có quý trước để sao chép.")
            % {"y": reg.plan.year}
        )
    quarters = plan_quarters(reg.plan)
    if reg.quarter == quarters[0]:
        raise ValidationError(
            _("Quý %(q)s là quý đầu tiên của kế hoạch năm %(y)s nên không có quý trước để sao chép.")
            % {"q": quarter_name(reg.quarter), "y": reg.plan.year}
        )
    check_not_submitted(reg)
    previous = reg.quarter - 1
    source = list(
        Trip.objects.filter(
            registration__plan=reg.plan, registration__person=reg.person, registration__quarter=previous
        )
        .exclude(status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])
        .select_related("category")
        .order_by("start", "pk")
    )
    if not source:
        raise ValidationError(
            _("Quý %(q)s chưa có đợt nào để sao chép. Hãy thêm đợt đi trực tiếp.") % {"q": quarter_name(previous)}
        )
    existing = set(
        reg.trips.exclude(status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED]).values_list(
            "category_id", "start", "end", "location"
        )
    )
    added, skipped = [], []
    with transaction.atomic():
        for old in source:
            start = _plus_months(old.start, 3)
            end = start + (old.end - old.start)
            label = _("Đợt %(s)s – %(e)s") % {"s": format_date(start), "e": format_date(end)}
            if (old.category_id, start, end, old.location.strip()) in existing:
                skipped.append(_("%(l)s: đã có trong bản đăng ký này.") % {"l": label})
                continue
            data = input_of(old, start=start, end=end, travel_order="")
            try:
                trip, _warnings = add_line(actor=actor, registration=reg, data=data)
            except ValidationError as exc:
                skipped.append(
                    _("%(l)s: không sao chép được — %(m)s") % {"l": label, "m": " ".join(error_messages(exc))}
                )
            else:
                added.append(trip)
                existing.add((old.category_id, start, end, old.location.strip()))
    return added, skipped

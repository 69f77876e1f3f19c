"""Changing an approved (locked) registration line: a ChangeRequest of kind change or cancel,
decided by the same approver as the registration (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”); and adding a line to an approved
registration: a ChangeRequest of kind add for that line alone (docs/domain.md §5: the approved mẫu 1
is the year's plan, what changes during the year goes through a change request).

    PENDING ──approve──▶ APPROVED (the change is validated again and applied, the trip is CANCELLED,
                                   or the added line becomes APPROVED)
    PENDING ──reject (comment required)──▶ REJECTED (an added line: the trip is REJECTED)
    PENDING ──withdraw (the requester)──▶ WITHDRAWN (the trip stays as approved; an added line is
                                                     removed, it never was part of the plan)
    the Secretary's requests are self-certified: applied at once.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import User
from accounts.vietnamese import format_date
from fieldwork.models import ChangeRequest, Registration, Trip
from fieldwork.services.approvers import approvers_of
from fieldwork.services.history import notify, record
from fieldwork.services.registration_checks import (
    check_line_quarter,
    check_own_writer,
    check_writer,
    own_registration_url,
    registration_url,
)
from fieldwork.services.transitions import StaleVersion, update_versioned
from fieldwork.services.trips import validate_trip
from fieldwork.trip_fields import TripInput, input_of, input_of_payload, model_fields, payload_of


def _changeable(actor: User, trip: Trip) -> Trip:
    check_own_writer(actor)
    current = (
        Trip.objects.select_for_update(of=("self",))
        .select_related("plan", "person", "registration__plan", "category")
        .get(pk=trip.pk)
    )
    if not rules.can_edit_trip(actor, current):
        raise PermissionDenied
    if current.status != Trip.Status.APPROVED:
        raise ValidationError(_("Chỉ đề nghị thay đổi hoặc hủy được đợt đã phê duyệt mà chưa báo cáo kết quả."))
    if current.change_requests.filter(status=ChangeRequest.Status.PENDING).exists():
        raise ValidationError(
            _("Đợt này đã có một đề nghị đang chờ phê duyệt. Hãy chờ kết quả trước khi gửi đề nghị mới.")
        )
    return current


def _open_change(actor, trip, *, kind, proposed, reason, now) -> ChangeRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Hãy ghi lý do đề nghị.")]})
    cr = ChangeRequest.objects.create(trip=trip, kind=kind, proposed=proposed, reason=reason, requested_by=actor)
    action = "change_requested" if kind == ChangeRequest.Kind.CHANGE else "cancel_requested"
    record(
        trip,
        actor=actor,
        action=action,
        from_state=trip.status,
        to_state=trip.status,
        comment=reason,
        object_type="trip",
    )
    if rules.approver_kind(trip.person) == "self":
        # The Secretary's changes are self-certified like the registration.
        _apply(cr, trip, actor=actor, comment=_("Tự xác nhận"), now=now)
    else:
        text = (
            _("%(name)s đề nghị thay đổi một đợt đi cơ sở đã duyệt (%(s)s), chờ bạn phê duyệt.")
            if kind == ChangeRequest.Kind.CHANGE
            else _("%(name)s đề nghị hủy một đợt đi cơ sở đã duyệt (%(s)s), chờ bạn phê duyệt.")
        )
        notify(
            approvers_of(trip.person),
            text % {"name": trip.person.full_name, "s": format_date(trip.start)},
            reverse("fieldwork:approvals"),
        )
    return cr


def request_change(
    *, actor: User, trip: Trip, data: TripInput, reason: str, now=None
) -> tuple[ChangeRequest, list[str]]:
    now = now or timezone.now()
    with transaction.atomic():
        current = _changeable(actor, trip)
        if current.registration_id:
            check_line_quarter(current.registration, data.start)
        warnings = validate_trip(current.plan, current.person, data, exclude_pk=current.pk)
        cr = _open_change(
            actor, current, kind=ChangeRequest.Kind.CHANGE, proposed=payload_of(data), reason=reason, now=now
        )
    return cr, warnings


def request_cancel(*, actor: User, trip: Trip, reason: str, now=None) -> ChangeRequest:
    now = now or timezone.now()
    with transaction.atomic():
        current = _changeable(actor, trip)
        return _open_change(actor, current, kind=ChangeRequest.Kind.CANCEL, proposed={}, reason=reason, now=now)


def request_addition(
    *, actor: User, registration: Registration, trip: Trip, data: TripInput, reason: str = "", now=None
):
    """The line `trip` (a draft just added by registrations.add_line, in its transaction) to
    the approved `registration`: a request for that line alone. The registration and its approved
    lines stay approved; the approver is told and decides the new line by itself (the Secretary's
    is self-certified at once). The reason is optional: a new trip needs no excuse."""
    now = now or timezone.now()
    cr = ChangeRequest.objects.create(
        trip=trip,
        kind=ChangeRequest.Kind.ADD,
        proposed=payload_of(data),
        reason=(reason or "").strip(),
        requested_by=actor,
    )
    record(
        trip,
        actor=actor,
        action="add_requested",
        to_state=trip.status,
        comment=cr.reason,
        object_type="trip",
    )
    if rules.approver_kind(trip.person) == "self":
        _apply(cr, trip, actor=actor, comment=_("Tự xác nhận"), now=now)
    else:
        notify(
            approvers_of(trip.person),
            _("%(name)s đề nghị bổ sung một đợt đi cơ sở (%(s)s) vào bản đăng ký đã duyệt, chờ bạn phê duyệt đợt này.")
            % {"name": trip.person.full_name, "s": format_date(trip.start)},
            registration_url(registration),
        )
    return cr


def _apply(cr: ChangeRequest, trip: Trip, *, actor: User, comment: str, now) -> None:
    if not ChangeRequest.objects.filter(pk=cr.pk, status=ChangeRequest.Status.PENDING).update(
        status=ChangeRequest.Status.APPROVED,
        decided_by=actor,
        decided_at=now,
        comment=comment,
    ):
        raise StaleVersion(_("Đề nghị này đã được người khác xử lý. Trang đã được tải lại với trạng thái mới nhất."))
    from_status = Trip.Status.APPROVED
    if cr.kind == ChangeRequest.Kind.ADD:
        validate_trip(trip.plan, trip.person, input_of(trip), exclude_pk=trip.pk)  # others may have changed since
        fields = {
            "status": Trip.Status.APPROVED,
            "planned_start": trip.start,
            "planned_end": trip.end,
            "planned_days": trip.days,
        }
        action, to_state, from_status = "add_approved", Trip.Status.APPROVED, Trip.Status.DRAFT
    elif cr.kind == ChangeRequest.Kind.CANCEL:
        fields = {"status": Trip.Status.CANCELLED, "status_comment": cr.reason}
        action, to_state = "cancelled", Trip.Status.CANCELLED
    else:
        data = input_of_payload(trip.plan, cr.proposed)
        if trip.registration_id:
            check_line_quarter(trip.registration, data.start)
        validate_trip(trip.plan, trip.person, data, exclude_pk=trip.pk)  # others may have changed since
        fields = {
            **model_fields(data),
            "planned_start": data.start,
            "planned_end": data.end,
            "planned_days": data.days,
        }
        action, to_state = "changed", Trip.Status.APPROVED
    update_versioned(
        trip,
        version=trip.version,
        from_status=from_status,
        message=_("Đợt đi đã được thay đổi ở nơi khác. Trang đã được tải lại với trạng thái mới nhất."),
        updated_at=now,
        **fields,
    )
    record(
        trip,
        actor=actor,
        action=action,
        from_state=trip.status,
        to_state=to_state,
        comment=comment or cr.reason,
        object_type="trip",
    )


def decide_change(
    *, actor: User, change_request: ChangeRequest, approve: bool, comment: str = "", now=None
) -> ChangeRequest:
    now = now or timezone.now()
    comment = (comment or "").strip()
    with transaction.atomic():
        check_writer(actor)
        cr = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
        trip = (
            Trip.objects.select_for_update(of=("self",))
            .select_related("plan", "person", "registration__plan", "category")
            .get(pk=cr.trip_id)
        )
        if not rules.can_approve_for(actor, trip.person):
            raise PermissionDenied
        if cr.status != ChangeRequest.Status.PENDING:
            raise StaleVersion(
                _("Đề nghị này đã được xử lý (%(s)s). Trang đã được tải lại với trạng thái mới nhất.")
                % {"s": cr.get_status_display()}
            )
        if approve:
            _apply(cr, trip, actor=actor, comment=comment, now=now)
            text = _("Đề nghị %(k)s đợt đi cơ sở ngày %(s)s của bạn đã được phê duyệt.")
        else:
            if not comment:
                raise ValidationError({"comment": [_("Hãy ghi lý do không phê duyệt đề nghị.")]})
            if not ChangeRequest.objects.filter(pk=cr.pk, status=ChangeRequest.Status.PENDING).update(
                status=ChangeRequest.Status.REJECTED,
                decided_by=actor,
                decided_at=now,
                comment=comment,
            ):
                raise StaleVersion(_("Đề nghị này đã được người khác xử lý."))
            to_state, action = trip.status, "change_rejected"
            if cr.kind == ChangeRequest.Kind.ADD:
                # The added line is not part of the plan: it stays listed as not approved, with why.
                update_versioned(
                    trip,
                    version=trip.version,
                    from_status=Trip.Status.DRAFT,
                    status=Trip.Status.REJECTED,
                    status_comment=comment,
                    updated_at=now,
                )
                to_state, action = Trip.Status.REJECTED, "add_rejected"
            record(
                trip,
                actor=actor,
                action=action,
                from_state=trip.status,
                to_state=to_state,
                comment=comment,
                object_type="trip",
            )
            text = _("Đề nghị %(k)s đợt đi cơ sở ngày %(s)s của bạn không được phê duyệt.")
        kind_word = kind_word_of(cr)
        url = own_registration_url(trip.registration) if trip.registration_id else ""
        notify([cr.requested_by], text % {"k": kind_word, "s": format_date(trip.start)}, url)
    cr.refresh_from_db()
    return cr


def kind_word_of(cr: ChangeRequest) -> str:
    """The request in a sentence: "Đề nghị <hủy|thay đổi|bổ sung> đợt đi cơ sở …"."""
    return {ChangeRequest.Kind.CANCEL: _("hủy"), ChangeRequest.Kind.ADD: _("bổ sung")}.get(cr.kind, _("thay đổi"))


def withdraw_change(*, actor: User, change_request: ChangeRequest, now=None) -> ChangeRequest:
    """The requester takes back a pending request: it leaves the approver's inbox and the trip
    stays exactly as approved (an added line, never approved, is removed; the registration's
    history keeps the withdrawal). Only the cadre whose trip it is may withdraw it (not a
    colleague, not the approver: the approver rejects instead)."""
    now = now or timezone.now()
    with transaction.atomic():
        check_own_writer(actor)
        cr = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
        trip = Trip.objects.select_related("person", "registration__plan").get(pk=cr.trip_id)
        if not rules.can_edit_trip(actor, trip) or (cr.requested_by_id not in (None, actor.pk)):
            raise PermissionDenied
        if cr.status != ChangeRequest.Status.PENDING:
            raise ValidationError(
                _("Đề nghị này đã được xử lý (%(s)s) nên không rút được nữa. Không có gì thay đổi.")
                % {"s": cr.get_status_display()}
            )
        if not ChangeRequest.objects.filter(pk=cr.pk, status=ChangeRequest.Status.PENDING).update(
            status=ChangeRequest.Status.WITHDRAWN, decided_at=now
        ):
            raise StaleVersion(
                _("Đề nghị này vừa được người khác xử lý. Trang đã được tải lại với trạng thái mới nhất.")
            )
        added = cr.kind == ChangeRequest.Kind.ADD
        if added:
            record(
                trip.registration,
                actor=actor,
                action="add_withdrawn",
                comment=_("Đợt %(s)s – %(e)s, %(l)s")
                % {"s": format_date(trip.start), "e": format_date(trip.end), "l": trip.location},
                object_type="registration",
            )
            Trip.objects.filter(pk=trip.pk, status=Trip.Status.DRAFT).delete()  # its request goes with it
            from fieldwork.stored.changes import trips_changed  # docs/rules.md “Stored standings”: same transaction

            trips_changed(trip.plan_id, [trip.person_id])
        else:
            record(
                trip,
                actor=actor,
                action="change_withdrawn",
                from_state=trip.status,
                to_state=trip.status,
                comment=cr.reason,
                object_type="trip",
            )
        notify(
            approvers_of(trip.person),
            _("%(name)s đã rút đề nghị %(k)s đợt đi cơ sở ngày %(s)s; không cần phê duyệt nữa.")
            % {"name": trip.person.full_name, "k": kind_word_of(cr), "s": format_date(trip.start)},
            reverse("fieldwork:approvals"),
        )
    if added:
        cr.status, cr.decided_at = ChangeRequest.Status.WITHDRAWN, now
        return cr
    cr.refresh_from_db()
    return cr

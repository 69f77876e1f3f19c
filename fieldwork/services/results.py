"""Doing the trips (docs/rules.md “Results and mẫu 3”): reporting results, confirming or returning them, attachments,
the personal calendar link.

State machine of a trip once it is planned (only CONFIRMED trips count as done, see
fieldwork.selectors.TRIP_STATUS_TO_ENGINE):

    APPROVED ──report──▶ REPORTED ──confirm──▶ CONFIRMED
    (none)   ──report──▶ REPORTED ──return───▶ RETURNED ──report──▶ REPORTED
    the Secretary's report is self-certified: (APPROVED|none) ──report──▶ CONFIRMED
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import User
from accounts.vietnamese import format_days, format_period
from core.storage import saving_files
from fieldwork import photo_metadata, uploads
from fieldwork.models import Plan, Trip, TripAttachment
from fieldwork.services.approvers import approvers_of
from fieldwork.services.history import notify, record
from fieldwork.services.trips import validate_trip
from fieldwork.trip_fields import TripInput, apply_to
from fieldwork.uploads import clean_filename

# A cadre may report (or correct) a trip in these states; CONFIRMED is locked.
REPORTABLE = {Trip.Status.APPROVED, Trip.Status.REPORTED, Trip.Status.RETURNED}
MAX_ATTACHMENTS_PER_TRIP = 10


@dataclass
class ReportInput:
    trip: TripInput
    results: str
    shortcomings: str = ""
    proposals: str = ""


def check_upload(upload) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload, else a Vietnamese ValidationError."""
    name = clean_filename(upload.name)
    return uploads.check_upload(
        upload,
        signatures=uploads.ATTACHMENT_SIGNATURES,
        too_large_message=_("Tệp “%(name)s” lớn hơn giới hạn %(mb)s MB.")
        % {"name": name, "mb": format_days(settings.MAX_ATTACHMENT_BYTES / (1024 * 1024))},
        wrong_type_message=_("Tệp “%(name)s” không phải ảnh (JPEG, PNG, GIF, WebP) hoặc PDF.") % {"name": name},
    )


def _store_attachments(trip: Trip, files) -> list[TripAttachment]:
    files = list(files or [])
    if not files:
        return []
    if trip.attachments.count() + len(files) > MAX_ATTACHMENTS_PER_TRIP:
        raise ValidationError(_("Mỗi đợt chỉ đính kèm tối đa %(n)s tệp.") % {"n": MAX_ATTACHMENTS_PER_TRIP})
    checked = [(f, *check_upload(f)) for f in files]
    # Large photos are downscaled before anything is stored (all or nothing); then every photo loses
    # its metadata (docs/privacy.md). When the person agreed, the time and place it was taken are read
    # from the original first and kept beside it, never in the file.
    keep_evidence = trip.person.photo_evidence
    prepared = []
    for f, ctype, ext in checked:
        evidence = photo_metadata.read_evidence(f) if keep_evidence else None
        stored = photo_metadata.strip_metadata(uploads.prepare_photo(f, content_type=ctype, ext=ext))
        prepared.append((f, stored, evidence))
    out = []
    # The disk full at the second file: the first is deleted too and the report is not saved.
    with saving_files() as saved:
        for f, stored, evidence in prepared:
            att = TripAttachment(
                trip=trip, original_name=clean_filename(f.name), content_type=stored.content_type, size=stored.size
            )
            if evidence:
                att.taken_at, att.latitude, att.longitude = evidence.taken_at, evidence.latitude, evidence.longitude
            # A random stored name: the upload's own name never reaches the file system.
            att.file.save(f"{uuid.uuid4().hex}{stored.ext}", stored.content, save=False)
            saved.add(att.file)
            att.save()
            out.append(att)
    return out


def _check_report_data(report: ReportInput, today: date) -> None:
    errors = {}
    if not (report.results or "").strip():
        errors["results"] = [_("Hãy nêu khái quát những kết quả chủ yếu của đợt đi.")]
    if report.trip.end and report.trip.end > today:
        errors["end"] = [
            _("Chỉ báo cáo đợt đã kết thúc: ngày kết thúc thực tế không được sau hôm nay (%(d)s).")
            % {"d": today.strftime("%d/%m/%Y")}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_trip(
    *, actor: User, plan: Plan, report: ReportInput, trip: Trip | None = None, files=(), today: date | None = None
) -> tuple[Trip, list[str]]:
    """Record what was done: a planned trip (APPROVED/RETURNED/REPORTED) or, with trip=None, a trip
    that was not planned. Returns the trip and the non-blocking warnings."""
    today = today or timezone.localdate()
    if trip is not None:
        trip = Trip.objects.select_for_update().select_related("person", "plan").get(pk=trip.pk)
        if not rules.can_act_on_own_fieldwork(actor) or not rules.can_edit_trip(actor, trip):
            raise PermissionDenied
        if trip.status not in REPORTABLE:
            raise ValidationError(_("Đợt ở trạng thái “%(s)s” không thể báo cáo.") % {"s": trip.get_status_display()})
        plan = trip.plan
        person = trip.person
    else:
        if not rules.can_act_on_own_fieldwork(actor) or not rules.same_org(actor, plan.organization_id):
            raise PermissionDenied
        person = actor
    _check_report_data(report, today)
    warnings = validate_trip(plan, person, report.trip, exclude_pk=trip.pk if trip else None)
    data = report.trip
    from_state = trip.status if trip else ""
    if trip is None:
        trip = Trip(plan=plan, person=person, registration=None, source=Trip.Source.WEB)
    elif trip.planned_start is None and trip.status == Trip.Status.APPROVED:
        # Keep what was planned: the report may change dates and days.
        trip.planned_start, trip.planned_end, trip.planned_days = trip.start, trip.end, trip.days
    apply_to(trip, data)
    trip.results = report.results.strip()
    trip.shortcomings = (report.shortcomings or "").strip()
    trip.proposals = (report.proposals or "").strip()
    trip.reported_at = timezone.now()
    trip.version += 1
    self_certified = rules.approver_kind(person) == "self"
    if self_certified:
        # docs/domain.md §2: the Secretary has no approver; the report is self-certified.
        trip.status = Trip.Status.CONFIRMED
        trip.confirmed_by, trip.confirmed_at = actor, timezone.now()
        trip.status_comment = _("Tự xác nhận (Bí thư)")
    else:
        trip.status = Trip.Status.REPORTED
        trip.confirmed_by, trip.confirmed_at = None, None
    trip.save()
    _store_attachments(trip, files)
    action = (
        "self_certified"
        if self_certified
        else ("reported" if from_state in ("", Trip.Status.APPROVED) else "re_reported")
    )
    record(trip, actor=actor, action=action, from_state=from_state, to_state=trip.status)
    if not self_certified:
        url = reverse("fieldwork:trip_detail", args=[trip.pk])
        notify(
            approvers_of(person),
            _("%(name)s báo cáo kết quả đợt đi cơ sở %(period)s tại %(place)s, chờ xác nhận.")
            % {"name": person.full_name, "period": format_period(trip.start, trip.end), "place": trip.location},
            url,
        )
    return trip, warnings


def _lock_for_decision(actor: User, trip: Trip) -> Trip:
    trip = Trip.objects.select_for_update().select_related("person", "plan").get(pk=trip.pk)
    if rules.is_read_only(actor) or not rules.can_confirm_trip(actor, trip):
        raise PermissionDenied
    if trip.status != Trip.Status.REPORTED:
        raise ValidationError(
            _("Chỉ xác nhận hoặc trả lại đợt đang chờ xác nhận (trạng thái hiện tại: “%(s)s”).")
            % {"s": trip.get_status_display()}
        )
    return trip


@transaction.atomic
def confirm_trip(*, actor: User, trip: Trip, comment: str = "") -> Trip:
    trip = _lock_for_decision(actor, trip)
    trip.status = Trip.Status.CONFIRMED
    trip.confirmed_by, trip.confirmed_at = actor, timezone.now()
    trip.status_comment = (comment or "").strip()
    trip.version += 1
    trip.save()
    record(
        trip,
        actor=actor,
        action="confirmed",
        from_state=Trip.Status.REPORTED,
        to_state=trip.status,
        comment=trip.status_comment,
    )
    notify(
        [trip.person],
        _("Đợt đi cơ sở %(period)s tại %(place)s đã được xác nhận (%(days)s ngày).")
        % {"period": format_period(trip.start, trip.end), "place": trip.location, "days": format_days(trip.days)},
        reverse("fieldwork:trip_detail", args=[trip.pk]),
    )
    return trip


@transaction.atomic
def return_trip(*, actor: User, trip: Trip, comment: str) -> Trip:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("Hãy ghi rõ lý do trả lại để cán bộ biết cần sửa gì.")]})
    trip = _lock_for_decision(actor, trip)
    trip.status = Trip.Status.RETURNED
    trip.status_comment = comment
    trip.version += 1
    trip.save()
    record(trip, actor=actor, action="returned", from_state=Trip.Status.REPORTED, to_state=trip.status, comment=comment)
    notify(
        [trip.person],
        _("Báo cáo đợt đi cơ sở %(period)s bị trả lại: %(comment)s")
        % {"period": format_period(trip.start, trip.end), "comment": comment},
        reverse("fieldwork:trip_detail", args=[trip.pk]),
    )
    return trip


@transaction.atomic
def delete_attachment(*, actor: User, attachment: TripAttachment) -> None:
    trip = attachment.trip
    if not rules.can_act_on_own_fieldwork(actor) or not rules.can_edit_trip(actor, trip):
        raise PermissionDenied
    if trip.status == Trip.Status.CONFIRMED:
        raise ValidationError(_("Đợt đã được xác nhận: không thể xóa tệp đính kèm."))
    name = attachment.original_name
    attachment.file.delete(save=False)
    attachment.delete()
    record(trip, actor=actor, action="attachment_deleted", comment=name)


def reset_calendar_token(*, actor: User) -> str:
    """A new secret link for the personal iCalendar feed; the old link stops working."""
    actor.rotate_calendar_token()
    actor.save(update_fields=["calendar_token"])
    return actor.calendar_feed_token

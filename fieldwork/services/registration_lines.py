"""The lines of a registration (mẫu 1): who may touch them and adding, editing and deleting
them while the registration is open (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”). Approving them is registrations.py's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import User
from accounts.vietnamese import format_date
from fieldwork.cycles import WHOLE_YEAR, registration_periods
from fieldwork.models import Plan, Registration, Trip, place_parts_key
from fieldwork.quarters import quarter_bounds, quarter_name, quarter_of
from fieldwork.services.transitions import error_messages
from fieldwork.services.trips import TripInput, validate_trip


def other_year_message(plan: Plan, start: date) -> str:
    """Why a line starting in another year than the plan's is refused, and what to do: register
    it under that year's plan, or, when that plan is not issued yet, wait for the Board to open
    it (the cadre's home page says when; docs/rules.md "A year in the life")."""
    year = start.year
    if Plan.objects.filter(organization_id=plan.organization_id, year=year).exists():
        return _(
            "Đợt bắt đầu ngày %(d)s thuộc kế hoạch năm %(y)s, không thuộc bản đăng ký năm %(p)s này: "
            "hãy đăng ký đợt này trong bản đăng ký năm %(y)s."
        ) % {"d": format_date(start), "y": year, "p": plan.year}
    if year > plan.year:
        return _(
            "Kế hoạch năm %(y)s chưa được ban hành nên chưa đăng ký được đợt bắt đầu ngày %(d)s. "
            "Ban Tổ chức – Kiểm tra sẽ mở kế hoạch năm %(y)s; khi đó trang chủ của bạn có thông báo "
            "và bạn đăng ký đợt này trong bản đăng ký năm %(y)s."
        ) % {"d": format_date(start), "y": year}
    return _("“Từ ngày” %(d)s không thuộc năm %(y)s của kế hoạch.") % {"d": format_date(start), "y": plan.year}


def check_line_quarter(registration: Registration, start: date) -> None:
    """A line of quarter q's registration must start in quarter q of the plan's year; a line of
    the annual cycle's whole-year registration (quarter 0) anywhere in the plan's year (the plan
    period itself is checked with the other rules, validate_trip). A line of another year is
    sent to that year's registration (other_year_message)."""
    year = registration.plan.year
    if start.year != year:
        raise ValidationError({"start": [other_year_message(registration.plan, start)]})
    if registration.quarter == WHOLE_YEAR:
        return
    if quarter_of(start) != registration.quarter:
        q_start, q_end = quarter_bounds(year, registration.quarter)
        msg = _(
            "“Từ ngày” %(d)s thuộc quý %(other)s, còn bản đăng ký này là quý %(q)s "
            "(%(qs)s – %(qe)s). Một đợt thuộc quý chứa “Từ ngày” của đợt: hãy đăng ký đợt này ở quý %(other)s."
        ) % {
            "d": format_date(start),
            "other": quarter_name(quarter_of(start)),
            "q": quarter_name(registration.quarter),
            "qs": format_date(q_start),
            "qe": format_date(q_end),
        }
        raise ValidationError({"start": [msg]})


# Guards ---------------------------------------------------------------------------------
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


def locked(registration: Registration) -> Registration:
    """The registration, locked (SELECT … FOR UPDATE) for the rest of the transaction."""
    return Registration.objects.select_for_update(of=("self",)).select_related("plan", "person").get(pk=registration.pk)


# Lines ----------------------------------------------------------------------------------
def registration_for(*, person: User, plan: Plan, quarter: int) -> Registration:
    if plan.organization_id != person.organization_id or quarter not in registration_periods(plan):
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
        # docs/rules.md “Stored standings” (a queryset update: no save())
        "location_key": place_parts_key(data.location.strip()),
        "content": data.content.strip(),
        "immersion": data.immersion,
        "topic": (data.topic or "").strip(),
        "travel_order": data.travel_order.strip(),
        "province_code": data.province_code,
        "ward_code": data.ward_code,
    }


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
            **line_fields(data),
        )
        if reg.status == Registration.Status.APPROVED:
            from fieldwork.services.change_requests import request_addition  # it imports this module

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
        Trip.objects.filter(pk=trip.pk).update(version=F("version") + 1, updated_at=timezone.now(), **line_fields(data))
        from fieldwork.stored.changes import trips_changed  # docs/rules.md “Stored standings”: same transaction

        trips_changed(trip.plan_id, [trip.person_id])
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
        topic=trip.topic,
    )


def revalidate_lines(reg: Registration, lines) -> None:
    """Lines were valid when typed; other trips may have changed since (docs/domain.md §7.3)."""
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

"""The checks every registration service shares (docs/rules.md “Registration (mẫu 1) and the
department plan (mẫu 2)”): who may act, which quarter a line belongs to, the registration locked for
a decision, lines still valid when they are sent or decided, and where a registration is seen.
Below registrations.py and change_requests.py, which both import it; registrations.py imports
change_requests.py (a line added to an approved registration), never the reverse."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import User
from accounts.vietnamese import format_date
from fieldwork.cycles import WHOLE_YEAR
from fieldwork.models import Plan, Registration
from fieldwork.quarters import quarter_bounds, quarter_name, quarter_of
from fieldwork.services.transitions import error_messages
from fieldwork.services.trips import validate_trip
from fieldwork.trip_fields import input_of


# Routing --------------------------------------------------------------------------------
def registration_url(registration: Registration) -> str:
    """The registration as its approver reviews it."""
    return reverse("fieldwork:registration_review", args=[registration.pk])


def quarter_url(plan: Plan, quarter: int) -> str:
    return reverse("fieldwork:registration_detail", args=[quarter]) + f"?year={plan.year}"


def own_registration_url(registration: Registration) -> str:
    """The registration as its owner sees it."""
    return quarter_url(registration.plan, registration.quarter)


# Lines ----------------------------------------------------------------------------------
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


def revalidate_lines(reg: Registration, lines) -> None:
    """Lines were valid when typed; other trips may have changed since (docs/domain.md §7.3)."""
    problems = []
    for line in lines:
        try:
            validate_trip(reg.plan, reg.person, input_of(line), exclude_pk=line.pk)
        except ValidationError as exc:
            problems.append(
                _("Đợt %(s)s – %(e)s: %(m)s")
                % {"s": format_date(line.start), "e": format_date(line.end), "m": " ".join(error_messages(exc))}
            )
    if problems:
        raise ValidationError(problems)


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

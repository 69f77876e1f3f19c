"""Copying the previous quarter's lines into a registration (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”): the lines go through
registrations.add_line, so they meet exactly the checks of typing them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.vietnamese import format_date
from fieldwork.models import Registration, Trip
from fieldwork.quarters import WHOLE_YEAR, plan_quarters, quarter_name
from fieldwork.services import registrations
from fieldwork.services.transitions import error_messages


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
    registrations.check_owner(actor, reg)
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
    registrations.check_not_submitted(reg)
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
            data = replace(registrations.trip_input(old), start=start, end=end, travel_order="")
            try:
                trip, _warnings = registrations.add_line(actor=actor, registration=reg, data=data)
            except ValidationError as exc:
                skipped.append(
                    _("%(l)s: không sao chép được — %(m)s") % {"l": label, "m": " ".join(error_messages(exc))}
                )
            else:
                added.append(trip)
                existing.add((old.category_id, start, end, old.location.strip()))
    return added, skipped

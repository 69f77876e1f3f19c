"""The standing panel (issue 4 §5): what a cadre has done, what is still needed and by when.

`{% standing_panel_info standing plan as_of as info %}` turns an engine Standing into the
panel's figures; it computes no days (the engine did), only what is left and the pace.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fieldwork.models import Trip
from fieldwork.services.trips import violation_message

register = template.Library()

STATUS_LABELS = {
    "met": _("Đã đạt"),
    "on_track": _("Đúng tiến độ"),
    "at_risk": _("Có nguy cơ không đạt"),
    "not_met": _("Không đạt"),
    "exempt": _("Miễn thực hiện"),
}
STATUS_BADGES = {
    "met": "success",
    "on_track": "primary",
    "at_risk": "warning",
    "not_met": "danger",
    "exempt": "secondary",
}
STATUS_ORDER = ("at_risk", "not_met", "on_track", "met", "exempt")
DAYS_PER_MONTH = Decimal(365) / 12


@dataclass
class ViolationLine:
    code: str
    message: str
    trip: Trip | None
    detail: str = ""


@dataclass
class PanelInfo:
    status: str
    label: str
    badge: str
    pct: int  # 0–100, for the .w-pct-N classes
    remaining: Decimal  # days still needed
    days_left: int  # calendar days left in the period after as_of
    months_left: Decimal
    per_month: Decimal | None  # days needed per remaining month, rounded up to half a day
    immersion_needed: int
    deadline: date
    period_over: bool
    exemption_name: str = ""
    violations: list[ViolationLine] = field(default_factory=list)


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def progress_pct(done, required) -> int:
    if not required:
        return 100
    return max(0, min(100, int(Decimal(done) * 100 / Decimal(required))))


def _half_up(value: Decimal) -> Decimal:
    return (value * 2).to_integral_value(rounding=ROUND_CEILING) / 2


def panel_info(standing, plan, as_of: date | None = None, trips: dict | None = None) -> PanelInfo:
    as_of = as_of or min(timezone.localdate(), plan.period_end)
    remaining = max(Decimal(0), Decimal(standing.required_days) - Decimal(standing.done_days))
    days_left = standing.days_left
    months_left = (Decimal(days_left) / DAYS_PER_MONTH).quantize(Decimal("0.1"))
    per_month = None
    if remaining and days_left:
        per_month = _half_up(remaining / max(Decimal(1), Decimal(days_left) / DAYS_PER_MONTH))
    keys = [v.trip_key for v in standing.violations if isinstance(v.trip_key, int)]
    if trips is None:
        trips = Trip.objects.select_related("category").in_bulk(keys) if keys else {}
    seen = set()
    lines = []
    for v in standing.violations:
        if (v.code, v.trip_key) in seen:
            continue
        seen.add((v.code, v.trip_key))
        lines.append(
            ViolationLine(
                code=v.code, message=str(violation_message(v.code)), trip=trips.get(v.trip_key), detail=v.detail
            )
        )
    exemption_name = ""
    if standing.exemption:
        exemption_name = next(
            (r.name for r in plan.exemption_reasons.all() if r.code == standing.exemption), standing.exemption
        )
    return PanelInfo(
        status=standing.status,
        label=status_label(standing.status),
        badge=STATUS_BADGES.get(standing.status, "secondary"),
        pct=progress_pct(standing.done_days, standing.required_days),
        remaining=remaining,
        days_left=days_left,
        months_left=months_left,
        per_month=per_month,
        immersion_needed=max(0, standing.immersion_required - standing.immersion_done),
        deadline=plan.period_end,
        period_over=as_of >= plan.period_end,
        exemption_name=exemption_name,
        violations=lines,
    )


@register.simple_tag
def standing_panel_info(standing, plan, as_of=None):
    return panel_info(standing, plan, as_of or None)


@register.filter
def standing_label(status):
    return status_label(status)


@register.filter
def standing_badge(status):
    return STATUS_BADGES.get(status, "secondary")


@register.filter
def pct_of(done, required):
    return progress_pct(done, required)


@register.filter
def ceil_int(value):
    return math.ceil(value)

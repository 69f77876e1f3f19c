"""The standing panel (docs/domain.md §5–§7): what a cadre has done, what is still needed and by when.

`{% standing_panel_info standing plan as_of as info %}` turns an engine Standing into the
panel's figures; it computes no days (the engine did), only what is left and the pace.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django import template

from fieldwork.models import Trip
from fieldwork.privacy import reason_label
from fieldwork.standing_terms import (
    default_as_of,
    progress_pct,
    status_badge,
    status_label,
)
from fieldwork.standing_terms import remaining as standing_remaining
from fieldwork.violations import violation_message

register = template.Library()

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


def _half_up(value: Decimal) -> Decimal:
    return (value * 2).to_integral_value(rounding=ROUND_CEILING) / 2


def panel_info(
    standing, plan, as_of: date | None = None, trips: dict | None = None, *, viewer=None, person=None
) -> PanelInfo:
    as_of = as_of or default_as_of(plan)
    remaining = standing_remaining(standing)
    days_left = standing.days_left
    months_left = (Decimal(days_left) / DAYS_PER_MONTH).quantize(Decimal("0.1"))
    per_month = None
    # docs/rules.md “A year in the life”: "khoảng 16 ngày mỗi tháng còn lại" with 25 days left read as if a month
    # remained: a pace per month only while at least two months remain (the sentence before it
    # already says how many days are needed in how many calendar days).
    if remaining and days_left >= 2 * DAYS_PER_MONTH:
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
        reason = next((r for r in plan.exemption_reasons.all() if r.code == standing.exemption), standing.exemption)
        exemption_name = reason_label(reason, viewer=viewer, person=person)  # §6: sensitive reasons
    return PanelInfo(
        status=standing.status,
        label=status_label(standing.status),
        badge=status_badge(standing.status),
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


@register.simple_tag(takes_context=True)
def standing_panel_info(context, standing, plan, as_of=None):
    """The panel of `person` (the context's, else the signed-in user's own) as the user may read it.
    `panel_trips` in the context (pk -> the person's trips, read by the view) spares a second read."""
    viewer = context.get("user")
    return panel_info(
        standing,
        plan,
        as_of or None,
        context.get("panel_trips"),
        viewer=viewer,
        person=context.get("person") or viewer,
    )


@register.filter
def standing_label(status):
    return status_label(status)


@register.filter
def standing_badge(status):
    return status_badge(status)


@register.filter
def pct_of(done, required):
    return progress_pct(done, required)


@register.filter
def ceil_int(value):
    return math.ceil(value)


@register.filter
def violation_words(codes) -> str:
    """A standing's (or a trip's) violation codes as short Vietnamese words (fieldwork.violations):
    no code reaches a page."""
    from fieldwork.violations import violation_labels

    return violation_labels(codes or ())


@register.filter
def status_reason(standing, period_days=None) -> str:
    """Why the status (fieldwork.standing_terms.status_reason): under the badge on every table."""
    from fieldwork.standing_terms import status_reason as reason

    return reason(standing, period_days) if standing else ""

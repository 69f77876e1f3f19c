"""The plan's registration cycle (docs/domain.md §5): which registration periods a plan has and
when each period's mẫu 1 (registration) and mẫu 2 (the department's consolidation) are due.

This is the one place that knows the cycle; registration pages, the approval inbox, the
department plan pages, lateness, reminders and reports ask here.

A *period* is
- `WHOLE_YEAR` (0) under the annual cycle: one mẫu 1 per cadre and one mẫu 2 per department for
  the whole year (Tây Ninh: due 15/02 and 20/02; later changes go through change requests);
- a quarter number 1–4 under the quarterly cycle: one mẫu 1 and one mẫu 2 per quarter, due on day
  `registration_quarter_day` (default 10) of the quarter's first month (Đà Nẵng: "đầu mỗi quý").
Mẫu 3 (results) stays quarterly under both cycles (fieldwork.quarters).

Usage::

    for period in registration_periods(plan):          # [0] or [1, 2, 3, 4]
        registration_deadline(plan, period)             # date the mẫu 1 is due
        consolidation_deadline(plan, period)            # date the mẫu 2 is due
    schedule(plan)                                      # all of it, as [PeriodDeadlines]

Deadline decisions (docs/rules.md "Issue 14"):
- annual, mẫu 1: the plan's `registration_deadline`; without one, day `registration_quarter_day`
  of the period's first month;
- annual, mẫu 2: the plan's `consolidation_deadline`; without one, the mẫu 1 deadline + 5 days
  (the seeds' gap, 15/02 → 20/02);
- quarterly, mẫu 1: day `registration_quarter_day` of the quarter's first month (capped at the
  month's length); the plan's own registration/consolidation dates are annual-cycle parameters;
- quarterly, mẫu 2: the quarter's mẫu 1 deadline + the plan's gap (consolidation − registration
  when both are set and in that order, else 5 days), never after the quarter's last day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from fieldwork.quarters import WHOLE_YEAR, plan_quarters, quarter_bounds, quarter_name, quarter_of

ANNUAL = "annual"
QUARTERLY = "quarterly"
DEFAULT_QUARTER_DAY = 10
DEFAULT_CONSOLIDATION_GAP = 5  # days from the mẫu 1 deadline to the mẫu 2 deadline (seed 002: 15/02 → 20/02)

__all__ = [
    "WHOLE_YEAR",
    "consolidation_deadline",
    "is_annual",
    "period_bounds",
    "period_label",
    "period_name",
    "period_of",
    "period_title",
    "registration_deadline",
    "registration_periods",
    "schedule",
]


def is_annual(plan) -> bool:
    return plan.registration_cycle == ANNUAL


def registration_periods(plan) -> list[int]:
    """[WHOLE_YEAR] for the annual cycle, else the plan's quarters ([1, 2, 3, 4] for a calendar year)."""
    return [WHOLE_YEAR] if is_annual(plan) else plan_quarters(plan)


def period_of(plan, d: date) -> int:
    """The registration period a trip starting on `d` belongs to (§7.7: the quarter it starts in)."""
    return WHOLE_YEAR if is_annual(plan) else quarter_of(d)


def period_bounds(plan, period: int) -> tuple[date, date]:
    """The days a line of the period's mẫu 1 may start on: the plan period (annual), else the quarter."""
    if period == WHOLE_YEAR:
        return plan.period_start, plan.period_end
    return quarter_bounds(plan.year, period)


def _day_of_month(year: int, month: int, day: int) -> date:
    return date(year, month, max(1, min(day, calendar.monthrange(year, month)[1])))


def registration_deadline(plan, period: int) -> date:
    """When the period's mẫu 1 is due (see the module's docstring)."""
    day = plan.registration_quarter_day or DEFAULT_QUARTER_DAY
    if period == WHOLE_YEAR:
        if plan.registration_deadline:
            return plan.registration_deadline
        return _day_of_month(plan.year, plan.period_start.month if plan.period_start.year == plan.year else 1, day)
    return _day_of_month(plan.year, 3 * (period - 1) + 1, day)


def consolidation_deadline(plan, period: int) -> date:
    """When the period's mẫu 2 is due (see the module's docstring)."""
    if period == WHOLE_YEAR:
        if plan.consolidation_deadline:
            return plan.consolidation_deadline
        return registration_deadline(plan, period) + timedelta(days=DEFAULT_CONSOLIDATION_GAP)
    gap = DEFAULT_CONSOLIDATION_GAP
    if plan.registration_deadline and plan.consolidation_deadline:
        own = (plan.consolidation_deadline - plan.registration_deadline).days
        if own >= 0:
            gap = own
    return min(registration_deadline(plan, period) + timedelta(days=gap), quarter_bounds(plan.year, period)[1])


@dataclass(frozen=True)
class PeriodDeadlines:
    period: int
    label: str  # "năm 2023" | "quý I/2023"
    registration: date  # mẫu 1
    consolidation: date  # mẫu 2


def schedule(plan) -> list[PeriodDeadlines]:
    """Every registration period of the plan with its two deadlines (the plan page, reminders)."""
    return [
        PeriodDeadlines(p, period_label(plan.year, p), registration_deadline(plan, p), consolidation_deadline(plan, p))
        for p in registration_periods(plan)
    ]


def period_name(period: int) -> str:
    """ "I" … "IV" for a quarter, "cả năm" for the year (after "quý" or alone)."""
    return _("cả năm") if period == WHOLE_YEAR else quarter_name(period)


def period_title(period: int) -> str:
    """ "Quý I" … "Quý IV", or "Cả năm": a column header, a tab."""
    return _("Cả năm") if period == WHOLE_YEAR else _("Quý %(q)s") % {"q": quarter_name(period)}


def period_label(year: int, period: int) -> str:
    """ "quý I/2023" or "năm 2023": the period in a sentence ("Bản đăng ký đi cơ sở năm 2023")."""
    if period == WHOLE_YEAR:
        return _("năm %(y)s") % {"y": year}
    return _("quý %(q)s/%(y)s") % {"q": quarter_name(period), "y": year}

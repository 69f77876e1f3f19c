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

Deadline decisions (docs/rules.md “The seeds' cycle and rules”, “The rules as the documents say them”). A deadline the plan does not name
does not exist (docs/domain.md §5): the functions return None, and nothing is due, reminded or
late for it.
- annual, mẫu 1: the plan's `registration_deadline`, else none;
- annual, mẫu 2: the plan's `consolidation_deadline`, else none;
- quarterly, mẫu 1: day `registration_quarter_day` of the quarter's first month (capped at the
  month's length; Đà Nẵng "đầu mỗi quý": the 10th);
- quarterly, mẫu 2: only when the plan names both dates: the quarter's mẫu 1 deadline + their gap,
  never after the quarter's last day; Đà Nẵng names none;
- mẫu 3: day `quarter_report_day` of the quarter's last month, else none.

Lateness keeps the document's wording (`plan.deadline_wording`): "before" ("trước ngày 15/02/2023",
the seeds): a form sent on 15/02 is late; "by" ("chậm nhất ngày …"): the day itself is on time.
`is_late` and `deadline_words` are the one place that says so.
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

__all__ = [
    "WHOLE_YEAR",
    "consolidation_deadline",
    "deadline_words",
    "immersion_gap_words",
    "is_late",
    "last_day_on_time",
    "quarter_report_deadline",
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


def registration_deadline(plan, period: int) -> date | None:
    """When the period's mẫu 1 is due, or None (see the module's docstring)."""
    if period == WHOLE_YEAR:
        return plan.registration_deadline or None
    day = plan.registration_quarter_day or DEFAULT_QUARTER_DAY
    return _day_of_month(plan.year, 3 * (period - 1) + 1, day)


def consolidation_deadline(plan, period: int) -> date | None:
    """When the period's mẫu 2 is due, or None (see the module's docstring)."""
    if period == WHOLE_YEAR:
        return plan.consolidation_deadline or None
    if not (plan.registration_deadline and plan.consolidation_deadline):
        return None
    gap = max(0, (plan.consolidation_deadline - plan.registration_deadline).days)
    return min(registration_deadline(plan, period) + timedelta(days=gap), quarter_bounds(plan.year, period)[1])


def quarter_report_deadline(plan, quarter: int) -> date | None:
    """When the quarter's mẫu 3 is due: day `quarter_report_day` of the quarter's last month (Tây
    Ninh: "trước ngày 27 của tháng cuối quý"), clamped to the month; None when the plan names no day."""
    if not plan.quarter_report_day:
        return None
    end = quarter_bounds(plan.year, quarter)[1]
    return end.replace(day=min(plan.quarter_report_day, end.day))


def quarter_deadline(plan, quarter: int) -> date | None:
    """The quarter's mẫu 3 deadline, or None: the name the pages, the reports and the mẫu 3
    service use (`quarter_report_deadline`)."""
    return quarter_report_deadline(plan, quarter)


BEFORE = "before"
BY = "by"


def is_late(plan, deadline: date | None, day: date) -> bool:
    """A form sent (or still missing) on `day` is late for `deadline`, as the plan's document words
    it (docs/domain.md §5): "trước ngày 15/02" makes 15/02 late; "chậm nhất ngày 15/02" does not.
    No deadline: never late."""
    if deadline is None or day is None:
        return False
    if getattr(plan, "deadline_wording", BEFORE) == BY:
        return day > deadline
    return day >= deadline


def last_day_on_time(plan, deadline: date | None) -> date | None:
    """The last day a form is on time: the day before a "trước ngày" deadline, the day itself for "by"."""
    if deadline is None:
        return None
    return deadline if getattr(plan, "deadline_wording", BEFORE) == BY else deadline - timedelta(days=1)


def deadline_words(plan, deadline: date | None) -> str:
    """The deadline as the document says it: "trước ngày 15/02/2023" or "chậm nhất ngày 15/02/2023";
    "" when the plan names none. Pages, reminders and forms all print this."""
    from accounts.vietnamese import format_date

    if deadline is None:
        return ""
    if getattr(plan, "deadline_wording", BEFORE) == BY:
        return _("chậm nhất ngày %(d)s") % {"d": format_date(deadline)}
    return _("trước ngày %(d)s") % {"d": format_date(deadline)}


def immersion_gap_words(plan) -> str:
    """The back-to-back rule in words for the plan page (docs/domain.md §7.6), or "" without one."""
    gap = plan.immersion_min_gap_days
    if gap is None:
        return ""
    if gap <= 1:
        return _("Hai đợt “cùng ăn, cùng ở, cùng làm” có thể nối tiếp nhau.")
    clear = gap - 1
    return _(
        "Không thực hiện 02 đợt “cùng ăn, cùng ở, cùng làm” liên tiếp: giữa hai đợt phải có ít nhất %(n)s ngày "
        "không thuộc đợt nào (đợt sau bắt đầu từ ngày thứ %(g)s sau ngày kết thúc đợt trước)."
    ) % {"n": clear, "g": gap}


@dataclass(frozen=True)
class PeriodDeadlines:
    period: int
    label: str  # "năm 2023" | "quý I/2023"
    registration: date | None  # mẫu 1 (None: the plan names none)
    consolidation: date | None  # mẫu 2
    registration_words: str = ""  # "trước ngày 15/02/2023"
    consolidation_words: str = ""


def schedule(plan) -> list[PeriodDeadlines]:
    """Every registration period of the plan with its two deadlines (the plan page, reminders)."""
    out = []
    for p in registration_periods(plan):
        reg, cons = registration_deadline(plan, p), consolidation_deadline(plan, p)
        out.append(
            PeriodDeadlines(
                p, period_label(plan.year, p), reg, cons, deadline_words(plan, reg), deadline_words(plan, cons)
            )
        )
    return out


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

"""The plan's deadlines per period and the days their reminders go out (pure: no queries).

`plan_deadlines` is the ONE place that turns the plan's fields into deadlines for reminders
(registration_cycle, registration_deadline, consolidation_deadline, registration_quarter_day,
quarter_report_day). fieldwork/cycles.py (issue 14) computes the same thing for the pages: at
merge, this function should call it instead (docs/rules.md, issue 12).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from fieldwork.quarters import WHOLE_YEAR, plan_quarters, quarter_bounds

REGISTRATION = "registration"  # mẫu 1
CONSOLIDATION = "consolidation"  # mẫu 2
QUARTER_REPORT = "quarter_report"  # mẫu 3

# docs/domain.md §5: Tây Ninh's mẫu 2 is due 5 days after mẫu 1 (15/02 → 20/02); a plan that names
# no consolidation deadline keeps that gap (decision, docs/rules.md issue 12).
DEFAULT_CONSOLIDATION_GAP = 5

# A step missed (a day without a run: beat down, a failed task) is caught up during this many days,
# never once the next step of the same deadline is due.
GRACE_DAYS = 3


@dataclass(frozen=True)
class Deadline:
    form: str  # REGISTRATION | CONSOLIDATION | QUARTER_REPORT
    period: int  # the quarter, or WHOLE_YEAR (0) for the annual cycle's mẫu 1 and mẫu 2
    date: date


def _day_of_month(year: int, month: int, day: int) -> date:
    return date(year, month, min(max(day, 1), calendar.monthrange(year, month)[1]))


def plan_deadlines(plan) -> list[Deadline]:
    """Every deadline of the plan, by form and period (docs/domain.md §5).

    - mẫu 1: annual cycle — `registration_deadline` (default: `registration_quarter_day` of the
      period's first month); quarterly — day `registration_quarter_day` of each quarter's first month.
    - mẫu 2: annual — `consolidation_deadline` (default: mẫu 1's + 5 days); quarterly — each
      quarter's mẫu 1 deadline + the plan's gap (consolidation − registration, when both are set,
      else 5 days).
    - mẫu 3: day `quarter_report_day` of each quarter's last month (default: the quarter's last day),
      the rule of fieldwork/services/quarter_reports.quarter_deadline.
    """
    out: list[Deadline] = []
    quarters = plan_quarters(plan)
    gap = DEFAULT_CONSOLIDATION_GAP
    if plan.registration_deadline and plan.consolidation_deadline:
        gap = max(0, (plan.consolidation_deadline - plan.registration_deadline).days)
    if plan.registration_cycle == "annual":
        reg = plan.registration_deadline or _day_of_month(
            plan.period_start.year, plan.period_start.month, plan.registration_quarter_day or 10
        )
        out.append(Deadline(REGISTRATION, WHOLE_YEAR, reg))
        out.append(Deadline(CONSOLIDATION, WHOLE_YEAR, plan.consolidation_deadline or reg + timedelta(days=gap)))
    else:
        for q in quarters:
            first = quarter_bounds(plan.year, q)[0]
            reg = _day_of_month(plan.year, first.month, plan.registration_quarter_day or 10)
            out.append(Deadline(REGISTRATION, q, reg))
            out.append(Deadline(CONSOLIDATION, q, reg + timedelta(days=gap)))
    for q in quarters:
        end = quarter_bounds(plan.year, q)[1]
        day = plan.quarter_report_day
        out.append(Deadline(QUARTER_REPORT, q, _day_of_month(end.year, end.month, day) if day else end))
    return out


def current_step(deadline: date, as_of: date, *, before, after) -> int | None:
    """The step (days relative to the deadline: -7, -1, +1 …) whose reminder is due on `as_of`,
    or None. A step is due from its day for GRACE_DAYS days, and never once a later step's day
    has come (so a missed run sends the newest reminder, not a stale one)."""
    steps = sorted({-int(d) for d in before if int(d) > 0} | {int(d) for d in after if int(d) > 0})
    offset = (as_of - deadline).days
    for i, step in enumerate(steps):
        nxt = steps[i + 1] if i + 1 < len(steps) else None
        if step <= offset < step + GRACE_DAYS and (nxt is None or offset < nxt):
            return step
    return None


def step_kind(form: str, step: int) -> str:
    return f"{form}_{'late' if step > 0 else 'due'}"


def results_step(deadline: date, as_of: date) -> bool:
    """A trip's results are due `results_days` after it ended: one reminder, from that day on
    (caught up during GRACE_DAYS days)."""
    return 0 <= (as_of - deadline).days < GRACE_DAYS

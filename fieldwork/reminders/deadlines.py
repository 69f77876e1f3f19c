"""The plan's deadlines per period and the days their reminders go out (pure: no queries).

`plan_deadlines` lists the plan's deadlines for reminders; the dates themselves come from
fieldwork/cycles.py (mẫu 1, mẫu 2) and the quarter report service (mẫu 3), the same functions
the pages use, so a reminder and a page never disagree on a deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldwork import cycles
from fieldwork.quarters import plan_quarters

REGISTRATION = "registration"  # mẫu 1
CONSOLIDATION = "consolidation"  # mẫu 2
QUARTER_REPORT = "quarter_report"  # mẫu 3

# A step missed (a day without a run: beat down, a failed task) is caught up during this many days,
# never once the next step of the same deadline is due.
GRACE_DAYS = 3


@dataclass(frozen=True)
class Deadline:
    form: str  # REGISTRATION | CONSOLIDATION | QUARTER_REPORT
    period: int  # the quarter, or WHOLE_YEAR (0) for the annual cycle's mẫu 1 and mẫu 2
    date: date


def plan_deadlines(plan) -> list[Deadline]:
    """Every deadline the plan names, by form and period (docs/domain.md §5): mẫu 1 and mẫu 2 per
    registration period as fieldwork.cycles computes them for the pages (the annual cycle's one
    period, or each quarter), and each quarter's mẫu 3. A deadline the plan does not name does not
    exist: it is not listed, so nothing is reminded or late for it (Đà Nẵng: no mẫu 2, no mẫu 3)."""
    out: list[Deadline] = []
    for period in cycles.registration_periods(plan):
        for form, d in (
            (REGISTRATION, cycles.registration_deadline(plan, period)),
            (CONSOLIDATION, cycles.consolidation_deadline(plan, period)),
        ):
            if d is not None:
                out.append(Deadline(form, period, d))
    for q in plan_quarters(plan):
        d = cycles.quarter_report_deadline(plan, q)
        if d is not None:
            out.append(Deadline(QUARTER_REPORT, q, d))
    return out


def current_step(deadline: date, as_of: date, *, before, after, first_late: date | None = None) -> int | None:
    """The step (-7, -1, +1 …) whose reminder is due on `as_of`, or None. Steps count from the
    first day a form is late (`first_late`, fieldwork.cycles: the deadline itself under the seeds'
    "trước ngày 15/02", the day after under "chậm nhất ngày"; default the day after `deadline`):
    "-k" is k days before it (so "-1" is the last day on time), "+k" is its (k−1)-th day after it
    (so "+1" is the first late day). A step is due from its day for GRACE_DAYS days, and never once a
    later step's day has come (so a missed run sends the newest reminder, not a stale one)."""
    first_late = first_late or date.fromordinal(deadline.toordinal() + 1)
    steps = sorted({-int(d) for d in before if int(d) > 0} | {int(d) for d in after if int(d) > 0})
    offset = (as_of - first_late).days  # 0 on the first late day

    def day_of(step: int) -> int:
        return step if step < 0 else step - 1

    for i, step in enumerate(steps):
        nxt = day_of(steps[i + 1]) if i + 1 < len(steps) else None
        if day_of(step) <= offset < day_of(step) + GRACE_DAYS and (nxt is None or offset < nxt):
            return step
    return None


def step_kind(form: str, step: int) -> str:
    return f"{form}_{'late' if step > 0 else 'due'}"


def results_step(deadline: date, as_of: date) -> bool:
    """A trip's results are due `results_days` after it ended: one reminder, from that day on
    (caught up during GRACE_DAYS days)."""
    return 0 <= (as_of - deadline).days < GRACE_DAYS

"""Quarters of a plan's year: registrations (mẫu 1, 2) and results (mẫu 3) share them."""

from __future__ import annotations

from datetime import date

QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}

# The annual registration cycle (docs/domain.md §5) stores the year's mẫu 1 and mẫu 2 as "quarter 0".
WHOLE_YEAR = 0


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and the last day of the quarter."""
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter_of(d: date) -> int:
    # docs/domain.md §7.7: a trip belongs to the quarter in which it starts.
    return (d.month - 1) // 3 + 1


def plan_quarters(plan) -> list[int]:
    """The quarters of the plan's year that overlap its period (Tây Ninh 2023: I–IV, the
    fourth ending on 25/10)."""
    out = []
    for q in range(1, 5):
        start, end = quarter_bounds(plan.year, q)
        if start <= plan.period_end and end >= plan.period_start:
            out.append(q)
    return out


def quarter_name(quarter: int) -> str:
    return QUARTER_NAMES.get(quarter, str(quarter))

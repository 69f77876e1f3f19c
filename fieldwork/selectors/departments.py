"""Department totals: the ONE function behind the Board dashboard's "Theo ban" table and the
compliance and year-end reports' department tables (issue 11 §3: when two places show one
figure, one function computes it; tests/fieldwork/test_department_totals.py compares them).

Reads only: the standings come from fieldwork.selectors (the engine), the days of a quarter from
fieldwork.quota.counted (the quarter a trip starts in, docs/domain.md §7.7).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.vietnamese import text_sort_key
from fieldwork.models import Plan
from fieldwork.quota import engine
from fieldwork.quota.counted import done_days_by_quarter
from fieldwork.selectors import StandingRow, standing_inputs

ZERO = Decimal(0)


def no_department_name() -> str:
    return _("Thường trực / chưa xếp ban")


@dataclass
class DepartmentTotals:
    """Figures of one department; "subject" figures leave exempt cadres out."""

    name: str
    department_id: int | None
    total: int = 0  # cadres, exempt included
    subject: int = 0  # not exempt
    went: int = 0  # subject cadres with done days in the year so far
    done_days: Decimal = ZERO  # subject cadres' done days, cumulative
    required_days: int = 0
    met_days: int = 0  # subject cadres whose done days reach their OWN required days (prorated included)
    met: int = 0  # status "met": days and immersion trips
    immersion_done: int = 0
    went_in_period: int = 0  # subject cadres with counted days in the quarter (or year) reported
    period_days: Decimal = ZERO  # their counted days of trips starting in that quarter (or year)
    counts: Counter = field(default_factory=Counter)  # status -> cadres, exempt included


@dataclass
class PeriodStandings:
    """Standings at as_of and each cadre's counted days of trips starting in a quarter (or the year)."""

    rows: list[StandingRow]
    period_days: dict  # person pk -> Decimal


def period_standings(plan: Plan, as_of: date, quarter: int | None = None, *, people=None) -> PeriodStandings:
    """The engine at as_of, and per cadre the days its counted done trips starting in `quarter`
    contribute (quarter None: the whole year, i.e. done_days). One read of the data."""
    rules, people_list, inputs = standing_inputs(plan, people=people)
    results = engine.compute_all(rules, inputs, as_of)
    rows = [StandingRow(person=p, standing=s) for p, s in zip(people_list, results, strict=True)]
    if quarter:
        days = {
            p.pk: done_days_by_quarter(rules, trips, as_of).get(quarter, ZERO)
            for p, (_c, trips) in zip(people_list, inputs, strict=True)
        }
    else:
        days = {r.person.pk: Decimal(r.standing.done_days) for r in rows}
    return PeriodStandings(rows=rows, period_days=days)


def department_totals(rows: list[StandingRow], period_days: dict | None = None) -> list[DepartmentTotals]:
    """Totals per department in Vietnamese order of their names (docs/domain.md §9), the cadres
    without a department last. `period_days` (person pk -> days) fills went_in_period/period_days."""
    depts: dict = {}
    for r in rows:
        dept = r.person.department
        key = dept.pk if dept else None
        t = depts.get(key)
        if t is None:
            t = depts[key] = DepartmentTotals(name=dept.name if dept else no_department_name(), department_id=key)
        s = r.standing
        t.total += 1
        t.counts[s.status] += 1
        if s.status == "exempt":
            continue
        done = Decimal(s.done_days)
        t.subject += 1
        t.went += done > 0
        t.done_days += done
        t.required_days += s.required_days
        t.met_days += done >= s.required_days
        t.met += s.status == "met"
        t.immersion_done += s.immersion_done
        if period_days is not None:
            days = period_days.get(r.person.pk, ZERO)
            t.went_in_period += days > 0
            t.period_days += days
    return sorted(depts.values(), key=lambda t: (t.department_id is None, text_sort_key(t.name)))

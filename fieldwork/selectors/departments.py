"""Department totals: the ONE function behind the Board dashboard's "Theo ban" table and the
compliance and year-end reports' department tables (docs/rules.md “Stored standings”: when two places show one
figure, one function computes it; tests/fieldwork/test_department_totals.py compares them).

Reads only: the standings come from fieldwork.selectors (the engine), the days of a quarter from
fieldwork.quota.counted (the quarter a trip starts in, docs/domain.md §7.7).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from accounts.text import STANDING_GROUP
from accounts.vietnamese import text_sort_key
from fieldwork.models import Plan
from fieldwork.quota import engine
from fieldwork.quota.counted import done_days_by_quarter
from fieldwork.selectors import StandingRow, standing_inputs
from fieldwork.selectors.standing import gc_paused
from fieldwork.standing_terms import meets_days

ZERO = Decimal(0)


def no_department_name() -> str:
    """The group of the people of no department (accounts.text.STANDING_GROUP)."""
    return str(STANDING_GROUP)


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
    # subject cadres whose done days reach their OWN required days (prorated included):
    # "đạt số ngày phải đi" (fieldwork.standing_terms.meets_days)
    met_days: int = 0
    met: int = 0  # "hoàn thành (đủ ngày và đủ đợt)": status "met" (fieldwork.standing_terms.completed)
    immersion_done: int = 0
    went_in_period: int = 0  # subject cadres with counted days in the quarter (or year) reported
    period_days: Decimal = ZERO  # their counted days of trips starting in that quarter (or year)
    counts: Counter = field(default_factory=Counter)  # status -> cadres, exempt included


@dataclass
class PeriodStandings:
    """Standings at as_of and each cadre's counted days of trips starting in a quarter (or the year)."""

    rows: list[StandingRow]
    period_days: dict  # person pk -> Decimal


@gc_paused
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


@dataclass(frozen=True)
class Part:
    """Cadres of one department with one status, and their sums: what both sources below give
    (computed rows in Python, stored rows in one GROUP BY) and `_fold` turns into the totals."""

    department_id: int | None
    status: str
    n: int
    went: int  # done_days > 0
    done_days: Decimal
    required_days: int
    met_days: int  # done_days >= required_days
    immersion_done: int


def _fold(parts, names: dict, period: dict | None = None) -> list[DepartmentTotals]:
    """The department totals from the parts: every rule about which cadres count where lives
    here, once, for both sources (exempt cadres count in `total` and `counts` only)."""
    depts: dict = {}
    for part in parts:
        key = part.department_id
        t = depts.get(key)
        if t is None:
            name = names.get(key) if key is not None else None
            t = depts[key] = DepartmentTotals(name=name or no_department_name(), department_id=key)
        t.total += part.n
        t.counts[part.status] += part.n
        if part.status == "exempt":
            continue
        t.subject += part.n
        t.went += part.went
        t.done_days += part.done_days
        t.required_days += part.required_days
        t.met_days += part.met_days
        t.met += part.n if part.status == "met" else 0  # standing_terms.completed: the status `met`
        t.immersion_done += part.immersion_done
    for key, (went, days) in (period or {}).items():
        if key in depts:
            depts[key].went_in_period += went
            depts[key].period_days += days
    return sorted(depts.values(), key=lambda t: (t.department_id is None, text_sort_key(t.name)))


def department_totals(rows: list[StandingRow], period_days: dict | None = None) -> list[DepartmentTotals]:
    """Totals per department in Vietnamese order of their names (docs/domain.md §9), the cadres
    without a department last. `period_days` (person pk -> days) fills went_in_period/period_days
    (subject cadres only)."""
    acc: dict = {}
    names: dict = {}
    period: dict = {}
    for r in rows:
        dept = r.person.department
        key = dept.pk if dept else None
        if dept is not None:
            names[key] = dept.name
        s = r.standing
        done = Decimal(s.done_days)
        a = acc.setdefault((key, s.status), [0, 0, ZERO, 0, 0, 0])
        a[0] += 1
        a[1] += done > 0
        a[2] += done
        a[3] += s.required_days
        a[4] += meets_days(s)  # the one definition (fieldwork.standing_terms), as the reports count it
        a[5] += s.immersion_done
        if period_days is not None and s.status != "exempt":
            days = period_days.get(r.person.pk, ZERO)
            went, total = period.get(key, (0, ZERO))
            period[key] = (went + (days > 0), total + days)
    parts = [Part(k[0], k[1], *v) for k, v in acc.items()]
    return _fold(parts, names, period if period_days is not None else None)


def stored_department_totals(plan: Plan) -> list[DepartmentTotals]:
    """`department_totals` of today's stored standings, summed in the database: one GROUP BY
    (department, status) over the plan's StoredStanding rows and the department names, so the
    dashboard reads a few dozen rows however many cadres there are (docs/rules.md “Stored standings”).
    tests/fieldwork/test_stored_standings.py checks it equals `department_totals(stored rows)`."""
    from accounts.models import Department
    from fieldwork.models import StoredStanding

    rows = (
        StoredStanding.objects.filter(plan=plan)
        .values("department_id", "status")
        .annotate(
            n=Count("pk"),
            went=Count("pk", filter=Q(done_days__gt=0)),
            done=Sum("done_days"),
            required=Sum("required_days"),
            # fieldwork.standing_terms.meets_days in SQL (the exempt are left out by _fold)
            met_days=Count("pk", filter=Q(done_days__gte=F("required_days"))),
            immersion=Sum("immersion_done"),
        )
        .order_by()
    )
    parts = [
        Part(
            r["department_id"],
            r["status"],
            r["n"],
            r["went"],
            Decimal(r["done"] or 0),
            r["required"] or 0,
            r["met_days"],
            r["immersion"] or 0,
        )
        for r in rows
    ]
    ids = {p.department_id for p in parts if p.department_id is not None}
    names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    return _fold(parts, names)

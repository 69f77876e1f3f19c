"""Reads: ORM -> quota engine inputs, in a constant number of queries (docs/style.md).

`standings(plan, as_of)` is the one place every figure comes from: pages, exports,
reports and the `quota` command all call it.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import wraps

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, F, FloatField, Func, IntegerField, Q, When
from django.db.models.functions import Cast

from accounts.models import Role, User
from accounts.vietnamese import nfc
from fieldwork.models import Exemption, Plan, QuarterReport, Trip
from fieldwork.quota import engine

# DB trip status -> engine status (docs/domain.md §7.4; docs/rules.md “Results and mẫu 3”: only confirmed trips are done;
# docs/rules.md “The seeds' cycle and rules”: a reported trip awaiting confirmation is "pending", shown "chờ xác nhận").
TRIP_STATUS_TO_ENGINE = {
    Trip.Status.DRAFT: "draft",
    Trip.Status.APPROVED: "planned",
    Trip.Status.REPORTED: "pending",
    Trip.Status.RETURNED: "planned",
    Trip.Status.CONFIRMED: "done",
    Trip.Status.CANCELLED: "cancelled",
    Trip.Status.REJECTED: "rejected",
}


def rules_for(plan: Plan, categories=None) -> engine.Rules:
    categories = list(plan.categories.all()) if categories is None else categories
    groups = {
        g.code: engine.GroupRules(
            code=g.code,
            immersion_trips=g.immersion_trips,
            immersion_min_days=g.immersion_min_days,
            immersion_max_days=g.immersion_max_days,
            focus=frozenset(g.focus or ()),
        )
        for g in plan.groups.all()
    }
    return engine.Rules(
        period_start=plan.period_start,
        period_end=plan.period_end,
        min_days=plan.min_days,
        groups=groups,
        counting_categories=frozenset(c.code for c in categories if c.counts),
        exemption_policy=plan.exemption_policy,
        immersion_min_gap_days=plan.immersion_min_gap_days,
        immersion_categories=frozenset(plan.immersion_categories or ()),
        any_group_categories=frozenset(c.code for c in categories if c.any_group),
    )


def _norm(text: str) -> str:
    return " ".join(nfc(text).casefold().split())


def position_reasons(plan: Plan) -> dict[str, str]:
    """normalized position -> reason code, for reasons tied to a position (docs/domain.md §6)."""
    out = {}
    for r in plan.exemption_reasons.all():
        if r.by_position:
            for p in r.positions or [r.name]:
                out[_norm(p)] = r.code
    return out


def cadre_people(plan: Plan):
    """Everyone of the organization who is subject to the plan — accounts.owing's rule as a query
    (docs/domain.md §2): people with a group, whatever their roles, active at some point of the
    period (including those who left during the year); the engine then marks the exempt."""
    return (
        User.objects.filter(organization_id=plan.organization_id)
        .exclude(group_code="")
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=plan.period_start))
        .filter(Q(active_from__isnull=True) | Q(active_from__lte=plan.period_end))
        .filter(Q(is_active=True) | Q(active_to__isnull=False))
        .select_related("department")
        .order_by("sort_key", "email")
    )


def cadre_facts(plan: Plan, person: User, exemptions, pos_reasons, late_reports=()) -> engine.Cadre:
    spans = []
    code = pos_reasons.get(_norm(person.position))
    if code:
        spans.append(engine.ExemptionSpan(reason_code=code))
    spans.extend(engine.ExemptionSpan(reason_code=e[0], start=e[1], end=e[2]) for e in exemptions)
    return engine.Cadre(
        key=person.pk,
        group_code=person.group_code,
        active_from=person.active_from,
        active_to=person.active_to,
        exemptions=tuple(spans),
        late_reports=tuple(late_reports),
    )


def gc_paused(func):
    """Python's cyclic garbage collector paused while `func` builds and evaluates hundreds of
    thousands of small objects (trips, facts, standings): none of them form cycles, and the
    collector's passes over them were 0.4 s of the 1.8 s a 10,000-cadre organization took
    (bench/quota.py). Re-enabled on the way out, only if it was enabled."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper


@dataclass
class StandingRow:
    person: User
    standing: engine.Standing

    @property
    def status(self):
        return self.standing.status


def late_quarters(plan: Plan) -> set[tuple[int, int]]:
    """(department_id, quarter) whose mẫu 3 was submitted late."""
    return set(QuarterReport.objects.filter(plan=plan, late=True).values_list("department_id", "quarter"))


def late_reports_of_heads(plan: Plan, people_list, late: set[tuple[int, int]]) -> dict[int, list[int]]:
    """person pk -> quarters whose mẫu 3 their department sent late, for the department's heads
    only (docs/domain.md §7.9: LATE_REPORT is the department's, the head's duty — never in every
    member's note). One query, and only when some mẫu 3 was late."""
    if not late:
        return {}
    by_dept = defaultdict(list)
    for dept_id, q in late:
        by_dept[dept_id].append(q)
    candidates = [p.pk for p in people_list if p.department_id in by_dept]
    if not candidates:
        return {}
    heads = User.objects.filter(pk__in=candidates, roles__code=Role.HEAD).values_list("pk", "department_id")
    return {pk: by_dept[dept_id] for pk, dept_id in heads}


@gc_paused
def standings(plan: Plan, as_of: date, *, people=None, extra_trips=None) -> list[StandingRow]:
    """Every cadre's standing, in Vietnamese name order. Queries: plan rules (3) + people (1)
    + exemptions (1) + trips (1) + late reports (1) + the heads of departments whose mẫu 3 was late (1, only then), whatever the number of cadres.

    `people` narrows to a queryset (a department, one cadre). `extra_trips` maps a person pk to
    hypothetical TripFacts (the registration page's "with this plan" preview).
    """
    rules, people_list, inputs = standing_inputs(plan, people=people, extra_trips=extra_trips)
    results = engine.compute_all(rules, inputs, as_of)
    return [StandingRow(person=p, standing=s) for p, s in zip(people_list, results, strict=True)]


@gc_paused
def standings_series(plan: Plan, dates, *, people=None) -> list[list[StandingRow]]:
    """`standings` at several dates (cumulative charts) from ONE read of the data: the same
    queries as a single `standings` call, the engine run once per date."""
    rules, people_list, inputs = standing_inputs(plan, people=people)
    return [
        [
            StandingRow(person=p, standing=s)
            for p, s in zip(people_list, engine.compute_all(rules, inputs, d), strict=True)
        ]
        for d in dates
    ]


@gc_paused
def standing_inputs(plan: Plan, *, people=None, extra_trips=None):
    """(rules, people, [(Cadre, [TripFact])]): what the engine needs, read in a constant number
    of queries (shared by `standings` and `standings_series`). Each cadre's trips are in date
    order (then id), as the model orders them; the database returns them unsorted and Python
    sorts each cadre's few (docs/rules.md “Stored standings”: sorting 200,000 rows in the database cost 130 ms)."""
    categories = list(plan.categories.all())
    rules = rules_for(plan, categories)
    pos_reasons = position_reasons(plan)
    people_qs = people if people is not None else cadre_people(plan)
    people_list = list(people_qs)
    ids = [p.pk for p in people_list]
    if people is not None and not ids:
        # Nobody to compute (a head or a Board member with nobody to list): no query with an empty
        # IN list, which _raw_trip_rows' compiled SQL cannot express (EmptyResultSet).
        return rules, [], []
    ex_by_person = defaultdict(list)
    ex_qs = Exemption.objects.filter(
        status=Exemption.Status.APPROVED, start__lte=plan.period_end, end__gte=plan.period_start
    )
    if people is not None:
        ex_qs = ex_qs.filter(person_id__in=ids)
    else:
        ex_qs = ex_qs.filter(person__organization_id=plan.organization_id)
    for pid, code, s, e in ex_qs.values_list("person_id", "reason__code", "start", "end"):
        ex_by_person[pid].append((code, s, e))
    late_of_head = late_reports_of_heads(plan, people_list, late_quarters(plan))
    trips_by_person = defaultdict(list)
    trip_qs = Trip.objects.filter(plan=plan)
    trip_qs = trip_qs.filter(person_id__in=ids) if people is not None else trip_qs
    code_of = _CategoryCodes({c.pk: c.code for c in categories})
    to_engine = TRIP_STATUS_TO_ENGINE
    fact = engine.TripFact
    # Nobody to read (a person who owes nothing): no query; an empty IN () cannot be compiled.
    rows = _raw_trip_rows(trip_qs) if people is None or ids else ()
    for pid, pk, cat, start, end, days, immersion, status in rows:
        trips_by_person[pid].append(fact(pk, code_of[cat], start, end, days, immersion, to_engine[status]))
    for facts in trips_by_person.values():
        facts.sort(key=_trip_order)
    if extra_trips:
        for pid, facts in extra_trips.items():
            trips_by_person[pid].extend(facts)
    inputs = [
        (
            cadre_facts(plan, p, ex_by_person.get(p.pk, ()), pos_reasons, late_of_head.get(p.pk, ())),
            trips_by_person.get(p.pk, ()),
        )
        for p in people_list
    ]
    return rules, people_list, inputs


def _trip_order(t: engine.TripFact):
    return (t.start, t.key)


class _CategoryCodes(dict):
    """category id -> code; a trip filed under another plan's category (which the services
    refuse) still gets that category's own code."""

    def __missing__(self, pk):
        from fieldwork.models import Category

        code = Category.objects.filter(pk=pk).values_list("code", flat=True).first()
        self[pk] = code
        return code


def _raw_trip_rows(trip_qs):
    """The trips' columns straight from the cursor, unsorted: Django's per-value converters cost
    more than the engine itself at 200,000 trips (bench/quota.py). Days come as a float (halves
    are exact in binary) mapped to one Decimal per distinct value; SQLite hands back dates as
    ISO text, PostgreSQL as day numbers; each distinct value becomes a date once."""
    qs = trip_qs.order_by().annotate(days_float=Cast("days", FloatField()))
    start, end = "start", "end"
    if connection.vendor == "postgresql":
        # Dates as day numbers: psycopg2's date parsing was a quarter of the read (bench/quota.py).
        qs = qs.annotate(start_n=_DayNumber("start"), end_n=_DayNumber("end"))
        start, end = "start_n", "end_n"
    qs = qs.values_list("person_id", "pk", "category_id", start, end, "days_float", "immersion", "status")
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # a filter on an empty list: no rows
        return
    as_date = _DateCache()
    as_days: dict = {}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while rows := cur.fetchmany(5000):
            for pid, pk, cat, start, end, days, immersion, status in rows:
                d = as_days.get(days)
                if d is None:
                    d = as_days[days] = Decimal(str(days)).normalize() if days % 1 else Decimal(int(days))
                yield pid, pk, cat, as_date[start], as_date[end], d, bool(immersion), status


class _DayNumber(Func):
    """PostgreSQL: a date as the number of days since 0001-01-01 (date - date is an integer)."""

    template = "(%(expressions)s - DATE '0001-01-01')"
    output_field = IntegerField()

    def __init__(self, field: str):
        super().__init__(F(field))


class _DateCache(dict):
    def __missing__(self, value):
        if isinstance(value, int):  # days since 0001-01-01 (ordinal 1)
            d = date.fromordinal(value + 1)
        else:
            d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        self[value] = d
        return d


def standing_for(plan: Plan, person: User, as_of: date, extra_trips=None) -> engine.Standing:
    rows = standings(
        plan,
        as_of,
        people=User.objects.filter(pk=person.pk).select_related("department"),
        extra_trips={person.pk: extra_trips} if extra_trips else None,
    )
    return rows[0].standing


def current_plan(organization_id, on: date | None = None) -> Plan | None:
    """The organization's plan for the year of `on` (today), else its most recent."""
    from django.utils import timezone

    on = on or timezone.localdate()
    # One query (every page asks): that year's plan first, then the others newest first.
    this_year = Case(When(year=on.year, then=0), default=1, output_field=IntegerField())
    return Plan.objects.filter(organization_id=organization_id).order_by(this_year, "-year").first()

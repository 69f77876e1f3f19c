"""Stored coverage (docs/rules.md “Stored standings”): the coverage page's figures (docs/rules.md “Results and mẫu 3”) kept per place, so
that the page reads one row per place visited instead of grouping every confirmed trip of the
organization on every view.

- `StoredCoverageVisit`: per plan, cadre, place and spelling, the cadre's CONFIRMED trips and
  days there; recomputed from the cadre's trips whenever they change.
- `StoredCoverage`: per plan and place, trips, days, distinct cadres and the name shown; the
  places whose visits changed are summed again from `StoredCoverageVisit` (a GROUP BY over those
  places only), in the same transaction.
- `StoredCoverageState`: the plan's figures were built, against which province.

Hooked on fieldwork.stored.standings.refresh, which runs (once per batch) whenever any of a
person's trips change: `refresh(plan, person_ids)`; `refresh(plan)` (the whole plan:
`refresh_standings`, load_demo, the bench, the daily job) rebuilds everything (`rebuild`). A
change of the organization's province rebuilds them (fieldwork.stored.changes); a person deleted
takes their visits out of the places (`places_of`, then `recount`).
The page's view builds them when they never were (`ensure_built`: an existing database after the
migration, a large plan recomputed by the background job) or were built against another province.
Read by fieldwork.selectors.coverage.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum

from fieldwork.locations import province_code, province_named, province_of, ward_index
from fieldwork.models import Plan, StoredCoverage, StoredCoverageState, StoredCoverageVisit
from fieldwork.selectors.coverage import kind_of, pick_name, stored_sort_key, visit_groups

_MISSING = object()


def _visits(plan: Plan, index, person_ids=None) -> dict:
    """(person_id, place, spelling) -> (trips, days), computed from the trips."""
    out: dict = {}
    for person_id, key, spelling, n, total in visit_groups(plan, index, person_ids):
        k = (person_id, key, spelling)
        trips, days = out.get(k, (0, Decimal(0)))
        out[k] = (trips + n, days + total)
    return out


def _stored_visits(plan: Plan, person_ids) -> dict:
    """(person_id, place, spelling) -> (pk, trips, days), as stored."""
    qs = StoredCoverageVisit.objects.filter(plan=plan, person_id__in=person_ids)
    return {
        (pid, place, spelling): (pk, trips, Decimal(days))
        for pk, pid, place, spelling, trips, days in qs.values_list(
            "pk", "person_id", "place", "spelling", "trips", "days"
        )
    }


def _place_row(plan: Plan, key: str, spellings: dict, trips: int, days: Decimal, cadres: int) -> StoredCoverage:
    name = pick_name(spellings)
    return StoredCoverage(
        plan=plan,
        place=key,
        kind=kind_of(key),
        name=name,
        sort_key=stored_sort_key(name),
        trips=trips,
        days=days,
        cadres=cadres,
    )


def rebuild(plan: Plan, province=_MISSING) -> int:
    """Every visit and place of the plan, from its confirmed trips. Returns the places stored."""
    if province is _MISSING:
        province = province_of(plan.organization)
    with transaction.atomic(savepoint=False):
        # The upsert locks the plan's state row (PostgreSQL): refreshes of the plan wait for it.
        StoredCoverageState.objects.bulk_create(
            [StoredCoverageState(plan=plan, province_code=province_code(province))],
            update_conflicts=True,
            unique_fields=["plan"],
            update_fields=["province_code", "built_at"],
        )
        visits = _visits(plan, ward_index(province))
        StoredCoverageVisit.objects.filter(plan=plan).delete()
        StoredCoverage.objects.filter(plan=plan).delete()
        StoredCoverageVisit.objects.bulk_create(
            [
                StoredCoverageVisit(plan=plan, person_id=pid, place=key, spelling=sp, trips=n, days=d)
                for (pid, key, sp), (n, d) in visits.items()
            ],
            batch_size=2000,
        )
        trips: dict = defaultdict(int)
        days: dict = defaultdict(Decimal)
        cadres: dict = defaultdict(set)
        spellings: dict = defaultdict(lambda: defaultdict(int))
        for (pid, key, sp), (n, d) in visits.items():
            trips[key] += n
            days[key] += d
            cadres[key].add(pid)
            spellings[key][sp] += n
        StoredCoverage.objects.bulk_create(
            [_place_row(plan, k, spellings[k], trips[k], days[k], len(cadres[k])) for k in trips], batch_size=2000
        )
    return len(trips)


def _lock(plan: Plan) -> None:
    """One refresh of the plan's places at a time (PostgreSQL; SQLite writes one at a time): two
    transactions confirming trips to the same ward would otherwise each sum the place without
    the other's visit, and the last to commit would win."""
    if connection.features.has_select_for_update:
        list(StoredCoverageState.objects.select_for_update().filter(plan=plan).values_list("pk", flat=True))


def recompute_places(plan: Plan, places) -> None:
    """The places' figures summed again from the stored visits; places no longer visited go."""
    places = sorted(set(places))
    if not places:
        return
    visits = StoredCoverageVisit.objects.filter(plan=plan, place__in=places).order_by()
    trips: dict = defaultdict(int)
    days: dict = defaultdict(Decimal)
    spellings: dict = defaultdict(dict)
    for key, sp, n, d in visits.values_list("place", "spelling").annotate(n=Sum("trips"), d=Sum("days")):
        trips[key] += n
        days[key] += Decimal(d)
        spellings[key][sp] = n
    cadres = dict(visits.values_list("place").annotate(c=Count("person_id", distinct=True)))
    rows = [_place_row(plan, k, spellings[k], trips[k], days[k], cadres[k]) for k in sorted(trips)]
    StoredCoverage.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["plan", "place"],
        update_fields=["kind", "name", "sort_key", "trips", "days", "cadres"],
    )
    StoredCoverage.objects.filter(plan=plan, place__in=[p for p in places if p not in trips]).delete()


def refresh(plan: Plan, person_ids=None) -> None:
    """After a change to trips of `person_ids` (None: the whole plan, `rebuild`): their visits
    computed again; the places whose visits changed summed again. Nothing when the plan's
    figures were never built (the page builds them)."""
    if person_ids is None:
        rebuild(plan)
        return
    person_ids = sorted(set(person_ids))
    if not person_ids:
        return
    state = (
        StoredCoverageState.objects.filter(plan=plan)
        .values_list("province_code", "plan__organization__place", "plan__organization__name")
        .first()
    )
    if state is None:
        return
    built_for, place, name = state
    province = province_named(place, name)
    if province_code(province) != built_for:  # the organization's province changed
        rebuild(plan, province)
        return
    index = ward_index(province)
    new, old = _visits(plan, index, person_ids), _stored_visits(plan, person_ids)
    if new == {k: v[1:] for k, v in old.items()}:
        return  # nothing the coverage shows changed (another field, another status than confirmed)
    with transaction.atomic(savepoint=False):
        _lock(plan)
        if connection.features.has_select_for_update:  # what committed while we waited
            new, old = _visits(plan, index, person_ids), _stored_visits(plan, person_ids)
        gone = [k for k in old if k not in new]
        changed = [k for k, v in new.items() if k not in old or old[k][1:] != v]
        StoredCoverageVisit.objects.filter(pk__in=[old[k][0] for k in gone]).delete()
        StoredCoverageVisit.objects.bulk_create(
            [
                StoredCoverageVisit(plan=plan, person_id=pid, place=key, spelling=sp, trips=n, days=d)
                for (pid, key, sp), (n, d) in ((k, new[k]) for k in changed)
            ],
            update_conflicts=True,
            unique_fields=["plan", "person", "place", "spelling"],
            update_fields=["trips", "days"],
        )
        recompute_places(plan, {k[1] for k in gone} | {k[1] for k in changed})


def ensure_built(plan: Plan, province=_MISSING) -> None:
    """The page's safety net, called by its view before reading: figures never built (a database
    from before them) or built against another province are built first. One query when they
    are there."""
    if province is _MISSING:
        province = province_of(plan.organization)
    state = StoredCoverageState.objects.filter(plan=plan).values_list("province_code").first()
    if state is None or state[0] != province_code(province):
        rebuild(plan, province)


def places_of(person_id) -> set:
    """(plan_id, place) of every place the person's visits are counted in."""
    return set(StoredCoverageVisit.objects.filter(person_id=person_id).values_list("plan_id", "place"))


def recount(pairs) -> None:
    """The places of (plan_id, place) pairs summed again from the stored visits (after a person's
    visits went with them), one plan at a time under its lock."""
    by_plan: dict = defaultdict(set)
    for plan_id, place in pairs:
        by_plan[plan_id].add(place)
    for plan in Plan.objects.filter(pk__in=list(by_plan)).order_by("pk"):
        with transaction.atomic(savepoint=False):
            _lock(plan)
            recompute_places(plan, by_plan[plan.pk])


def rebuild_if_province_changed(organization) -> int:
    """The organization's plans whose figures were built against another province than its own
    (its place or name changed) are rebuilt: the places are resolved against the province's
    communes/wards. Returns how many plans were."""
    province = province_of(organization)
    stale = StoredCoverageState.objects.filter(plan__organization=organization).exclude(
        province_code=province_code(province)
    )
    plans = list(Plan.objects.filter(pk__in=stale.values("plan_id")).select_related("organization").order_by("pk"))
    for plan in plans:
        rebuild(plan, province)
    return len(plans)

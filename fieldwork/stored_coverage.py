"""Stored coverage (docs/rules.md “Stored standings”): the coverage page's figures (docs/rules.md “Results and mẫu 3”) kept per place, so
that the page reads one row per place visited instead of grouping every confirmed trip of the
organization on every view.

- `StoredCoverageVisit`: per plan, cadre, place and spelling, the cadre's CONFIRMED trips and
  days there; recomputed from the cadre's trips whenever they change.
- `StoredCoverage`: per plan and place, trips, days, distinct cadres and the name shown; the
  places whose visits changed are summed again from `StoredCoverageVisit` (a GROUP BY over those
  places only), in the same transaction.
- `StoredCoverageState`: the plan's figures were built, against which province.

Hooked on fieldwork.stored_standings.refresh, which runs (once per batch) whenever any of a
person's trips change: `refresh(plan, person_ids)`; `refresh(plan)` (the whole plan:
`refresh_standings`, load_demo, the bench, the daily job) rebuilds everything (`rebuild`).
The page builds them when they never were (`ensure_built`: an existing database after the
migration) or when the organization's province is no longer the one they were built against.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.signals import post_delete, pre_delete

from fieldwork.models import Plan, StoredCoverage, StoredCoverageState, StoredCoverageVisit
from fieldwork.selectors.coverage import (
    kind_of,
    pick_name,
    province_code,
    province_named,
    province_of,
    stored_sort_key,
    visit_groups,
    ward_index,
)

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


def ensure_built(plan: Plan, province) -> None:
    """The page's safety net: figures never built (a database from before them) or built
    against another province are built first. One query when they are there."""
    state = StoredCoverageState.objects.filter(plan=plan).values_list("province_code").first()
    if state is None or state[0] != province_code(province):
        rebuild(plan, province)


# A person deleted: the trips go by CASCADE without a refresh (fieldwork.stored_standings._skip),
# so do the person's visits; the places they were counted in are summed again.
_deleting = threading.local()


def _origin_is_organization(kwargs) -> bool:
    from accounts.models import Organization

    origin = kwargs.get("origin")
    model = getattr(origin, "model", None) or type(origin)
    return origin is not None and model is Organization  # the plans go too


def _suspended() -> bool:
    """Inside fieldwork.stored_standings.suspended() (bulk loads and deletions followed by
    `refresh_standings`): nothing is recomputed."""
    from fieldwork import stored_standings

    return bool(getattr(stored_standings._pending(), "suspended", 0))


def _before_person_deleted(sender, instance, **kwargs):
    if kwargs.get("raw") or _origin_is_organization(kwargs) or _suspended():
        return
    pairs = set(StoredCoverageVisit.objects.filter(person_id=instance.pk).values_list("plan_id", "place"))
    if pairs:
        if not hasattr(_deleting, "pairs"):
            _deleting.pairs = {}
        _deleting.pairs[instance.pk] = pairs


def _after_person_deleted(sender, instance, **kwargs):
    pairs = getattr(_deleting, "pairs", {}).pop(instance.pk, None)
    if not pairs:
        return
    by_plan: dict = defaultdict(set)
    for plan_id, place in pairs:
        by_plan[plan_id].add(place)
    for plan in Plan.objects.filter(pk__in=list(by_plan)).order_by("pk"):
        with transaction.atomic(savepoint=False):
            _lock(plan)
            recompute_places(plan, by_plan[plan.pk])


def connect() -> None:
    from accounts.models import User

    pre_delete.connect(_before_person_deleted, sender=User, dispatch_uid="stored-coverage-user-pre")
    post_delete.connect(_after_person_deleted, sender=User, dispatch_uid="stored-coverage-user-post")

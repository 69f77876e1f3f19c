"""Grassroots coverage (docs/rules.md “Results and mẫu 3”): which communes/wards and Union units the organization's
cadres visited in the plan's year, how often, and which wards of its province were never visited.

Wards come from the `vietnam-provinces` package (34 provinces since 1/7/2025).

docs/rules.md “Stored standings”: the page reads the stored figures (`StoredCoverage`, one row per place, kept by
fieldwork.stored.coverage with the trips), a page of them at a time; `computed_coverage` is the
same figures computed from the trips (the reference the stored ones are checked against). Place
names, provinces and their wards: fieldwork.locations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Sum
from django.db.models.functions import Collate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.vietnamese import nfc
from fieldwork.locations import (
    WARD_PREFIXES,
    WardIndex,
    bare,
    place_parts_key,
    place_sort_key,
    province_of,
    ward_from_code,
    ward_index,
)
from fieldwork.models import Plan, StoredCoverage, Trip

ZERO = Decimal(0)
NO_PLACE = gettext_noop("(không ghi địa điểm)")  # the name of trips that name no place


@dataclass(frozen=True, slots=True)
class CoverageRow:
    key: str
    name: str
    kind: str  # "ward": a commune/ward of the province list; "unit": another place or Union unit
    trips: int
    days: Decimal
    cadre_count: int


def _resolve(ward_code: str, location_key: str, index: WardIndex) -> tuple[str, str | None]:
    """(coverage key, ward name or None) of a place: its ward code, else the first part of its
    normalized location naming a ward of the province, else the normalized text itself."""
    ward = None
    if ward_code:
        ward = index.by_code.get(int(ward_code)) if ward_code.isdigit() else None
        ward = ward or ward_from_code(ward_code)
    parts = location_key.split("|") if location_key else []
    if ward is None:
        for part in parts:
            ward = index.by_name.get(part) or index.by_bare.get(bare(part, WARD_PREFIXES))
            if ward is not None:
                break
    if ward is not None:
        return f"w{int(ward.code)}", ward.name
    return "t" + " ".join(p for p in parts if p), None


def visit_groups(plan: Plan, index: WardIndex, person_ids=None):
    """(person_id, place key, spelling, trips, days) of the plan's CONFIRMED trips (of
    `person_ids`), grouped in the database per cadre and written place, each distinct place
    resolved once. A place is its ward code when the trip has one; otherwise each comma-separated
    part of its location text ("Chi đoàn ấp 3, Xã Tân Đông, Tỉnh Tây Ninh") is matched against
    the province's communes/wards by name; anything else is a unit of its own (a Union unit, a
    place of another province), keyed by the normalized text (NFC, case, accents and punctuation
    ignored). The spelling: the ward's name, or the location with its spaces collapsed."""
    qs = Trip.objects.filter(plan=plan, status=Trip.Status.CONFIRMED)
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    qs = qs.values_list("person_id", "location", "ward_code", "location_key").annotate(n=Count("id"), total=Sum("days"))
    resolved: dict = {}
    for person_id, location, ward_code, location_key, n, total in qs.order_by().iterator(chunk_size=5000):
        if not location_key and location:  # saved by a path that bypassed Trip.save()
            location_key = place_parts_key(location)
        place = resolved.get((ward_code, location_key))
        if place is None:
            place = resolved[(ward_code, location_key)] = _resolve(ward_code, location_key, index)
        key, ward_name = place
        spelling = ward_name if ward_name is not None else " ".join(nfc(location).split())
        yield person_id, key, spelling, n, Decimal(total)


def kind_of(key: str) -> str:
    return "ward" if key.startswith("w") else "unit"


def pick_name(spellings: dict[str, int]) -> str:
    """A place's name: its most frequent spelling (in trips); of equally frequent ones, the first
    in Vietnamese order (then in code point order)."""
    return min(spellings.items(), key=lambda kv: (-kv[1], stored_sort_key(kv[0]), kv[0]))[0]


def stored_sort_key(name: str) -> str:
    """The stored order of a place's name ("" is shown, and sorted, as NO_PLACE)."""
    return place_sort_key(name or NO_PLACE)


def shown(name: str) -> str:
    return name or _(NO_PLACE)


def computed_coverage(plan: Plan) -> list[CoverageRow]:
    """The visited places computed from the trips, in the page's order (most trips first, then
    Vietnamese order of the name): the reference of the stored figures (tests, `refresh`)."""
    index = ward_index(province_of(plan.organization))
    trips: dict = defaultdict(int)
    days: dict = defaultdict(Decimal)
    cadres: dict = defaultdict(set)
    spellings: dict = defaultdict(lambda: defaultdict(int))
    for person_id, key, spelling, n, total in visit_groups(plan, index):
        trips[key] += n
        days[key] += total
        cadres[key].add(person_id)
        spellings[key][spelling] += n
    names = {key: pick_name(spellings[key]) for key in trips}
    order = sorted(trips, key=lambda key: (-trips[key], stored_sort_key(names[key]), key))
    return [CoverageRow(k, shown(names[k]), kind_of(k), trips[k], days[k], len(cadres[k])) for k in order]


class VisitedPlaces:
    """The stored places of a plan in the page's order, read a page at a time: len() counts in
    the database, a slice reads that slice only (django.core.paginator reads it like a list)."""

    def __init__(self, plan: Plan):
        key = F("place") if connection.vendor != "postgresql" else Collate("place", "C")
        self._qs = (
            StoredCoverage.objects.filter(plan=plan)
            .order_by("-trips", "sort_key", key)
            .values_list("place", "name", "kind", "trips", "days", "cadres")
        )
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._qs.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    @staticmethod
    def _row(values) -> CoverageRow:
        key, name, kind, trips, days, cadres = values
        return CoverageRow(key, shown(name), kind, trips, Decimal(days), cadres)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._row(v) for v in self._qs[i]]
        return self._row(self._qs[i])

    def __iter__(self):
        return iter(self[:])


@dataclass
class Coverage:
    province: object
    visited: VisitedPlaces
    unvisited: list
    ward_total: int
    wards_visited: int


def coverage(plan: Plan) -> Coverage:
    """Where the organization's cadres went this year: CONFIRMED trips only (done and confirmed),
    read from the stored figures as they are (the page has them built first when they never were,
    or were built against another province: fieldwork.views.fresh). A number of queries and rows
    independent of the number of cadres and trips."""
    province = province_of(plan.organization)
    index = ward_index(province)
    seen = {
        int(k[1:])
        for k in StoredCoverage.objects.filter(plan=plan, kind="ward").values_list("place", flat=True)
        if k[1:].isdigit()
    }
    return Coverage(
        province=province,
        visited=VisitedPlaces(plan),
        unvisited=[w for w in index.in_order if int(w.code) not in seen],
        ward_total=len(index.by_code),
        wards_visited=len([c for c in seen if c in index.by_code]),
    )

"""Grassroots coverage (issue 6 §5): which communes/wards and Union units the organization's
cadres visited in the plan's year, how often, and which wards of its province were never visited.

Wards come from the `vietnam-provinces` package (34 provinces since 1/7/2025).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from accounts.vietnamese import name_sort_key, nfc
from fieldwork.models import Plan, Trip, place_key, place_parts_key

ZERO = Decimal(0)


@dataclass
class CoverageRow:
    key: str
    name: str
    kind: str  # "ward": a commune/ward of the province list; "unit": another place or Union unit
    trips: int = 0
    days: Decimal = ZERO
    cadres: set = field(default_factory=set)
    names: Counter = field(default_factory=Counter)

    @property
    def cadre_count(self) -> int:
        return len(self.cadres)


def place_sort_key(text: str) -> str:
    """Vietnamese order for place names: syllable by syllable, in reading order (no reordering
    of words as for people's names)."""
    return "".join(name_sort_key(w) for w in nfc(text).split())


def _place_key(text: str) -> str:
    return place_key(text)  # one normalization: fieldwork.models (Trip.location_key)


_PROVINCE_PREFIXES = ("thanh pho ", "tinh ", "tp ", "tinh doan ", "thanh doan ")


def _bare(key: str, prefixes) -> str:
    for p in prefixes:
        if key.startswith(p):
            return key[len(p) :]
    return key


def province_of(organization):
    """The organization's province from the `vietnam-provinces` list, by name (Organization.place,
    then its name without "Tỉnh đoàn"/"Thành đoàn"); None when nothing matches."""
    from vietnam_provinces import Province

    wanted = {
        _bare(_place_key(organization.place or ""), _PROVINCE_PREFIXES),
        _bare(_place_key(organization.name or ""), _PROVINCE_PREFIXES),
    }
    wanted.discard("")
    for p in Province.iter_all():
        if _bare(_place_key(p.name), _PROVINCE_PREFIXES) in wanted:
            return p
    return None


_WARD_PREFIXES = ("xa ", "phuong ", "dac khu ")


def _ward_index(province) -> tuple[dict, dict, dict]:
    """code -> Ward, full-name key -> Ward, bare-name key -> Ward (only when unique)."""
    from vietnam_provinces import Ward

    by_code, by_name, bare = {}, {}, defaultdict(list)
    if province is None:
        return by_code, by_name, {}
    for w in Ward.iter_by_province(province.code):
        by_code[int(w.code)] = w
        key = _place_key(w.name)
        by_name[key] = w
        bare[_bare(key, _WARD_PREFIXES)].append(w)
    return by_code, by_name, {k: v[0] for k, v in bare.items() if len(v) == 1}


def _ward_from_code(code: str):
    from vietnam_provinces import Ward

    try:
        return Ward.from_code(int(code))
    except (TypeError, ValueError):
        return None


def _resolve(ward_code: str, location_key: str, by_code, by_name, by_bare) -> tuple[str, str | None]:
    """(coverage key, ward name or None) of a place: its ward code, else the first part of its
    normalized location naming a ward of the province, else the normalized text itself."""
    ward = None
    if ward_code:
        ward = by_code.get(int(ward_code)) if ward_code.isdigit() else None
        ward = ward or _ward_from_code(ward_code)
    parts = location_key.split("|") if location_key else []
    if ward is None:
        for part in parts:
            ward = by_name.get(part) or by_bare.get(_bare(part, _WARD_PREFIXES))
            if ward is not None:
                break
    if ward is not None:
        return f"w{int(ward.code)}", ward.name
    return "t" + " ".join(p for p in parts if p), None


@dataclass
class Coverage:
    province: object
    visited: list
    unvisited: list
    ward_total: int
    wards_visited: int


def coverage(plan: Plan) -> Coverage:
    """Where the organization's cadres went this year: CONFIRMED trips only (done and confirmed).

    A trip is placed by its structured ward code when it has one; otherwise each comma-separated
    part of its location text ("Chi đoàn ấp 3, Xã Tân Đông, Tỉnh Tây Ninh") is matched against
    the province's communes/wards by name; anything else is a unit of its own (a Union unit,
    a place of another province), keyed by the normalized text (NFC, case, accents and
    punctuation ignored) and shown in its most frequent spelling.
    """
    province = province_of(plan.organization)
    by_code, by_name, by_bare = _ward_index(province)
    rows: dict[str, CoverageRow] = {}
    # Issue 11 §2: grouped in the database (per cadre and place), each place's name normalized
    # once when its trip was saved (Trip.location_key), and each distinct place resolved once.
    qs = (
        Trip.objects.filter(plan=plan, status=Trip.Status.CONFIRMED)
        .values_list("person_id", "location", "ward_code", "location_key")
        .annotate(n=Count("id"), total=Sum("days"))
        .order_by()
    )
    resolved: dict = {}
    for person_id, location, ward_code, location_key, n, total in qs.iterator(chunk_size=5000):
        if not location_key and location:  # saved by a path that bypassed Trip.save()
            location_key = place_parts_key(location)
        place = resolved.get((ward_code, location_key))
        if place is None:
            place = resolved[(ward_code, location_key)] = _resolve(ward_code, location_key, by_code, by_name, by_bare)
        key, ward_name = place
        if ward_name is not None:
            name, kind = ward_name, "ward"
        else:
            name, kind = " ".join(nfc(location).split()) or _("(không ghi địa điểm)"), "unit"
        row = rows.get(key)
        if row is None:
            row = rows[key] = CoverageRow(key=key, name=name, kind=kind)
        row.trips += n
        row.days += Decimal(total)
        row.cadres.add(person_id)
        row.names[name] += n
    for row in rows.values():
        if row.kind == "unit":
            row.name = row.names.most_common(1)[0][0]
    visited = sorted(rows.values(), key=lambda r: (-r.trips, place_sort_key(r.name)))
    seen = {int(r.key[1:]) for r in rows.values() if r.kind == "ward"}
    unvisited = sorted(
        (w for c, w in by_code.items() if c not in seen),
        key=lambda w: place_sort_key(_bare(w.name.casefold(), ("xã ", "phường ", "đặc khu "))),
    )
    return Coverage(
        province=province,
        visited=visited,
        unvisited=unvisited,
        ward_total=len(by_code),
        wards_visited=len([c for c in seen if c in by_code]),
    )

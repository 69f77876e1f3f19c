"""Where a trip goes: province and commune/ward (two tiers since 1/7/2025), or free text.

Data from the `vietnam-provinces` package (34 provinces, 3 321 communes, wards and special
zones). A trip keeps the structured codes (Trip.province_code, Trip.ward_code; GSO codes,
zero-padded: "80", "27727") and a readable text ("Xã Tân Đông, Tỉnh Tây Ninh"). A Union
unit ("Huyện đoàn Châu Thành", a school's Union) is written as free text, alone or in front
of the commune ("Chi đoàn ấp 3, Xã Tân Đông, Tỉnh Tây Ninh").

Place names are compared in one normalized form (`place_key`; Trip.location_key keeps it per
comma-separated part) and ordered in Vietnamese (`place_sort_key`); an organization's province
and its communes/wards (`province_of`, `ward_index`) are looked up here for the coverage page,
its stored figures and the trip form.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward, WardCode

from accounts.vietnamese import name_sort_key, nfc, strip_diacritics


def _collate(text: str) -> str:
    # Good enough for place names in a select: ignore diacritics and case first, then
    # break ties on the full text so "Hà" and "Hạ" keep a stable order.
    return f"{strip_diacritics(nfc(text)).casefold()}\x00{nfc(text)}"


def province_code_str(code) -> str:
    return f"{int(code):02d}"


def ward_code_str(code) -> str:
    return f"{int(code):05d}"


def _province_label(p: Province) -> str:
    # Central cities carry "Thành phố" in their name; provinces do not: "Tỉnh Tây Ninh".
    if p.division_type == VietNamDivisionType.TINH:
        return f"Tỉnh {p.name}"
    return p.name


@lru_cache(maxsize=1)
def provinces() -> tuple[tuple[str, str], ...]:
    """(code, label) of every province, in alphabetical order."""
    items = [(province_code_str(p.code), _province_label(p)) for p in Province.iter_all()]
    return tuple(sorted(items, key=lambda item: _collate(item[1])))


@lru_cache(maxsize=64)
def _wards_of(province_code: str) -> tuple[tuple[str, str], ...]:
    try:
        code = ProvinceCode(int(province_code))
    except (TypeError, ValueError):
        return ()
    items = [(ward_code_str(w.code), w.name) for w in Ward.iter_by_province(code)]
    return tuple(sorted(items, key=lambda item: _collate(item[1])))


def wards(province_code: str, query: str = "") -> list[tuple[str, str]]:
    """(code, name) of the communes and wards of a province; `query` filters by name,
    ignoring case and diacritics ("tan dong" finds "Xã Tân Đông")."""
    items = _wards_of(str(province_code or ""))
    q = strip_diacritics(nfc(query or "")).casefold().strip()
    if not q:
        return list(items)
    return [item for item in items if q in strip_diacritics(item[1]).casefold()]


def province_label(code: str) -> str:
    try:
        return _province_label(Province.from_code(ProvinceCode(int(code))))
    except (TypeError, ValueError):
        return ""


def ward_label(code: str) -> str:
    try:
        return Ward.from_code(WardCode(int(code))).name
    except (TypeError, ValueError):
        return ""


def ward_in_province(ward_code: str, province_code: str) -> bool:
    try:
        ward = Ward.from_code(WardCode(int(ward_code)))
    except (TypeError, ValueError):
        return False
    try:
        return int(ward.province_code) == int(province_code)
    except (TypeError, ValueError):
        return False


def structured_label(province_code: str = "", ward_code: str = "") -> str:
    """ "Xã Tân Đông, Tỉnh Tây Ninh", "Tỉnh Tây Ninh" or ""."""
    parts = []
    if ward_code:
        parts.append(ward_label(ward_code))
    if province_code:
        parts.append(province_label(province_code))
    return ", ".join(p for p in parts if p)


def location_text(*, province_code: str = "", ward_code: str = "", detail: str = "") -> str:
    """The readable location stored on the trip: the free text first, then commune and province."""
    detail = " ".join(nfc(detail or "").split()).strip(" ,")
    return ", ".join(p for p in (detail, structured_label(province_code, ward_code)) if p)


def detail_of(location: str, province_code: str = "", ward_code: str = "") -> str:
    """The free-text part of a stored location (what the user typed before the commune)."""
    location = location or ""
    label = structured_label(province_code, ward_code)
    if label and location.endswith(label):
        return location[: -len(label)].rstrip(" ,")
    return location


def ward_example(province_code: str) -> tuple[str, str]:
    """(a commune's name, how to type it without diacritics) of the province, for a placeholder:
    a Đà Nẵng user reads Đà Nẵng, not Tây Ninh ("" when the province is unknown)."""
    items = _wards_of(str(province_code or ""))
    communes = [name for _code, name in items if name.startswith("Xã ")] or [name for _code, name in items]
    if not communes:
        return "", ""
    name = communes[len(communes) // 2]
    short = name.split(" ", 1)[1] if " " in name else name
    return name, strip_diacritics(short).casefold()


# Place names compared and ordered ----------------------------------------------------------------
def place_key(text: str) -> str:
    """A place name compared as the coverage page compares it: NFC, case, accents and
    punctuation ignored ("Xã Tân Đông" -> "xa tan dong")."""
    text = strip_diacritics(nfc(text or "")).casefold()
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(text.split())


def place_parts_key(location: str) -> str:
    """Each comma-separated part of a location, normalized, joined by "|" (Trip.location_key)."""
    return "|".join(place_key(part) for part in (location or "").split(","))[:400]


def place_sort_key(text: str) -> str:
    """Vietnamese order for place names: syllable by syllable, in reading order (no reordering
    of words as for people's names)."""
    return "".join(name_sort_key(w) for w in nfc(text).split())


_PROVINCE_PREFIXES = ("thanh pho ", "tinh ", "tp ", "tinh doan ", "thanh doan ")
WARD_PREFIXES = ("xa ", "phuong ", "dac khu ")


def bare(key: str, prefixes) -> str:
    """A normalized name without its leading kind ("xa tan dong" -> "tan dong")."""
    for p in prefixes:
        if key.startswith(p):
            return key[len(p) :]
    return key


def province_of(organization):
    """The organization's province from the `vietnam-provinces` list, by name (Organization.place,
    then its name without "Tỉnh đoàn"/"Thành đoàn"); None when nothing matches."""
    return province_named(organization.place, organization.name)


def province_named(place: str | None, name: str | None):
    return _province_named(place or "", name or "")


@lru_cache(maxsize=256)
def _province_named(place: str, name: str):
    wanted = {bare(place_key(place), _PROVINCE_PREFIXES), bare(place_key(name), _PROVINCE_PREFIXES)}
    wanted.discard("")
    for p in Province.iter_all():
        if bare(place_key(p.name), _PROVINCE_PREFIXES) in wanted:
            return p
    return None


def province_code(province) -> int | None:
    return None if province is None else int(province.code)


@dataclass(frozen=True)
class WardIndex:
    """The province's communes/wards: by code, by full-name key, by bare-name key (only when
    unique), and in the order of the "not visited" list."""

    by_code: dict
    by_name: dict
    by_bare: dict
    in_order: tuple


def ward_index(province) -> WardIndex:
    return _ward_index_of(province_code(province))


@lru_cache(maxsize=64)
def _ward_index_of(code: int | None) -> WardIndex:
    """The package's data does not change while the process runs: built once per province."""
    by_code, by_name, bares = {}, {}, defaultdict(list)
    if code is not None:
        for w in Ward.iter_by_province(code):
            by_code[int(w.code)] = w
            key = place_key(w.name)
            by_name[key] = w
            bares[bare(key, WARD_PREFIXES)].append(w)
    in_order = sorted(
        by_code.values(), key=lambda w: place_sort_key(bare(w.name.casefold(), ("xã ", "phường ", "đặc khu ")))
    )
    return WardIndex(by_code, by_name, {k: v[0] for k, v in bares.items() if len(v) == 1}, tuple(in_order))


def ward_from_code(code: str):
    try:
        return Ward.from_code(int(code))
    except (TypeError, ValueError):
        return None

"""Where a trip goes: province and commune/ward (two tiers since 1/7/2025), or free text.

Data from the `vietnam-provinces` package (34 provinces, 3 321 communes, wards and special
zones). A trip keeps the structured codes (Trip.province_code, Trip.ward_code; GSO codes,
zero-padded: "80", "27727") and a readable text ("Xã Tân Đông, Tỉnh Tây Ninh"). A Union
unit ("Huyện đoàn Châu Thành", a school's Union) is written as free text, alone or in front
of the commune ("Chi đoàn ấp 3, Xã Tân Đông, Tỉnh Tây Ninh").
"""

from __future__ import annotations

from functools import lru_cache

from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward, WardCode

from accounts.vietnamese import nfc, strip_diacritics


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

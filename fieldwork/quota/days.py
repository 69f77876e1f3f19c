"""Days in half-day steps (docs/domain.md §7.1). Internally the engine counts whole half-days
(buổi) as ints; these turn typed or stored values into half-days and back into exact Decimals.
Pure: no Django, no project import."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

_HALVES: dict = {}  # value -> half-days; values repeat, Decimal hashing is cheap
_DECIMALS: dict[int, Decimal] = {}


def _halves(value) -> int:
    if isinstance(value, bool):  # True == 1 would hit the cache below
        raise ValueError(f"{value!r} is not a number of days")
    try:
        return _HALVES[value]
    except (KeyError, TypeError):
        pass
    if not isinstance(value, (int, Decimal, float)):
        raise ValueError(f"{value!r} is not a number of days")
    d = Decimal(value)
    if not d.is_finite() or d < 0:
        raise ValueError(f"{value!r} is not a non-negative number of days")
    h = d * 2
    if h != h.to_integral_value():
        raise ValueError(f"{value!r} is not a multiple of half a day (0.5, 1, 1.5 …)")
    if len(_HALVES) < 10_000:
        _HALVES[value] = int(h)
    return int(h)


def _dec(h: int) -> Decimal:
    try:
        return _DECIMALS[h]
    except KeyError:
        d = _DECIMALS[h] = Decimal(h) / 2
        return d


def _fmt(h: int) -> str:
    return str(h // 2) if h % 2 == 0 else f"{h // 2}.5"


def parse_days(value) -> Decimal:
    """A number of days typed by a person or read from a workbook: 3, "2,5", "2.5",
    "30 ngày". Returns the canonical Decimal (Decimal("2.5"), Decimal("30")); raises
    ValueError unless it is a non-negative multiple of 0.5 (docs/domain.md §7.1: "2,3" is an
    error, not a violation)."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).strip().lower()
        for unit in ("ngày", "ngay"):
            if text.endswith(unit):
                text = text[: -len(unit)].strip()
        text = text.replace(",", ".")
        whole, dot, frac = text.partition(".")
        if not whole.isdigit() or (dot and not frac.isdigit()) or not text.isascii():
            raise ValueError(f"{value!r} is not a number of days (e.g. 2, 2,5, 30 ngày)")
        try:
            return _dec(_halves(Decimal(text)))
        except (InvalidOperation, ValueError):
            raise ValueError(f"{value!r} is not a multiple of half a day (0.5, 1, 1.5 …)") from None
    return _dec(_halves(value))

"""Which done trips the engine's `done_days` is made of, trip by trip (docs/domain.md §7.4, §7.7).

The compliance report and the year-end report show days per quarter ("days this quarter") and
who went in a quarter. Both follow one rule: a trip belongs to the quarter in which it starts
(§7.7), and its days are its counted days, i.e. the part of `done_days` it contributes. The sum
over the trips is exactly the engine's `done_days` at the same as_of (a property test pins it),
so the quarters of a year add up to the cumulative figure and a cadre who "went" in a quarter
always has days in it.

Pure and stdlib only, like engine.py: the counting rules are the engine's (done at as_of,
counting category, inside the period, each trip capped at its span, each group of overlapping
counted trips capped at the calendar days of its union). Within a capped group the days are
given to the trips in date order until the cap is reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from fieldwork.quota.days import _dec, _halves
from fieldwork.quota.engine import Rules, TripFact, quarter_of

ZERO = Decimal(0)


def counted_halves(rules: Rules, trips: list[TripFact], as_of: date) -> list[int]:
    """Half-days each trip (by position) contributes to `done_days` at as_of."""
    ps, pe = rules.period_start, rules.period_end
    counting = rules.counting_categories
    out = [0] * len(trips)
    items = []
    for idx, t in enumerate(trips):
        if t.status != "done" or t.end > as_of or t.start < ps or t.end > pe or t.category_code not in counting:
            continue
        s, e = t.start.toordinal(), t.end.toordinal()
        items.append((s, e, idx, min(_halves(t.days), 2 * (e - s + 1))))
    items.sort()
    group: list = []
    ge = -1

    def close():
        cap = 2 * (max(it[1] for it in group) - group[0][0] + 1)
        for _s, _e, idx, h in group:
            give = min(h, cap)
            cap -= give
            out[idx] = give

    for it in items:
        if group and it[0] > ge:
            close()
            group = []
        ge = it[1] if not group else max(ge, it[1])
        group.append(it)
    if group:
        close()
    return out


def counted_done_days(rules: Rules, trips: Iterable[TripFact], as_of: date) -> dict[object, Decimal]:
    """trip key -> the days it contributes to `done_days` at as_of (only trips that contribute)."""
    trips = list(trips)
    return {t.key: _dec(h) for t, h in zip(trips, counted_halves(rules, trips, as_of), strict=True) if h}


def done_days_by_quarter(rules: Rules, trips: Iterable[TripFact], as_of: date) -> dict[int, Decimal]:
    """quarter (1–4, of the trip's start) -> counted done days at as_of; quarters without any are absent."""
    trips = list(trips)
    halves: dict[int, int] = {}
    for t, h in zip(trips, counted_halves(rules, trips, as_of), strict=True):
        if h:
            q = quarter_of(t.start)
            halves[q] = halves.get(q, 0) + h
    return {q: _dec(h) for q, h in sorted(halves.items())}

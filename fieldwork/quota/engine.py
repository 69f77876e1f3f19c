"""The quota engine: a cadre's standing against the year's plan (docs/domain.md §5–§7).

Pure functions over frozen dataclasses; stdlib only, no Django, no project import, so it
is unit- and property-tested without a database. Every figure the product shows comes
from here (docs/style.md "one engine behind every number"). Decisions where docs/domain.md is
silent are written down in docs/rules.md.

Internally days are whole numbers of half-days (buổi) and dates are ordinals: exact, and
fast enough for 10,000 cadres × 20 trips in well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from fieldwork.quota.days import _HALVES, _dec, _fmt, _halves
from fieldwork.quota.days import parse_days as parse_days  # re-exported: engine.parse_days

HALF = Decimal("0.5")

STATUSES = ("exempt", "met", "on_track", "at_risk", "not_met")
VIOLATION_CODES = (
    "DAYS_EXCEED_SPAN",
    "OVERLAP",
    "OUTSIDE_PERIOD",
    "NOT_COUNTED_CATEGORY",
    "IMMERSION_TOO_SHORT",
    "IMMERSION_TOO_LONG",
    "IMMERSION_BACK_TO_BACK",
    "OUTSIDE_FOCUS",
    "LATE_REPORT",
)


@dataclass(frozen=True, slots=True)
class GroupRules:
    code: str
    immersion_trips: int = 0
    immersion_min_days: Decimal | None = None
    immersion_max_days: Decimal | None = None
    focus: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Rules:
    period_start: date
    period_end: date
    min_days: int
    groups: dict[str, GroupRules]
    counting_categories: frozenset[str]
    exemption_policy: str = "full"  # "full" | "prorate" (docs/domain.md §6)
    immersion_min_gap_days: int | None = None
    # docs/domain.md §7.5: the categories an immersion trip may be (empty: any counting category).
    immersion_categories: frozenset[str] = frozenset()
    # docs/domain.md §7.9: categories the plan marks `any_group` (1.3 topic trips): never OUTSIDE_FOCUS.
    any_group_categories: frozenset[str] = frozenset()

    @property
    def period_days(self) -> int:
        return (self.period_end - self.period_start).days + 1


@dataclass(frozen=True, slots=True)
class ExemptionSpan:
    reason_code: str
    start: date | None = None  # None: open (a position held, docs/domain.md §6)
    end: date | None = None


@dataclass(frozen=True, slots=True)
class Cadre:
    key: object
    group_code: str
    active_from: date | None = None
    active_to: date | None = None
    exemptions: tuple[ExemptionSpan, ...] = ()
    # docs/domain.md §7.9: quarters whose mẫu 3 the cadre's department sent late, given only for the
    # department's head (it is the head's duty): LATE_REPORT on the head's standing, on no trip.
    late_reports: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class TripFact:
    key: object
    category_code: str
    start: date
    end: date
    days: Decimal
    immersion: bool = False
    # done | pending (reported, awaiting confirmation, §7.4) | planned | draft | cancelled | rejected
    status: str = "done"
    late: bool = False


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    trip_key: object | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Standing:
    key: object
    status: str
    required_days: int
    done_days: Decimal
    planned_days: Decimal
    immersion_required: int
    immersion_done: int
    immersion_planned: int
    exemption: str | None
    violations: tuple[Violation, ...]
    days_left: int
    # Additions (defaults, so the contract above is unchanged):
    available_days: int = 0  # period days the requirement was computed on (§6)
    immersion_keys: tuple = field(default=())  # keys of the qualifying done immersion trips
    # docs/domain.md §7.4 "chờ xác nhận": reported trips awaiting confirmation that ended by as_of.
    # They are part of planned_days / immersion_planned and count toward on_track.
    pending_days: Decimal = Decimal(0)
    immersion_pending: int = 0  # pending immersion trips that would qualify

    @property
    def violation_codes(self) -> tuple[str, ...]:
        return tuple(sorted({v.code for v in self.violations}))


def quarter_of(d: date) -> int:
    """docs/domain.md §7.7: a trip belongs to the quarter it starts in."""
    return (d.month - 1) // 3 + 1


# ---------------------------------------------------------------- plan context


_STATUS = {"done": 0, "planned": 1, "draft": 2, "cancelled": 3, "rejected": 3, "pending": 4}
# Trip classes at as_of: done, future planned, past planned (approved, not done), draft,
# pending (reported by as_of, awaiting confirmation: counts like a future planned trip, §7.4).
_D, _F, _P, _X, _N = 0, 1, 2, 3, 4
_ORD_MAX = date.max.toordinal()


class _Ctx:
    """Rules pre-digested once per call: ordinals, half-days, group bounds."""

    __slots__ = ("rules", "ps", "pe", "pdays", "counting", "groups", "gap", "imm_cats", "any_group")

    def __init__(self, rules: Rules):
        self.rules = rules
        self.ps = rules.period_start.toordinal()
        self.pe = rules.period_end.toordinal()
        self.pdays = self.pe - self.ps + 1
        if self.pdays <= 0:
            raise ValueError("the plan period ends before it starts")
        if rules.exemption_policy not in ("full", "prorate"):
            raise ValueError(f"unknown exemption policy {rules.exemption_policy!r}")
        self.counting = rules.counting_categories
        self.gap = rules.immersion_min_gap_days
        self.imm_cats = rules.immersion_categories
        self.any_group = rules.any_group_categories
        self.groups = {}

    def group(self, code: str):
        try:
            return self.groups[code]
        except KeyError:
            g = self.rules.groups.get(code) or GroupRules(code=code)  # unknown group: no immersion, no focus
            lo = None if g.immersion_min_days is None else _halves(g.immersion_min_days)
            hi = None if g.immersion_max_days is None else _halves(g.immersion_max_days)
            out = self.groups[code] = (g, lo, hi)
            return out


# ---------------------------------------------------------------- requirement (docs/domain.md §6)


def _requirement(ctx: _Ctx, cadre: Cadre, group: GroupRules) -> tuple[int, int, int, str | None, bool]:
    """(required_days, immersion_required, available_days, exemption, exempt)."""
    ps, pe, pdays = ctx.ps, ctx.pe, ctx.pdays
    lo = ps if cadre.active_from is None else max(ps, cadre.active_from.toordinal())
    hi = pe if cadre.active_to is None else min(pe, cadre.active_to.toordinal())
    spans = []
    for x in cadre.exemptions:
        s = ps if x.start is None else x.start.toordinal()
        e = pe if x.end is None else x.end.toordinal()
        if s <= pe and e >= ps and s <= e:  # overlaps the period
            spans.append((s, e, x.reason_code))
    reason = None
    if spans:
        spans.sort()  # earliest start first (open = period start): rules.md "Which reason is shown"
        reason = spans[0][2]
        if ctx.rules.exemption_policy == "full":
            return 0, 0, 0, reason, True
    available = max(0, hi - lo + 1)
    if spans and available:
        cur_s, cur_e = None, None
        for s, e, _ in spans:  # subtract the union of exempt spans from [lo, hi]
            s, e = max(s, lo), min(e, hi)
            if s > e:
                continue
            if cur_e is not None and s <= cur_e + 1:
                cur_e = max(cur_e, e)
                continue
            if cur_e is not None:
                available -= cur_e - cur_s + 1
            cur_s, cur_e = s, e
        if cur_e is not None:
            available -= cur_e - cur_s + 1
    if available == 0:
        return 0, 0, 0, reason, True
    if available == pdays:
        return ctx.rules.min_days, group.immersion_trips, available, reason, False
    required = -(-ctx.rules.min_days * available // pdays)  # ceil, exact integers
    return required, group.immersion_trips * available // pdays, available, reason, False


# ---------------------------------------------------------------- counting (docs/domain.md §7)


def _capped(items, classes) -> int:
    """Half-days counted over `items` (sorted by start) whose class is in `classes`:
    each trip capped at its span (already in item[3]), each overlapping group at the
    calendar days of its union (docs/domain.md §7.4)."""
    total = 0
    cs = ce = -1
    acc = 0
    for it in items:
        if it[5] not in classes or not it[6]:
            continue
        s, e = it[0], it[1]
        if s > ce:
            if acc:
                total += min(acc, 2 * (ce - cs + 1))
            cs, ce, acc = s, e, it[3]
        else:
            acc += it[3]
            if e > ce:
                ce = e
    if acc:
        total += min(acc, 2 * (ce - cs + 1))
    return total


_DONE = frozenset((_D,))
_DONE_PENDING = frozenset((_D, _N))
_FUTURE = frozenset((_D, _F, _N))
_ALL = frozenset((_D, _F, _P, _N))


def _overlap_group(group, end: int, viols: list) -> None:
    """OVERLAP on every trip of a group of overlapping trips whose declared days exceed the
    calendar days of their union (the union of a connected group is one range)."""
    declared = sum(it[4] for it in group)
    union = end - group[0][0] + 1
    if declared > 2 * union:
        detail = f"{_fmt(declared)} days in {union} calendar days"
        viols.extend((it[0], it[1], it[2], "OVERLAP", it[7], detail) for it in group)


def _evaluate(ctx: _Ctx, group_entry, trips, as_of: int):
    """The counting pass for one cadre (docs/domain.md §7), as four steps: read the trips,
    sum the counted half-days, cap overlapping groups, walk the immersion trips. Returns
    half-day figures, immersion counts and raw violations (sort order, code, trip, detail)."""
    viols: list = []
    items, candidates = _read_trips(ctx, group_entry, trips, as_of, viols)
    totals = _counted_halves(items)
    if _flag_overlaps(items, viols):  # §7.4: cap each overlapping group of counted trips at its union
        totals = _capped_halves(items)
    return (*totals, *_qualifying_immersions(ctx, candidates, viols), viols)


def _read_trips(ctx: _Ctx, group_entry, trips, as_of: int, viols: list) -> tuple[list, list]:
    """Each trip as an item (start, end, index, capped half-days, declared half-days, class,
    counted, trip), with the violations a trip has on its own (§7.9) and the immersion
    candidates of the right length (§7.5). Cancelled and rejected trips are left out; drafts
    only take part in overlaps (§7.3)."""
    group, imm_lo, imm_hi = group_entry
    ps, pe, counting = ctx.ps, ctx.pe, ctx.counting
    imm_cats = ctx.imm_cats
    items = []
    candidates = []
    for idx, t in enumerate(trips):
        st = _status(t)
        if st == 3:
            continue
        s = t.start.toordinal()
        e = t.end.toordinal()
        if e < s:
            raise ValueError(f"trip {t.key!r}: ends before it starts")
        h = _trip_halves(t)
        span2 = 2 * (e - s + 1)
        hc = h if h <= span2 else span2
        if st == 2:
            items.append((s, e, idx, hc, h, _X, False, t))
            continue
        cls = _F if e > as_of else _D if st == 0 else _N if st == 4 else _P
        cat = t.category_code
        inside = s >= ps and e <= pe
        counted = inside and cat in counting
        items.append((s, e, idx, hc, h, cls, counted, t))
        # §7.5: where the plan names immersion categories, a flagged trip of another category
        # is an ordinary trip: it counts its days, never qualifies, and carries no violation
        # (§7.9 has no code for it; the registration form warns instead, docs/rules.md).
        if counted and t.immersion and (not imm_cats or cat in imm_cats):
            if imm_lo is not None and hc < imm_lo:
                viols.append((s, e, idx, "IMMERSION_TOO_SHORT", t, f"{_fmt(hc)} < {_fmt(imm_lo)} days"))
            elif imm_hi is not None and hc > imm_hi:
                viols.append((s, e, idx, "IMMERSION_TOO_LONG", t, f"{_fmt(hc)} > {_fmt(imm_hi)} days"))
            else:
                candidates.append((cls != _D, e, s, idx, cls, t))
        _trip_violations(ctx, group.focus, t, (s, e, idx), h, span2, inside, viols)
    return items, candidates


def _status(t) -> int:
    try:
        return _STATUS[t.status]
    except KeyError:
        raise ValueError(f"trip {t.key!r}: unknown status {t.status!r}") from None


def _trip_halves(t) -> int:
    try:
        return _HALVES[t.days]
    except (KeyError, TypeError):
        try:
            return _halves(t.days)
        except ValueError as exc:
            raise ValueError(f"trip {t.key!r}: {exc}") from None


def _trip_violations(ctx: _Ctx, focus, t, where: tuple, h: int, span2: int, inside: bool, viols: list) -> None:
    """§7.9: what is wrong with a trip on its own: more days than its span, outside the
    period, a category that does not count or is outside the group's focus, a late report."""
    s, e, idx = where
    cat = t.category_code
    if h > span2:
        viols.append((s, e, idx, "DAYS_EXCEED_SPAN", t, f"{_fmt(h)} days > span {span2 // 2}"))
    if not inside:
        viols.append((s, e, idx, "OUTSIDE_PERIOD", t, f"{t.start}..{t.end} not within the period"))
    if cat not in ctx.counting:
        viols.append((s, e, idx, "NOT_COUNTED_CATEGORY", t, f"category {cat}"))
    elif focus and cat not in focus and cat not in ctx.any_group:
        viols.append((s, e, idx, "OUTSIDE_FOCUS", t, f"category {cat} not in focus {'/'.join(sorted(focus))}"))
    if t.late:
        viols.append((s, e, idx, "LATE_REPORT", t, f"quarter {quarter_of(t.start)}"))


def _counted_halves(items) -> tuple[int, int, int, int]:
    """(done, done + future and pending, all counted, pending) half-days, each trip capped at
    its span (§7.4), before overlapping groups are capped."""
    done_h = all_h = fut_h = pend_h = 0
    for it in items:
        if not it[6]:
            continue
        hc, cls = it[3], it[5]
        all_h += hc
        if cls == _D:
            done_h += hc
            fut_h += hc
        elif cls == _F:
            fut_h += hc
        elif cls == _N:
            fut_h += hc
            pend_h += hc
    return done_h, fut_h, all_h, pend_h


def _capped_halves(items) -> tuple[int, int, int, int]:
    """The same figures with each overlapping group capped at its union (§7.4)."""
    done_h = _capped(items, _DONE)
    return done_h, _capped(items, _FUTURE), _capped(items, _ALL), _capped(items, _DONE_PENDING) - done_h


def _flag_overlaps(items: list, viols: list) -> bool:
    """docs/domain.md §7.3: sorts `items`, flags OVERLAP in each group of overlapping trips (all
    not cancelled/rejected, drafts included) whose declared days exceed their union; says
    whether any trips overlap."""
    items.sort()
    overlap = False
    first = k = 0
    ce = -1
    for it in items:
        if it[0] > ce:  # a new group starts: close the previous one
            if k - first > 1:
                overlap = True
                _overlap_group(items[first:k], ce, viols)
            first = k
            ce = it[1]
        elif it[1] > ce:
            ce = it[1]
        k += 1
    if k - first > 1:
        overlap = True
        _overlap_group(items[first:k], ce, viols)
    return overlap


def _qualifying_immersions(ctx: _Ctx, candidates: list, viols: list) -> tuple[int, int, int, int, tuple]:
    """§7.5–7.6: (done, planned, future, pending, keys of the done) qualifying immersion trips;
    done first, then planned, each in date order (by end date: rules.md "Date order of the
    back-to-back walk"); a trip too close to an accepted one is IMMERSION_BACK_TO_BACK."""
    imm_done = imm_planned = imm_future = imm_pending = 0
    imm_keys = ()
    if not candidates:
        return imm_done, imm_planned, imm_future, imm_pending, imm_keys
    candidates.sort()
    gap = ctx.gap
    accepted = []
    for _, e, s, idx, cls, t in candidates:
        if gap is not None:
            near = next((a for a in accepted if s - a[1] < gap and a[0] - e < gap), None)
            if near is not None:
                d = s - near[1] if s >= near[0] else near[0] - e
                viols.append(
                    (s, e, idx, "IMMERSION_BACK_TO_BACK", t, f"{d} days from another immersion trip, min {gap}")
                )
                continue
            accepted.append((s, e))
        if cls == _D:
            imm_done += 1
            imm_keys += (t.key,)
        else:
            imm_planned += 1
            if cls in (_F, _N):
                imm_future += 1
            if cls == _N:
                imm_pending += 1
    return imm_done, imm_planned, imm_future, imm_pending, imm_keys


def _violations(raw) -> tuple[Violation, ...]:
    if not raw:
        return ()
    raw.sort(key=lambda v: (v[0], v[1], v[2], v[3]))  # trip date order, then code
    return tuple(Violation(v[3], v[4].key, v[5]) for v in raw)


def _standing(ctx: _Ctx, cadre: Cadre, trips, as_of: int) -> Standing:
    entry = ctx.group(cadre.group_code)
    required, imm_required, available, reason, exempt = _requirement(ctx, cadre, entry[0])
    done_h, fut_h, all_h, pend_h, imm_done, imm_planned, imm_future, imm_pending, imm_keys, raw = _evaluate(
        ctx, entry, trips, as_of
    )
    days_left = max(0, ctx.pe - max(as_of, ctx.ps - 1))
    # docs/domain.md §7.8
    if exempt:
        status = "exempt"
    elif done_h >= 2 * required and imm_done >= imm_required:
        status = "met"
    elif as_of >= ctx.pe:
        status = "not_met"
    elif fut_h >= 2 * required and imm_done + imm_future >= imm_required and 2 * required - done_h <= 2 * days_left:
        status = "on_track"
    else:
        status = "at_risk"
    violations = _violations(raw)
    if cadre.late_reports:
        violations += tuple(Violation("LATE_REPORT", None, f"quarter {q}") for q in sorted(set(cadre.late_reports)))
    return Standing(
        cadre.key,
        status,
        required,
        _dec(done_h),
        _dec(all_h - done_h),
        imm_required,
        imm_done,
        imm_planned,
        reason,
        violations,
        days_left,
        available,
        imm_keys,
        _dec(pend_h),
        imm_pending,
    )


# ---------------------------------------------------------------- public entry points


def compute_standing(rules: Rules, cadre: Cadre, trips: Iterable[TripFact], as_of: date) -> Standing:
    """One cadre's standing at `as_of` (docs/domain.md §6–§7)."""
    return _standing(_Ctx(rules), cadre, trips, as_of.toordinal())


def compute_all(rules: Rules, cadres: Iterable[tuple[Cadre, Sequence[TripFact]]], as_of: date) -> list[Standing]:
    """Standings of many cadres, in input order; the plan is digested once."""
    ctx = _Ctx(rules)
    a = as_of.toordinal()
    return [_standing(ctx, cadre, trips, a) for cadre, trips in cadres]


def check_trip(rules: Rules, cadre: Cadre, trip: TripFact, others: Iterable[TripFact]) -> tuple[Violation, ...]:
    """Violations a new or edited `trip` would have among the cadre's `others` (the
    registration service refuses DAYS_EXCEED_SPAN, OVERLAP, OUTSIDE_PERIOD and warns about
    the rest). Statuses are taken as given (a "done" trip is done, whatever its dates); a
    draft being checked is checked as if approved. IMMERSION_BACK_TO_BACK is also reported
    when the trip would take the place of an immersion trip that qualifies without it."""
    if _STATUS.get(trip.status) == 3:
        return ()
    if trip.status == "draft":
        trip = replace(trip, status="planned")
    ctx = _Ctx(rules)
    entry = ctx.group(cadre.group_code)
    rest = [t for t in others if t is not trip and not (trip.key is not None and t.key == trip.key)]
    raw = _evaluate(ctx, entry, [*rest, trip], _ORD_MAX)[-1]
    me = len(rest)
    out = [v for v in raw if v[2] == me]
    if ctx.gap is not None and trip.immersion and not any(v[3] == "IMMERSION_BACK_TO_BACK" for v in out):
        before = {v[2] for v in _evaluate(ctx, entry, rest, _ORD_MAX)[-1] if v[3] == "IMMERSION_BACK_TO_BACK"}
        pushed = [v for v in raw if v[3] == "IMMERSION_BACK_TO_BACK" and v[2] != me and v[2] not in before]
        if pushed:
            v = pushed[0]
            out.append((v[0], v[1], me, v[3], trip, f"{v[5]} (trip {v[4].key!r} would no longer qualify)"))
    return _violations(out)


def done_days_series(rules: Rules, trips: Iterable[TripFact], dates: Sequence[date]) -> list[Decimal]:
    """`compute_standing(...).done_days` at each of `dates`, from ONE pass over the trips (the
    dashboards' cumulative charts, docs/rules.md “Stored standings”): the counted done trips are digested once, and at
    each date those ended by then are capped as the engine caps them (docs/domain.md §7.4). Done days
    do not depend on the cadre's group or exemptions (only the status does)."""
    ctx = _Ctx(rules)
    ps, pe, counting = ctx.ps, ctx.pe, ctx.counting
    items = []
    for t in trips:
        if t.status != "done":
            continue
        s = t.start.toordinal()
        e = t.end.toordinal()
        if e < s:
            raise ValueError(f"trip {t.key!r}: ends before it starts")
        if s < ps or e > pe or t.category_code not in counting:
            continue
        try:
            h = _HALVES[t.days]
        except (KeyError, TypeError):
            h = _halves(t.days)
        span2 = 2 * (e - s + 1)
        items.append((s, e, 0, h if h <= span2 else span2, h, _D, True))
    items.sort()
    out = []
    for d in dates:
        a = d.toordinal()
        out.append(_dec(_capped([it for it in items if it[1] <= a], _DONE)))
    return out

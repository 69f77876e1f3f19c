"""Properties of the quota engine (hypothesis), checked against brute-force oracles that
work day by day instead of the engine's half-day integer arithmetic. No Django."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldwork.quota import (
    VIOLATION_CODES,
    Cadre,
    ExemptionSpan,
    GroupRules,
    Rules,
    TripFact,
    check_trip,
    compute_standing,
    done_days_series,
)

PROPERTY = settings(max_examples=150, deadline=None)


@pytest.fixture(autouse=True)
def _media_root():
    """Shadow the project's autouse settings fixture: no Django needed here."""


Y0 = date(2023, 1, 1)
COUNTING = frozenset({"1.1", "1.2", "1.3", "1.4", "1.5"})
CATEGORIES = ["1.1", "1.3", "1.5", "moi"]
TN = Rules(
    period_start=Y0,
    period_end=date(2023, 10, 25),
    min_days=60,
    groups={
        "2.1": GroupRules("2.1", focus=frozenset({"1.2", "1.5"})),
        "2.3": GroupRules("2.3", 2, Decimal(30), None, frozenset({"1.1", "1.5"})),
    },
    counting_categories=COUNTING,
)
DN = Rules(
    period_start=Y0,
    period_end=date(2023, 12, 31),
    min_days=60,
    groups={code: GroupRules(code, 2, Decimal(5), Decimal(7)) for code in ("2.1", "2.3")},
    counting_categories=COUNTING,
    immersion_min_gap_days=30,
)


def day(n: int) -> date:
    return Y0 + timedelta(days=n)


@st.composite
def plans(draw):
    base = draw(st.sampled_from([TN, DN]))
    lo = draw(st.sampled_from([None, Decimal(1), Decimal(5), Decimal(30)]))
    hi = draw(st.sampled_from([None, Decimal(7), Decimal(60)]))
    groups = {code: replace(g, immersion_min_days=lo, immersion_max_days=hi) for code, g in base.groups.items()}
    return replace(
        base,
        groups=groups,
        exemption_policy=draw(st.sampled_from(["full", "prorate"])),
        immersion_min_gap_days=draw(st.one_of(st.none(), st.integers(0, 60))),
        min_days=draw(st.sampled_from([0, 1, 30, 60, 365])),
        immersion_categories=draw(st.sampled_from([frozenset(), frozenset({"1.3"})])),
    )


@st.composite
def trips(draw, key, *, status=None, category=None, start=(-20, 380), max_len=70):
    first = draw(st.integers(*start))
    length = draw(st.integers(1, max_len))
    return TripFact(
        key=key,
        category_code=category or draw(st.sampled_from(CATEGORIES)),
        start=day(first),
        end=day(first + length - 1),
        days=Decimal(draw(st.integers(0, 2 * length + 4))) / 2,
        immersion=draw(st.booleans()),
        status=status
        or draw(st.sampled_from(["done", "done", "planned", "pending", "draft", "cancelled", "rejected"])),
        late=draw(st.booleans()),
    )


@st.composite
def trip_lists(draw, max_size=12):
    n = draw(st.integers(0, max_size))
    return [draw(trips(key=i)) for i in range(n)]


@st.composite
def cadres(draw):
    def maybe_day(lo, hi):
        return draw(st.one_of(st.none(), st.integers(lo, hi).map(day)))

    spans = []
    for _ in range(draw(st.integers(0, 2))):
        s = maybe_day(-60, 380)
        e = maybe_day(-60, 420)
        spans.append(ExemptionSpan(draw(st.sampled_from(["ke-toan", "thai-san", "hoc-tap"])), s, e))
    return Cadre(
        key="c",
        group_code=draw(st.sampled_from(["2.1", "2.3", "9.9"])),
        active_from=maybe_day(-30, 400),
        active_to=maybe_day(-30, 400),
        exemptions=tuple(spans),
    )


as_of_days = st.integers(-30, 400).map(day)


# ---------------------------------------------------------------- oracles, day by day


def period_days(rules):
    return {rules.period_start + timedelta(days=i) for i in range(rules.period_days)}


def overlaps_period(rules, span):
    s = span.start or date.min
    e = span.end or date.max
    return s <= e and s <= rules.period_end and e >= rules.period_start


def available_days(rules, cadre):
    days = {x for x in period_days(rules) if (cadre.active_from or date.min) <= x <= (cadre.active_to or date.max)}
    for span in cadre.exemptions:
        days = {x for x in days if not ((span.start or date.min) <= x <= (span.end or date.max))}
    return len(days)


def counted_oracle(rules, trip_list):
    """Counted days: each trip capped at its span; trips sharing a day (transitively) form a
    group capped at the number of days they cover."""
    counted = [
        t
        for t in trip_list
        if t.category_code in rules.counting_categories and rules.period_start <= t.start and t.end <= rules.period_end
    ]
    cover = [{t.start + timedelta(days=i) for i in range((t.end - t.start).days + 1)} for t in counted]
    groups = []  # list of (days covered, capped days)
    for days, t in zip(cover, counted, strict=True):
        merged_days, merged_sum = set(days), min(t.days, Decimal(len(days)))
        for g in [g for g in groups if g[0] & days]:
            groups.remove(g)
            merged_days |= g[0]
            merged_sum += g[1]
        groups.append((merged_days, merged_sum))
    return sum((min(s, Decimal(len(ds))) for ds, s in groups), Decimal(0))


def done_at(trip, as_of):
    return trip.status == "done" and trip.end <= as_of


def planned_at(trip, as_of):
    return trip.status in ("planned", "pending") or (trip.status == "done" and trip.end > as_of)


def pending_at(trip, as_of):
    return trip.status == "pending" and trip.end <= as_of


# ---------------------------------------------------------------- properties


@PROPERTY
@given(plans(), cadres(), trip_lists(), trips(key="extra", status="done", category="1.1"), as_of_days)
def test_adding_a_counting_done_trip_never_lowers_done_days(rules, cadre, trip_list, extra, as_of):
    before = compute_standing(rules, cadre, trip_list, as_of)
    after = compute_standing(rules, cadre, [*trip_list, extra], as_of)
    assert after.done_days >= before.done_days
    assert after.done_days + after.planned_days >= before.done_days + before.planned_days


@PROPERTY
@given(plans(), cadres(), trip_lists(max_size=20), as_of_days)
def test_done_days_never_exceed_the_period(rules, cadre, trip_list, as_of):
    s = compute_standing(rules, cadre, trip_list, as_of)
    assert 0 <= s.done_days <= rules.period_days
    assert s.planned_days >= 0
    assert s.done_days + s.planned_days <= rules.period_days
    assert s.done_days * 2 == int(s.done_days * 2)  # half-day steps


@PROPERTY
@given(plans(), cadres(), trip_lists(), as_of_days, as_of_days)
def test_moving_as_of_forward_never_unmeets(rules, cadre, trip_list, a, b):
    early, late = sorted((a, b))
    first = compute_standing(rules, cadre, trip_list, early)
    second = compute_standing(rules, cadre, trip_list, late)
    assert second.done_days >= first.done_days
    assert second.immersion_done >= first.immersion_done
    if first.status == "met":
        assert second.status == "met"


@PROPERTY
@given(plans(), cadres(), trip_lists(max_size=4), as_of_days)
def test_exempt_iff_full_policy_exemption_or_no_available_day(rules, cadre, trip_list, as_of):
    s = compute_standing(rules, cadre, trip_list, as_of)
    full_exempt = rules.exemption_policy == "full" and any(overlaps_period(rules, x) for x in cadre.exemptions)
    available = available_days(rules, cadre)
    assert (s.status == "exempt") == (full_exempt or available == 0)
    if s.status == "exempt":
        assert (s.required_days, s.immersion_required) == (0, 0)


@PROPERTY
@given(plans(), cadres(), as_of_days)
def test_requirement_is_the_prorated_formula(rules, cadre, as_of):
    s = compute_standing(rules, cadre, [], as_of)
    group = rules.groups.get(cadre.group_code, GroupRules(cadre.group_code))
    assert 0 <= s.required_days <= rules.min_days
    assert 0 <= s.immersion_required <= group.immersion_trips
    if s.status != "exempt":
        share = Fraction(available_days(rules, cadre), rules.period_days)
        assert s.available_days == available_days(rules, cadre)
        assert s.required_days == ceil(rules.min_days * share)
        assert s.immersion_required == floor(group.immersion_trips * share)
    reasons = [x for x in cadre.exemptions if overlaps_period(rules, x)]
    assert (s.exemption is None) == (not reasons)


@PROPERTY
@given(plans(), cadres(), trip_lists(), as_of_days)
def test_figures_match_the_day_by_day_oracle(rules, cadre, trip_list, as_of):
    s = compute_standing(rules, cadre, trip_list, as_of)
    done = [t for t in trip_list if done_at(t, as_of)]
    both = [t for t in trip_list if done_at(t, as_of) or planned_at(t, as_of)]
    assert s.done_days == counted_oracle(rules, done)
    assert s.done_days + s.planned_days == counted_oracle(rules, both)
    pending = [t for t in trip_list if done_at(t, as_of) or pending_at(t, as_of)]
    assert s.done_days + s.pending_days == counted_oracle(rules, pending)
    assert 0 <= s.pending_days <= s.planned_days
    assert 0 <= s.immersion_pending <= s.immersion_planned


@PROPERTY
@given(plans(), cadres(), trip_lists(), as_of_days, st.data())
def test_confirming_a_pending_trip_never_lowers_the_status(rules, cadre, trip_list, as_of, data):
    # docs/rules.md “The seeds' cycle and rules”: a pending trip counts toward on_track; confirming it can only help.
    pending = [i for i, t in enumerate(trip_list) if t.status == "pending"]
    if not pending:
        return
    i = data.draw(st.sampled_from(pending))
    confirmed = [replace(t, status="done") if j == i else t for j, t in enumerate(trip_list)]
    before = compute_standing(rules, cadre, trip_list, as_of)
    after = compute_standing(rules, cadre, confirmed, as_of)
    rank = {"exempt": 4, "met": 3, "on_track": 2, "at_risk": 1, "not_met": 1}
    assert rank[after.status] >= rank[before.status]
    assert after.done_days + after.planned_days == before.done_days + before.planned_days


@PROPERTY
@given(plans(), cadres(), trip_lists(), as_of_days)
def test_status_is_consistent_with_the_figures(rules, cadre, trip_list, as_of):
    s = compute_standing(rules, cadre, trip_list, as_of)
    met = s.done_days >= s.required_days and s.immersion_done >= s.immersion_required
    if s.status == "met":
        assert met
    elif s.status == "not_met":
        assert not met and as_of >= rules.period_end
    elif s.status in ("on_track", "at_risk"):
        assert not met and as_of < rules.period_end
        if s.status == "on_track":
            assert s.done_days + s.planned_days >= s.required_days
    else:
        assert s.status == "exempt"
    assert s.days_left == max(0, (rules.period_end - max(as_of, rules.period_start - timedelta(days=1))).days)


@PROPERTY
@given(plans(), cadres(), trip_lists(), as_of_days, st.randoms(use_true_random=False))
def test_trip_order_does_not_matter(rules, cadre, trip_list, as_of, rnd):
    shuffled = list(trip_list)
    rnd.shuffle(shuffled)
    a = compute_standing(rules, cadre, trip_list, as_of)
    b = compute_standing(rules, cadre, shuffled, as_of)
    assert (a.status, a.done_days, a.planned_days, a.immersion_done, a.immersion_planned) == (
        b.status,
        b.done_days,
        b.planned_days,
        b.immersion_done,
        b.immersion_planned,
    )
    assert sorted(v.code for v in a.violations) == sorted(v.code for v in b.violations)
    assert a == compute_standing(rules, cadre, trip_list, as_of)  # deterministic


@PROPERTY
@given(plans(), cadres(), trip_lists(), as_of_days)
def test_violations_are_known_codes_of_active_trips(rules, cadre, trip_list, as_of):
    s = compute_standing(rules, cadre, trip_list, as_of)
    assert set(s.violation_codes) <= set(VIOLATION_CODES)
    assert list(s.violation_codes) == sorted(set(s.violation_codes))
    inactive = {t.key for t in trip_list if t.status in ("cancelled", "rejected")}
    assert not any(v.trip_key in inactive for v in s.violations)
    drafts = {t.key for t in trip_list if t.status == "draft"}
    assert all(v.code == "OVERLAP" for v in s.violations if v.trip_key in drafts)


@PROPERTY
@given(plans(), cadres(), trip_lists(max_size=8), st.data())
def test_check_trip_agrees_with_the_standing(rules, cadre, trip_list, data):
    active = [t for t in trip_list if t.status in ("done", "planned", "pending")]
    if not active:
        return
    trip = data.draw(st.sampled_from(active))
    others = [t for t in trip_list if t is not trip]
    checked = {v.code for v in check_trip(rules, cadre, trip, others)} - {"IMMERSION_BACK_TO_BACK"}
    s = compute_standing(rules, cadre, trip_list, date(9999, 12, 31))
    in_standing = {v.code for v in s.violations if v.trip_key == trip.key} - {"IMMERSION_BACK_TO_BACK"}
    assert checked == in_standing


@PROPERTY
@given(plans(), cadres(), trip_lists(max_size=16), st.lists(as_of_days, min_size=1, max_size=14))
def test_done_days_series_equals_the_engine_at_each_date(rules, cadre, trip_list, dates):
    """docs/rules.md “Stored standings”: the dashboards' month-by-month series comes from one pass over the trips;
    at every date it is exactly the engine's done_days."""
    assert done_days_series(rules, trip_list, dates) == [
        compute_standing(rules, cadre, trip_list, d).done_days for d in dates
    ]

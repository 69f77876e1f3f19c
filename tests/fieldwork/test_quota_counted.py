"""Days per quarter by the quarter a trip starts in (fieldwork/quota/counted.py, docs/domain.md §7.7):
the per-trip counted days add up to the engine's done_days, whatever the trips."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given

from fieldwork.quota import Cadre, TripFact, compute_standing
from fieldwork.quota.counted import counted_done_days, done_days_by_quarter
from tests.fieldwork.test_quota_properties import PROPERTY, TN, as_of_days, cadres, plans, trip_lists


@pytest.fixture(autouse=True)
def _media_root():
    """No Django needed."""


@PROPERTY
@given(plans(), cadres(), trip_lists(), as_of_days)
def test_quarters_add_up_to_the_engines_done_days(rules, cadre, trip_list, as_of):
    standing = compute_standing(rules, cadre, trip_list, as_of)
    assert sum(counted_done_days(rules, trip_list, as_of).values(), Decimal(0)) == standing.done_days
    assert sum(done_days_by_quarter(rules, trip_list, as_of).values(), Decimal(0)) == standing.done_days


def trip(key, start, end, days, status="done", category="1.1"):
    return TripFact(key=key, category_code=category, start=start, end=end, days=Decimal(days), status=status)


def test_a_trip_counts_in_the_quarter_it_starts_in():
    trips = [
        trip(1, date(2023, 3, 25), date(2023, 4, 10), "12"),  # starts in quarter I, ends in II
        trip(2, date(2023, 5, 2), date(2023, 5, 3), "2"),
        trip(3, date(2023, 6, 1), date(2023, 6, 1), "1", status="planned"),
        trip(4, date(2023, 6, 5), date(2023, 6, 5), "1", category="moi"),
    ]
    assert done_days_by_quarter(TN, trips, date(2023, 6, 30)) == {1: Decimal(12), 2: Decimal(2)}
    # Before it ends the trip is not done: nothing in quarter I yet.
    assert done_days_by_quarter(TN, trips, date(2023, 4, 5)) == {}


def test_an_overlapping_group_gives_its_cap_in_date_order():
    trips = [
        trip("a", date(2023, 3, 30), date(2023, 4, 2), "4"),
        trip("b", date(2023, 4, 1), date(2023, 4, 3), "3"),
    ]
    # Union 30/3–3/4 = 5 calendar days: a gets its 4, b the 1 left.
    assert counted_done_days(TN, trips, date(2023, 6, 30)) == {"a": Decimal(4), "b": Decimal(1)}
    assert done_days_by_quarter(TN, trips, date(2023, 6, 30)) == {1: Decimal(4), 2: Decimal(1)}
    standing = compute_standing(TN, Cadre(key="c", group_code="2.3"), trips, date(2023, 6, 30))
    assert standing.done_days == Decimal(5)

"""fieldwork.selectors: the one place figures come from, in a constant number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from fieldwork.models import Category, Exemption, ExemptionReason, Trip
from fieldwork.selectors import cadre_people, current_plan, rules_for, standing_for, standings
from fieldwork.selectors.plans import plan_affected
from fieldwork.services.trips import ImportedTrip, create_imported_trips
from fieldwork.trip_fields import TripInput
from tests.factories import UserFactory, make_plan, make_trip


def _many(people, n, prefix):
    for i in range(n):
        u = UserFactory(department=people["d1"], full_name=f"Nguyễn Văn {prefix} {i}", email=f"{prefix}{i}@tn.vn")
        make_trip(people["plan"], u, start=date(2023, 3, 1), end=date(2023, 3, 2), days="2")
        make_trip(
            people["plan"], u, start=date(2023, 9, 1), end=date(2023, 9, 2), days="2", status=Trip.Status.APPROVED
        )


def test_standings_queries_do_not_grow_with_cadres(people, django_assert_num_queries):
    _many(people, 5, "a")
    with django_assert_num_queries(7):
        rows = standings(people["plan"], date(2023, 6, 30))
    assert len(rows) == 9 + 5
    _many(people, 60, "b")
    with django_assert_num_queries(7):
        rows = standings(people["plan"], date(2023, 6, 30))
    assert len(rows) == 9 + 65
    row = next(r for r in rows if r.person.email == "b7@tn.vn")
    assert (row.standing.done_days, row.standing.planned_days, row.status) == (Decimal("2"), Decimal("2"), "at_risk")


def test_rules_for_and_people(people):
    rules = rules_for(people["plan"])
    assert rules.counting_categories == frozenset({"1.1", "1.2", "1.3", "1.4", "1.5"})
    assert rules.groups["2.3"].immersion_trips == 2 and rules.groups["2.3"].immersion_min_days == Decimal("30")
    left = UserFactory(department=people["d1"], full_name="Đã Nghỉ", email="nghi@tn.vn", active_to=date(2022, 12, 31))
    nogroup = UserFactory(department=people["d1"], full_name="Không Nhóm", email="kn@tn.vn", group_code="")
    emails = set(cadre_people(people["plan"]).values_list("email", flat=True))
    assert left.email not in emails and nogroup.email not in emails and "la@khac.vn" not in emails and len(emails) == 9


def test_standing_for_with_extra_trips(people):
    from fieldwork.quota import engine

    extra = [
        engine.TripFact(
            key="x",
            category_code="1.1",
            start=date(2023, 8, 1),
            end=date(2023, 8, 10),
            days=Decimal("10"),
            status="planned",
        )
    ]
    s = standing_for(people["plan"], people["cadre"], date(2023, 6, 30), extra_trips=extra)
    assert (s.done_days, s.planned_days) == (Decimal("0"), Decimal("10"))


def test_current_plan(people):
    org = people["org"]
    assert current_plan(org.pk, date(2023, 5, 1)) == people["plan"]
    assert current_plan(org.pk, date(2026, 5, 1)) == people["plan"]  # the most recent
    assert current_plan(-1) is None


def test_plan_affected_queries(people, django_assert_max_num_queries):
    UserFactory(department=people["d2"], full_name="Lý Thị Kế", email="ke@tn.vn", position="kế toán ")  # case, spaces
    Exemption.objects.create(
        person=people["cadre2"],
        reason=ExemptionReason.objects.get(plan=people["plan"], code="thai-san"),
        start=date(2023, 1, 1),
        end=date(2023, 2, 1),
        status="approved",
    )
    # A count and a query per group and per reason: the plan's rules, not its people.
    with django_assert_max_num_queries(16):
        a = plan_affected(people["plan"])
        positions = {r.code: [p.email for p in holders] for r, holders in a.position_reasons}
        individual = {r.code: [e.person.email for e in items] for r, items in a.individual_reasons}
    assert positions["ke-toan"] == ["ke@tn.vn"] and individual["thai-san"] == ["em@tn.vn"]


def test_create_imported_trips_refuses_another_plans_category(people):
    other_cat = Category.objects.get(plan=people["other_plan"], code="1.1")
    data = TripInput(
        category=other_cat, start=date(2023, 3, 1), end=date(2023, 3, 1), days=Decimal("1"), location="Xã A"
    )
    with pytest.raises(ValidationError):
        create_imported_trips(actor=None, plan=people["plan"], trips=[ImportedTrip(person=people["cadre"], data=data)])
    assert Trip.objects.count() == 0


def test_another_plan_is_separate(db):
    plan = make_plan("da-nang-2023")
    u = UserFactory(department__organization=plan.organization, full_name="Phan Văn Một", email="mot@dn.vn")
    make_trip(plan, u, category="1.3", start=date(2023, 2, 1), end=date(2023, 2, 5), days="5", immersion=True)
    (row,) = standings(plan, date(2023, 12, 31))
    assert (row.person, row.standing.immersion_done, row.standing.status) == (
        User.objects.get(email="mot@dn.vn"),
        1,
        "not_met",
    )


def test_the_collector_is_paused_only_while_standings_are_built(people):
    """gc_paused (bench/quota.py: 0.4 s of 1.8 s at 10,000 cadres) gives the collector back on
    the way out, also when the build fails, and leaves it off when the caller had it off."""
    import gc

    from fieldwork.selectors.standing import gc_paused

    seen = []

    @gc_paused
    def build(fail=False):
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("x")
        return standings(people["plan"], date(2023, 6, 30))

    assert gc.isenabled()
    assert len(build()) > 0 and seen == [False] and gc.isenabled()
    with pytest.raises(ValueError):
        build(fail=True)
    assert gc.isenabled()
    gc.disable()
    try:
        build()
        assert not gc.isenabled()
    finally:
        gc.enable()

"""Every selector that takes a set of people or ids works on an empty one (a Board member with
nobody to list, a department with no cadre): an empty answer, never an error — and never "all"."""

from datetime import date

import pytest

from accounts.models import User
from fieldwork.models import StoredStanding
from fieldwork.selectors import cadre_people, standings
from fieldwork.selectors.coverage import visit_groups
from fieldwork.selectors.departments import period_standings
from fieldwork.selectors.standing import standing_inputs, standings_series
from fieldwork.stored import changes as stored_standings
from fieldwork.stored import coverage as stored_coverage
from fieldwork.stored.plan_refresh import refresh_chunk


@pytest.fixture
def plan(report_data, people):
    return people["plan"]


@pytest.mark.parametrize("empty", [[], User.objects.none()], ids=["list", "queryset"])
def test_standings_of_nobody(plan, empty):
    people = empty if isinstance(empty, list) else User.objects.none()
    assert standings(plan, date(2023, 6, 30), people=people) == []
    assert standings_series(plan, [date(2023, 3, 31), date(2023, 6, 30)], people=people) == [[], []]
    _rules, listed, inputs = standing_inputs(plan, people=people)
    assert list(listed) == [] and list(inputs) == []
    assert period_standings(plan, date(2023, 6, 30), people=cadre_people(plan).none()).rows == []
    assert standings(plan, date(2023, 6, 30))  # not "everyone": the full call still has rows


def test_coverage_and_stored_rows_of_nobody(plan):
    from fieldwork.selectors.coverage import ward_index

    before = StoredStanding.objects.filter(plan=plan).count()
    assert list(visit_groups(plan, ward_index(None), person_ids=[])) == []
    assert stored_standings.refresh(plan, []) == 0
    stored_coverage.refresh(plan, [])
    stored_standings.trips_changed(plan.pk, [])
    assert refresh_chunk(plan, []) == 0
    assert StoredStanding.objects.filter(plan=plan).count() == before


def test_reminder_day_of_nobody(plan):
    from fieldwork.reminders.selectors import _PlanDay

    day = _PlanDay(plan, date(2023, 2, 8), people=[])
    assert day.rows == [] and day.owing_cadres == [] and day.departments == []


def test_year_end_remarks_page_of_an_approver_with_nobody_to_remark_on(client, people, plan):
    """The page that answered 500 (an empty `pk__in` reaching the raw trip read): the head of a
    department with no other member."""
    from django.urls import reverse

    from tests.factories import DepartmentFactory, UserFactory

    lonely = UserFactory(
        department=DepartmentFactory(organization=people["org"], name="Ban mới"),
        email="moi@tn.vn",
        group_code="2.2",
        roles=["cadre", "head", "board"],
    )
    client.force_login(lonely)
    resp = client.get(reverse("reports:remarks") + "?year=2023")
    assert resp.status_code == 200

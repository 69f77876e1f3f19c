"""A page's cost must not grow with the organization (docs/style.md “Query budgets are pinned”):
one table of page → most queries, measured on the demo organization, then after it has grown a
little (one more cadre in every department, with trips and a registration waiting for approval:
no list of the page is empty any more) and after it has grown more (eight more in every
department): the count stays within the budget, and the larger organization costs no more
queries than the smaller.

Each page is opened once before it is measured, so the count is the page's steady cost (the
session, the caches and stored figures already warm).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.architecture.url_roles import PERSONAS
from tests.demo_db import demo_loaded

# (persona of tests/architecture/url_roles.py, URL name) → the most queries the page may make: the
# count on the demo organization when the table was written, plus two.
BUDGETS = {
    ("cadre", "fieldwork:cadre_dashboard"): 18,
    ("cadre", "fieldwork:my_trips"): 11,
    ("cadre", "fieldwork:my_standing"): 30,
    ("cadre", "fieldwork:registrations"): 19,
    ("cadre", "fieldwork:calendar"): 9,
    ("cadre", "reports:jobs"): 9,
    ("head", "fieldwork:department_home"): 36,
    ("head", "fieldwork:approvals"): 11,
    ("head", "fieldwork:trips_to_confirm"): 10,
    ("head", "fieldwork:standings"): 15,
    ("head", "fieldwork:quarter_reports_overview"): 11,
    ("head", "fieldwork:registrations"): 19,
    ("board", "fieldwork:organization_dashboard"): 22,
    ("board", "fieldwork:standings"): 16,
    ("board", "fieldwork:coverage"): 14,
    ("board", "fieldwork:quarter_reports_overview"): 11,
    ("board", "fieldwork:exemptions"): 19,
    ("board", "fieldwork:plans"): 10,
    ("board", "accounts:people"): 14,
    ("board", "reports:jobs"): 9,
    ("board", "reports:quarter"): 13,
    ("board", "reports:year_end"): 13,
    ("deputy", "fieldwork:approvals"): 13,
    ("secretary", "fieldwork:approvals"): 13,
    ("secretary", "fieldwork:organization_dashboard"): 21,
}


NEW_NAME = "Cán Bộ Mới"
# Pages that list the new cadres: the growth is seen there (else the test would measure nothing).
LISTS_THE_NEW_CADRES = {
    ("head", "fieldwork:approvals"),
    ("head", "fieldwork:trips_to_confirm"),
    ("head", "fieldwork:standings"),
    ("head", "fieldwork:department_home"),
    ("board", "fieldwork:standings"),
    ("board", "fieldwork:organization_dashboard"),
    ("board", "accounts:people"),
}


def _grow(plan, cadres_per_department: int) -> None:
    """More cadres in every department of the plan's organization, each with a done trip, a
    reported trip waiting for confirmation and a registration waiting for approval."""
    from accounts.models import Department
    from fieldwork.models import Registration, Trip
    from fieldwork.quarters import WHOLE_YEAR
    from tests.factories import UserFactory, make_trip

    quarter = WHOLE_YEAR if plan.registration_cycle == "annual" else 4
    year = plan.year
    for department in Department.objects.filter(organization=plan.organization):
        for _ in range(cadres_per_department):
            i = Registration.objects.filter(person__department=department).count()
            person = UserFactory(department=department, full_name=f"{NEW_NAME} {department.pk}-{i}")
            make_trip(plan, person, start=date(year, 3, 2 + i % 20), days="1")
            make_trip(plan, person, start=date(year, 10, 2 + i % 20), days="1", status=Trip.Status.REPORTED)
            Registration.objects.create(plan=plan, person=person, quarter=quarter, status="submitted")


def _measure(users) -> dict:
    client = Client()
    out = {}
    for persona, name in BUDGETS:
        client.force_login(users[persona])
        url = reverse(name)
        client.get(url)  # warm: session, caches, stored figures
        with CaptureQueriesContext(connection) as queries:
            resp = client.get(url)
        assert resp.status_code == 200, f"{persona} {name}: {resp.status_code}"
        out[persona, name] = len(queries), resp.content.decode().count(NEW_NAME)
    return out


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """Query counts of every page of BUDGETS: the demo organization, grown a little, grown more."""
    with demo_loaded(django_db_blocker):
        from accounts.models import User
        from fieldwork.models import Plan

        users = {p: User.objects.get(email=e) for p, e in PERSONAS.items() if e}
        plan = Plan.objects.filter(organization=users["board"].organization).order_by("-year").first()
        demo = _measure(users)
        _grow(plan, 1)
        small = _measure(users)
        _grow(plan, 8)
        yield demo, small, _measure(users)


@pytest.mark.parametrize(("persona", "name"), sorted(BUDGETS))
def test_page_within_its_query_budget_at_any_size(counts, db, persona, name):
    (demo, _), (small, shown_small), (large, shown_large) = (c[persona, name] for c in counts)
    print(f"{persona:10} {name:40} {demo:4} {small:4} {large:4}")
    if (persona, name) in LISTS_THE_NEW_CADRES:
        assert shown_large > shown_small > 0, f"{name} as {persona} does not show the new cadres"
    assert max(demo, small) <= BUDGETS[persona, name], f"{name} as {persona}: {demo} queries, then {small}"
    assert large <= small, f"{name} as {persona}: {small} queries, {large} once the organization grew"

"""The approver's inbox: three lists, each paginated on its own, filtered by year, quarter and
department, with a query budget over more than 40 items per list."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fieldwork.models import ChangeRequest, DepartmentPlan, Trip
from tests.factories import DepartmentFactory, make_trip

from .registration_helpers import fast_passwords, quarterly_people  # noqa: F401

pytestmark = pytest.mark.django_db
INBOX = "/phe-duyet/"


def _pending_changes(plan, person, n, *, first=date(2023, 1, 2), step=6):
    """n approved trips of `person`, one every `step` days from `first`, each with a pending
    cancel request; returns the requests in the inbox's order (oldest first)."""
    out = []
    for i in range(n):
        start = first + timedelta(days=step * i)
        trip = make_trip(plan, person, start=start, days="1", status=Trip.Status.APPROVED)
        out.append(
            ChangeRequest.objects.create(
                trip=trip, kind=ChangeRequest.Kind.CANCEL, reason=f"Lý do số {i:02d}", requested_by=person
            )
        )
    return out


def _changes_on_page(html) -> list[str]:
    return [part.split("</div>")[0] for part in html.split("Lý do:")[1:]]


def test_change_requests_page_independently_of_registrations(client, people, django_assert_max_num_queries):
    plan, head = people["plan"], people["head"]
    # 45 requests of two cadres of the head's department, Jan–Sep 2023 (every 6 days)
    _pending_changes(plan, people["cadre"], 30)
    _pending_changes(plan, people["cadre2"], 15, first=date(2023, 7, 3))
    client.force_login(head)
    with django_assert_max_num_queries(15):
        resp = client.get(INBOX)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.count('data-testid="change-row"') == 25
    assert 'data-testid="count-changes">45<' in html
    assert 'data-testid="inbox-total">45<' in html
    assert "?cr_page=2" in html and "Trang 1/2" in html
    assert 'data-testid="pagination-page"' not in html  # registrations: nothing to page
    with django_assert_max_num_queries(15):
        resp = client.get(INBOX, {"cr_page": 2})
    html = resp.content.decode()
    assert html.count('data-testid="change-row"') == 20
    assert "Lý do số 29" in html and "Lý do số 24" not in html  # oldest first, 25 per page
    assert "Trang 2/2" in html


def test_inbox_quarter_filter_keeps_filters_in_page_links(client, people):
    plan, head = people["plan"], people["head"]
    crs = _pending_changes(plan, people["cadre"], 45, first=date(2023, 1, 2), step=2)  # 02/01 … 29/03: quarter I
    _pending_changes(plan, people["cadre2"], 5, first=date(2023, 4, 3))  # quarter II
    client.force_login(head)
    html = client.get(INBOX, {"quarter": 2}).content.decode()
    assert html.count('data-testid="change-row"') == 5 and 'data-testid="count-changes">5<' in html
    html = client.get(INBOX, {"quarter": 1, "year": 2023}).content.decode()
    assert 'data-testid="count-changes">45<' in html
    # the next-page link keeps the filters
    assert "quarter=1&amp;year=2023&amp;cr_page=2" in html
    html = client.get(INBOX, {"quarter": 1, "year": 2023, "cr_page": 2}).content.decode()
    assert html.count('data-testid="change-row"') == 20
    assert crs[-1].reason in html
    # a filter that matches nothing, and nonsense that is ignored
    assert 'data-testid="count-changes">0<' in client.get(INBOX, {"year": 2024}).content.decode()
    html = client.get(INBOX, {"quarter": 9, "cr_page": "x"}).content.decode()
    assert 'data-testid="count-changes">50<' in html and html.count('data-testid="change-row"') == 25


def test_deciding_returns_to_the_same_filters_and_page(client, people):
    plan, head = people["plan"], people["head"]
    crs = _pending_changes(plan, people["cadre"], 30, step=2)
    client.force_login(head)
    resp = client.post(
        f"/de-nghi/{crs[27].pk}/quyet-dinh/",
        {"action": "approve", "back": "quarter=1&cr_page=2&evil=http://x"},
    )
    assert resp.status_code == 302 and resp["Location"] == "/phe-duyet/?quarter=1&cr_page=2"
    crs[27].refresh_from_db()
    assert crs[27].status == ChangeRequest.Status.APPROVED
    assert crs[27].trip.__class__.objects.get(pk=crs[27].trip_id).status == Trip.Status.CANCELLED


def test_department_plans_page_and_filter_for_the_standing_committee(client, people, django_assert_max_num_queries):
    plan, org, deputy = people["plan"], people["org"], people["deputy"]
    departments = [DepartmentFactory(organization=org, name=f"Ban số {i:02d}") for i in range(12)]
    now = timezone.now()
    for d in departments:
        for q in (1, 2, 3, 4):  # 48 plans waiting
            DepartmentPlan.objects.create(
                plan=plan,
                department=d,
                quarter=q,
                status=DepartmentPlan.Status.SUBMITTED,
                submitted_by=people["head"],
                submitted_at=now,
            )
    own = DepartmentPlan.objects.create(
        plan=plan, department=people["d2"], quarter=1, status=DepartmentPlan.Status.SUBMITTED, submitted_by=deputy
    )
    # 42 change requests of the two heads (their approver is the Standing Committee)
    _pending_changes(plan, people["head"], 30)
    _pending_changes(plan, people["head2"], 12, first=date(2023, 8, 1), step=3)
    client.force_login(deputy)
    with django_assert_max_num_queries(15):
        resp = client.get(INBOX)
    html = resp.content.decode()
    assert html.count('data-testid="department-plan-row"') == 25
    assert html.count('data-testid="change-row"') == 25
    assert 'data-testid="count-department-plans">48<' in html  # not the one the deputy sent
    assert f"/ke-hoach-ban/{own.department_id}/quy-1/" not in html
    assert "?dp_page=2" in html and "?cr_page=2" in html
    # paging one list leaves the other on its first page
    with django_assert_max_num_queries(15):
        html = client.get(INBOX, {"dp_page": 2}).content.decode()
    assert html.count('data-testid="department-plan-row"') == 23
    assert html.count('data-testid="change-row"') == 25
    # filters: one department, one quarter
    html = client.get(INBOX, {"department": departments[3].pk}).content.decode()
    assert html.count('data-testid="department-plan-row"') == 4 and 'data-testid="count-changes">0<' in html
    html = client.get(INBOX, {"quarter": 3}).content.decode()
    assert 'data-testid="count-department-plans">12<' in html
    assert 'data-testid="count-changes">12<' in html  # the head's trips are in quarters I–II
    html = client.get(INBOX, {"department": people["d2"].pk, "quarter": 3}).content.decode()
    assert 'data-testid="count-changes">12<' in html and 'data-testid="count-department-plans">0<' in html
    html = client.get(INBOX, {"department": people["d1"].pk}).content.decode()
    assert 'data-testid="count-changes">30<' in html
    # a head never gets another department through the filter
    client.force_login(people["head2"])
    html = client.get(INBOX, {"department": people["d1"].pk}).content.decode()
    assert 'data-testid="count-changes">0<' in html and 'data-testid="department-plan-row"' not in html

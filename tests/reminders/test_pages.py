"""Where reminders show (docs/rules.md “Reminders, digests and delegation of approval”): the Board's log, the bell, the email preference, each
person's next deadlines."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from fieldwork.models import Registration
from fieldwork.reminders import services
from fieldwork.reminders.models import SentReminder
from tests.access import assert_access

from .conftest import at_noon, run_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def annual(org_people):
    org_people["plan"].registration_cycle = "annual"
    org_people["plan"].save()
    return org_people


def test_log_access_filters_and_pagination(annual, client):
    p = annual
    run_days(p["org"].pk, date(2023, 2, 8), date(2023, 2, 16))
    # The other organization's reminders never show in ours (its plan, the Tây Ninh template,
    # is annual too: 7 days before its mẫu 1 of 15/02).
    run_days(p["stranger"].organization_id, date(2023, 2, 8), date(2023, 2, 8))
    url = reverse("fieldwork:reminder_log")
    assert_access(client, url, allowed=[p["board"]], forbidden=[p["cadre"], p["head"], p["secretary"]])
    client.force_login(p["board"])
    ours = SentReminder.objects.filter(organization=p["org"]).count()
    assert SentReminder.objects.exclude(organization=p["org"]).exists()
    resp = client.get(url)
    assert resp.context["page"].paginator.count == ours and len(resp.context["page"]) == min(ours, 25)
    assert "la@khac.vn" not in resp.content.decode()
    resp = client.get(url, {"kind": "registration_late"})
    assert {r.kind for r in resp.context["page"]} == {"registration_late"}
    resp = client.get(url, {"q": "Lê Văn Em"})
    assert {r.person.email for r in resp.context["page"]} == {"em@tn.vn"}
    assert [r.as_of for r in resp.context["page"]] == [date(2023, 2, 15), date(2023, 2, 14), date(2023, 2, 8)]
    resp = client.get(url, {"since": "2023-02-14", "until": "2023-02-14"})
    assert {r.as_of for r in resp.context["page"]} == {date(2023, 2, 14)}
    resp = client.get(url, {"page": 2})
    assert resp.status_code == 200 and resp.context["page"].number == (2 if ours > 25 else 1)


def test_bell_lists_reminders_with_their_link(annual, client):
    run_days(annual["org"].pk, date(2023, 2, 8), date(2023, 2, 8))
    client.force_login(annual["cadre2"])
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert "Nhắc việc: Bản đăng ký đi cơ sở (mẫu 1) năm 2023 gửi trước ngày 15/02/2023" in page
    assert 'href="/dang-ky/?year=2023"' in page


def test_preferences_page(annual, client):
    url = reverse("fieldwork:reminder_preferences")
    assert_access(client, url, allowed=[annual["cadre"], annual["board"]])
    client.force_login(annual["cadre"])
    assert client.post(url, {}).status_code == 302  # the box unticked: email off
    assert services.wants_email(annual["cadre"]) is False
    assert client.get(url).context["form"].initial == {
        "email": False,
        "deadlines_app": False,
        "digests_email": False,
        "digests_app": False,
    }
    client.post(url, {"email": "on"})
    assert services.wants_email(annual["cadre"]) is True


def test_next_deadlines_on_my_page(annual, client):
    p = annual
    url = reverse("fieldwork:my_standing") + "?year=2023"
    with time_machine.travel(at_noon(date(2023, 2, 10)), tick=False):
        client.force_login(p["head"])
        deadlines = client.get(url).context["deadlines"]
        assert [(d.label, d.date) for d in deadlines] == [
            ("mẫu 1 năm 2023", date(2023, 2, 15)),
            ("mẫu 2 năm 2023", date(2023, 2, 20)),
            ("mẫu 3 quý I/2023", date(2023, 3, 27)),
            ("mẫu 3 quý II/2023", date(2023, 6, 27)),
            ("mẫu 3 quý III/2023", date(2023, 9, 27)),
        ]
        # A cadre owes only mẫu 1; once submitted, nothing; the exempt archivist nothing.
        client.force_login(p["cadre"])
        assert [d.label for d in client.get(url).context["deadlines"]] == ["mẫu 1 năm 2023"]
        Registration.objects.create(plan=p["plan"], person=p["cadre"], quarter=0, status="submitted")
        page = client.get(url)
        assert page.context["deadlines"] == [] and "Bạn không còn việc nào đến hạn." in page.content.decode()
        client.force_login(p["exempt"])
        assert client.get(url).context["deadlines"] == []
    with time_machine.travel(at_noon(date(2023, 2, 17)), tick=False):
        client.force_login(p["cadre2"])
        (late,) = client.get(url).context["deadlines"]
        assert late.late and late.date == date(2023, 2, 15)


@pytest.mark.parametrize("n", [3, 40])
def test_query_budgets_do_not_grow(annual, client, n, django_assert_max_num_queries):
    from accounts.models import Delegation
    from tests.factories import UserFactory

    p = annual
    for i in range(n):
        u = UserFactory(department=p["d1"], full_name=f"Cán Bộ Thứ {i}", email=f"cb{i}@tn.vn")
        SentReminder.objects.create(
            organization=p["org"],
            person=u,
            kind="registration_due",
            key=f"k{i}",
            as_of=date(2023, 2, 8),
            subject="Nhắc việc",
            body="…",
        )
        Delegation.objects.create(
            organization=p["org"],
            delegator=p["head"] if i % 2 else p["head2"],
            deputy=u,
            start=date(2023, 2, 1),
            end=date(2023, 2, 28),
        )
    client.force_login(p["board"])
    with time_machine.travel(at_noon(date(2023, 2, 10)), tick=False):
        with django_assert_max_num_queries(12):
            assert client.get(reverse("fieldwork:reminder_log")).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(reverse("fieldwork:delegations")).status_code == 200
        client.force_login(p["head"])
        # +1: the person's returned trip reports (docs/rules.md “A year in the life”).
        with django_assert_max_num_queries(31):
            assert client.get(reverse("fieldwork:my_standing") + "?year=2023").status_code == 200

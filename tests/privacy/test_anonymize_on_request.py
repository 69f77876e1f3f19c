"""Deletion on request (docs/privacy.md): an administrator anonymizes a person who has left, before
the retention period ends, with a recorded reason; a person still working cannot be, and the page
says why."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from fieldwork.models import HistoryEntry
from tests.access import assert_access
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
REASON = "Theo đơn đề nghị xóa dữ liệu ngày 05/01/2027"


@pytest.fixture
def admin(people):
    return UserFactory(department=people["d2"], full_name="Trịnh Quản Trị", email="qt@tn.vn", roles=["cadre", "admin"])


def test_a_person_still_working_cannot_be_anonymized_and_the_page_says_why(client, people, admin):
    url = reverse("fieldwork:person_anonymize", args=[people["cadre"].pk])
    client.force_login(admin)
    html = client.get(url).content.decode()
    assert 'data-testid="why-not"' in html and "vẫn đang công tác" in html and 'data-testid="anonymize"' not in html
    resp = client.post(url, {"reason": REASON})
    assert resp.status_code == 400 and "vẫn đang công tác" in resp.content.decode()
    assert User.objects.get(pk=people["cadre"].pk).anonymized_at is None
    # An end date in the future is still working.
    User.objects.filter(pk=people["cadre"].pk).update(active_to=timezone.localdate() + timedelta(days=3))
    assert client.post(url, {"reason": REASON}).status_code == 400


def test_a_person_who_left_is_anonymized_with_the_reason_recorded(client, people, admin):
    dung = people["cadre"]
    User.objects.filter(pk=dung.pk).update(active_to=date(2024, 12, 31), is_active=False)
    url = reverse("fieldwork:person_anonymize", args=[dung.pk])
    client.force_login(admin)
    html = client.get(reverse("fieldwork:person_edit", args=[dung.pk])).content.decode()
    assert 'data-testid="anonymize-link"' in html
    resp = client.post(url, {"reason": "ngắn"})
    assert resp.status_code == 400 and "ít nhất" in resp.content.decode()
    resp = client.post(url, {"reason": REASON})
    assert resp.status_code == 302
    dung.refresh_from_db()
    assert dung.full_name.startswith("Cán bộ ẩn danh") and dung.anonymized_at is not None
    entry = HistoryEntry.objects.get(object_type="person", object_id=dung.pk)
    assert (entry.action, entry.comment, entry.actor) == ("anonymized", REASON, admin)
    html = client.get(url).content.decode()
    assert "đã được ẩn danh" in html  # a second time: says so


def test_only_an_administrator_of_the_organization(client, people, admin):
    dung = people["cadre"]
    User.objects.filter(pk=dung.pk).update(active_to=date(2024, 12, 31))
    url = reverse("fieldwork:person_anonymize", args=[dung.pk])
    assert_access(
        client,
        url,
        allowed=[admin],
        forbidden=[people["board"], people["secretary"], people["inspector"], people["head"], dung],
        not_found=[people["stranger"]],
    )
    # Not oneself (403); a superuser is nobody's member (accounts.selectors.members: 404).
    User.objects.filter(pk=admin.pk).update(active_to=date(2024, 12, 31))
    client.force_login(admin)
    assert client.get(reverse("fieldwork:person_anonymize", args=[admin.pk])).status_code == 403
    boss = UserFactory(department=people["d2"], email="boss@tn.vn", roles=["cadre"], is_superuser=True, is_staff=True)
    User.objects.filter(pk=boss.pk).update(active_to=date(2024, 12, 31))
    assert client.get(reverse("fieldwork:person_anonymize", args=[boss.pk])).status_code == 404

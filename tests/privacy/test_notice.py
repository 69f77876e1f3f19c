"""Notice and consent (docs/privacy.md): at the first page, and whenever the notice's version changes,
a person reads it and confirms; the confirmation is recorded with its time and version; the notice is
one click away on every page and readable without logging in; the demo accounts have confirmed it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts import privacy
from accounts.models import Consent, User
from tests.access import assert_access
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def newcomer(people):
    return UserFactory(department=people["d1"], full_name="Lâm Thị Mới", email="moi@tn.vn", notice_version="")


def test_the_first_page_is_the_notice_and_confirming_is_recorded(client, newcomer):
    client.force_login(newcomer)
    target = reverse("fieldwork:my_trips") + "?year=2023"
    resp = client.get(target)
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("accounts:notice"))
    page = client.get(resp["Location"])
    html = page.content.decode()
    assert 'data-testid="must-confirm"' in html and 'name="photo_evidence"' in html
    assert "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15" in html and privacy.NOTICE_VERSION in html
    # Fragments and forms are not held back; the notice itself and logging out never are.
    assert client.get(target, HTTP_HX_REQUEST="true").status_code == 200
    resp = client.post(reverse("accounts:notice"), {"next": target})
    assert resp.status_code == 302 and resp["Location"] == target
    newcomer.refresh_from_db()
    assert newcomer.notice_version == privacy.NOTICE_VERSION and newcomer.photo_evidence is False
    answers = list(Consent.objects.filter(person=newcomer).values_list("kind", "version", "given"))
    assert sorted(answers) == [
        ("notice", privacy.NOTICE_VERSION, True),
        ("photo_evidence", privacy.NOTICE_VERSION, False),
    ]
    assert client.get(target).status_code == 200


def test_the_evidence_question_is_asked_once_and_separately(client, newcomer, settings):
    client.force_login(newcomer)
    client.post(reverse("accounts:notice"), {"photo_evidence": "1"})
    newcomer.refresh_from_db()
    assert newcomer.photo_evidence is True
    # A new version of the notice: read and confirm again, but the question is not asked again.
    User.objects.filter(pk=newcomer.pk).update(notice_version="2025-01")
    html = client.get(reverse("accounts:notice")).content.decode()
    assert "Thông báo đã thay đổi" in html and 'name="photo_evidence"' not in html
    client.post(reverse("accounts:notice"))
    newcomer.refresh_from_db()
    assert newcomer.photo_evidence is True
    assert Consent.objects.filter(person=newcomer, kind="notice").count() == 2
    assert Consent.objects.filter(person=newcomer, kind="photo_evidence").count() == 1


def test_a_changed_version_asks_everyone_again(client, people, monkeypatch):
    monkeypatch.setattr(privacy, "NOTICE_VERSION", "2099-01")
    client.force_login(people["board"])
    resp = client.get(reverse("accounts:people"))
    assert resp.status_code == 302 and reverse("accounts:notice") in resp["Location"]


def test_the_notice_is_one_click_away_and_public(client, people):
    resp = client.get(reverse("accounts:notice"))
    assert resp.status_code == 200 and "91/2025/QH15" in resp.content.decode()
    login = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:notice") in login
    client.force_login(people["cadre"])
    html = client.get(reverse("fieldwork:my_trips") + "?year=2023").content.decode()
    assert 'data-testid="footer"' in html and reverse("accounts:notice") in html and reverse("reports:my_data") in html
    notice = client.get(reverse("accounts:notice")).content.decode()
    assert 'data-testid="confirmed"' in notice and 'data-testid="confirm-form"' not in notice


def test_the_demo_accounts_have_confirmed(db):
    call_command("load_demo", stdout=io.StringIO())
    people = User.objects.filter(email__endswith=".test")
    assert people.exists()
    assert set(people.values_list("notice_version", flat=True)) == {privacy.NOTICE_VERSION}
    assert Consent.objects.filter(person__in=people, kind="notice").count() == people.count()


def test_the_register_and_the_notice_say_the_same_version():
    register = (ROOT / "docs/privacy.md").read_text(encoding="utf-8")
    assert re.search(rf"Phiên bản thông báo: \*\*{re.escape(privacy.NOTICE_VERSION)}\*\*", register)
    for law in ("91/2025/QH15", "13/2023/NĐ-CP"):
        assert law in register


def test_the_consent_page_answers_only_its_own_person(client, people):
    url = reverse("accounts:photo_evidence")
    assert_access(client, url, method="post", data={"given": "1"}, allowed=[people["cadre"]], ok_codes=(302,))
    people["cadre"].refresh_from_db()
    assert (
        people["cadre"].photo_evidence is True
        and not User.objects.filter(photo_evidence=True).exclude(pk=people["cadre"].pk).exists()
    )

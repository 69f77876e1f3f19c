"""Login hardening: email login (case-insensitive), django-axes throttling, logout by POST,
password change and reset, idle and absolute session lifetimes."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")
PRIVATE = reverse("accounts:notifications")


def login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


@pytest.mark.django_db
def test_login_by_email_case_insensitive(client, people):
    resp = login(client, "  DUNG@TN.VN ")
    assert resp.status_code == 302
    assert client.get(PRIVATE).status_code == 200


@pytest.mark.django_db
def test_wrong_password_message(client, people):
    resp = login(client, "dung@tn.vn", "sai-mat-khau")
    assert resp.status_code == 200
    assert "Email hoặc mật khẩu không đúng" in resp.content.decode()


@pytest.mark.django_db
def test_five_failures_lock_out_even_the_right_password(client, people):
    assert settings.AXES_FAILURE_LIMIT == 5 and timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    for _ in range(5):
        login(client, "dung@tn.vn", "sai-mat-khau")
    resp = login(client, "dung@tn.vn")
    assert resp.status_code == 429
    html = resp.content.decode()
    assert "Bạn đã nhập sai mật khẩu 5 lần" in html and "tạm khóa 15 phút" in html
    assert client.get(PRIVATE).status_code == 302  # not logged in
    # another person from the same address is not locked (username + address)
    assert login(client, "em@tn.vn").status_code == 302


@pytest.mark.django_db
def test_logout_is_post_only(client, people):
    client.force_login(people["cadre"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(PRIVATE).status_code == 200
    resp = client.post(reverse("accounts:logout"))
    assert resp.status_code == 302 and resp["Location"] == LOGIN
    assert client.get(PRIVATE).status_code == 302


@pytest.mark.django_db
def test_password_change(client, people):
    cadre = people["cadre"]
    client.force_login(cadre)
    url = reverse("accounts:password_change")
    resp = client.post(
        url, {"old_password": "sai", "new_password1": "Song-Vam-Co-2026", "new_password2": "Song-Vam-Co-2026"}
    )
    assert resp.status_code == 200 and "Mật khẩu cũ" in resp.content.decode()
    resp = client.post(
        url, {"old_password": PASSWORD, "new_password1": "Song-Vam-Co-2026", "new_password2": "Song-Vam-Co-2026"}
    )
    assert resp.status_code == 302
    cadre.refresh_from_db()
    assert cadre.check_password("Song-Vam-Co-2026")
    assert client.get(PRIVATE).status_code == 200  # still logged in after the change


@pytest.mark.django_db
def test_password_reset_email_in_vietnamese(client, people):
    resp = client.post(reverse("accounts:password_reset"), {"email": "dung@tn.vn"})
    assert resp.status_code == 302
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["dung@tn.vn"]
    assert msg.subject == "Đặt lại mật khẩu – Đi cơ sở 1+2"
    assert (
        "Xin chào Trần Thị Dung" in msg.body
        and "đặt mật khẩu mới" in msg.body
        and "/tai-khoan/mat-khau/dat-lai/" in msg.body
    )
    # an unknown address gets the same page and no email (no account enumeration)
    assert client.post(reverse("accounts:password_reset"), {"email": "khong-co@tn.vn"}).status_code == 302
    assert len(mail.outbox) == 1


class Clock:
    """Moves Django's clock (timezone.now: the session backend and SessionLifetimeMiddleware)."""

    def __init__(self):
        self.now = timezone.now()

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    c = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: c.now):
        yield c


def session_writes(ctx) -> int:
    return sum(
        1
        for q in ctx.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.mark.django_db
def test_session_row_written_at_most_once_a_minute(client, people, clock):
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(people["cadre"])
    assert client.get(PRIVATE).status_code == 200  # first request after login: login_at, seen_at
    t0, written = clock.now, stored_expiry(client)
    assert written == t0 + timedelta(minutes=30)
    for seconds in (1, 20, 58):  # within the minute: no write, the stored expiry stays
        clock.now = t0 + timedelta(seconds=seconds)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PRIVATE).status_code == 200
        assert session_writes(ctx) == 0, [q["sql"] for q in ctx.captured_queries]
        assert stored_expiry(client) == written
    clock.advance(seconds=3)  # 61 s after the last write: one write, expiry pushed ahead
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PRIVATE).status_code == 200
    assert session_writes(ctx) == 1
    assert stored_expiry(client) == clock.now + timedelta(minutes=30)


@pytest.mark.django_db
def test_steady_activity_keeps_the_session_with_one_write_a_minute(client, people, clock):
    client.force_login(people["cadre"])
    writes = 0
    for _ in range(60):  # a request every 40 s for 40 minutes
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PRIVATE).status_code == 200
        writes += session_writes(ctx)
        clock.advance(seconds=40)
    assert 20 <= writes <= 31  # about one every other request, never more than one a minute


@pytest.mark.django_db
def test_idle_session_expires_after_30_minutes(client, people, clock):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT == 30 * 60
    client.force_login(people["cadre"])
    assert client.get(PRIVATE).status_code == 200
    clock.advance(seconds=30)
    assert client.get(PRIVATE).status_code == 200  # not written: the minute has not passed
    clock.advance(minutes=29, seconds=29)  # 29:59 after the last write: still in
    assert client.get(PRIVATE).status_code == 200
    clock.advance(minutes=30, seconds=1)  # 30 minutes and a second without a request: out
    resp = client.get(PRIVATE)
    assert resp.status_code == 302 and LOGIN in resp["Location"]
    assert client.get(PRIVATE).status_code == 302  # stays out


@pytest.mark.django_db
def test_idle_limit_does_not_depend_on_the_stored_expiry(client, people, clock):
    """The middleware's own check: a session whose stored expiry were later still ends."""
    client.force_login(people["cadre"])
    assert client.get(PRIVATE).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=clock.now + timedelta(hours=5))
    clock.advance(minutes=30, seconds=1)
    resp = client.get(PRIVATE)
    assert resp.status_code == 302 and LOGIN in resp["Location"]


@pytest.mark.django_db
def test_absolute_lifetime_12_hours(client, people):
    client.force_login(people["cadre"])
    assert client.get(PRIVATE).status_code == 200
    s = client.session
    assert int(time.time()) - int(s["login_at"]) < 60
    s["login_at"] = int(time.time()) - 12 * 3600 + 120  # 11h58: still fine, however active
    s.save()
    assert client.get(PRIVATE).status_code == 200
    s = client.session
    s["login_at"] = int(time.time()) - 12 * 3600 - 1
    s.save()
    resp = client.get(PRIVATE)
    assert resp.status_code == 302 and LOGIN in resp["Location"]
    assert client.get(PRIVATE).status_code == 302  # stays logged out

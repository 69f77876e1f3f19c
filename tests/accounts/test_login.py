"""Login hardening: email login (case-insensitive), django-axes throttling, logout by POST,
password change and reset, idle and absolute session lifetimes."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
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


@pytest.mark.django_db
def test_idle_session_expires_after_30_minutes(client, people):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(people["cadre"])
    client.get(PRIVATE)
    session = Session.objects.get(session_key=client.session.session_key)
    # every request pushes the expiry 30 minutes ahead
    left = (session.expire_date - timezone.now()).total_seconds()
    assert 29 * 60 < left <= 30 * 60
    # 31 minutes without a request: the session is gone
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(minutes=1))
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

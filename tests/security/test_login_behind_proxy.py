"""docs/security.md “Login and requests”: the client address comes from a configured number of trusted proxies (none by
default), the lockout of 5 failures in 15 minutes is per real client and email, one address
is limited across emails, password resets are throttled per email and per address, a lockout
is not renewed by the attempts made during it, X-Forwarded-Proto is believed only behind a
trusted proxy."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
RESET = reverse("accounts:password_reset")


def login(client, email, password=PASSWORD, **headers):
    return client.post(LOGIN, {"username": email, "password": password}, **headers)


def fail(client, email, times, **headers):
    for _ in range(times):
        assert login(client, email, "sai-mat-khau", **headers).status_code in (200, 429)  # 429 at the limit


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, people, settings):
    """An attacker inventing a new X-Forwarded-For for each try is still one address."""
    settings.TRUSTED_PROXY_COUNT = 0  # the default (a developer's .env may say otherwise)
    for i in range(5):
        login(client, "dung@tn.vn", "sai", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    assert login(client, "dung@tn.vn", HTTP_X_FORWARDED_FOR="10.0.0.99").status_code == 429


def test_behind_one_proxy_the_lockout_is_per_real_client(client, people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["172.16.0.2/32"]
    proxy = {"REMOTE_ADDR": "172.16.0.2"}  # every request arrives from the proxy
    fail(client, "dung@tn.vn", 5, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert login(client, "dung@tn.vn", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    # The same email from another real client is not locked out by the first one's failures.
    assert login(client, "dung@tn.vn", HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy).status_code == 302
    client.logout()
    # What the client writes left of the proxy's entry is not believed.
    resp = login(client, "dung@tn.vn", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy)
    assert resp.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_one_address_is_limited_across_emails(client, people, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for email in ("dung@tn.vn", "em@tn.vn", "duc@tn.vn"):
        fail(client, email, 2)  # never 5 for one email
    # The address has spent its failures: even a right password of another person waits.
    resp = login(client, "hai@tn.vn")
    assert resp.status_code == 429
    assert "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này" in resp.content.decode()
    # Another address is not affected.
    assert login(client, "hai@tn.vn", REMOTE_ADDR="192.0.2.50").status_code == 302


def test_a_lockout_is_not_renewed_by_attempts_during_it(client, people):
    fail(client, "dung@tn.vn", 5)
    attempt = AccessAttempt.objects.get(username="dung@tn.vn")
    locked_at = attempt.attempt_time
    for _ in range(3):
        assert login(client, "dung@tn.vn", "sai-mat-khau").status_code == 429
    attempt.refresh_from_db()
    assert (attempt.attempt_time, attempt.failures_since_start) == (locked_at, 5)
    # 15 minutes after the 5th failure (not after the last try) the right password works.
    AccessAttempt.objects.update(attempt_time=locked_at - timedelta(minutes=15, seconds=1))
    assert login(client, "dung@tn.vn").status_code == 302


def test_password_reset_is_throttled_per_email(client, people, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESETS_PER_EMAIL = 3
    for _ in range(5):
        resp = client.post(RESET, {"email": "dung@tn.vn"})
        assert resp.status_code == 302  # the same answer every time: nothing is revealed
    assert [m.to for m in mail.outbox] == [["dung@tn.vn"]] * 3


def test_password_reset_is_throttled_per_address(client, people, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 3
    for email in ("dung@tn.vn", "em@tn.vn", "nobody@tn.vn"):
        assert client.post(RESET, {"email": email}).status_code == 302
    resp = client.post(RESET, {"email": "duc@tn.vn"})
    assert resp.status_code == 429
    assert "Có quá nhiều yêu cầu đặt lại mật khẩu từ địa chỉ mạng này" in resp.content.decode()
    assert "duc@tn.vn" not in [to for m in mail.outbox for to in m.to]
    # Another address still may ask.
    assert client.post(RESET, {"email": "duc@tn.vn"}, REMOTE_ADDR="192.0.2.9").status_code == 302


def _production_setting(name, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_TESTING", "DJANGO_DEBUG", "TRUSTED_PROXY_COUNT", "TRUSTED_PROXIES")
    }
    clean.update(DJANGO_DEBUG="0", SECRET_KEY="k" * 60, **env)
    proc = subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; print(repr(getattr(s, {name!r}, None)))"],
        cwd=Path(__file__).resolve().parents[2],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_x_forwarded_proto_is_believed_only_behind_a_trusted_proxy():
    assert _production_setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT="0") == "None"
    assert _production_setting(
        "SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT="1", TRUSTED_PROXIES="172.30.0.10/32"
    ) == ("('HTTP_X_FORWARDED_PROTO', 'https')")
    # docs/security.md: a count without the proxies' addresses trusts nobody.
    assert _production_setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT="1") == "None"


def test_a_forged_x_forwarded_proto_does_not_make_a_request_secure(client, people, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None  # production without a trusted proxy
    resp = client.get(LOGIN, HTTP_X_FORWARDED_PROTO="https")
    assert resp.status_code == 301 and resp["Location"].startswith("https://")


# docs/security.md: forwarded headers only from the proxies' own addresses ------------------------------
def test_a_client_that_reaches_gunicorn_directly_cannot_forge_its_address(client, people, settings):
    """.env.example trusts one proxy; a client that reaches port 8000 around the proxy invents a
    new X-Forwarded-For for each try: it is still its own address, and locked out."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["172.30.0.10/32"]
    direct = {"REMOTE_ADDR": "198.51.100.66"}
    for i in range(5):
        login(client, "dung@tn.vn", "sai", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}", **direct)
    assert login(client, "dung@tn.vn", HTTP_X_FORWARDED_FOR="10.0.0.99", **direct).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    # Through the proxy, the real client is told apart.
    proxy = {"REMOTE_ADDR": "172.30.0.10"}
    assert login(client, "dung@tn.vn", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 302


def test_a_second_hop_must_be_a_proxy_too(settings, rf):
    from accounts.network import client_ip

    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXIES = ["172.30.0.0/24"]
    ok = rf.get("/", REMOTE_ADDR="172.30.0.10", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7, 172.30.0.11")
    assert client_ip(ok) == "203.0.113.7"
    forged = rf.get("/", REMOTE_ADDR="172.30.0.10", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7, 8.8.8.8")
    assert client_ip(forged) == "172.30.0.10"


def test_a_forged_proto_from_outside_the_proxies_is_dropped(client, people, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["172.30.0.10/32"]
    resp = client.get(LOGIN, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="198.51.100.66")
    assert resp.status_code == 301 and resp["Location"].startswith("https://")
    assert client.get(LOGIN, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="172.30.0.10").status_code == 200

"""docs/security.md “Login and requests”: multi-line comments and notification emails, request limits, the PDF
url_fetcher, iCalendar tokens, report downloads re-checking today's permission."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_multi_line_return_comment_keeps_the_subject_on_one_line(client, people, django_capture_on_commit_callbacks):
    from fieldwork.models import Registration
    from tests.fieldwork.registration_helpers import submitted

    reg = submitted(people["plan"], people["cadre"])
    client.force_login(people["head"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("fieldwork:registration_return", args=[reg.pk]),
            {"version": reg.version, "comment": "Thiếu địa điểm\r\nBcc: everyone@evil.example"},
        )
    assert resp.status_code == 302
    reg.refresh_from_db()
    assert reg.status == Registration.Status.RETURNED
    assert [m.to for m in mail.outbox] == [["dung@tn.vn"]]
    subject = mail.outbox[0].subject
    assert subject.startswith("Bản đăng ký đi cơ sở năm 2023 bị trả lại: Thiếu địa điểm Bcc:")  # Tây Ninh: annual
    assert "\n" not in subject and "everyone@evil.example" not in mail.outbox[0].recipients()


def test_the_pdf_fetcher_reads_only_the_project_fonts(tmp_path):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from weasyprint import HTML

    from reports.pdf import FONTS_DIR, project_files_only

    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 8131), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    try:
        fetcher = project_files_only()
        font = (FONTS_DIR / "LiberationSerif-Regular.ttf").as_uri()
        response = fetcher(font)
        assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
        response.close()
        for url in (
            "http://127.0.0.1:8131/image.png",
            secret.as_uri(),
            "file:///etc/passwd",
            f"{FONTS_DIR.as_uri()}/../../config/settings.py",
            "ftp://127.0.0.1:8131/x",
        ):
            with pytest.raises(ValueError):
                fetcher(url)
        html = (
            '<link rel="stylesheet" href="http://127.0.0.1:8131/style.css">'
            '<img src="http://127.0.0.1:8131/pixel.png"><img src="' + secret.as_uri() + '">'
            '<p style="background: url(http://127.0.0.1:8131/bg.png)">x</p>'
        )
        HTML(string=html, base_url=FONTS_DIR.as_uri(), url_fetcher=project_files_only()).write_pdf(tmp_path / "x.pdf")
        assert hits == []
        # Without it, WeasyPrint would have fetched them (the server works).
        HTML(string=html).write_pdf(tmp_path / "y.pdf")
        assert hits
    finally:
        server.shutdown()
        server.server_close()


def test_the_stored_calendar_value_opens_nothing_and_links_rotate(client, people):
    cadre = people["cadre"]
    feed = lambda token: client.get(reverse("fieldwork:ical_feed", args=[token]))  # noqa: E731
    assert feed(cadre.calendar_feed_token).status_code == 200
    # What the database holds is not the credential.
    assert cadre.calendar_token not in cadre.calendar_feed_token
    assert feed(cadre.calendar_token).status_code == 404
    assert feed(f"{cadre.pk}-{cadre.calendar_token}").status_code == 404
    # A password change ends the old link.
    old = cadre.calendar_feed_token
    client.force_login(cadre)
    resp = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Song-Vam-Co-2026", "new_password2": "Song-Vam-Co-2026"},
    )
    assert resp.status_code == 302
    cadre.refresh_from_db()
    client.logout()
    assert feed(old).status_code == 404 and feed(cadre.calendar_feed_token).status_code == 200
    # So does a deactivation (and a later reactivation does not bring the old link back).
    old = cadre.calendar_feed_token
    client.force_login(people["board"])
    assert client.post(reverse("accounts:person_deactivate", args=[cadre.pk]), {"active_to": ""}).status_code == 302
    client.post(reverse("accounts:person_reactivate", args=[cadre.pk]))
    cadre.refresh_from_db()
    assert cadre.is_active
    client.logout()
    assert feed(old).status_code == 404 and feed(cadre.calendar_feed_token).status_code == 200


def test_secret_links_are_left_out_of_the_logs(client, people):
    import io
    import logging

    from config.redaction import RedactSecretsFilter

    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        token = people["cadre"].calendar_feed_token
        client.get(reverse("fieldwork:ical_feed", args=[token + "x"]))  # a 404 is logged by Django
        logging.getLogger("django.request").warning("Not Found: %s", f"/lich/{token}.ics")
        logging.getLogger("django.server").info('"GET /tai-khoan/doi-email/abc:def:ghi/ HTTP/1.1" 200')
    finally:
        handler.setStream(previous)
    logged = stream.getvalue()
    assert "/lich/***.ics" in logged and "/tai-khoan/doi-email/***/" in logged
    assert token not in logged and "abc:def:ghi" not in logged


def test_gunicorn_access_log_is_redacted():
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from config.gunicorn_logger import RedactingLogger

    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/lich/12-secretsecret.ics?x=1",
        "PATH_INFO": "/lich/12-secretsecret.ics",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "x=1",
    }
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(resp, SimpleNamespace(headers=[]), environ, timedelta(seconds=1))
    assert atoms["r"] == "GET /lich/***.ics?x=1 HTTP/1.1" and atoms["U"] == "/lich/***.ics"


def test_a_report_download_rechecks_todays_permission(report_data, run_jobs, client):
    from tests.reports.test_views import make_job

    p = report_data
    head = p["head"]
    job = make_job(p, head, run_jobs, kind="mau2", department=p["d1"], quarter=1)
    url = reverse("reports:download", args=[job.pk])
    client.force_login(head)
    assert client.get(url).status_code == 200
    # The head moves to another department: the old department's plan is no longer theirs.
    head.department = p["d2"]
    head.save()
    assert client.get(url).status_code == 403
    # The Board still downloads everything of its organization.
    client.force_login(p["board"])
    assert client.get(url).status_code == 200


def test_request_limits(client, people, settings):
    from pathlib import Path

    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 20
    client.force_login(people["cadre"])
    # A body declared larger than the limit is refused before anything reads it.
    settings.REQUEST_MAX_BODY_BYTES = 1024
    resp = client.post(reverse("accounts:password_change"), {"old_password": "x" * 2000})
    assert resp.status_code == 413
    assert "Yêu cầu quá lớn" in resp.content.decode()
    # The compose file's web service carries memory, process and request limits.
    compose = (Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text()
    web = compose.split("\n  web:\n", 1)[1].split("\n  worker:\n", 1)[0]
    for needle in (
        "mem_limit: 1g",
        "pids_limit:",
        "--limit-request-line",
        "--limit-request-fields",
        "REQUEST_MAX_BODY_BYTES",
        "DATA_UPLOAD_MAX_NUMBER_FILES",
        "RedactingLogger",
    ):
        assert needle in web, needle


class FailingBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_a_mail_server_down_never_fails_a_saved_change(client, people, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.security.test_smaller_ones.FailingBackend"
    cadre = people["cadre"]
    cadre.set_unusable_password()
    cadre.save()
    client.force_login(people["board"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("accounts:person_invite", args=[cadre.pk]))
    assert resp.status_code == 302
    cadre.refresh_from_db()
    assert cadre.invited_at is not None

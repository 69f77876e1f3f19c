"""Smaller hardening (docs/security.md “Nobody certifies their own days; no upload or header takes the
server down”, rows 5, 6, 7 and 12): the report request page's cadre search, Cache-Control on private
pages, an attachment's extension follows its sniffed type, the Inspection Committee re-queues no
report job."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import ReportJob

pytestmark = pytest.mark.django_db


# §12 ----------------------------------------------------------------------------------------------
def failed_job(p, requested_by, kind="compliance"):
    return ReportJob.objects.create(
        organization=p["org"],
        kind=kind,
        format="xlsx",
        requested_by=requested_by,
        params={"year": 2023, "quarter": 1},
        status=ReportJob.Status.FAILED,
        error="Lỗi thử",
    )


def test_the_inspection_committee_cannot_requeue_a_failed_job(client, people):
    job = failed_job(people, people["board"])
    client.force_login(people["inspector"])
    page = client.get(reverse("reports:job_detail", args=[job.pk]))
    assert page.status_code == 200 and "Lỗi thử" in page.content.decode()  # reads it…
    assert 'data-testid="retry"' not in page.content.decode()  # …is offered no retry
    resp = client.post(reverse("reports:retry", args=[job.pk]))
    assert resp.status_code == 403
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    # Not even one it requested itself: it requests the report anew.
    own = failed_job(people, people["inspector"])
    assert client.post(reverse("reports:retry", args=[own.pk])).status_code == 403
    own.refresh_from_db()
    assert own.status == ReportJob.Status.FAILED
    # The Board still can.
    client.force_login(people["board"])
    assert 'data-testid="retry"' in client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    client.post(reverse("reports:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status != ReportJob.Status.FAILED


# §5 -----------------------------------------------------------------------------------------------
def options(client, q=""):
    resp = client.get(reverse("reports:cadre_options"), {"q": q})
    return resp.status_code, resp.content.decode()


def test_the_cadre_search_lists_nobody_to_a_cadre(client, people):
    people["cadre2"].is_active = False
    people["cadre2"].save(update_fields=["is_active"])
    client.force_login(people["cadre"])
    status, body = options(client)
    assert status == 403
    assert "em@tn.vn" not in body and "duc@tn.vn" not in body and "khoa@tn.vn" not in body
    page = client.get(reverse("reports:request")).content.decode()
    assert 'id="cadre-search"' not in page


def test_a_head_finds_only_their_departments_active_people(client, people):
    people["cadre2"].is_active = False
    people["cadre2"].save(update_fields=["is_active"])
    client.force_login(people["head"])
    status, body = options(client)
    assert status == 200
    assert "dung@tn.vn" in body and "hai@tn.vn" in body
    assert "em@tn.vn" not in body  # deactivated
    assert "duc@tn.vn" not in body and "khoa@tn.vn" not in body and "tung@tn.vn" not in body  # other departments
    assert "stranger" not in body


def test_the_board_finds_the_whole_organization_only(client, people):
    client.force_login(people["board"])
    status, body = options(client, "tn.vn")
    assert status == 200 and "duc@tn.vn" in body and "tung@tn.vn" in body
    assert people["stranger"].email not in body


# §6 -----------------------------------------------------------------------------------------------
PRIVATE_PAGES = ["fieldwork:my_trips", "fieldwork:cadre_dashboard", "accounts:people", "reports:request"]


def test_every_signed_in_page_is_private_no_store(client, people):
    client.force_login(people["board"])
    for name in PRIVATE_PAGES:
        resp = client.get(reverse(name))
        assert resp.status_code == 200, name
        assert resp["Cache-Control"] == "private, no-store", name
    # Redirects, htmx partials and error pages of a signed-in person too.
    assert client.get(reverse("reports:cadre_options"))["Cache-Control"] == "private, no-store"
    client.force_login(people["cadre"])
    resp = client.get(reverse("accounts:people"))
    assert resp.status_code == 403 and resp["Cache-Control"] == "private, no-store"


def test_static_files_keep_their_caching_and_logout_ends_the_private_pages(client, people):
    client.force_login(people["cadre"])
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
    # (In production the hashed names of CompressedManifestStaticFilesStorage are served
    # "max-age=315360000, public, immutable" by WhiteNoise, before this middleware runs.)
    # After logout nothing is served from the browser's copy: the signed-in pages said no-store.
    client.post(reverse("accounts:logout"))
    resp = client.get(reverse("fieldwork:my_trips"))
    assert resp.status_code == 302 and "dung@tn.vn" not in resp.content.decode()


# §7 -----------------------------------------------------------------------------------------------
GIF_HTML = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/<html><script>alert(document.cookie)</script></html>"


def test_a_polyglot_downloads_under_its_sniffed_extension(client, people):
    from fieldwork.models import Trip, TripAttachment
    from tests.factories import make_trip
    from tests.fieldwork.test_results_report import report_data

    approved = make_trip(people["plan"], people["cadre"], start=date(2023, 3, 1), status=Trip.Status.APPROVED)
    client.force_login(people["cadre"])
    files = [
        SimpleUploadedFile("bao-cao.html", GIF_HTML, content_type="text/html"),
        SimpleUploadedFile("anh.PNG.exe", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png"),
        SimpleUploadedFile("khong-duoi", b"%PDF-1.4\n", content_type="application/pdf"),
    ]
    resp = client.post(
        reverse("fieldwork:trip_report", args=[approved.pk]), {**report_data(people["plan"]), "attachments": files}
    )
    assert resp.status_code == 302
    names = []
    for att in TripAttachment.objects.filter(trip=approved).order_by("pk"):
        resp = client.get(reverse("fieldwork:trip_attachment", args=[approved.pk, att.pk]))
        names.append((resp["Content-Disposition"], resp["Content-Type"]))
    assert names == [
        ('attachment; filename="bao-cao.gif"', "image/gif"),
        ('attachment; filename="anh.PNG.png"', "image/png"),
        ('attachment; filename="khong-duoi.pdf"', "application/pdf"),
    ]

"""Faults, in `make test` (the same code paths through real processes: tests/faults/):
the database gone mid-request → a Vietnamese 503; the disk full at an upload → a clear message,
nothing half-saved; the broker down when a job is queued → the job fails for "Thử lại"; a job
stuck running → failed by the watchdog, then retried."""

import errno
from datetime import date, timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fieldwork.models import Trip, TripAttachment
from tests.factories import make_trip
from tests.fieldwork.test_results_report import report_data


def test_the_database_gone_mid_request_gives_a_503_page_in_vietnamese(people, monkeypatch):
    from fieldwork.views import standing

    def cut(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    client = Client(raise_request_exception=False)
    client.force_login(people["cadre"])
    monkeypatch.setattr(standing, "render", cut)  # the page's queries ran; its rendering hits the cut
    resp = client.get(reverse("fieldwork:my_standing"))
    assert resp.status_code == 503
    assert resp["Retry-After"] == "5"
    text = resp.content.decode()
    assert "tạm thời không kết nối được cơ sở dữ liệu" in text and "thử lại" in text
    # The next request, with the database back, is served.
    monkeypatch.undo()
    client.force_login(people["cadre"])
    assert client.get(reverse("fieldwork:my_standing")).status_code == 200


def test_any_other_error_is_still_a_500(people, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(people["cadre"])

    def boom(*args, **kwargs):
        raise ValueError("bug")

    monkeypatch.setattr("fieldwork.views.standing.render", boom)
    assert client.get(reverse("fieldwork:my_standing")).status_code == 500


@pytest.fixture
def approved(people):
    return make_trip(
        people["plan"], people["cadre"], start=date(2023, 3, 1), end=date(2023, 3, 5), days="5", status="approved"
    )


def test_disk_full_at_the_second_attachment_saves_nothing_and_keeps_the_form(
    client, people, approved, monkeypatch, settings
):
    """The disk fills up while the second file is written: its part is removed by the storage,
    the first file is deleted again, the trip is not reported, the form comes back as typed."""
    from pathlib import Path

    real_save = FileSystemStorage._save
    calls = []

    def filling_save(self, name, content):
        calls.append(name)
        if len(calls) == 2:
            full = Path(self.path(name))
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_bytes(b"\xff\xd8\xff half")  # what a full disk leaves behind
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", filling_save)
    client.force_login(people["cadre"])
    files = [SimpleUploadedFile(f"anh{i}.jpg", b"\xff\xd8\xff" + bytes(500), "image/jpeg") for i in (1, 2)]
    resp = client.post(
        reverse("fieldwork:trip_report", args=[approved.pk]),
        {**report_data(people["plan"], results="Kết quả đã nhập kỹ"), "attachments": files},
    )
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "hết chỗ lưu tệp" in page and "Kết quả đã nhập kỹ" in page
    approved.refresh_from_db()
    assert approved.status == Trip.Status.APPROVED and approved.results == ""
    assert not TripAttachment.objects.exists()
    assert len(calls) == 2
    media = Path(settings.MEDIA_ROOT)
    assert not [p for p in media.rglob("*") if p.is_file()], "a file was left behind"


def test_the_broker_down_when_a_report_is_requested_fails_the_job_for_a_retry(people, monkeypatch, run_jobs):
    from reports import services, tasks
    from reports.models import ReportJob

    def down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.build_report, "delay", down)
    with run_jobs():
        job = services.request_report(user=people["board"], kind="compliance", fmt="xlsx", year=2023, quarter=1)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and "Hàng đợi xử lý tạm thời không hoạt động" in job.error
    monkeypatch.undo()
    with run_jobs():
        services.retry_job(user=people["board"], job=job)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.file_size


def test_a_reminder_email_whose_message_was_lost_is_queued_again_once(
    people, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    from config.tasks import watchdog
    from fieldwork.reminders import services, tasks
    from fieldwork.reminders.models import SentReminder

    people["plan"].registration_cycle = "annual"
    people["plan"].save()
    monkeypatch.setattr(tasks.send_reminder_email, "delay", lambda *a: (_ for _ in ()).throw(ConnectionError("down")))
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.run(organization_id=people["org"].pk, as_of=date(2023, 2, 8))
    assert sent and not mailoutbox
    assert SentReminder.objects.filter(emailed_at__isnull=True, email_attempts=0).count() == len(sent)
    monkeypatch.undo()
    assert watchdog.delay().get()["emails_requeued"] == 0  # too recent: its message may still be queued
    SentReminder.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert watchdog.delay().get()["emails_requeued"] == len(sent)
    assert watchdog.delay().get()["emails_requeued"] == 0  # sent: never twice
    assert sorted(m.to[0] for m in mailoutbox) == sorted(o.email for o in sent)


def test_a_job_stuck_running_is_failed_by_the_watchdog_and_can_be_retried(people, settings, run_jobs, client):
    from config.tasks import watchdog
    from fieldwork.models import StandingsRefresh
    from reports.models import ReportJob

    limit = settings.CELERY_TASK_TIME_LIMIT + 60
    old = timezone.now() - timedelta(seconds=limit + 5)
    recent = timezone.now() - timedelta(seconds=limit - 30)
    stuck = ReportJob.objects.create(
        organization=people["org"],
        kind="compliance",
        format="xlsx",
        params={"year": 2023, "quarter": 1},
        requested_by=people["board"],
        status="running",
        started_at=old,
    )
    busy = ReportJob.objects.create(
        organization=people["org"],
        kind="compliance",
        format="pdf",
        params={"year": 2023, "quarter": 1},
        requested_by=people["board"],
        status="running",
        started_at=recent,
    )
    refresh = StandingsRefresh.objects.create(plan=people["plan"], status="running", started_at=old, total=10)
    assert watchdog.delay().get() == {"reports_failed": 1, "refreshes_failed": 1, "emails_requeued": 0}
    stuck.refresh_from_db()
    busy.refresh_from_db()
    refresh.refresh_from_db()
    assert stuck.status == "failed" and "Quá thời gian cho phép" in stuck.error
    assert busy.status == "running"
    assert refresh.status == "failed" and "Thử lại" in refresh.error
    client.force_login(people["board"])
    page = client.get(reverse("reports:job_detail", args=[stuck.pk])).content.decode()
    assert "Quá thời gian cho phép" in page and reverse("reports:retry", args=[stuck.pk]) in page
    with run_jobs():
        assert client.post(reverse("reports:retry", args=[stuck.pk])).status_code == 302
    stuck.refresh_from_db()
    assert stuck.status == "done" and stuck.attempts == 1


def test_a_nul_character_in_a_query_or_a_form_is_a_400_not_a_500(client, people):
    client.force_login(people["board"])
    resp = client.get(reverse("reports:cadre_options") + "?q=a%00b")
    assert resp.status_code == 400 and "ký tự không hợp lệ" in resp.content.decode()
    resp = client.post(reverse("fieldwork:reminder_preferences"), {"email": "on\x00"})
    assert resp.status_code == 400
    assert client.get(reverse("reports:cadre_options") + "?q=Dung").status_code == 200

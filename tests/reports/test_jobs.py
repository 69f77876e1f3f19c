"""Jobs: request -> Celery task (eager in tests) -> file in place -> done; idempotence,
failures, the interrupted task, retries (docs/domain.md §8)."""

from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from openpyxl import load_workbook

from reports import services
from reports.models import ReportJob
from reports.tasks import build_report

pytestmark = pytest.mark.django_db


def test_request_builds_file_and_marks_done(report_data, run_jobs):
    with run_jobs():
        job = services.request_report(
            user=report_data["head"], kind="mau3", fmt="xlsx", year=2023, quarter=1, department=report_data["d1"]
        )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.progress == 100 and job.attempts == 1
    assert job.file_name == "mau3-ban-phong-trao-2023-q1.xlsx"
    path = Path(settings.MEDIA_ROOT) / job.file_path
    assert job.file_path == f"reports/{report_data['org'].pk}/{job.pk}/{job.file_name}"
    assert path.stat().st_size == job.file_size
    assert [p.name for p in path.parent.iterdir()] == [job.file_name]  # no temporary file left
    ws = load_workbook(path).active
    assert any(c.value == "Lê Văn Em" for row in ws.iter_rows() for c in row)


def test_done_job_is_not_rebuilt(report_data, run_jobs):
    with run_jobs():
        job = services.request_report(
            user=report_data["cadre"], kind="mau1", fmt="pdf", year=2023, cadre=report_data["cadre"]
        )
    job.refresh_from_db()
    mtime = (Path(settings.MEDIA_ROOT) / job.file_path).stat().st_mtime_ns
    with mock.patch("reports.services.gather") as gather:
        build_report.apply(args=[str(job.pk)])
    gather.assert_not_called()
    job.refresh_from_db()
    assert job.attempts == 1 and (Path(settings.MEDIA_ROOT) / job.file_path).stat().st_mtime_ns == mtime


def test_permission_and_parameters_are_checked(report_data):
    p = report_data
    with pytest.raises(PermissionDenied):
        services.request_report(user=p["cadre"], kind="compliance", fmt="pdf", year=2023, quarter=1)
    with pytest.raises(PermissionDenied):  # a head does not read another department
        services.request_report(user=p["head"], kind="mau3", fmt="pdf", year=2023, quarter=1, department=p["d2"])
    with pytest.raises(PermissionDenied):  # a cadre prints only their own mẫu 1
        services.request_report(user=p["cadre"], kind="mau1", fmt="pdf", year=2023, cadre=p["cadre2"])
    with pytest.raises(ValidationError, match="Cần chọn quý"):
        services.request_report(user=p["board"], kind="mau3", fmt="pdf", year=2023, department=p["d1"])
    with pytest.raises(ValidationError, match="chưa có kế hoạch năm 2031"):
        services.request_report(user=p["board"], kind="compliance", fmt="pdf", year=2031, quarter=1)
    assert not ReportJob.objects.exists()


def test_interrupted_task_leaves_no_file_and_retry_completes(report_data, run_jobs, client):
    """The builder dies after writing part of the temporary file: the job is not done, the
    download is a 404, nothing sits at a final path; a retry completes."""

    def half_written(doc, path, progress=None):
        Path(path).write_bytes(b"PK\x03\x04 partial")
        raise MemoryError("killed")

    with mock.patch("reports.xlsx.build_xlsx", side_effect=half_written), run_jobs():
        job = services.request_report(user=report_data["board"], kind="compliance", fmt="xlsx", year=2023, quarter=1)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and job.file_path == "" and job.file_size is None
    assert "Thử lại" in job.error
    folder = services.job_dir(job)
    assert list(folder.iterdir()) == []  # the .part file was removed, no file in place
    client.force_login(report_data["board"])
    assert client.get(f"/bao-cao/{job.pk}/tai-ve/").status_code == 404
    with run_jobs():
        services.retry_job(user=report_data["board"], job=job)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempts == 2 and job.error == ""
    resp = client.get(f"/bao-cao/{job.pk}/tai-ve/")
    assert resp.status_code == 200
    assert load_workbook(Path(settings.MEDIA_ROOT) / job.file_path)["Báo cáo"]["A1"].value == "BCH ĐOÀN TỈNH TÂY NINH"


def test_failed_move_is_not_done(report_data, run_jobs):
    with mock.patch("reports.services.os.replace", side_effect=OSError("disk full")), run_jobs():
        job = services.request_report(user=report_data["board"], kind="compliance", fmt="pdf", year=2023, quarter=1)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and not job.file_path
    assert list(services.job_dir(job).iterdir()) == []
    assert services.file_of(job) is None


def test_transient_error_is_retried(report_data, run_jobs):
    from reports.builders import gather as real_gather

    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real_gather(*args, **kwargs)

    with (
        mock.patch("reports.services.gather", side_effect=flaky),
        mock.patch("core.jobs.backoff", return_value=0),
        run_jobs(),
    ):
        job = services.request_report(user=report_data["board"], kind="compliance", fmt="xlsx", year=2023, quarter=1)
    job.refresh_from_db()
    assert len(calls) == 2
    assert job.status == ReportJob.Status.DONE and job.attempts == 2


def test_transient_error_gives_up_after_three_retries(report_data, run_jobs):
    with (
        mock.patch("reports.services.gather", side_effect=OperationalError("down")),
        mock.patch("core.jobs.backoff", return_value=0),
        run_jobs(),
    ):
        job = services.request_report(user=report_data["board"], kind="compliance", fmt="xlsx", year=2023, quarter=1)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and job.attempts == 4


def test_validation_error_message_is_vietnamese(report_data, run_jobs):
    with run_jobs():
        job = services.request_report(user=report_data["board"], kind="compliance", fmt="pdf", year=2023, quarter=1)
    # A quarter not started yet when the task runs: the job fails with the reason.
    job.status = ReportJob.Status.QUEUED
    job.file_path = ""
    job.save()
    build_report.apply(args=[str(job.pk)], kwargs={"today": "2022-12-31"})
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert job.error == "Quý I năm 2023 chưa bắt đầu: chưa có số liệu để báo cáo."


def test_only_failed_jobs_are_retried(report_data, run_jobs):
    with run_jobs():
        job = services.request_report(user=report_data["board"], kind="compliance", fmt="pdf", year=2023, quarter=1)
    with pytest.raises(ValidationError):
        services.retry_job(user=report_data["board"], job=job)
    with pytest.raises(PermissionDenied):
        services.retry_job(user=report_data["cadre"], job=job)


def test_a_job_whose_worker_was_lost_can_be_retried_and_leftovers_go(report_data, run_jobs, client):
    """A worker killed mid-task leaves the job RUNNING and a temporary file. Until the task's hard
    time limit has passed it may still be working: no retry. After it, the page says it was
    interrupted and offers “Thử lại”; the rebuilt job removes the stale temporary file."""
    from datetime import timedelta

    from django.utils import timezone

    job = ReportJob.objects.create(
        organization=report_data["org"],
        kind="compliance",
        format="xlsx",
        requested_by=report_data["board"],
        params={"year": 2023, "quarter": 1},
        status=ReportJob.Status.RUNNING,
        started_at=timezone.now(),
    )
    folder = services.job_dir(job)
    folder.mkdir(parents=True)
    stale = folder / ".compliance.xlsx.dead.part"
    stale.write_bytes(b"PK\x03\x04 half")
    old = timezone.now().timestamp() - settings.CELERY_TASK_TIME_LIMIT - 120
    import os

    os.utime(stale, (old, old))
    assert not job.is_stalled and job.is_polling
    with pytest.raises(ValidationError):
        services.retry_job(user=report_data["board"], job=job)

    ReportJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    )
    job.refresh_from_db()
    assert job.is_stalled and not job.is_polling
    client.force_login(report_data["board"])
    html = client.get(f"/bao-cao/{job.pk}/").content.decode()
    assert "bị gián đoạn" in html and 'data-testid="retry"' in html and 'hx-trigger="every 1s"' not in html
    with run_jobs():
        services.retry_job(user=report_data["board"], job=job)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert [p.name for p in folder.iterdir()] == [job.file_name]  # the stale .part is gone

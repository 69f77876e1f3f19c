"""A real Celery worker process on Redis and PostgreSQL (make test-worker): a report requested
through the service is produced by the worker, then downloaded through the view."""

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db, settings):
    if not settings.CELERY_BROKER_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("needs CELERY_BROKER_URL (Redis) and DATABASE_URL (PostgreSQL): make test-worker")
    from config.celery import app

    app.control.purge()  # nothing left over from an earlier run
    env = {
        **os.environ,
        "DJANGO_TESTING": "1",
        "DATABASE_URL": database_url(),  # pytest-django's test_* database
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = open(Path(settings.MEDIA_ROOT).parent / "worker.log", "w+")  # noqa: SIM115
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    log.seek(0)
    print(log.read()[-3000:])
    log.close()


def test_worker_produces_report(report_data, worker, client):
    from reports import services
    from reports.models import ReportJob

    p = report_data
    job = services.request_report(user=p["head"], kind="mau3", fmt="xlsx", year=2023, quarter=1, department=p["d1"])
    # Not eager: the web process only enqueued it.
    assert ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.QUEUED
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED) or worker.poll() is not None:
            break
        time.sleep(0.5)
    assert worker.poll() is None, "the worker died"
    assert job.status == ReportJob.Status.DONE, (job.status, job.error)
    client.force_login(p["head"])
    resp = client.get(reverse("reports:download", args=[job.pk]))
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "TỔNG HỢP BÁO CÁO" in values and "Trần Thị Dung" in values and "Lê Văn Em" in values
    assert any(isinstance(v, str) and v.startswith("=SUM(E") for v in values)

"""A worker killed (SIGKILL) in the middle of a report, then a fresh worker (make test-worker).

What is exercised, honestly:

* The slow task. The first worker runs the real ``celery -A config`` app through a small
  bootstrap (BOOTSTRAP below, passed to ``python -c``) that, when FIELDWORK_TEST_TASK_DELAY is set
  in the worker's environment, wraps ``reports.services.build_file`` so that it sleeps AFTER the
  temporary ``.part`` file has been written and BEFORE produce() moves it into place. No
  production code carries a test hook: the wrapping lives only in this test's worker process.
* The kill. The worker is started in its own session and the whole process group gets SIGKILL
  while the job is RUNNING and its temporary file exists. Then: the job is not done, the
  download view answers 404, no file other than the temporary one is in the job's folder, and the
  message is still in Redis's ``unacked`` hash (acks_late + reject_on_worker_lost: never acked).
  The user's "Thử lại" (services.retry_job) is NOT the recovery path: it only accepts FAILED jobs,
  and this job stays RUNNING; the test asserts that refusal.
* The recovery is the broker's redelivery. settings.py fixes the Redis visibility timeout at
  3600 s (CELERY_BROKER_TRANSPORT_OPTIONS, no environment override), so the second worker, started
  WITHOUT the delay, sets FIELDWORK_TEST_VISIBILITY_TIMEOUT which the bootstrap turns into
  ``app.conf.broker_transport_options`` with visibility_timeout=3 s (and a restore sweep every
  second). That worker restores the unacked message, redelivers it to itself, and produce()
  starts over: the job completes with attempts == 2 and the file downloads. In production the same
  redelivery happens after 3600 s, as long as a worker is running.
"""

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from tests.worker.test_celery_worker import database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60  # seconds, every bounded wait
DELAY = 45  # the killed worker's sleep after writing the temporary file (it never finishes)
VISIBILITY = 3  # the second worker's Redis visibility timeout

BOOTSTRAP = """
import os, time
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from config.celery import app
from reports import services

delay = float(os.environ.get("FIELDWORK_TEST_TASK_DELAY") or 0)
if delay:
    real_build_file = services.build_file

    def slow_build_file(doc, fmt, path, progress):
        real_build_file(doc, fmt, path, progress)
        print("FIELDWORK_TEST: temporary file written, sleeping", delay, flush=True)
        time.sleep(delay)

    services.build_file = slow_build_file
visibility = os.environ.get("FIELDWORK_TEST_VISIBILITY_TIMEOUT")
if visibility:
    app.conf.broker_transport_options = {
        **(app.conf.broker_transport_options or {}),
        "visibility_timeout": int(visibility),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
app.worker_main(
    ["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
)
"""


def start_worker(log_path: Path, **extra_env) -> subprocess.Popen:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FIELDWORK_TEST_")},
        "DJANGO_TESTING": "1",
        "DATABASE_URL": database_url(),  # pytest-django's test_* database
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra_env,
    }
    log = open(log_path, "w")  # noqa: SIM115 - closed by stop()
    proc = subprocess.Popen(
        [sys.executable, "-c", BOOTSTRAP],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: os.killpg reaches every child
    )
    proc.log_file = log
    proc.log_path = log_path
    return proc


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def stop(proc: subprocess.Popen) -> None:
    """Warm shutdown, then SIGKILL of the group if it lingers; print the tail of its log."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    kill(proc)
    proc.log_file.close()
    print(f"--- {proc.log_path.name}\n" + proc.log_path.read_text()[-3000:])


def wait_for(predicate, what: str, procs=()):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if predicate():
            return
        for p in procs:
            assert p.poll() is None, f"the worker died while waiting for {what}"
        time.sleep(0.2)
    pytest.fail(f"not within {WAIT} s: {what}")


def unacked_payloads() -> list[str]:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return [v.decode() for v in client.hvals("unacked")]


def test_killed_worker_leaves_no_file_and_message_is_redelivered(report_data, client):
    if not settings.CELERY_BROKER_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("needs CELERY_BROKER_URL (Redis) and DATABASE_URL (PostgreSQL): make test-worker")
    from config.celery import app
    from reports import services
    from reports.models import ReportJob

    board = report_data["board"]
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    app.control.purge()  # nothing left over from an earlier run
    workers = []
    try:
        slow = start_worker(media.parent / "worker-killed.log", FIELDWORK_TEST_TASK_DELAY=str(DELAY))
        workers.append(slow)
        job = services.request_report(user=board, kind="compliance", fmt="xlsx", year=2023, quarter=1)
        folder = services.job_dir(job)

        def running_with_temp_file():
            job.refresh_from_db()
            return job.status == ReportJob.Status.RUNNING and any(folder.glob(".*.part"))

        wait_for(running_with_temp_file, "the job RUNNING with its temporary file", [slow])
        assert job.attempts == 1
        kill(slow)
        assert slow.returncode == -signal.SIGKILL

        # After the kill: not done, nothing to download, only the temporary file on disk.
        job.refresh_from_db()
        assert job.status == ReportJob.Status.RUNNING
        assert (job.file_path, job.file_name, job.file_size) == ("", "", None)
        assert services.file_of(job) is None
        names = sorted(p.name for p in folder.iterdir())
        assert len(names) == 1 and names[0].startswith(".") and names[0].endswith(".part"), names
        assert not list(media.rglob("*.xlsx")), "a final file exists for a job that was killed"
        client.force_login(board)
        url = reverse("reports:download", args=[job.pk])
        assert client.get(url).status_code == 404
        # The message was never acknowledged: it waits in Redis for redelivery.
        assert any(str(job.pk) in payload for payload in unacked_payloads())
        # The user's retry only takes failed jobs; a running one is refused.
        with pytest.raises(ValidationError):
            services.retry_job(user=board, job=job)

        # A fresh worker, without the delay, short visibility timeout: redelivery.
        fresh = start_worker(media.parent / "worker-fresh.log", FIELDWORK_TEST_VISIBILITY_TIMEOUT=str(VISIBILITY))
        workers.append(fresh)

        def finished():
            job.refresh_from_db()
            return job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED)

        wait_for(finished, "the redelivered job to finish", [fresh])
        assert job.status == ReportJob.Status.DONE, (job.status, job.error)
        assert job.attempts == 2  # the same message, run a second time
        final = services.file_of(job)
        assert final is not None and final.parent == folder and final.name == job.file_name
        assert final.name.endswith(".xlsx") and not final.name.startswith(".")
        assert final.stat().st_size == job.file_size > 0
        wait_for(lambda: not any(str(job.pk) in p for p in unacked_payloads()), "the message to be acked", [fresh])

        resp = client.get(url)
        assert resp.status_code == 200
        body = b"".join(resp.streaming_content)
        assert body[:2] == b"PK" and len(body) == job.file_size
        wb = load_workbook(io.BytesIO(body))
        values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert "Trần Thị Dung" in values and "Lê Văn Em" in values
    finally:
        for proc in workers:
            stop(proc)

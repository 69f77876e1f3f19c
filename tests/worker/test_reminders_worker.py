"""Reminders through a real Celery beat and two real workers on Redis and PostgreSQL (docs/rules.md “Reminders, digests and delegation of approval”,
make test-worker): beat fires the daily task several times, both workers run it at once, and each
reminder is recorded, notified and emailed exactly once."""

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from .test_celery_worker import ROOT, database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

AS_OF = "2023-02-08"  # Tây Ninh (annual): 7 days before mẫu 1's 15/02


def _start(args, env, log_path):
    log = open(log_path, "w+")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    return proc, log


@pytest.fixture
def beat_and_workers(transactional_db, settings, tmp_path, people):
    if not settings.CELERY_BROKER_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("needs CELERY_BROKER_URL (Redis) and DATABASE_URL (PostgreSQL): make test-worker")
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from config.celery import app

    app.control.purge()
    people["plan"].registration_cycle = "annual"
    people["plan"].save()
    # Beat's database schedule: the reminders task every 2 seconds for the test's day (the real
    # entry, "daily-reminders" at 07:00, comes from CELERY_BEAT_SCHEDULE and does not fire now).
    every, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="test-reminders",
        task="fieldwork.reminders.tasks.send_reminders",
        interval=every,
        kwargs=f'{{"today": "{AS_OF}"}}',
    )
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_TESTING": "1",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_URL": f"filemail:///{mail_dir}",  # django-environ drops one leading slash of the path
    }
    worker_args = [
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    procs = [_start([*worker_args, "-n", f"reminders{i}@%h"], env, tmp_path / f"worker{i}.log") for i in (1, 2)]
    ready = time.monotonic() + 60
    while time.monotonic() < ready and _logs(procs).count(" ready.") < 2:
        time.sleep(0.5)
    # Two workers at once: a burst of runs of the same day before beat's own firings.
    from fieldwork.reminders.tasks import send_reminders

    for _i in range(4):
        send_reminders.delay(AS_OF)
    procs.append(
        _start(
            [
                "beat",
                "--loglevel=INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--max-interval",
                "1",
            ],
            env,
            tmp_path / "beat.log",
        )
    )
    yield {"procs": procs, "mail_dir": mail_dir}
    for proc, _log in procs:
        proc.terminate()
    for proc, log in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.seek(0)
        print(log.read()[-2000:])
        log.close()


def _logs(procs) -> str:
    out = []
    for _proc, log in procs:
        log.flush()
        out.append(Path(log.name).read_text())
    return "\n".join(out)


def test_beat_and_two_workers_send_each_reminder_once(people, beat_and_workers):
    from accounts.models import Notification, Organization
    from fieldwork.reminders.models import SentReminder
    from fieldwork.reminders.selectors import due_on

    # Every organization's reminders of the day: the daily task runs them all (the stranger's
    # organization is on the Tây Ninh template, annual too).
    expected = {
        (d.person.pk, d.kind, d.key)
        for org_id in Organization.objects.values_list("pk", flat=True)
        for d in due_on(org_id, date.fromisoformat(AS_OF))
    }
    assert len(expected) >= 8
    procs = beat_and_workers["procs"]
    deadline = time.monotonic() + 120
    runs = 0
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p, _ in procs), "a worker or beat died"
        logs = _logs(procs)
        runs = logs.count("fieldwork.reminders.tasks.send_reminders[") // 2  # received + succeeded
        emailed = SentReminder.objects.filter(emailed_at__isnull=False).count()
        if runs >= 7 and emailed >= len(expected):
            break
        time.sleep(1)
    logs = _logs(procs)
    # Beat fired the task several times and both workers ran it.
    assert logs.count("Scheduler: Sending due task test-reminders") >= 3, logs[-3000:]
    assert logs.count("Task fieldwork.reminders.tasks.send_reminders[") >= 2 * 7, logs[-3000:]
    worker_logs = [Path(log.name).read_text() for _p, log in procs[:2]]
    assert all("fieldwork.reminders.tasks.send_reminders[" in w for w in worker_logs)
    rows = list(SentReminder.objects.values_list("person_id", "kind", "key"))
    assert set(rows) == expected and max(Counter(rows).values()) == 1
    assert Notification.objects.count() == len(expected)
    assert set(SentReminder.objects.values_list("email_attempts", flat=True)) == {1}
    # Each email written once by the file backend, whatever the number of firings.
    messages = [
        line
        for f in beat_and_workers["mail_dir"].iterdir()
        for line in f.read_text().splitlines()
        if line.startswith("To: ")
    ]
    assert sorted(messages) == sorted(f"To: {e}" for e in SentReminder.objects.values_list("person__email", flat=True))

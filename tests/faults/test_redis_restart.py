"""Redis killed (SIGKILL) and restarted while a report job and the daily reminders run, through a
real worker (prefork, 2 processes) and a real beat on a redis-server of the test's own
(appendonly, as docker-compose runs it): the report finishes, every reminder is recorded once and
emailed exactly once (the emails whose message could not reach the broker while it was down are
queued again by the watchdog that beat fires), and the same worker process, never restarted,
takes new work once Redis is back."""

import contextlib
import sys
import time
from collections import Counter
from datetime import date

import pytest

from tests.faults.conftest import RedisServer, app_env, start, stop, tail, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

AS_OF = "2023-02-08"  # Tây Ninh (annual): 7 days before mẫu 1's 15/02

# The worker, with test-only slowness put in by this bootstrap (no hook in production code): the
# report's file is built, then the task sleeps before moving it into place; each reminder's
# recording sleeps a little, so that the daily run spans the outage.
BOOTSTRAP = """
import os, sys, time
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from config.celery import app
from fieldwork.reminders import services as reminders
from reports import services

delay = float(os.environ["FIELDWORK_TEST_TASK_DELAY"])
slept = []
real_build_file = services.build_file

def slow_build_file(doc, fmt, path, progress):
    real_build_file(doc, fmt, path, progress)
    if not slept:
        slept.append(1)
        print("FIELDWORK_TEST: report file written, sleeping", delay, flush=True)
        time.sleep(delay)

services.build_file = slow_build_file
real_deliver = reminders.deliver

def slow_deliver(*args, **kwargs):
    time.sleep(float(os.environ["FIELDWORK_TEST_REMINDER_DELAY"]))
    return real_deliver(*args, **kwargs)

reminders.deliver = slow_deliver
app.worker_main(sys.argv[1:])
"""


@contextlib.contextmanager
def publishing_to(url):
    """This test process publishes to the test's Redis (the suite itself runs eager)."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None


def emails_in(mail_dir):
    return [line[4:] for f in mail_dir.iterdir() for line in f.read_text().splitlines() if line.startswith("To: ")]


def test_redis_killed_and_restarted_while_a_report_and_the_reminders_run(people, report_data, tmp_path):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from accounts.models import Notification, Organization
    from fieldwork.reminders.models import SentReminder
    from fieldwork.reminders.selectors import due_on
    from fieldwork.reminders.tasks import send_reminders
    from reports import services
    from reports.models import ReportJob

    people["plan"].registration_cycle = "annual"
    people["plan"].save()
    expected = {
        (d.person.pk, d.kind, d.key)
        for org_id in Organization.objects.values_list("pk", flat=True)
        for d in due_on(org_id, date.fromisoformat(AS_OF))
    }
    assert len(expected) >= 8
    every, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="test-watchdog", task="config.tasks.watchdog", interval=every)

    redis = RedisServer(tmp_path / "redis").start()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = app_env(
        CELERY_BROKER_URL=redis.url,
        EMAIL_URL=f"filemail:///{mail_dir}",
        REMINDER_REQUEUE_MINUTES=0,
        EMAIL_RETRY_SECONDS=1,
        FIELDWORK_TEST_TASK_DELAY=10,
        FIELDWORK_TEST_REMINDER_DELAY=0.6,
    )
    procs = []
    try:
        worker = start(
            [
                sys.executable,
                "-c",
                BOOTSTRAP,
                "worker",
                "--concurrency=2",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            tmp_path / "worker.log",
            env,
            "worker",
        )
        procs.append(worker)
        wait_for(lambda: " ready." in worker.log_path.read_text(), "the worker to be ready", procs=procs)
        beat = start(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--max-interval",
                "1",
            ],
            tmp_path / "beat.log",
            env,
            "beat",
        )
        procs.append(beat)

        with publishing_to(redis.url):
            job = services.request_report(
                user=report_data["board"], kind="compliance", fmt="xlsx", year=2023, quarter=1
            )
            folder = services.job_dir(job)

            def report_running():
                job.refresh_from_db()
                return job.status == ReportJob.Status.RUNNING and any(folder.glob(".*.part"))

            wait_for(report_running, "the report RUNNING with its temporary file", procs=procs)
            send_reminders.delay(AS_OF)
            wait_for(lambda: SentReminder.objects.count() >= 2, "the reminders to be running", procs=procs)

            redis.kill()
            killed_at = time.monotonic()
            recorded_during = SentReminder.objects.count()
            time.sleep(4)
            assert worker.poll() is None, tail(worker)
            redis.start()
            outage = time.monotonic() - killed_at

            def all_done():
                job.refresh_from_db()
                return (
                    job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED)
                    and SentReminder.objects.count() >= len(expected)
                    and SentReminder.objects.filter(emailed_at__isnull=True).count() == 0
                )

            wait_for(all_done, "the report and every reminder email", timeout=120, procs=procs)
            assert job.status == ReportJob.Status.DONE, (job.status, job.error)
            assert services.file_of(job) is not None

            # The same worker process takes new work after the outage.
            second = services.request_report(
                user=report_data["board"], kind="compliance", fmt="pdf", year=2023, quarter=1
            )
            wait_for(
                lambda: ReportJob.objects.get(pk=second.pk).status == ReportJob.Status.DONE,
                "a new job after the restart",
                procs=procs,
            )
        assert worker.poll() is None
        log = worker.log_path.read_text()
        assert "Connection to broker lost" in log or "Cannot connect to redis" in log or "Error 111" in log, log[-3000:]
        assert recorded_during < len(expected), "the outage did not fall inside the reminders' run"
        assert "email could not be queued" in log, "no email was lost at the broker: the requeue is untested"

        rows = list(SentReminder.objects.values_list("person_id", "kind", "key"))
        assert set(rows) == expected and max(Counter(rows).values()) == 1
        assert Notification.objects.filter(text__in=SentReminder.objects.values("subject")).count() >= len(expected) - 1
        sent_to = emails_in(mail_dir)
        wanted = list(SentReminder.objects.filter(email_wanted=True).values_list("person__email", flat=True))
        assert sorted(sent_to) == sorted(wanted), "an email lost or sent twice"
        assert set(SentReminder.objects.values_list("email_attempts", flat=True)) == {1}
        print(f"outage {outage:.1f} s; {recorded_during} reminders recorded before it, {len(expected)} in all")
    finally:
        for p in procs:
            stop(p)
        redis.stop()
        for p in procs:
            print(tail(p, 2000))

"""Through a real worker and beat on Redis:
- the SMTP server refusing: reminder emails are retried (EMAIL_RETRY_SECONDS) and, once the
  server accepts, each is delivered exactly once (a tiny SMTP server of the test's own, refusing
  with 421 at first, recording what it accepts);
- a report job stuck "running" past the time limit (its worker lost): beat's watchdog marks it
  failed with the reason, and the user's "Thử lại" through the page gets it built."""

import json
import socketserver
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.faults.conftest import WORKER_ARGS, RedisServer, app_env, celery, free_port, stop, tail, wait_for
from tests.faults.test_redis_restart import publishing_to

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

AS_OF = "2023-02-08"


class SMTPServer(socketserver.ThreadingTCPServer):
    """Refuses every session with 421 while `refusing`; otherwise accepts and keeps each
    message's recipients."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port):
        self.refusing = True
        self.refused = 0
        self.received: list[str] = []
        super().__init__(("127.0.0.1", port), SMTPHandler)


class SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        server = self.server
        if server.refusing:
            server.refused += 1
            self.reply("421 4.3.2 Service not available, try again later")
            return
        self.reply("220 test ESMTP")
        rcpts = []
        while True:
            line = self.rfile.readline().decode(errors="replace").strip()
            if not line:
                return
            cmd = line.split(" ", 1)[0].upper()
            if cmd in ("EHLO", "HELO"):
                self.reply("250 test")
            elif cmd == "MAIL":
                rcpts = []
                self.reply("250 OK")
            elif cmd == "RCPT":
                rcpts.append(line.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif cmd == "DATA":
                self.reply("354 go ahead")
                while self.rfile.readline().rstrip(b"\r\n") != b".":
                    pass
                server.received.extend(rcpts)
                self.reply("250 queued")
            elif cmd == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


def test_smtp_refusing_then_accepting_sends_each_reminder_once(people, tmp_path):
    from fieldwork.reminders.models import SentReminder
    from fieldwork.reminders.tasks import send_reminders

    people["plan"].registration_cycle = "annual"
    people["plan"].save()
    redis = RedisServer(tmp_path / "redis").start()
    smtp = SMTPServer(free_port())
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    env = app_env(
        CELERY_BROKER_URL=redis.url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.server_address[1]}",
        EMAIL_RETRY_SECONDS=1,
    )
    worker = celery([*WORKER_ARGS, "--pool=solo"], env, tmp_path / "worker.log", "worker")
    try:
        wait_for(lambda: " ready." in worker.log_path.read_text(), "the worker", procs=[worker])
        with publishing_to(redis.url):
            send_reminders.delay(AS_OF)
            wait_for(lambda: smtp.refused >= 8, "the SMTP server to refuse a few times", procs=[worker])
            assert SentReminder.objects.filter(emailed_at__isnull=False).count() == 0
            assert SentReminder.objects.filter(email_attempts__gte=1).exists()
            smtp.refusing = False
            total = SentReminder.objects.filter(email_wanted=True).count()
            wait_for(
                lambda: SentReminder.objects.filter(emailed_at__isnull=False).count() == total,
                "every reminder emailed",
                timeout=120,
                procs=[worker],
            )
            time.sleep(3)  # any duplicate still in flight would arrive now
        wanted = list(SentReminder.objects.filter(email_wanted=True).values_list("person__email", flat=True))
        assert total >= 8 and sorted(smtp.received) == sorted(wanted), "an email lost or sent twice"
        assert max(Counter(smtp.received).values()) == 1
        # Those tried while the server refused were retried (the last ones may have come after it accepted).
        attempts = list(SentReminder.objects.values_list("email_attempts", flat=True))
        assert sum(a >= 2 for a in attempts) >= len(attempts) // 2 and min(attempts) >= 1
        assert not SentReminder.objects.exclude(email_error="").filter(emailed_at__isnull=True).exists()
    finally:
        stop(worker)
        smtp.shutdown()
        smtp.server_close()
        redis.stop()
        print(tail(worker, 2000))


def test_a_job_stuck_running_is_failed_by_the_watchdog_then_retried(report_data, tmp_path, client):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from reports import services
    from reports.models import ReportJob

    board = report_data["board"]
    limit = settings.CELERY_TASK_TIME_LIMIT + 60
    stuck = ReportJob.objects.create(
        organization=board.organization,
        kind="compliance",
        format="xlsx",
        params={"year": 2023, "quarter": 1},
        requested_by=board,
        status=ReportJob.Status.RUNNING,
        started_at=timezone.now() - timedelta(seconds=limit + 10),
        attempts=1,
        progress=40,
    )
    every, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="test-watchdog", task="config.tasks.watchdog", interval=every)
    redis = RedisServer(tmp_path / "redis").start()
    env = app_env(CELERY_BROKER_URL=redis.url)
    procs = [celery([*WORKER_ARGS, "--pool=solo"], env, tmp_path / "worker.log", "worker")]
    procs.append(
        celery(
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
            "beat",
        )
    )
    try:
        wait_for(
            lambda: ReportJob.objects.get(pk=stuck.pk).status == ReportJob.Status.FAILED,
            "the watchdog to fail the stuck job",
            procs=procs,
        )
        stuck.refresh_from_db()
        assert "Quá thời gian cho phép" in stuck.error and stuck.finished_at is not None
        client.force_login(board)
        page = client.get(reverse("reports:job_detail", args=[stuck.pk])).content.decode()
        assert "Quá thời gian cho phép" in page and reverse("reports:retry", args=[stuck.pk]) in page
        with publishing_to(redis.url):
            resp = client.post(reverse("reports:retry", args=[stuck.pk]), HTTP_X_REQUEST_ID="retry-request-0001")
            assert resp.status_code == 302
            wait_for(
                lambda: ReportJob.objects.get(pk=stuck.pk).status == ReportJob.Status.DONE,
                "the retried job to be built by the worker",
                procs=procs,
            )
        stuck.refresh_from_db()
        assert stuck.attempts == 2 and services.file_of(stuck) is not None
        log = procs[0].log_path.read_text()
        assert "watchdog" in log
        # The request's id and the user's id travelled in the task's headers into the worker's lines.
        lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
        built = [e for e in lines if e.get("task") == "reports.tasks.build_report"]
        assert built and all(e.get("request_id") == "retry-request-0001" for e in built)
        assert all(e.get("user_id") == board.pk for e in built)
    finally:
        for p in procs:
            stop(p)
        redis.stop()

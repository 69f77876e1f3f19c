"""Seeing it run: JSON logs with the request id and the user's id (never a name), carried into
Celery tasks; /healthz, /readyz; /metrics in the Prometheus format, closed to the public."""

import json
import logging
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config import observability
from config.observability import JsonFormatter


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture
def json_log():
    """The console handler as settings.LOGGING builds it (ContextFilter + JsonFormatter), into a buffer."""
    import io

    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.addFilter(observability.ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.INFO)
    yield buf
    root.removeHandler(handler)
    root.setLevel(old)


def test_a_request_logs_json_with_its_request_id_and_user_id_never_the_name(client, people, json_log):
    board = people["board"]
    client.force_login(board)
    resp = client.get("/khong-co-trang-nay/", HTTP_X_REQUEST_ID="proxy-abc-123456")
    assert resp.status_code == 404 and resp["X-Request-ID"] == "proxy-abc-123456"
    entry = [e for e in json_lines(json_log.getvalue()) if e["logger"] == "django.request"][-1]
    assert entry["level"] == "WARNING" and entry["message"].startswith("Not Found")
    assert entry["request_id"] == "proxy-abc-123456" and entry["user_id"] == board.pk
    assert observability.current_ids() == {}  # cleared when the response was closed
    # A log line written inside a request carries both ids; the user's name appears nowhere.
    with observability_request(board.pk, "req-0000-aaaa"):
        logging.getLogger("fieldwork.test").error("something failed")
    entry = json_lines(json_log.getvalue())[-1]
    assert entry["level"] == "ERROR" and entry["message"] == "something failed"
    assert entry["request_id"] == "req-0000-aaaa" and entry["user_id"] == board.pk
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", entry["time"])
    assert board.full_name not in json_log.getvalue() and board.email not in json_log.getvalue()


class observability_request:
    def __init__(self, uid, rid):
        self.uid, self.rid = uid, rid

    def __enter__(self):
        self.t1 = observability.request_id_var.set(self.rid)
        self.t2 = observability.user_id_var.set(self.uid)

    def __exit__(self, *exc):
        observability.request_id_var.reset(self.t1)
        observability.user_id_var.reset(self.t2)


def test_a_hostile_request_id_is_replaced(client):
    resp = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"level": "fake')
    rid = resp["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert client.get("/healthz")["X-Request-ID"] != rid  # a new one per request


def test_task_headers_carry_the_ids_and_the_task_logs_them(json_log, people):
    """The publish signal copies the ids into the message headers; the worker side (prerun)
    restores them with the task's id and name (eager here; make test-faults runs a real worker)."""
    headers = {}
    with observability_request(people["board"].pk, "req-task-000001"):
        observability._before_publish(headers=headers)
    assert headers == {"fieldwork_request_id": "req-task-000001", "fieldwork_user_id": people["board"].pk}

    class FakeTask:
        name = "reports.tasks.build_report"

        class request:  # noqa: N801
            fieldwork_request_id = "req-task-000001"
            fieldwork_user_id = people["board"].pk

    observability._prerun(task_id="t-1", task=FakeTask)
    logging.getLogger("reports.test").warning("building")
    observability._postrun(task_id="t-1", task=FakeTask, state="SUCCESS")
    entries = [e for e in json_lines(json_log.getvalue()) if e["logger"] == "reports.test"]
    assert entries[-1]["request_id"] == "req-task-000001" and entries[-1]["user_id"] == people["board"].pk
    assert entries[-1]["task_id"] == "t-1" and entries[-1]["task"] == "reports.tasks.build_report"
    assert observability.current_ids() == {}  # cleared after the task


@pytest.mark.django_db
def test_healthz_is_alive_without_the_database_readyz_checks_everything(client, settings, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").json() == {"status": "ok"}
    resp = client.get("/readyz", HTTP_HOST="127.0.0.1:8000")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nobody listens there
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json()["redis"].startswith("error") and resp.json()["database"] == "ok"


@pytest.mark.django_db
def test_readyz_says_when_migrations_are_missing(client, monkeypatch):
    from config import health

    monkeypatch.setattr(health, "_migrations_ok_at", [0.0])
    monkeypatch.setattr(health, "unapplied_migrations", lambda: ["fieldwork.0099_new"])
    resp = client.get("/readyz")
    assert resp.status_code == 503 and resp.json()["migrations"] == "1 not applied"


def test_metrics_are_closed_to_the_public(client, settings, people):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", []
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "s3cret-token-for-the-scraper"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    client.force_login(people["board"])  # a signed-in Board member is still the public
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-the-scraper").status_code == 200
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 404


def test_metrics_report_requests_jobs_queue_and_the_last_backup(client, settings, people, tmp_path):
    from config.backup import backup_name
    from reports.models import ReportJob

    settings.METRICS_TOKEN = "tok-123456789"
    settings.BACKUP_DIR = tmp_path / "backups"
    made = timezone.now() - timedelta(hours=3)
    (settings.BACKUP_DIR / backup_name(made)).mkdir(parents=True)
    (settings.BACKUP_DIR / backup_name(made) / "manifest.json").write_text("{}")
    org = people["org"]
    now = timezone.now()
    ReportJob.objects.create(organization=org, kind="mau1", format="pdf", status="failed")
    ReportJob.objects.create(
        organization=org,
        kind="mau1",
        format="pdf",
        status="done",
        started_at=now - timedelta(seconds=4),
        finished_at=now,
    )
    ReportJob.objects.create(
        organization=org, kind="mau1", format="pdf", status="running", started_at=now - timedelta(hours=2)
    )
    client.force_login(people["cadre"])
    client.get(reverse("fieldwork:my_standing"))
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer tok-123456789").content.decode()
    assert "# TYPE fieldwork_http_requests_total counter" in body
    assert re.search(
        r'fieldwork_http_requests_total\{method="GET",route="fieldwork:my_standing",status="200"\} [1-9]', body
    )
    assert 'fieldwork_http_request_duration_seconds_bucket{le="0.5",route="fieldwork:my_standing"}' in body
    assert 'fieldwork_jobs{kind="report",status="failed"} 1.0' in body
    assert 'fieldwork_jobs{kind="report",status="done"} 1.0' in body
    assert 'fieldwork_job_duration_seconds_count{kind="report"} 1.0' in body
    assert 'fieldwork_job_duration_seconds_sum{kind="report"} 4.0' in body
    assert 'fieldwork_jobs_overdue{kind="report"} 1.0' in body
    assert 'fieldwork_jobs{kind="standings_refresh",status="queued"} 0.0' in body
    assert "fieldwork_reminder_emails_pending 0.0" in body
    stamp = float(re.search(r"^fieldwork_backup_last_success_timestamp_seconds (\S+)$", body, re.M).group(1))
    assert abs(stamp - made.timestamp()) < 2
    assert "/moi-nguoi" not in body and people["cadre"].email not in body  # routes, never paths or people

"""`/metrics` in the Prometheus text format for an operator's scraper (docs/operations.md
"Metrics"), closed to the public: it answers only a request carrying `Authorization: Bearer
<METRICS_TOKEN>` or coming from an address in METRICS_ALLOWED_IPS; with neither set it is a 404.

- Requests: `fieldwork_http_requests_total{method,route,status}` and
  `fieldwork_http_request_duration_seconds{route}` (a histogram), counted by
  config.observability.RequestContextMiddleware by route name (never by path: no ids, no tokens).
  Under gunicorn (config/gunicorn_conf.py) every worker process writes its figures into
  PROMETHEUS_MULTIPROC_DIR and a scrape sums them.
- Jobs, read from the database at each scrape (the source of truth whichever container ran
  them): `fieldwork_jobs{kind,status}`, `fieldwork_job_duration_seconds{kind}` over the jobs
  finished in the last 24 hours, `fieldwork_jobs_overdue{kind}` (running past the time limit:
  the watchdog fails them), `fieldwork_reminder_emails_pending`.
- `fieldwork_queue_length{queue}`: messages waiting in the Redis broker's queue.
- `fieldwork_backup_last_success_timestamp_seconds` and `fieldwork_backup_last_size_bytes`: the
  newest complete backup under BACKUP_DIR (0 when there is none).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

logger = logging.getLogger(__name__)

OWN_PATHS = ("/healthz", "/readyz", "/metrics")
BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "fieldwork_http_requests", "HTTP requests answered, by route name and status", ["method", "route", "status"]
)
LATENCY = Histogram(
    "fieldwork_http_request_duration_seconds", "Time to answer a request, by route name", ["route"], buckets=BUCKETS
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in ("GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS") else "OTHER"
    try:
        REQUESTS.labels(method, route, str(status)).inc()
        LATENCY.labels(route).observe(seconds)
    except Exception:  # noqa: BLE001 - counting never breaks a request
        logger.warning("could not count a request", exc_info=True)


def observe_task(name: str, state: str, seconds: float) -> None:
    logger.info("task %s %s in %.3f s", name, state, seconds)


# Access -----------------------------------------------------------------------------------------
def allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
            return True
    if settings.METRICS_ALLOWED_IPS:
        from accounts.network import client_ip

        address = client_ip(request)
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        for net in settings.METRICS_ALLOWED_IPS:
            try:
                if ip in ipaddress.ip_network(net, strict=False):
                    return True
            except ValueError:
                continue
    return False


# What the database and the broker say ------------------------------------------------------------
class StateCollector:
    """Figures read at scrape time (jobs, queue, backups): see the module docstring."""

    def collect(self):
        yield from self._jobs()
        yield from self._queue()
        yield from self._backups()

    def _jobs(self):
        from django.db.models import Count

        from fieldwork.models import StandingsRefresh
        from fieldwork.reminders.models import SentReminder
        from reports.models import ReportJob

        jobs = GaugeMetricFamily("fieldwork_jobs", "Background jobs by kind and status", labels=["kind", "status"])
        durations = SummaryMetricFamily(
            "fieldwork_job_duration_seconds", "Run time of the jobs finished in the last 24 hours", labels=["kind"]
        )
        overdue = GaugeMetricFamily(
            "fieldwork_jobs_overdue", "Jobs running past the task time limit (the watchdog fails them)", labels=["kind"]
        )
        since = timezone.now() - timedelta(hours=24)
        limit = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
        for kind, model in (("report", ReportJob), ("standings_refresh", StandingsRefresh)):
            counts = dict(model.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
            for status in model.Status.values:
                jobs.add_metric([kind, status], counts.get(status, 0))
            finished = list(
                model.objects.filter(finished_at__gte=since, started_at__isnull=False, status="done").values_list(
                    "started_at", "finished_at"
                )
            )
            seconds = [max(0.0, (f - s).total_seconds()) for s, f in finished]
            durations.add_metric([kind], count_value=len(seconds), sum_value=sum(seconds))
            overdue.add_metric([kind], model.objects.filter(status="running", started_at__lt=limit).count())
        yield jobs
        yield durations
        yield overdue
        pending = SentReminder.objects.filter(email_wanted=True, emailed_at__isnull=True).count()
        yield GaugeMetricFamily("fieldwork_reminder_emails_pending", "Reminder emails not sent yet", value=pending)

    def _queue(self):
        from config.health import queue_lengths

        family = GaugeMetricFamily("fieldwork_queue_length", "Messages waiting in the broker's queue", labels=["queue"])
        try:
            for queue, n in queue_lengths().items():
                family.add_metric([queue], n)
        except Exception:  # noqa: BLE001 - the broker is down: /readyz says so; no figure
            logger.warning("queue length unavailable", exc_info=True)
        yield family

    def _backups(self):
        from config.backup import last_backup

        info = last_backup()
        yield GaugeMetricFamily(
            "fieldwork_backup_last_success_timestamp_seconds",
            "When the newest complete backup under BACKUP_DIR was made (Unix time; 0: none)",
            value=info.created_at.timestamp() if info else 0,
        )
        yield GaugeMetricFamily(
            "fieldwork_backup_last_size_bytes", "Size of the newest complete backup", value=info.size if info else 0
        )


def render() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:  # one process (runserver, tests): its own figures
        for collector in (REQUESTS, LATENCY):
            registry.register(collector)
    registry.register(StateCollector())
    return generate_latest(registry)


def metrics_view(request):
    if not allowed(request):  # closed: the same plain 404 as any unknown path outside the app
        return HttpResponseNotFound(b"Not Found", content_type="text/plain")
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)

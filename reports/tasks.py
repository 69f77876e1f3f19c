"""Celery tasks of the reports app (config/celery.py autodiscovers this module).

Settings make every task acks-late with reject-on-worker-lost and prefetch 1: a worker killed
in the middle of a report leaves the message on the broker and another worker rebuilds it
(the job is not done, so produce() starts over; the temporary file is never at file_path).
"""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)
MAX_RETRIES = 3


def backoff(retries: int) -> int:
    """Seconds before the next attempt: 10, 20, 40."""
    return 10 * 2**retries


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="reports.tasks.build_report")
def build_report(self, job_id: str, today: str | None = None):
    """Produce one ReportJob's file. Transient database errors are retried with backoff
    (at most 3 times); any other error marks the job failed with a Vietnamese message."""
    try:
        job = services.produce(job_id, today=date.fromisoformat(today) if today else None)
        return {"job": str(job.pk), "status": job.status}
    except services.TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            logger.exception("report job %s failed after %s retries", job_id, MAX_RETRIES)
            services.mark_failed(job_id, exc)
            return {"job": job_id, "status": "failed"}
        services.mark_waiting(job_id, exc, self.request.retries + 1)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    except Exception as exc:
        logger.exception("report job %s failed", job_id)
        services.mark_failed(job_id, exc)
        return {"job": job_id, "status": "failed"}


@shared_task(name="reports.tasks.produce_due_compliance_reports")
def produce_due_compliance_reports(today: str | None = None):
    jobs = services.produce_due_compliance_reports(today=date.fromisoformat(today) if today else None)
    return [str(j.pk) for j in jobs]

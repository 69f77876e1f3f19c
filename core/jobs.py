"""The one retry policy of the background jobs (report files, docs/domain.md §8; whole-plan standings,
docs/rules.md “Stored standings”): a transient database error is retried with backoff (10, 20, 40 s, at most
MAX_RETRIES times) and the job shows "waiting"; after the last retry, or on any other error, the
job is marked failed with its reason, for the user to retry. Used by reports.tasks and
fieldwork.stored.plan_refresh."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError

from core.logsafe import scrubbed_exc_info

logger = logging.getLogger(__name__)
MAX_RETRIES = 3
# Errors worth another attempt: the database hiccuped.
TRANSIENT = (OperationalError, InterfaceError)


def backoff(retries: int) -> int:
    """Seconds before the next attempt: 10, 20, 40."""
    return 10 * 2**retries


def run_job(task, job_id, run, service, label: str) -> dict:
    """Run `run()` for job `job_id` inside bound Celery `task`; `service` provides
    mark_failed(job_id, exc) and mark_waiting(job_id, exc, attempt). Returns the task result."""
    try:
        return run()
    except TRANSIENT as exc:
        if task.request.retries >= MAX_RETRIES:
            logger.error("%s %s failed after %s retries", label, job_id, MAX_RETRIES, exc_info=scrubbed_exc_info())
            service.mark_failed(job_id, exc)
            return {"job": str(job_id), "status": "failed"}
        service.mark_waiting(job_id, exc, task.request.retries + 1)
        raise task.retry(exc=exc, countdown=backoff(task.request.retries)) from exc
    except Exception as exc:
        logger.error("%s %s failed", label, job_id, exc_info=scrubbed_exc_info())
        service.mark_failed(job_id, exc)
        return {"job": str(job_id), "status": "failed"}

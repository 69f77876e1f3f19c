"""Celery tasks of the reports app (config/celery.py autodiscovers this module).

Settings make every task acks-late with reject-on-worker-lost and prefetch 1: a worker killed
in the middle of a report leaves the message on the broker and another worker rebuilds it
(the job is not done, so produce() starts over; the temporary file is never at file_path).
"""

from __future__ import annotations

from datetime import date

from celery import shared_task

from core.jobs import MAX_RETRIES, run_job

from . import services


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="reports.tasks.build_report")
def build_report(self, job_id: str, today: str | None = None):
    """Produce one ReportJob's file. Transient database errors are retried with backoff
    (at most 3 times); any other error marks the job failed with a Vietnamese message."""

    def run():
        job = services.produce(job_id, today=date.fromisoformat(today) if today else None)
        return {"job": str(job.pk), "status": job.status}

    return run_job(self, job_id, run, services, "report job")


@shared_task(name="reports.tasks.produce_due_compliance_reports")
def produce_due_compliance_reports(today: str | None = None):
    jobs = services.produce_due_compliance_reports(today=date.fromisoformat(today) if today else None)
    return [str(j.pk) for j in jobs]

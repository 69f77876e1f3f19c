"""Celery tasks of the stored standings (docs/rules.md “Stored standings”) and of the retention of personal data.

- daily: the stored standings whose as_of is no longer today are recomputed (on_track → at_risk
  as days pass, not_met at the period's end);
- after a change to a large plan: the whole plan recomputed in chunks with progress
  (fieldwork.standings_refresh). Acks-late like every task (settings): a worker killed in the
  middle leaves the message on the broker and another worker runs the job again from the start.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task

from core.jobs import MAX_RETRIES, run_job


@shared_task(name="fieldwork.tasks.refresh_stale_standings")
def refresh_stale_standings() -> int:
    from fieldwork.stored_standings import refresh_stale

    return refresh_stale()


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="fieldwork.tasks.refresh_plan_standings")
def refresh_plan_standings(self, job_id: int, today: str | None = None):
    """Run one StandingsRefresh. Transient database errors are retried with backoff (at most 3
    times); any other error marks the job failed with the reason, for the Board to retry."""
    from fieldwork import standings_refresh as service

    def run():
        job = service.run(job_id, today=date.fromisoformat(today) if today else None)
        return {"job": job_id, "status": job.status if job else None}

    return run_job(self, job_id, run, service, "standings refresh")


@shared_task(name="fieldwork.tasks.apply_retention")
def apply_retention(today: str | None = None) -> int:
    """Personal data (docs/privacy.md): the retention periods, every organization, once a day — the
    same code as `manage.py privacy purge`. Returns how many people and files it handled."""
    from fieldwork.services.privacy import purge_all

    return purge_all(date.fromisoformat(today) if today else None)

"""Celery tasks of the stored standings (docs/rules.md “Stored standings”) and of the retention of personal data.

- daily: the stored standings whose as_of is no longer today are recomputed (on_track → at_risk
  as days pass, not_met at the period's end);
- after a change to a large plan the whole plan is recomputed in chunks with progress by the task
  `fieldwork.tasks.refresh_plan_standings`, which lives with its job in fieldwork.stored.plan_refresh.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task


@shared_task(name="fieldwork.tasks.refresh_stale_standings")
def refresh_stale_standings() -> int:
    from fieldwork.stored.standings import refresh_stale

    return refresh_stale()


@shared_task(name="fieldwork.tasks.apply_retention")
def apply_retention(today: str | None = None) -> int:
    """Personal data (docs/privacy.md): the retention periods, every organization, once a day — the
    same code as `manage.py privacy purge`. Returns how many people and files it handled."""
    from fieldwork.services.privacy import purge_all

    return purge_all(date.fromisoformat(today) if today else None)

"""Daily job (issue 11 §2): the stored standings whose as_of is no longer today are recomputed
(on_track → at_risk as days pass, not_met at the period's end)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="fieldwork.tasks.refresh_stale_standings")
def refresh_stale_standings() -> int:
    from fieldwork.stored_standings import refresh_stale

    return refresh_stale()

"""Celery tasks of the reminders (config/settings.py CELERY_IMPORTS; beat runs send_reminders
daily, CELERY_BEAT_SCHEDULE "daily-reminders")."""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.logsafe import scrubbed_exc_info

from . import services

logger = logging.getLogger(__name__)
MAX_EMAIL_RETRIES = 5


@shared_task(name="fieldwork.reminders.tasks.send_reminders")
def send_reminders(today: str | None = None) -> int:
    """Every organization's reminders and digests due today: returns how many were sent."""
    from accounts.models import Organization

    as_of = date.fromisoformat(today) if today else timezone.localdate()
    orgs = (
        Organization.objects.filter(plans__year__in=(as_of.year - 1, as_of.year))
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent, failed = 0, []
    for org_id in orgs:
        try:
            sent += sum(1 for o in services.run(organization_id=org_id, as_of=as_of) if o.sent)
        except Exception:  # one organization's bad data never stops the others' reminders
            logger.error("reminders of organization %s on %s failed", org_id, as_of, exc_info=scrubbed_exc_info())
            failed.append(org_id)
    if failed:
        raise RuntimeError(f"reminders failed for organizations {failed}; the others were sent")
    return sent


@shared_task(
    bind=True, acks_late=True, max_retries=MAX_EMAIL_RETRIES, name="fieldwork.reminders.tasks.send_reminder_email"
)
def send_reminder_email(self, sent_id: int) -> str:
    """One reminder's email; a failure is retried (EMAIL_RETRY_SECONDS: 60 s, 120 s, …) and never sent twice."""
    try:
        return services.deliver_email(sent_id)
    except Exception as exc:
        if self.request.retries >= MAX_EMAIL_RETRIES:
            logger.error(
                "reminder %s: email failed after %s retries", sent_id, MAX_EMAIL_RETRIES, exc_info=scrubbed_exc_info()
            )
            return "failed"
        raise self.retry(exc=exc, countdown=settings.EMAIL_RETRY_SECONDS * 2**self.request.retries) from exc

"""Beat's operations tasks (config/settings.py CELERY_BEAT_SCHEDULE, docs/operations.md)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="config.tasks.daily_backup", acks_late=False)
def daily_backup() -> dict:
    """A backup into BACKUP_DIR, then rotation (7 daily and 4 weekly by default). Not acks-late:
    a backup interrupted by a lost worker is not run a second time by redelivery; the next
    day's runs, and /metrics' fieldwork_backup_last_success_timestamp_seconds tells the operator."""
    from config.backup import scheduled_backup

    manifest, target, removed = scheduled_backup()
    logger.info(
        "backup %s written in %.1f s (%s tables, %s files); rotation removed %s",
        target.name,
        manifest["duration_seconds"],
        len(manifest["tables"]),
        len(manifest["files"]),
        len(removed),
    )
    return {"backup": target.name, "removed": [p.name for p in removed]}


@shared_task(name="config.tasks.watchdog")
def watchdog() -> dict:
    """Jobs running past their time limit are marked failed (their page offers "Thử lại"), and
    reminder emails whose message never reached the broker are queued again."""
    from fieldwork.reminders.services import requeue_unsent_emails
    from fieldwork.stored import plan_refresh
    from reports import services as reports

    out = {
        "reports_failed": reports.fail_overdue(),
        "refreshes_failed": plan_refresh.fail_overdue(),
        "emails_requeued": requeue_unsent_emails(),
    }
    if any(out.values()):
        logger.warning("watchdog: %s", out)
    return out

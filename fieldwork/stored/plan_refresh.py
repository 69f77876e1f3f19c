"""Recomputing a whole plan's stored standings in the background (docs/rules.md “Stored standings”: "refreshed … for
the whole plan when the plan changes (a background job with progress)").

A change to a plan, its groups, categories or exemption reasons changes the standing of every
cadre subject to it. Up to `settings.STANDINGS_SYNC_LIMIT` cadres the rows are recomputed in the
request's transaction, as before (fieldwork.stored.changes). Above, `refresh_later`
creates (or joins) the plan's `StandingsRefresh` in that transaction and the Celery task
`refresh_plan_standings` (below) runs it after the commit: the cadres in chunks of
`settings.STANDINGS_REFRESH_CHUNK`, the progress written after each chunk, then the rows of people
no longer subject removed.

One active job per plan (a partial unique constraint). A change arriving while one is
- queued: nothing to do — the job reads the plan when it starts, after this commit (the change's
  transaction holds the job's row lock, and the task's queued → running update waits for it);
- running: it is marked `restart` under the same lock; once through, the task sees the mark
  (again under the lock) and goes over the whole plan again instead of finishing;
- finished (done or failed): a new job.
So no change is lost, and a burst of changes costs at most one more pass.

Per-person changes (trips, exemptions, a person's fields) stay synchronous; while a job runs,
pages read the rows as they are (`ensure_fresh` does not recompute the plan) under a banner. The
job's state is read by fieldwork.selectors.stored (`latest_refresh`, `refresh_in_progress`).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from types import SimpleNamespace

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from core.jobs import MAX_RETRIES, TRANSIENT, run_job
from core.logsafe import scrubbed_exc_info
from fieldwork.models import Plan, StandingsRefresh, StoredStanding
from fieldwork.selectors import cadre_people
from fieldwork.selectors.stored import active_refreshes, latest_refresh, stalled_before
from fieldwork.stored import standings

logger = logging.getLogger(__name__)

Status = StandingsRefresh.Status


# Scheduling (inside the change's transaction) -------------------------------------------------
def refresh_later(plan: Plan, *, requested_by=None) -> StandingsRefresh | None:
    """A background job for the plan when it has more cadres than STANDINGS_SYNC_LIMIT (None:
    the caller refreshes it now, in the request)."""
    total = cadre_people(plan).count()
    if total <= settings.STANDINGS_SYNC_LIMIT:
        return None
    return schedule(plan, requested_by=requested_by, total=total)


def schedule(plan: Plan, *, requested_by=None, total: int = 0) -> StandingsRefresh:
    """Join the plan's active job (marking a running one to go over the plan again) or create
    one, enqueued once the transaction commits. See the module docstring for why no change is lost."""
    with transaction.atomic():
        for _attempt in range(3):
            job = active_refreshes(plan.pk).select_for_update().first()
            if job is not None:
                if job.is_stalled:  # its worker was lost: start it again rather than wait for it
                    _requeue(job)
                elif job.status == Status.RUNNING and not job.restart:
                    job.restart = True
                    job.save(update_fields=["restart"])
                return job
            try:
                with transaction.atomic():  # a savepoint: another request may create it at the same moment
                    job = StandingsRefresh.objects.create(plan=plan, requested_by=requested_by, total=total)
            except IntegrityError:
                continue  # …then it exists now: join it
            enqueue(job)
            return job
    raise DatabaseError("could not create or join the plan's standings refresh")


def enqueue(job: StandingsRefresh) -> None:
    job_id = job.pk

    def send():
        try:
            refresh_plan_standings.delay(job_id)
        except Exception as exc:  # noqa: BLE001 - the broker is unreachable: failed, for "Thử lại"
            logger.warning("standings refresh %s: could not be queued (%s)", job_id, type(exc).__name__)
            _set(
                job_id,
                status=Status.FAILED,
                error=_("Hàng đợi xử lý tạm thời không hoạt động. Hãy bấm “Thử lại” sau ít phút."),
                finished_at=timezone.now(),
            )

    transaction.on_commit(send)


def _requeue(job: StandingsRefresh) -> None:
    StandingsRefresh.objects.filter(pk=job.pk).update(
        status=Status.QUEUED, restart=False, done=0, error="", started_at=None, finished_at=None
    )
    job.refresh_from_db()
    enqueue(job)


def retry(*, user, plan: Plan) -> StandingsRefresh:
    """The Board's "Thử lại": the plan's latest job, failed or stalled, runs again."""
    if not rules.can_edit_plan(user, plan):
        raise PermissionDenied
    with transaction.atomic():
        job = latest_refresh(plan)
        retryable = Q(status=Status.FAILED) | Q(status=Status.RUNNING, started_at__lt=stalled_before())
        if job is None or not StandingsRefresh.objects.filter(retryable, pk=job.pk).exists():
            raise ValidationError(_("Chỉ thử lại được lần tính lại bị lỗi."))
        try:
            with transaction.atomic():
                _requeue(job)
        except IntegrityError as exc:  # a newer change started its own job meanwhile
            raise ValidationError(_("Việc tính lại đang chạy.")) from exc
    return job


# Running (inside the Celery task) --------------------------------------------------------------
def _set(job_id, **fields) -> int:
    return StandingsRefresh.objects.filter(pk=job_id).update(**fields)


def refresh_chunk(plan: Plan, person_ids: list[int], *, today: date | None = None) -> int:
    """Recompute some cadres' rows. Their existing rows are locked first, in one order: a trip
    confirmed meanwhile (whose transaction refreshes its cadre's row) either commits before this
    chunk reads the trips, or writes its row after this chunk's, never under it."""
    with transaction.atomic():
        list(
            StoredStanding.objects.select_for_update()
            .filter(plan=plan, person_id__in=person_ids)
            .order_by("person_id")
            .values_list("pk", flat=True)
        )
        return standings.refresh(plan, person_ids, today=today)


def run(job_id, *, today: date | None = None, chunk_size: int | None = None) -> StandingsRefresh | None:
    """Recompute the job's plan. Idempotent: a finished job is left as it is; a redelivered
    running one starts its pass over (recomputing a row twice gives the same row)."""
    chunk_size = chunk_size or settings.STANDINGS_REFRESH_CHUNK
    job = StandingsRefresh.objects.filter(pk=job_id).first()
    if job is None or job.status not in StandingsRefresh.ACTIVE:
        return job  # done, failed (its retry queues it again first) or gone with its plan
    # queued → running: waits for a plan change holding the row (schedule), so this pass reads
    # the plan as that change left it.
    if not StandingsRefresh.objects.filter(pk=job.pk, status__in=StandingsRefresh.ACTIVE).update(
        status=Status.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        error="",
        restart=False,
        done=0,
        attempts=F("attempts") + 1,
    ):
        return None
    while True:
        plan = Plan.objects.filter(pk=job.plan_id).first()
        if plan is None:
            return None  # the plan was deleted: its job went with it
        ids = list(cadre_people(plan).order_by("pk").values_list("pk", flat=True))
        _set(job.pk, total=len(ids), done=0)
        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            refresh_chunk(plan, chunk, today=today)
            _set(job.pk, done=start + len(chunk))
        standings.remove_gone(plan)
        with transaction.atomic():
            job = StandingsRefresh.objects.select_for_update().filter(pk=job.pk).first()
            if job is None or job.status != Status.RUNNING:
                return job  # retried as stalled and queued again meanwhile: that run finishes it
            if job.restart:  # the plan changed during this pass: once more, from the start
                job.restart = False
                job.save(update_fields=["restart"])
                continue
            job.status, job.finished_at, job.error = Status.DONE, timezone.now(), ""
            job.save(update_fields=["status", "finished_at", "error"])
            return job


def fail_overdue(*, now=None) -> int:
    """The watchdog (config.tasks.watchdog): a pass still running past the task's hard time limit
    lost its worker; it is marked failed with the reason so that the plan page offers "Thử lại"."""
    now = now or timezone.now()
    before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    return StandingsRefresh.objects.filter(status=Status.RUNNING, started_at__lt=before).update(
        status=Status.FAILED,
        restart=False,
        finished_at=now,
        error=_("Quá thời gian cho phép: việc tính lại đã dừng giữa chừng. Hãy bấm “Thử lại”."),
    )


def error_message(exc: BaseException) -> str:
    """Why the job failed, for the Board (no internals beyond the error's kind)."""
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("Quá thời gian cho phép khi tính lại. Hãy bấm “Thử lại” vào lúc ít người dùng hơn.")
    if isinstance(exc, TRANSIENT):
        return _("Cơ sở dữ liệu tạm thời không phản hồi (đã thử lại nhiều lần). Hãy bấm “Thử lại” sau ít phút.")
    return _(
        "Không tính lại được do lỗi hệ thống (%(kind)s). Hãy bấm “Thử lại”; nếu vẫn lỗi, hãy báo cho quản trị viên."
    ) % {"kind": type(exc).__name__}


def mark_failed(job_id, exc: BaseException) -> None:
    try:
        _set(job_id, status=Status.FAILED, error=error_message(exc), finished_at=timezone.now(), restart=False)
    except DatabaseError:  # the database is the problem: the message will be redelivered or retried
        logger.error("standings refresh %s: could not record the failure", job_id, exc_info=scrubbed_exc_info())


def mark_waiting(job_id, exc: BaseException, attempt: int) -> None:
    """Between two attempts the job is queued again (a plan change meanwhile joins it: the next
    attempt reads everything afresh)."""
    try:
        _set(
            job_id,
            status=Status.QUEUED,
            error=_("Lỗi tạm thời (lần %(n)s), hệ thống sẽ tự thử lại.") % {"n": attempt},
        )
    except DatabaseError:
        logger.warning("standings refresh %s: could not record the retry", job_id)


# The Celery task (its name kept from when it lived in fieldwork.tasks: messages already queued
# under it still run) ----------------------------------------------------------------------------
@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="fieldwork.tasks.refresh_plan_standings")
def refresh_plan_standings(self, job_id: int, today: str | None = None):
    """Run one StandingsRefresh. Acks-late like every task (settings): a worker killed in the middle
    leaves the message on the broker and another worker runs the job again from the start.
    Transient database errors are retried with backoff (at most 3 times); any other error marks
    the job failed with the reason, for the Board to retry."""

    def job():
        done = run(job_id, today=date.fromisoformat(today) if today else None)
        return {"job": job_id, "status": done.status if done else None}

    marks = SimpleNamespace(mark_failed=mark_failed, mark_waiting=mark_waiting)
    return run_job(self, job_id, job, marks, "standings refresh")

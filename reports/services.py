"""Report jobs: request, produce (called by the Celery task), retry, regenerate, and the
quarterly production by Celery beat (docs/domain.md §8).

A report is never built inside a web request when a broker is configured: the service creates
a ReportJob and enqueues reports.tasks.build_report with delay_on_commit; only with no broker
(settings: CELERY_TASK_ALWAYS_EAGER) does the task run in-process.

The file is written to a temporary name in MEDIA_ROOT/reports/<org>/<job>/, moved into place
with os.replace (atomic on one file system), and only then is the job marked done: a job that
is done always has its whole file, and a killed task leaves no partial file at file_path.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import rules
from accounts.models import Department, Organization, Role, User
from accounts.selectors import people_with_role
from core.logsafe import scrubbed_exc_info
from core.storage import is_disk_full
from fieldwork.cycles import quarter_deadline
from fieldwork.models import Plan
from fieldwork.privacy import Audience
from fieldwork.quarters import plan_quarters, quarter_bounds, quarter_name
from fieldwork.services.history import notify

from . import register
from .builders import gather
from .files import file_of, job_dir
from .models import ReportJob, ScheduledRun
from .params import check_params, resolve

logger = logging.getLogger(__name__)

# Errors worth another attempt: the database or the file system hiccuped.
GENERIC_ERROR = gettext_lazy(
    "Không tạo được báo cáo do lỗi hệ thống. Hãy bấm “Thử lại”; nếu vẫn lỗi, hãy báo cho quản trị viên."
)


# Request --------------------------------------------------------------------------------------
def request_report(
    *,
    user: User,
    kind: str,
    fmt: str,
    year: int,
    quarter: int | None = None,
    department: Department | None = None,
    cadre: User | None = None,
    as_of: date | None = None,
    issue: str | None = None,
) -> ReportJob:
    """Check the permission and the parameters, create a job and enqueue it (after commit).
    `as_of` (yearend, yearsheet): the day the figures are counted to; `issue` (yearend): the
    Board's internal report or the organization's report sent up."""
    if fmt not in ReportJob.Format.values:
        raise ValidationError(_("Định dạng phải là PDF hoặc XLSX."))
    check_params(kind, quarter=quarter, department=department, cadre=cadre, as_of=as_of, issue=issue)
    if not rules.can_request_report(user, kind, department=department, cadre=cadre):
        raise PermissionDenied(_("Bạn không có quyền tạo báo cáo này."))
    if kind == ReportJob.Kind.ROLLUP:
        # The roll-up reads the descendants' figures: the parent itself needs no plan (the Central
        # Committee reports its provinces), only children.
        if not Organization.objects.filter(parent_id=user.organization_id).exists():
            raise ValidationError(_("Tổ chức không có đơn vị trực thuộc."))
    else:
        plan = Plan.objects.filter(organization_id=user.organization_id, year=year).first()
        if plan is None:
            raise ValidationError(_("Tổ chức chưa có kế hoạch năm %(year)s.") % {"year": year})
        if as_of is not None:
            from .yearend import chosen_as_of

            chosen_as_of(plan, as_of, timezone.localdate())
    params = {"year": int(year)}
    if quarter:
        params["quarter"] = int(quarter)
    if department is not None:
        params["department_id"] = department.pk
    if cadre is not None:
        params["cadre_id"] = cadre.pk
    if as_of is not None:
        params["as_of"] = as_of.isoformat()
    if issue:
        params["issue"] = issue
    with transaction.atomic():
        job = ReportJob.objects.create(
            organization_id=user.organization_id, kind=kind, format=fmt, params=params, requested_by=user
        )
        enqueue(job)
    return job


QUEUE_DOWN = gettext_lazy(
    "Hàng đợi xử lý tạm thời không hoạt động nên báo cáo chưa được tạo. Hãy bấm “Thử lại” sau ít phút."
)
OVERDUE = gettext_lazy("Quá thời gian cho phép: tiến trình tạo báo cáo đã dừng giữa chừng. Hãy bấm “Thử lại”.")


def enqueue(job: ReportJob) -> None:
    """Queue the job's task after the commit. When the broker cannot take it (Redis down), the
    job is marked failed with the reason, for the user's "Thử lại": never left queued forever."""
    job_id = str(job.pk)

    def send():
        from .tasks import build_report

        try:
            build_report.delay(job_id)
        except Exception as exc:  # noqa: BLE001 - kombu's errors when the broker is unreachable
            logger.warning("report job %s: could not be queued (%s)", job_id, type(exc).__name__)
            _set(job_id, status=ReportJob.Status.FAILED, error=str(QUEUE_DOWN), finished_at=timezone.now())

    transaction.on_commit(send)


def retry_job(*, user: User, job: ReportJob) -> ReportJob:
    """A failed job, or one whose worker was lost (ReportJob.is_stalled), runs again (same job,
    same parameters)."""
    if not rules.can_retry_report_job(user, job):
        raise PermissionDenied
    stalled_before = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    retryable = Q(status=ReportJob.Status.FAILED) | Q(status=ReportJob.Status.RUNNING, started_at__lt=stalled_before)
    with transaction.atomic():
        if not ReportJob.objects.filter(retryable, pk=job.pk).update(
            status=ReportJob.Status.QUEUED, progress=0, error="", started_at=None, finished_at=None
        ):
            raise ValidationError(_("Chỉ thử lại được báo cáo bị lỗi."))
        job.refresh_from_db()
        enqueue(job)
    return job


def regenerate_compliance(*, user: User, year: int, quarter: int) -> list[ReportJob]:
    """The Board's "tạo lại": new PDF and XLSX jobs; older versions stay listed."""
    return [
        request_report(user=user, kind="compliance", fmt=fmt, year=year, quarter=quarter)
        for fmt in (ReportJob.Format.PDF, ReportJob.Format.XLSX)
    ]


# Produce (inside the Celery task) ---------------------------------------------------------------
def _set(job_id, **fields) -> None:
    ReportJob.objects.filter(pk=job_id).update(**fields)


def build_file(doc, fmt: str, path, progress) -> None:
    if fmt == ReportJob.Format.XLSX:
        from .xlsx import build_xlsx

        build_xlsx(doc, path, progress)
    else:
        from .pdf import build_pdf

        build_pdf(doc, path, progress)


def produce(job_id, *, today: date | None = None) -> ReportJob:
    """Build the job's file. Idempotent: a done job whose file exists is returned untouched."""
    job = ReportJob.objects.select_related("organization").get(pk=job_id)
    if file_of(job) is not None:
        return job
    _set(
        job.pk,
        status=ReportJob.Status.RUNNING,
        started_at=timezone.now(),
        progress=5,
        error="",
        attempts=F("attempts") + 1,
    )
    if today is None and job.params.get("today"):  # a submission's files: the date it was sent
        today = date.fromisoformat(job.params["today"])
    params = resolve(job.organization, job.params, require_plan=job.kind != ReportJob.Kind.ROLLUP)
    # Personal data (docs/domain.md §6): a file shows what its requester may read; one made with no
    # requester (beat, the command line) is the Board's and the Standing Committee's; the copy sent
    # up the tree carries figures only.
    params.figures_only = bool(job.params.get("figures_only"))
    params.viewer = job.requested_by if job.requested_by_id else Audience.LEADERSHIP
    doc = gather(job.kind, params, today)
    _set(job.pk, progress=40)
    folder = job_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{doc.file_stem}.{job.format}"
    final = folder / name
    tmp = folder / f".{name}.{uuid.uuid4().hex}.part"
    last = [40]
    # The register (docs/signing.md): the code is printed in every PDF page's footer, so it is chosen
    # before the file is built; the entry is made once the whole file is in place.
    code = register.new_code()
    doc.register_code = code

    def progress(pct: int) -> None:
        pct = max(40, min(99, int(pct)))
        if pct >= last[0] + 5:  # a write every 5 %, not every row
            last[0] = pct
            _set(job.pk, progress=pct)

    try:
        build_file(doc, job.format, tmp, progress)
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    _remove_leftovers(folder, keep=final)
    entry = register.enter(job, doc, final, code)
    if getattr(doc, "shows_sensitive", False) != bool(job.params.get("shows_sensitive")):
        # Handed only to those who may read a sensitive reason (accounts.rules.can_download_report_job).
        _set(job.pk, params={**job.params, "shows_sensitive": bool(getattr(doc, "shows_sensitive", False))})
    _set(
        job.pk,
        status=ReportJob.Status.DONE,
        progress=100,
        finished_at=timezone.now(),
        file_path=str(final.relative_to(settings.MEDIA_ROOT)),
        file_name=name,
        file_size=final.stat().st_size,
    )
    job.refresh_from_db()
    if job.params.get("figures_only") and job.format == ReportJob.Format.PDF:
        _sign_submission(entry)
        job.refresh_from_db()
    return job


def _sign_submission(entry) -> None:
    """docs/signing.md: a roll-up submission's PDF is signed by the child when it has a usable
    certificate; without one it goes unsigned (the parent's page says so)."""
    from .signing import SigningError
    from .signing.service import sign_document, usable_certificate

    try:
        usable_certificate(entry.organization_id)
    except SigningError:
        return
    try:
        sign_document(document=entry)
    except SigningError as exc:
        logger.warning("submission document %s not signed: %s", entry.code, type(exc).__name__)


def _remove_leftovers(folder: Path, *, keep: Path) -> None:
    """Temporary files of attempts whose worker was killed (never served: downloads only serve
    the final file). Only ones older than the task time limit, so a concurrent run is left alone."""
    limit = time.time() - settings.CELERY_TASK_TIME_LIMIT
    for part in folder.glob(".*.part"):
        with contextlib.suppress(OSError):
            if part != keep and part.stat().st_mtime < limit:
                part.unlink()


def error_message(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("Quá thời gian cho phép khi tạo báo cáo. Hãy bấm “Thử lại” vào lúc ít người dùng hơn.")
    if isinstance(exc, ReportJob.DoesNotExist):
        return _("Không tìm thấy yêu cầu báo cáo.")
    if is_disk_full(exc):
        return _("Máy chủ đã hết chỗ lưu tệp nên chưa tạo được báo cáo. Hãy báo cho quản trị viên, rồi bấm “Thử lại”.")
    return str(GENERIC_ERROR)


def mark_failed(job_id, exc: BaseException) -> None:
    try:
        _set(job_id, status=ReportJob.Status.FAILED, error=error_message(exc), finished_at=timezone.now())
    except DatabaseError:  # the database is the problem: the message will be redelivered or retried
        logger.error("report job %s: could not record the failure", job_id, exc_info=scrubbed_exc_info())


def mark_waiting(job_id, exc: BaseException, attempt: int) -> None:
    try:
        _set(
            job_id,
            status=ReportJob.Status.QUEUED,
            error=_("Lỗi tạm thời (lần %(n)s), hệ thống sẽ tự thử lại.") % {"n": attempt},
        )
    except DatabaseError:
        logger.warning("report job %s: could not record the retry", job_id)


def fail_overdue(*, now=None) -> int:
    """The watchdog (config.tasks.watchdog): a job still running past the task's hard time limit
    lost its worker; it is marked failed with the reason so that its page offers "Thử lại"."""
    now = now or timezone.now()
    before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    return ReportJob.objects.filter(status=ReportJob.Status.RUNNING, started_at__lt=before).update(
        status=ReportJob.Status.FAILED, error=str(OVERDUE), finished_at=now
    )


# Celery beat ----------------------------------------------------------------------------------
def board_members(organization_id) -> list[User]:
    return list(people_with_role(organization_id, Role.BOARD))


def produce_due_compliance_reports(*, today: date | None = None) -> list[ReportJob]:
    """For every organization with a plan and every quarter of the plan whose mẫu 3 deadline is
    before today: once (ScheduledRun's unique constraint), enqueue a PDF and an XLSX compliance
    report and notify the Board. A second firing finds the rows and produces nothing."""
    today = today or timezone.localdate()
    created_jobs: list[ReportJob] = []
    for plan in Plan.objects.select_related("organization").order_by("organization_id", "year"):
        for quarter in plan_quarters(plan):
            # The Board's own report: after the mẫu 3 deadline, or after the quarter's end when the
            # plan names none (docs/domain.md §5: no deadline for the departments, nothing late).
            due = quarter_deadline(plan, quarter) or quarter_bounds(plan.year, quarter)[1]
            if due >= today:
                continue
            with transaction.atomic():
                _run, created = ScheduledRun.objects.get_or_create(
                    organization=plan.organization, year=plan.year, quarter=quarter
                )
                if not created:
                    continue
                jobs = [
                    ReportJob.objects.create(
                        organization=plan.organization,
                        kind=ReportJob.Kind.COMPLIANCE,
                        format=fmt,
                        params={"year": plan.year, "quarter": quarter},
                        scheduled=True,
                    )
                    for fmt in (ReportJob.Format.PDF, ReportJob.Format.XLSX)
                ]
                for job in jobs:
                    enqueue(job)
                url = reverse("reports:quarter") + f"?year={plan.year}"
                notify(
                    board_members(plan.organization_id),
                    _("Báo cáo tình hình thực hiện quý %(q)s năm %(y)s đã được lập tự động (PDF và XLSX).")
                    % {"q": quarter_name(quarter), "y": plan.year},
                    url,
                )
                created_jobs += jobs
    return created_jobs


# Command line ---------------------------------------------------------------------------------
def find_organization(code: str) -> Organization:
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise ValidationError(_("Không có tổ chức mã “%(code)s”.") % {"code": code})
    return org

"""Reporting up (docs/rules.md “Organizations in a tree and the roll-up”): a child organization's Board sends its quarterly compliance figures
to the parent; the parent requests its roll-up report.

Submitting freezes the figures (reports.rollup.organization_figures, as JSON) and enqueues the
compliance report's PDF and XLSX for the same date, so the files and the figures the parent reads
stay what was sent. The deadline is the parent's mẫu 3 deadline (its plan's quarter_report_day,
docs/domain.md §5), and lateness is marked as for mẫu 3 (docs/rules.md: a correction keeps the
first submission's flag). A resubmission is the next version; every version is kept.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import Organization, Role, User
from accounts.selectors import people_with_role
from fieldwork.cycles import quarter_deadline
from fieldwork.models import Plan
from fieldwork.quarters import plan_quarters, quarter_bounds, quarter_name
from fieldwork.services.history import notify, record

from .models import ReportJob, RollupSubmission
from .rollup import organization_figures

NOTE_MAX = 2000


def submission_deadline(organization: Organization, year: int, quarter: int) -> date:
    """The parent's mẫu 3 deadline for the quarter (its plan of the year); without a parent plan,
    the quarter's last day."""
    parent_plan = Plan.objects.filter(organization_id=organization.parent_id, year=year).first()
    if parent_plan is None:
        return quarter_bounds(year, quarter)[1]
    # A parent plan that names no mẫu 3 day: the quarter's last day, as without a parent plan.
    return quarter_deadline(parent_plan, quarter) or quarter_bounds(year, quarter)[1]


def _enqueue(job: ReportJob) -> None:
    from .services import enqueue

    enqueue(job)


@transaction.atomic
def submit_rollup(
    *, actor: User, year: int, quarter: int, note: str = "", today: date | None = None
) -> RollupSubmission:
    """The actor's organization sends its figures of (year, quarter) to its parent."""
    if not rules.can_submit_rollup(actor):
        raise PermissionDenied(_("Chỉ Ban Tổ chức – Kiểm tra gửi báo cáo lên cấp trên."))
    # Lock the organization row: two clicks at once make versions n and n+1, never two n.
    org = Organization.objects.select_for_update().get(pk=actor.organization_id)
    if org.parent_id is None:
        raise ValidationError(_("Tổ chức chưa thuộc tổ chức cấp trên nào."))
    plan = Plan.objects.filter(organization=org, year=year).select_related("organization").first()
    if plan is None:
        raise ValidationError(_("Tổ chức chưa có kế hoạch năm %(year)s.") % {"year": year})
    if quarter not in plan_quarters(plan):
        raise ValidationError(_("Quý %(q)s không thuộc thời gian của kế hoạch.") % {"q": quarter_name(quarter)})
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(_("Ghi chú dài quá %(n)s ký tự.") % {"n": NOTE_MAX})
    now = timezone.now()
    today = today or timezone.localdate(now)
    figures = organization_figures(plan, quarter, today)  # refuses a quarter not yet started
    previous = RollupSubmission.objects.filter(organization=org, year=year, quarter=quarter)
    last = previous.aggregate(v=Max("version"))["v"] or 0
    first = previous.filter(version=1).first()
    if last and not note:
        raise ValidationError(_("Gửi lại: hãy ghi rõ nội dung điều chỉnh so với lần gửi trước."))
    deadline = submission_deadline(org, year, quarter)
    late = first.late if first is not None else today > deadline
    # docs/domain.md §6, §10: what leaves the organization is figures per organization and
    # department, never a person: the frozen files are the compliance report's figures-only copy.
    params = {"year": year, "quarter": quarter, "today": today.isoformat(), "figures_only": True}
    jobs = {
        fmt: ReportJob.objects.create(
            organization=org, kind=ReportJob.Kind.COMPLIANCE, format=fmt, params=params, requested_by=actor
        )
        for fmt in (ReportJob.Format.PDF, ReportJob.Format.XLSX)
    }
    submission = RollupSubmission.objects.create(
        organization=org,
        parent_id=org.parent_id,
        year=year,
        quarter=quarter,
        version=last + 1,
        figures=figures,
        as_of=date.fromisoformat(figures["as_of"]),
        deadline=deadline,
        late=late,
        note=note,
        submitted_by=actor,
        submitted_at=now,
        pdf_job=jobs["pdf"],
        xlsx_job=jobs["xlsx"],
    )
    for job in jobs.values():
        _enqueue(job)
    record(
        submission,
        actor=actor,
        action="submitted" if last == 0 else "resubmitted",
        to_state=f"v{submission.version}",
        comment=note,
        organization_id=org.pk,
    )
    parent_board = people_with_role(org.parent_id, Role.BOARD)
    notify(
        list(parent_board),
        _("%(org)s đã gửi báo cáo quý %(q)s năm %(y)s%(again)s%(late)s.")
        % {
            "org": org.name,
            "q": quarter_name(quarter),
            "y": year,
            "again": _(" (lần %(n)s)") % {"n": submission.version} if submission.version > 1 else "",
            "late": _(", muộn hạn") if late else "",
        },
        reverse("reports:rollup_submission", args=[submission.pk]),
    )
    return submission


def request_rollup(*, user: User, fmt: str, year: int, quarter: int) -> ReportJob:
    """The roll-up report of the user's organization (its descendants), through the report jobs."""
    from .services import request_report

    return request_report(user=user, kind=ReportJob.Kind.ROLLUP, fmt=fmt, year=year, quarter=quarter)

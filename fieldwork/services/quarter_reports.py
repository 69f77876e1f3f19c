"""Mẫu 3 — the department's quarterly results (docs/domain.md §8) and its deadline.

Deadline: fieldwork.cycles.quarter_report_deadline (Tây Ninh: "trước ngày 27 của tháng cuối
quý"); a plan that names no day has no mẫu 3 deadline, and nothing is late (docs/domain.md §5).
A first submission that is late as the document words it (fieldwork.cycles.is_late) sets
QuarterReport.late: LATE_REPORT on the department and its head (docs/domain.md §7.9).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import Department, Role, User
from accounts.selectors import people_with_role
from fieldwork import cycles
from fieldwork.cycles import quarter_deadline
from fieldwork.models import Plan, QuarterReport
from fieldwork.quarters import plan_quarters, quarter_bounds, quarter_name
from fieldwork.quarters import quarter_of as quarter_of_date  # noqa: F401 (used by views)
from fieldwork.services.history import notify, record


def check_quarter(plan: Plan, quarter: int) -> None:
    if quarter not in plan_quarters(plan):
        raise ValidationError(_("Quý %(q)s không thuộc thời gian của kế hoạch.") % {"q": quarter_name(quarter)})


def _board_members(organization_id) -> list[User]:
    return list(people_with_role(organization_id, Role.BOARD))


@transaction.atomic
def save_quarter_report(
    *,
    actor: User,
    plan: Plan,
    department: Department,
    quarter: int,
    summary: str,
    submit: bool,
    now: datetime | None = None,
) -> QuarterReport:
    """Save the head's summary; with submit=True send mẫu 3 to the Board.

    The late flag is fixed by the first submission: a later correction of the summary keeps it.
    """
    if (
        rules.is_read_only(actor)
        or not rules.can_lead_department(actor, department)
        or plan.organization_id != department.organization_id
    ):
        raise PermissionDenied
    check_quarter(plan, quarter)
    now = now or timezone.now()
    today = timezone.localdate(now)
    q_start, _q_end = quarter_bounds(plan.year, quarter)
    if submit and today < q_start:
        raise ValidationError(_("Quý %(q)s chưa bắt đầu: chưa thể gửi báo cáo kết quả.") % {"q": quarter_name(quarter)})
    report, _created = QuarterReport.objects.select_for_update().get_or_create(
        plan=plan, department=department, quarter=quarter
    )
    report.summary = (summary or "").strip()
    from_state = report.status
    if report.status == QuarterReport.Status.SUBMITTED:
        action = "updated"
    elif submit:
        report.status = QuarterReport.Status.SUBMITTED
        report.submitted_by = actor
        report.submitted_at = now
        report.late = cycles.is_late(plan, quarter_deadline(plan, quarter), today)
        action = "submitted"
    else:
        action = "saved"
    report.save()
    record(
        report,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=report.status,
        organization_id=department.organization_id,
        object_type="quarterreport",
        comment=_("Gửi muộn: hạn %(d)s") % {"d": cycles.deadline_words(plan, quarter_deadline(plan, quarter))}
        if action == "submitted" and report.late
        else "",
    )
    if action == "submitted":
        url = (
            reverse("fieldwork:quarter_report", kwargs={"department_pk": department.pk, "quarter": quarter})
            + f"?year={plan.year}"
        )
        text = _("%(dept)s đã gửi báo cáo kết quả đi cơ sở quý %(q)s/%(y)s (mẫu 3)%(late)s.") % {
            "dept": department.name,
            "q": quarter_name(quarter),
            "y": plan.year,
            "late": _(" — sau hạn") if report.late else "",
        }
        notify(_board_members(department.organization_id), text, url)
    return report

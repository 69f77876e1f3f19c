"""Mẫu 3 — the department's quarterly results (docs/domain.md §8) and its deadline.

Deadline: day `plan.quarter_report_day` of the quarter's last month (Tây Ninh: the 27th),
clamped to the month's length; when the plan sets no day, the quarter's last day.
A first submission after the deadline sets QuarterReport.late, which the selector turns
into LATE_REPORT on the department's confirmed trips of that quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import Department, Role, User
from accounts.vietnamese import format_date
from fieldwork.models import Plan, QuarterReport, Trip
from fieldwork.quarters import plan_quarters, quarter_bounds
from fieldwork.quarters import quarter_of as quarter_of_date  # noqa: F401 (used by views)
from fieldwork.services.history import notify, record


def quarter_deadline(plan: Plan, quarter: int) -> date:
    _start, end = quarter_bounds(plan.year, quarter)
    if not plan.quarter_report_day:
        return end
    return end.replace(day=min(plan.quarter_report_day, end.day))


def check_quarter(plan: Plan, quarter: int) -> None:
    if quarter not in plan_quarters(plan):
        raise ValidationError(_("Quý %(q)s không thuộc thời gian của kế hoạch.") % {"q": quarter})


def report_trips(plan: Plan, department: Department, quarter: int):
    """The rows of mẫu 3: the department's CONFIRMED trips starting in the quarter (docs/domain.md §7.7),
    in counting categories only (invited attendance is not a field trip), by person then date."""
    start, end = quarter_bounds(plan.year, quarter)
    return (
        Trip.objects.filter(
            plan=plan,
            person__department=department,
            person__organization_id=department.organization_id,
            status=Trip.Status.CONFIRMED,
            category__counts=True,
            start__gte=start,
            start__lte=end,
        )
        .select_related("person", "category")
        .order_by("person__sort_key", "person__email", "start", "pk")
    )


@dataclass
class Mau3:
    plan: Plan
    department: Department
    quarter: int
    trips: list
    total_days: Decimal
    deadline: date
    report: QuarterReport | None

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status == QuarterReport.Status.SUBMITTED


def mau3(plan: Plan, department: Department, quarter: int) -> Mau3:
    trips = list(report_trips(plan, department, quarter))
    report = (
        QuarterReport.objects.filter(plan=plan, department=department, quarter=quarter)
        .select_related("submitted_by")
        .first()
    )
    return Mau3(
        plan=plan,
        department=department,
        quarter=quarter,
        trips=trips,
        total_days=sum((t.days for t in trips), Decimal(0)),  # "Tổng": the sum of declared days (docs/domain.md §8)
        deadline=quarter_deadline(plan, quarter),
        report=report,
    )


def _board_members(organization_id) -> list[User]:
    return list(
        User.objects.filter(organization_id=organization_id, is_active=True, roles__code__in=[Role.BOARD]).distinct()
    )


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
        raise ValidationError(_("Quý %(q)s chưa bắt đầu: chưa thể gửi báo cáo kết quả.") % {"q": quarter})
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
        report.late = today > quarter_deadline(plan, quarter)
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
        comment=_("Gửi sau hạn %(d)s") % {"d": format_date(quarter_deadline(plan, quarter))}
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
            "q": quarter,
            "y": plan.year,
            "late": _(" — sau hạn") if report.late else "",
        }
        notify(_board_members(department.organization_id), text, url)
    return report


@dataclass
class OverviewCell:
    quarter: int
    deadline: date
    report: QuarterReport | None
    overdue: bool  # deadline passed, nothing submitted

    @property
    def status(self) -> str:
        if self.report and self.report.status == QuarterReport.Status.SUBMITTED:
            return "late" if self.report.late else "on_time"
        return "overdue" if self.overdue else "pending"


def overview(plan: Plan, today: date | None = None) -> list[tuple[Department, list[OverviewCell]]]:
    """Which departments have submitted mẫu 3, late or not, per quarter (2 queries)."""
    today = today or timezone.localdate()
    quarters = plan_quarters(plan)
    deadlines = {q: quarter_deadline(plan, q) for q in quarters}
    reports = {(r.department_id, r.quarter): r for r in QuarterReport.objects.filter(plan=plan)}
    out = []
    for dept in Department.objects.filter(organization_id=plan.organization_id, is_active=True).order_by("name"):
        cells = []
        for q in quarters:
            r = reports.get((dept.pk, q))
            submitted = r is not None and r.status == QuarterReport.Status.SUBMITTED
            cells.append(
                OverviewCell(quarter=q, deadline=deadlines[q], report=r, overdue=not submitted and today > deadlines[q])
            )
        out.append((dept, cells))
    return out

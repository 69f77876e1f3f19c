"""Mẫu 3 reads (docs/domain.md §8): the department's confirmed trips of a quarter, the form's
contents, and which departments have submitted, late or not. Deadlines:
fieldwork.cycles.quarter_deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from accounts.models import Department
from fieldwork import cycles
from fieldwork.cycles import quarter_deadline
from fieldwork.models import Plan, QuarterReport, Trip
from fieldwork.quarters import plan_quarters, quarter_bounds


def quarter_trips(plan: Plan, quarter: int):
    """The rows of mẫu 3 for the whole organization: CONFIRMED trips starting in the quarter
    (docs/domain.md §7.7), in counting categories only (invited attendance is not a field trip),
    by person then date. The Board's whole-organization mẫu 3 groups them by department."""
    start, end = quarter_bounds(plan.year, quarter)
    return (
        Trip.objects.filter(
            plan=plan,
            person__organization_id=plan.organization_id,
            status=Trip.Status.CONFIRMED,
            category__counts=True,
            start__gte=start,
            start__lte=end,
        )
        .select_related("person", "category")
        .order_by("person__sort_key", "person__email", "start", "pk")
    )


def report_trips(plan: Plan, department: Department, quarter: int):
    """The rows of a department's mẫu 3: `quarter_trips` of its people."""
    return quarter_trips(plan, quarter).filter(person__department=department)


@dataclass
class Mau3:
    plan: Plan
    department: Department
    quarter: int
    trips: QuerySet  # the rows in the form's order; a page shows a slice (fieldwork.views.results)
    total_days: Decimal
    deadline: date | None
    report: QuarterReport | None

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status == QuarterReport.Status.SUBMITTED


def mau3(plan: Plan, department: Department, quarter: int) -> Mau3:
    trips = report_trips(plan, department, quarter)
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
        # "Tổng": the sum of declared days (docs/domain.md §8), over the whole quarter, in the database.
        total_days=trips.order_by().aggregate(total=Sum("days"))["total"] or Decimal(0),
        deadline=quarter_deadline(plan, quarter),
        report=report,
    )


@dataclass
class OverviewCell:
    quarter: int
    deadline: date | None  # None: the plan names no mẫu 3 deadline (docs/domain.md §5)
    report: QuarterReport | None
    overdue: bool  # late as the document words it, nothing submitted

    @property
    def status(self) -> str:
        if self.report and self.report.status == QuarterReport.Status.SUBMITTED:
            return "late" if self.report.late else "on_time"
        return "overdue" if self.overdue else "pending"


def overview(plan: Plan, today: date | None = None, departments=None) -> list[tuple[Department, list[OverviewCell]]]:
    """Which departments have submitted mẫu 3, late or not, per quarter (2 queries); `departments`:
    those the reader may see (default: every active one of the organization)."""
    today = today or timezone.localdate()
    quarters = plan_quarters(plan)
    deadlines = {q: quarter_deadline(plan, q) for q in quarters}
    if departments is None:
        departments = Department.objects.filter(organization_id=plan.organization_id, is_active=True).order_by("name")
    departments = list(departments)
    reports = {
        (r.department_id, r.quarter): r
        for r in QuarterReport.objects.filter(plan=plan, department_id__in=[d.pk for d in departments])
    }
    out = []
    for dept in departments:
        cells = []
        for q in quarters:
            r = reports.get((dept.pk, q))
            submitted = r is not None and r.status == QuarterReport.Status.SUBMITTED
            cells.append(
                OverviewCell(
                    quarter=q,
                    deadline=deadlines[q],
                    report=r,
                    overdue=not submitted and cycles.is_late(plan, deadlines[q], today),
                )
            )
        out.append((dept, cells))
    return out

"""Figures of the dashboards (docs/rules.md “Results and mẫu 3”): built ONLY on fieldwork.selectors.standings (and its
multi-date form standings_series) and simple counts. Nothing here computes done days: a
cumulative series is the selector asked at each month's end.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from fieldwork import charts
from fieldwork.cycles import WHOLE_YEAR, is_annual, period_label, quarter_deadline
from fieldwork.models import DepartmentPlan, Plan, QuarterReport, Registration, StoredStanding, Trip
from fieldwork.privacy import ReasonLabels
from fieldwork.quota import engine
from fieldwork.selectors import StandingRow, cadre_people, standing_inputs, standings
from fieldwork.selectors import quarter_reports as quarter_report_reads
from fieldwork.selectors.departments import department_totals, stored_department_totals
from fieldwork.selectors.stored import month_ends, monthly_totals, ordered, rows_of, stored_as_of
from fieldwork.standing_terms import (
    STATUS_BADGES,
    STATUS_LABELS,
    STATUS_ORDER,
    percent,
    remaining,
    status_rank,
)
from fieldwork.standing_terms import progress_pct as pct_class
from fieldwork.violations import violation_message

MONTHS_SHORT = ["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12"]
ZERO = Decimal(0)


def checkpoints(plan: Plan, as_of: date) -> list[date]:
    """Month ends from the period's first month up to as_of, then as_of itself."""
    points = [end for end in month_ends(plan) if end < as_of and end < plan.period_end]
    points.append(min(as_of, plan.period_end) if as_of >= plan.period_start else as_of)
    return points


def pace(required, plan: Plan, d: date) -> Decimal:
    """Days needed by date d to keep a steady pace toward `required` at the period's end."""
    elapsed = (min(d, plan.period_end) - plan.period_start).days + 1
    elapsed = max(0, min(elapsed, plan.period_days))
    return (Decimal(required) * elapsed / plan.period_days).quantize(Decimal("0.1"))


def _label(d: date, plan: Plan) -> str:
    month_end = d.day == calendar.monthrange(d.year, d.month)[1]
    return MONTHS_SHORT[d.month - 1] if month_end else d.strftime("%d/%m")


# Explaining a standing --------------------------------------------------------------------
def violation_codes(standing) -> list[str]:
    out = []
    for v in getattr(standing, "violations", ()) or ():
        out.append(getattr(v, "code", v))
    return sorted(set(out))


def explained_violations(standing) -> list[tuple[str, str]]:
    return [(code, violation_message(code)) for code in violation_codes(standing)]


# Cadre -----------------------------------------------------------------------------------
@dataclass
class CadreDashboard:
    plan: Plan
    person: User
    as_of: date
    standing: object
    chart: str
    upcoming: list
    violations: list
    to_fix: list
    progress: int
    remaining: Decimal
    status_label: str
    status_badge: str
    days_left: int
    trips: dict = field(default_factory=dict)  # pk -> the person's trips of the plan (the panel's violations)


def cadre_dashboard(plan: Plan, person: User, as_of: date, today: date | None = None) -> CadreDashboard:
    today = today or timezone.localdate()
    people = [person]  # as the view read them in this request: not read again
    points = checkpoints(plan, as_of)
    # One engine run at the last point, the cumulative done days at every point from one pass
    # over the trips (engine.done_days_series, docs/rules.md “Stored standings”).
    rules, _people, inputs = standing_inputs(plan, people=people)
    cadre, trips = inputs[0]
    standing = engine.compute_standing(rules, cadre, trips, points[-1])
    done = engine.done_days_series(rules, trips, points)
    x_labels = [_label(d, plan) for d in points]
    chart = charts.line_chart(
        x_labels=x_labels,
        title=_("Số ngày đi cơ sở cộng dồn theo tháng"),
        lines=[
            charts.Line(_("Đã thực hiện (cộng dồn)"), done, charts.BLUE),
            charts.Line(
                _("Tiến độ cần đạt"), [pace(standing.required_days, plan, d) for d in points], charts.GREY, dashed=True
            ),
        ],
    )
    # One read of the person's trips of the plan (a year's few): the upcoming ones, those to
    # report or correct, and the trips the standing's violations name (the panel).
    mine = list(Trip.objects.filter(plan=plan, person=person).select_related("category").order_by("start", "pk"))
    upcoming = [t for t in mine if t.status == Trip.Status.APPROVED and t.end >= as_of][:5]
    to_fix = [t for t in mine if t.status in (Trip.Status.RETURNED, Trip.Status.APPROVED) and t.end < today][:10]
    return CadreDashboard(
        plan=plan,
        person=person,
        as_of=as_of,
        standing=standing,
        chart=chart,
        upcoming=upcoming,
        violations=explained_violations(standing),
        to_fix=to_fix,
        progress=pct_class(standing.done_days, standing.required_days),
        remaining=remaining(standing),
        status_label=str(STATUS_LABELS.get(standing.status, standing.status)),
        status_badge=STATUS_BADGES.get(standing.status, "secondary"),
        days_left=max(0, (plan.period_end - as_of).days),
        trips={t.pk: t for t in mine},
    )


# Department ------------------------------------------------------------------------------
AT_RISK = ("at_risk", "not_met")
SORTS = {
    "name": None,  # the selector's Vietnamese order
    "done": lambda r: (-Decimal(r.standing.done_days),),
    "remaining": lambda r: (-remaining(r.standing),),
    "status": lambda r: (status_rank(r.standing.status),),
}


@dataclass
class MemberRow:
    row: StandingRow
    registration: Registration | None
    progress: int
    remaining: Decimal
    violations: list

    @property
    def person(self):
        return self.row.person

    @property
    def standing(self):
        return self.row.standing


@dataclass
class DepartmentHome:
    plan: Plan
    department: Department
    as_of: date
    quarter: int
    members: object  # StandingRows, or (today's) an ordered queryset of stored rows: page it with members_page
    at_risk: list[MemberRow]  # the first SHOWN
    counts: dict
    department_plan: DepartmentPlan | None
    quarter_report: QuarterReport | None
    deadline: date
    to_confirm: list = field(default_factory=list)
    to_confirm_total: int = 0
    at_risk_total: int = 0
    registration_counts: dict = field(default_factory=dict)
    member_total: int = 0
    registrations: object = None  # the period's registrations of the department (a queryset)
    registration_period: int = 0  # the mẫu 1 / mẫu 2 shown: the year (annual cycle) or the quarter

    @property
    def registration_label(self) -> str:
        return period_label(self.plan.year, self.registration_period)


SHOWN = 20  # the department home's at-risk and to-confirm lists: the first ones, and how many


def _member(row: StandingRow, registration) -> MemberRow:
    return MemberRow(
        row=row,
        registration=registration,
        progress=pct_class(row.standing.done_days, row.standing.required_days),
        remaining=remaining(row.standing),
        violations=violation_codes(row.standing),
    )


def department_home(
    plan: Plan,
    department: Department,
    as_of: date,
    quarter: int,
    *,
    sort: str = "name",
    status: str = "",
    stored: bool | None = None,
) -> DepartmentHome:
    """The head's page. Today's standings are read from the stored rows, counted, filtered,
    sorted and paged in the database (docs/rules.md “Stored standings”: a department of 800 costs what a page of 50
    shows; the view has them made fresh first: fieldwork.views.fresh); another date's are computed
    by the engine for the department's cadres."""
    # Mẫu 1 and mẫu 2 follow the plan's registration cycle (fieldwork.cycles): under the annual
    # cycle the year's, whatever quarter is chosen for mẫu 3.
    period = WHOLE_YEAR if is_annual(plan) else quarter
    regs = Registration.objects.filter(plan=plan, quarter=period, person__department=department)
    if stored is None:
        stored = as_of == stored_as_of(plan)
    if stored:  # today's: read, not computed (`stored` forced: the tests comparing both paths)
        base = StoredStanding.objects.filter(plan=plan, department=department)
        counts = Counter(dict(base.values_list("status").annotate(n=Count("pk")).order_by()))
        total = sum(counts.values())
        reg_counts = Counter(
            dict(
                regs.filter(person_id__in=base.values("person_id"))
                .values_list("status")
                .annotate(n=Count("pk"))
                .order_by()
            )
        )
        at_risk_rows = rows_of(
            base.filter(status__in=AT_RISK).select_related("person__department").order_by("sort_key", "email")[:SHOWN]
        )
        members = ordered(base.filter(status=status) if status else base, sort).select_related("person__department")
    else:
        rows = standings(plan, as_of, people=cadre_people(plan).filter(department=department))
        by_person = {r.person_id: r for r in regs}
        counts = Counter(r.standing.status for r in rows)
        total = len(rows)
        reg_counts = Counter(by_person[r.person.pk].status for r in rows if r.person.pk in by_person)
        at_risk_rows = [r for r in rows if r.standing.status in AT_RISK][:SHOWN]
        members = [r for r in rows if r.standing.status == status] if status else rows
        key = SORTS.get(sort)
        if key:
            members = sorted(members, key=key)  # stable: ties keep Vietnamese order
    if total - sum(reg_counts.values()):
        reg_counts["none"] = total - sum(reg_counts.values())
    at_risk_regs = {r.person_id: r for r in regs.filter(person_id__in=[r.person.pk for r in at_risk_rows])}
    to_confirm = Trip.objects.filter(plan=plan, status=Trip.Status.REPORTED, person__department=department)
    return DepartmentHome(
        plan=plan,
        department=department,
        as_of=as_of,
        quarter=quarter,
        members=members,
        at_risk=[_member(r, at_risk_regs.get(r.person.pk)) for r in at_risk_rows],
        at_risk_total=sum(counts.get(s, 0) for s in AT_RISK),
        counts={s: counts.get(s, 0) for s in STATUS_ORDER},
        department_plan=DepartmentPlan.objects.filter(plan=plan, department=department, quarter=period).first(),
        quarter_report=QuarterReport.objects.filter(plan=plan, department=department, quarter=quarter).first(),
        deadline=quarter_deadline(plan, quarter),
        to_confirm=list(to_confirm.select_related("person", "category").order_by("reported_at", "pk")[:SHOWN]),
        to_confirm_total=to_confirm.count(),
        registration_counts=dict(reg_counts),
        member_total=total,
        registration_period=period,
        registrations=regs,
    )


def members_page(data: DepartmentHome, number, per_page: int = 50):
    """A page of the department's members (stored rows: 50 read at a time), each with its
    registration of the period shown."""
    page = Paginator(data.members, per_page).get_page(number)
    rows = rows_of(page.object_list) if isinstance(data.members, QuerySet) else list(page.object_list)
    regs = {r.person_id: r for r in data.registrations.filter(person_id__in=[r.person.pk for r in rows])}
    page.object_list = [_member(r, regs.get(r.person.pk)) for r in rows]
    return page


# Organization ----------------------------------------------------------------------------
@dataclass
class OrganizationDashboard:
    plan: Plan
    as_of: date
    counts: dict
    total: int
    subject: int
    went: int
    met: int  # hoàn thành (đủ ngày và đủ đợt): fieldwork.standing_terms.completed
    met_percent: str
    headline: str
    by_department: list
    exempt_by_reason: list
    at_risk: object  # rows, or (today's) a queryset of stored rows: page it with `at_risk_page`
    late: list
    chart: str
    department_chart: str
    done_days: Decimal
    required_days: Decimal
    met_days: int = 0  # đạt số ngày phải đi ("đạt 60 ngày"): fieldwork.standing_terms.meets_days
    met_days_percent: str = ""


def organization_series(plan: Plan, as_of: date, points: list[date]) -> tuple[list[StandingRow], list[Decimal]]:
    """Another date than today's: the standings at as_of and the cumulative done days of the
    cadres subject to the plan (not exempt; exemption does not depend on the date) at each of
    `points` (month ends, then as_of), from one read of the data: the engine once at as_of and
    one pass over each cadre's trips for the series (engine.done_days_series) — never one
    engine run per month (docs/rules.md “Stored standings”)."""
    rules, people_list, inputs = standing_inputs(plan)
    results = engine.compute_all(rules, inputs, as_of)
    rows = [StandingRow(person=p, standing=s) for p, s in zip(people_list, results, strict=True)]
    series = [ZERO] * len(points)
    dates = [*points[:-1], as_of]
    for (_cadre, trips), s in zip(inputs, results, strict=True):
        if s.status == "exempt":
            continue
        for i, v in enumerate(engine.done_days_series(rules, trips, dates)):
            series[i] += v
    return rows, series


def stored_series(plan: Plan, points: list[date], done_today: Decimal) -> list[Decimal]:
    """Today's series: the stored monthly figures summed in the database, then today's total."""
    totals = monthly_totals(plan, points[:-1])  # month ends: fieldwork.selectors.dashboards.checkpoints
    return [*(totals[d] for d in points[:-1]), done_today]


def organization_dashboard(
    plan: Plan, as_of: date, *, stored: bool | None = None, viewer=None
) -> OrganizationDashboard:
    """The Board's and the Standing Committee's dashboard. Every figure of the page is a sum of
    the department totals (fieldwork.selectors.departments, the same function as the reports'),
    so the headline, the counts and the "Theo ban" table cannot disagree. Today's figures are
    summed in the database from the stored standings (a few dozen rows read whatever the number
    of cadres: docs/rules.md “Stored standings”; made fresh by the view first: fieldwork.views.fresh);
    another date's from the engine."""
    points = checkpoints(plan, as_of)
    if stored is None:
        stored = as_of == stored_as_of(plan)
    if stored:  # `stored` forced True/False: the tests comparing both paths
        by_department = stored_department_totals(plan)
        done_today = sum((t.done_days for t in by_department), ZERO)
        done_series = stored_series(plan, points, done_today)
        exempt = Counter(
            dict(
                StoredStanding.objects.filter(plan=plan, status="exempt")
                .values_list("exemption")
                .annotate(n=Count("pk"))
                .order_by()
            )
        )
        at_risk = (
            StoredStanding.objects.filter(plan=plan, status__in=AT_RISK)
            .select_related("person__department")
            .order_by("sort_key", "email")
        )
    else:
        rows, done_series = organization_series(plan, as_of, points)
        by_department = department_totals(rows)
        exempt = Counter(r.standing.exemption or "" for r in rows if r.standing.status == "exempt")
        at_risk = [r for r in rows if r.standing.status in AT_RISK]

    counts = Counter()
    for t in by_department:
        counts.update(t.counts)
    subject = sum(t.subject for t in by_department)
    went = sum(t.went for t in by_department)
    met = counts.get("met", 0)
    met_pct = percent(met, subject)
    # The seeds' year-end sentence (000_…: "17/24 … 100% đạt 60 ngày"): "đạt 60 ngày" counts the
    # days only, as the compliance report's "Đạt số ngày phải đi" does (docs/rules.md “The rules as the documents say them”); the figure for
    # days and trips together is named "hoàn thành (đủ ngày và đủ đợt)".
    met_days = sum(t.met_days for t in by_department)
    met_days_pct = percent(met_days, subject)
    headline = _(
        "%(went)s/%(subject)s cán bộ đi cơ sở; %(pct)s đạt %(days)s ngày; %(done)s/%(subject)s hoàn thành "
        "(đủ ngày và đủ đợt)"
    ) % {
        "went": went,
        "subject": subject,
        "pct": met_days_pct,
        "days": plan.min_days,
        "done": met,
    }
    # Counts by reason, a sensitive one under "Miễn theo quyết định" for whoever may not read it (§6).
    labels = ReasonLabels(plan, viewer)
    by_label: Counter = Counter()
    for code, n in exempt.items():
        by_label[labels.of(code) or _("Không rõ lý do")] += n
    exempt_by_reason = sorted(by_label.items(), key=lambda x: (-x[1], x[0]))
    late = []
    for dept, cells in quarter_report_reads.overview(plan, as_of):
        for c in cells:
            if c.status in ("late", "overdue"):
                late.append((dept, c))

    required = sum((Decimal(t.required_days) for t in by_department), ZERO)
    chart = charts.line_chart(
        x_labels=[_label(d, plan) for d in points],
        title=_("Tổng số ngày đi cơ sở cộng dồn của cán bộ thuộc diện phải đi cơ sở"),
        lines=[
            charts.Line(_("Đã thực hiện (cộng dồn)"), done_series, charts.BLUE),
            charts.Line(
                _("Mục tiêu theo tiến độ"), [pace(required, plan, d) for d in points], charts.GREY, dashed=True
            ),
        ],
    )
    department_chart = charts.bar_chart(
        items=[(f.name, f.done_days) for f in by_department],
        title=_("Tổng số ngày đã đi cơ sở theo ban"),
        color=charts.GREEN,
    )
    return OrganizationDashboard(
        plan=plan,
        as_of=as_of,
        counts={s: counts.get(s, 0) for s in STATUS_ORDER},
        total=sum(t.total for t in by_department),
        subject=subject,
        went=went,
        met=met,
        met_percent=met_pct,
        headline=headline,
        met_days=met_days,
        met_days_percent=met_days_pct,
        by_department=by_department,
        exempt_by_reason=exempt_by_reason,
        at_risk=at_risk,
        late=late,
        chart=chart,
        department_chart=department_chart,
        done_days=done_series[-1] if done_series else ZERO,
        required_days=required,
    )


def at_risk_page(data: OrganizationDashboard, number, per_page: int = 25):
    """A page of the dashboard's at-risk list (stored rows are read 25 at a time)."""
    page = Paginator(data.at_risk, per_page).get_page(number)
    if isinstance(data.at_risk, QuerySet):
        page.object_list = rows_of(page.object_list)
    return page

"""What each form shows (DOMAIN.md §8), gathered from the database into reports/documents.py.

The rows come from the same selectors the web pages use, so a download and the page it is
offered on never disagree: mẫu 2 lines = fieldwork.services.department_plans.planned_lines,
mẫu 3 lines = fieldwork.services.quarter_reports.report_trips. Every figure of the
compliance report comes from fieldwork.selectors.standings (reports/compliance.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, Organization, Role, User
from accounts.vietnamese import format_period, place_date_line, strip_diacritics
from fieldwork.models import DepartmentPlan, Plan, QuarterReport, Registration, Trip
from fieldwork.services.department_plans import planned_lines
from fieldwork.services.quarter_reports import quarter_bounds, report_trips
from fieldwork.services.registrations import quarter_name

from .documents import Column, FormDocument, Header, Signer

KINDS = ("mau1", "mau2", "mau3", "compliance", "rollup")
NEEDS_QUARTER = ("mau2", "mau3", "compliance", "rollup")


@dataclass
class Params:
    """A job's parameters, resolved to objects of one organization."""

    organization: Organization
    plan: Plan | None
    year: int
    quarter: int | None = None
    department: Department | None = None
    cadre: User | None = None


# Common pieces -------------------------------------------------------------------------------
def department_code(department: Department | None) -> str:
    """The issuer's code in the number line: the short name, else the initials of the name
    without "Ban" ("Ban Tổ chức – Kiểm tra" -> "TCKT", "Văn phòng" -> "VP")."""
    if department is None:
        return "TCKT"
    if department.short_name:
        return strip_diacritics(department.short_name).upper().replace(" ", "")
    words = [w for w in department.name.split() if w[:1].isalpha()]
    if len(words) > 1 and words[0].casefold() == "ban":
        words = words[1:]
    return strip_diacritics("".join(w[0] for w in words)).upper() or "TCKT"


def header(org: Organization, issuer: str, code: str, on: date) -> Header:
    # DOMAIN.md §8: number line in the hyphen style; the number itself is left to the clerk.
    return Header(
        superior=org.header_superior.upper(),
        issuer=issuer.upper(),
        number=f"Số: …-BC/TĐTN-{code}",
        place_date=place_date_line(org.place or org.name, on),
    )


def subtitle(year: int, quarter: int | None, what: str = "Đi công tác cơ sở theo chủ trương “1+2”") -> str:
    if quarter:
        return f"{what} quý {quarter_name(quarter)} năm {year}"
    return f"{what} năm {year}"


def reference(plan: Plan) -> str:
    title = plan.title or f"Kế hoạch đi công tác cơ sở năm {plan.year}"
    return f"(Kèm theo {title[:1].lower()}{title[1:]} của Ban Thường vụ {plan.organization.name})"


def days_col(title: str = "Số ngày đi") -> Column:
    return Column(title, 10, numeric=True, align="center")


def shown(trip: Trip) -> tuple[date, date, Decimal]:
    """A registration line as registered: the planned values once approved (results may move
    the trip's dates later), else the line as typed."""
    if trip.planned_start and trip.planned_end and trip.planned_days is not None:
        return trip.planned_start, trip.planned_end, trip.planned_days
    return trip.start, trip.end, trip.days


def head_of(department: Department | None) -> User | None:
    if department is None:
        return None
    return (
        User.objects.filter(department=department, is_active=True, roles__code=Role.HEAD)
        .order_by("sort_key", "email")
        .first()
    )


def stem(*parts) -> str:
    text = "-".join(str(p) for p in parts if p not in (None, ""))
    text = strip_diacritics(text).lower()
    out = "".join(c if c.isalnum() else "-" for c in text)
    return "-".join(filter(None, out.split("-")))[:120]


def quarter_lines(trips, quarter: int | None, year: int):
    if quarter is None:
        return list(trips)
    q_start, q_end = quarter_bounds(year, quarter)
    return [t for t in trips if q_start <= shown(t)[0] <= q_end]


# Mẫu 1 ----------------------------------------------------------------------------------------
def mau1(p: Params, today: date) -> FormDocument:
    """A cadre's registration lines (every quarter of the year, or one quarter), in date order.
    Lines of any state but cancelled/rejected: the cadre prints the form to have it signed."""
    person = p.cadre
    regs = Registration.objects.filter(plan=p.plan, person=person)
    if p.quarter:
        regs = regs.filter(quarter=p.quarter)
    regs = list(regs.select_related("decided_by"))
    trips = (
        Trip.objects.filter(registration__in=regs)
        .exclude(status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])
        .select_related("category")
        .order_by("start", "pk")
    )
    lines = sorted(quarter_lines(trips, p.quarter, p.year), key=lambda t: (shown(t)[0], t.pk))
    rows = []
    for i, t in enumerate(lines, 1):
        start, end, days = shown(t)
        content = str(t.category) + (f": {t.content}" if t.content else "")
        rows.append([str(i), content, days, format_period(start, end), t.location])
    approved = [r for r in regs if r.status == Registration.Status.APPROVED]
    approver = approved[0].decided_by if approved else None
    self_certified = any(r.self_certified for r in approved)
    dept = person.department
    return FormDocument(
        kind="mau1",
        header=header(p.organization, dept.name if dept else _("Thường trực"), department_code(dept), today),
        title="BẢN ĐĂNG KÝ",
        subtitle=subtitle(p.year, p.quarter),
        reference=reference(p.plan),
        intro=[
            f"1. Họ và tên: {person.full_name}",
            f"2. Chức vụ: {person.position or '…'}",
            "3. Nội dung đăng ký cụ thể như sau:",
        ],
        columns=[
            Column("STT", 7, align="center"),
            Column("Nội dung", 40),
            days_col(),
            Column("Thời gian cụ thể", 24),
            Column("Địa điểm", 26),
        ],
        rows=rows,
        numbering=[f"({i})" for i in range(1, 6)],
        left=Signer(
            title="Lãnh đạo Ban/Văn phòng phê duyệt",
            note=_("(Tự xác nhận)") if self_certified else "",
            name="" if self_certified else (approver.full_name if approver else ""),
        ),
        right=Signer(title="Người đăng ký", name=person.full_name),
        file_stem=stem("mau1", person.full_name, p.year, f"q{p.quarter}" if p.quarter else ""),
        empty_text=_("Chưa có nội dung đăng ký."),
    )


# Mẫu 2 ----------------------------------------------------------------------------------------
def mau2(p: Params, today: date) -> FormDocument:
    """The department's registered (planned) trips of the quarter: approved registration lines,
    whatever happened to them next (reported, returned, confirmed), never imported results
    and never drafts that the head has not approved (DOMAIN.md §8)."""
    dept = p.department
    lines = planned_lines(p.plan, dept, p.quarter)
    rows = []
    for i, t in enumerate(lines, 1):
        start, end, _days = shown(t)
        content = str(t.category) + (f": {t.content}" if t.content else "")
        rows.append([str(i), t.person.full_name, t.person.position, content, format_period(start, end), t.location])
    dp = (
        DepartmentPlan.objects.filter(plan=p.plan, department=dept, quarter=p.quarter)
        .select_related("decided_by")
        .first()
    )
    approver = dp.decided_by if dp and dp.status == DepartmentPlan.Status.APPROVED else None
    head = head_of(dept)
    return FormDocument(
        kind="mau2",
        header=header(p.organization, dept.name, department_code(dept), today),
        title="BẢN TỔNG HỢP ĐĂNG KÝ",
        subtitle=subtitle(p.year, p.quarter),
        reference=reference(p.plan),
        columns=[
            Column("STT", 7, align="center"),
            Column("Họ và tên", 22),
            Column("Chức vụ", 16),
            Column("Nội dung đi cơ sở", 40),
            Column("Thời gian cụ thể", 24),
            Column("Địa điểm", 24),
        ],
        rows=rows,
        left=Signer(title="Phê duyệt của Lãnh đạo Tỉnh đoàn", name=approver.full_name if approver else ""),
        right=Signer(
            title=f"Trưởng {'VP' if dept.name.casefold().startswith('văn phòng') else 'Ban'}",
            name=head.full_name if head else "",
        ),
        landscape=True,
        file_stem=stem("mau2", dept.name, p.year, f"q{p.quarter}"),
        empty_text=_("Ban chưa có nội dung đăng ký được phê duyệt trong quý."),
    )


# Mẫu 3 ----------------------------------------------------------------------------------------
def results_text(t: Trip) -> str:
    parts = []
    if t.results:
        parts.append(t.results.strip())
    if t.shortcomings:
        parts.append(f"Hạn chế: {t.shortcomings.strip()}")
    if t.proposals:
        parts.append(f"Đề xuất, kiến nghị: {t.proposals.strip()}")
    return "\n".join(parts)


def mau3(p: Params, today: date) -> FormDocument:
    """The department's confirmed trips of the quarter in counting categories; "Số ngày đi" is
    the declared days and "Tổng" their sum (DOMAIN.md §8)."""
    dept = p.department
    trips = list(report_trips(p.plan, dept, p.quarter))
    rows = []
    for i, t in enumerate(trips, 1):
        rows.append(
            [
                str(i),
                t.person.full_name,
                str(t.category),
                t.content,
                t.days,
                format_period(t.start, t.end),
                t.location,
                results_text(t),
            ]
        )
    report = QuarterReport.objects.filter(plan=p.plan, department=dept, quarter=p.quarter).first()
    head = head_of(dept)
    on = timezone.localtime(report.submitted_at).date() if report and report.submitted_at else today
    return FormDocument(
        kind="mau3",
        header=header(p.organization, dept.name, department_code(dept), on),
        title="TỔNG HỢP BÁO CÁO",
        subtitle=f"Kết quả đi công tác quý {quarter_name(p.quarter)} năm {p.year}",
        reference=reference(p.plan),
        columns=[
            Column("STT", 7, align="center"),
            Column("Họ và tên", 20),
            Column("Nội dung", 22),
            Column("Cụ thể nội dung đi cơ sở", 28),
            days_col(),
            Column("Thời gian cụ thể", 20),
            Column("Địa điểm", 18),
            Column(
                "Nêu khái quát những kết quả chủ yếu (mặt được, hạn chế của từng nội dung); đề xuất, kiến nghị (nếu có)",
                40,
            ),
        ],
        rows=rows,
        numbering=["(1)", "", "(2)", "(3)", "(4)", "(5)", "(6)", ""],  # as the seed's mẫu 3 numbers them
        total_column=4,
        total=sum((t.days for t in trips), Decimal(0)),
        note=(report.summary.strip() if report and report.summary else ""),
        left=None,
        right=Signer(
            title=f"TRƯỞNG {'VĂN PHÒNG' if dept.name.casefold().startswith('văn phòng') else 'BAN'}",
            name=head.full_name if head else "",
        ),
        recipients=[f"Ban Tổ chức – Kiểm tra {p.organization.name}", "Lưu."],
        landscape=True,
        file_stem=stem("mau3", dept.name, p.year, f"q{p.quarter}"),
        empty_text=_("Ban không có đợt đi cơ sở đã xác nhận trong quý."),
    )


# Resolution ------------------------------------------------------------------------------------
def resolve(organization: Organization, params: dict, *, require_plan: bool = True) -> Params:
    """A job's JSON params -> objects, every lookup scoped to the organization. The roll-up
    (require_plan=False) reads the descendants' figures: its organization may have no plan."""
    year = int(params["year"])
    plan = Plan.objects.filter(organization=organization, year=year).select_related("organization").first()
    if plan is None and require_plan:
        raise ValidationError(_("Tổ chức chưa có kế hoạch năm %(year)s.") % {"year": year})
    dept = cadre = None
    if params.get("department_id"):
        dept = Department.objects.filter(organization=organization, pk=params["department_id"]).first()
        if dept is None:
            raise ValidationError(_("Không tìm thấy ban trong tổ chức."))
    if params.get("cadre_id"):
        cadre = (
            User.objects.filter(organization=organization, pk=params["cadre_id"]).select_related("department").first()
        )
        if cadre is None:
            raise ValidationError(_("Không tìm thấy cán bộ trong tổ chức."))
    quarter = params.get("quarter")
    return Params(
        organization=organization,
        plan=plan,
        year=year,
        quarter=int(quarter) if quarter else None,
        department=dept,
        cadre=cadre,
    )


def check_params(kind: str, *, quarter, department, cadre) -> None:
    if kind not in KINDS:
        raise ValidationError(_("Loại báo cáo không hợp lệ."))
    if kind in NEEDS_QUARTER and not quarter:
        raise ValidationError(_("Cần chọn quý cho báo cáo này."))
    if quarter is not None and quarter != "" and int(quarter) not in (1, 2, 3, 4):
        raise ValidationError(_("Quý phải là 1, 2, 3 hoặc 4."))
    if kind in ("mau2", "mau3") and department is None:
        raise ValidationError(_("Cần chọn ban cho mẫu 2 và mẫu 3."))
    if kind == "mau1" and cadre is None:
        raise ValidationError(_("Cần chọn cán bộ cho mẫu 1."))


def gather(kind: str, p: Params, today: date | None = None):
    from .compliance import compliance
    from .rollup_document import rollup_document

    today = today or timezone.localdate()
    builders = {"mau1": mau1, "mau2": mau2, "mau3": mau3, "compliance": compliance, "rollup": rollup_document}
    return builders[kind](p, today)

"""What each form shows (docs/domain.md §8), gathered from the database into reports/documents.py.

The rows come from the same selectors the web pages use, so a download and the page it is
offered on never disagree: mẫu 2 lines of a quarter = fieldwork.services.department_plans.planned_lines
(the annual cycle's and the whole year's: the same lines over every registration of the year),
mẫu 3 lines = fieldwork.selectors.quarter_reports.report_trips. Every figure of the
compliance and year-end reports comes from the engine through fieldwork.selectors.departments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import Department, Organization, User
from accounts.vietnamese import format_date, format_period, nfc, place_date_line, strip_diacritics
from fieldwork.models import ChangeRequest, DepartmentPlan, Plan, QuarterReport, Registration, Trip
from fieldwork.quarters import quarter_bounds
from fieldwork.selectors.quarter_reports import report_trips
from fieldwork.services.department_plans import PLANNED_STATUSES, planned_lines
from fieldwork.services.registrations import quarter_name

from .documents import Column, FormDocument, Header, Signer
from .signers import approver_signer, head_signer, heads_of, standing_signer

KINDS = ("mau1", "mau2", "mau3", "compliance", "yearend", "yearsheet", "rollup")
# docs/domain.md §10: without a quarter mẫu 1 and mẫu 2 cover the year, compliance reports the year.
NEEDS_QUARTER = ("mau3", "rollup")
PENDING = "chờ phê duyệt"


@dataclass
class Params:
    """A job's parameters, resolved to objects of one organization."""

    organization: Organization
    plan: Plan | None
    year: int
    quarter: int | None = None
    department: Department | None = None
    cadre: User | None = None
    # Who the file is for (fieldwork.privacy): the requester, or an Audience. It decides only what a
    # sensitive exemption reason reads; None reads "Miễn theo quyết định" (minimum by default).
    viewer: object = None
    # A roll-up submission's copy (docs/domain.md §6, §10): figures per organization and department,
    # never a person.
    figures_only: bool = False


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


def header(org: Organization, issuer: str, code: str | None, on: date) -> Header:
    """docs/domain.md §8: the number line ("Số: …-BC/TĐTN-TCKT", the number left to the clerk)
    on reports only; registrations (mẫu 1, 2) pass code=None and carry none."""
    return Header(
        superior=org.header_superior.upper(),
        issuer=issuer.upper(),
        number=f"Số: …-BC/TĐTN-{code}" if code else "",
        place_date=place_date_line(org.place or org.name, on),
    )


def union_body(org: Organization) -> str:
    """ "Tỉnh đoàn" of "Tỉnh đoàn Tây Ninh": the organization's name without its place."""
    name, place = nfc(org.name).strip(), nfc(org.place).strip()
    if place and name.casefold().endswith(place.casefold()) and len(name) > len(place):
        return name[: -len(place)].strip()
    return name


def standing_committee(org: Organization) -> str:
    return f"Thường trực {union_body(org)}"


def subtitle(year: int, quarter: int | None, what: str = "Đi công tác cơ sở theo chủ trương “1+2”") -> str:
    """Quarter None or 0 (the annual cycle's forms, fieldwork.quarters.WHOLE_YEAR): "năm 2023"."""
    if quarter:
        return f"{what} quý {quarter_name(quarter)} năm {year}"
    return f"{what} năm {year}"


DOCUMENT_KINDS = {"KH": "Kế hoạch", "HD": "Hướng dẫn", "QĐ": "Quyết định", "CT": "Chương trình"}


def plan_document(plan: Plan) -> str:
    """ "Kế hoạch số 45-KH/TĐTN-TCKT, ngày 10/01/2023 của Ban Thường vụ Tỉnh đoàn" from
    Plan.document_number/document_date (docs/domain.md §5); "" without a number."""
    number = nfc(plan.document_number).strip()
    if not number:
        return ""
    code = number.split("-", 1)[1].split("/", 1)[0].upper() if "-" in number else ""
    text = f"{DOCUMENT_KINDS.get(code, 'Văn bản')} số {number}"
    if plan.document_date:
        text += f", ngày {format_date(plan.document_date)}"
    return f"{text} của Ban Thường vụ {union_body(plan.organization)}"


def reference(plan: Plan) -> str:
    """The reference line under the title; omitted (empty) while the plan has no document number."""
    doc = plan_document(plan)
    return f"(Kèm theo {doc})" if doc else ""


def days_col(title: str = "Số ngày đi") -> Column:
    return Column(title, 10, numeric=True, align="center")


def shown(trip: Trip) -> tuple[date, date, Decimal]:
    """A registration line as registered: the planned values once approved (results may move
    the trip's dates later), else the line as typed."""
    if trip.planned_start and trip.planned_end and trip.planned_days is not None:
        return trip.planned_start, trip.planned_end, trip.planned_days
    return trip.start, trip.end, trip.days


def head_of(department: Department | None) -> User | None:
    """The department's chief (before any deputy), else its first deputy."""
    heads = heads_of(department)
    return heads[0] if heads else None


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
def approver_label(person: User, org: Organization) -> str:
    """The caption over the approver's signature: the person's real approver (docs/domain.md §2)."""
    kind = rules.approver_kind(person)
    if kind == "standing":
        return f"{standing_committee(org)} phê duyệt"
    if kind in ("secretary", "self"):
        return f"Bí thư {union_body(org)} phê duyệt"
    return "Lãnh đạo Ban/Văn phòng phê duyệt"


def mau1(p: Params, today: date) -> FormDocument:
    """A cadre's registration lines (the year: the annual cycle's form or every quarter's lines;
    or one quarter), in date order. Lines of any state but cancelled/rejected: the cadre prints the
    form to have it signed. Under the approver's name only what that approver approved: a line not
    yet approved says "(chờ phê duyệt)", one approved by someone else names them, and the form
    says so under the table (docs/rules.md, issue 14 — mẫu 1)."""
    person = p.cadre
    regs = Registration.objects.filter(plan=p.plan, person=person)
    if p.quarter:
        regs = regs.filter(quarter__in=[p.quarter, 0])  # 0: the annual cycle's registration
    regs = {r.pk: r for r in regs.select_related("decided_by")}
    trips = (
        Trip.objects.filter(registration__in=list(regs))
        .exclude(status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])
        .select_related("category")
        .order_by("start", "pk")
    )
    lines = sorted(quarter_lines(trips, p.quarter, p.year), key=lambda t: (shown(t)[0], t.pk))
    # A line added after the registration was approved was approved on its own (docs/domain.md §5).
    added = {
        cr.trip_id: cr.decided_by
        for cr in ChangeRequest.objects.filter(
            trip__in=[t.pk for t in lines], kind=ChangeRequest.Kind.ADD, status=ChangeRequest.Status.APPROVED
        ).select_related("decided_by")
    }

    def approver_of(t: Trip):
        reg = regs[t.registration_id]
        if t.status == Trip.Status.DRAFT:
            return None
        if t.pk in added:
            return added[t.pk]
        if reg.decided_by_id is None and not reg.self_certified:
            return None
        return reg.decided_by

    approvers = [approver_of(t) for t in lines]
    counts: dict = {}
    for a in approvers:
        if a is not None:
            counts[a.pk] = counts.get(a.pk, 0) + 1
    main = max((a for a in approvers if a is not None), key=lambda a: counts[a.pk], default=None)
    self_certified = any(r.self_certified for r in regs.values())
    rows, pending, others = [], 0, 0
    for i, (t, a) in enumerate(zip(lines, approvers, strict=True), 1):
        start, end, days = shown(t)
        content = str(t.category) + (f": {t.content}" if t.content else "")
        if a is None and not self_certified:
            content += f"\n({PENDING})"
            pending += 1
        elif a is not None and main is not None and a.pk != main.pk:
            content += f"\n(do {a.full_name} phê duyệt)"
            others += 1
        rows.append([i, content, days, format_period(start, end), t.location])
    notes = []
    if pending:
        notes.append(
            f"Các dòng ghi “({PENDING})” chưa được phê duyệt: chữ ký phê duyệt dưới đây không bao gồm các dòng này."
        )
    if others:
        notes.append("Các dòng ghi “(do … phê duyệt)” đã được người có tên phê duyệt.")
    dept = person.department
    label = approver_label(person, p.organization)
    if self_certified:
        left = Signer(label=label, title="", note=_("(Tự xác nhận)"))
    else:
        left = approver_signer(main, label=label)
    return FormDocument(
        kind="mau1",
        header=header(p.organization, dept.name if dept else standing_committee(p.organization), None, today),
        title="BẢN ĐĂNG KÝ",
        subtitle=subtitle(p.year, p.quarter),
        reference=reference(p.plan),
        intro=[
            f"1. Họ và tên: {person.full_name}",
            f"2. Chức vụ: {person.position or '…'}",
            "3. Nội dung đăng ký cụ thể như sau:",
        ],
        columns=[
            Column("STT", 7, numeric=True, align="center"),
            Column("Nội dung", 40),
            days_col(),
            Column("Thời gian cụ thể", 24),
            Column("Địa điểm", 26),
        ],
        rows=rows,
        numbering=[f"({i})" for i in range(1, 6)],
        note="\n".join(notes),
        left=left,
        right=Signer(label="Người đăng ký", title="", name=person.full_name),
        file_stem=stem("mau1", person.full_name, p.year, f"q{p.quarter}" if p.quarter else ""),
        empty_text=_("Chưa có nội dung đăng ký."),
    )


# Mẫu 2 ----------------------------------------------------------------------------------------
def year_or_quarter_lines(plan: Plan, department: Department, quarter: int | None):
    """Mẫu 2 rows (docs/domain.md §8): the department's approved registration lines and what they
    became, never drafts or imported results; of one quarter (its own registrations, or the annual
    registration's lines starting in it), or of the whole year; people in Vietnamese order."""
    trips = (
        Trip.objects.filter(
            plan=plan,
            person__department=department,
            registration__plan=plan,
            status__in=PLANNED_STATUSES,
        )
        .select_related("person", "category")
        .order_by("person__sort_key", "person__email", "start", "pk")
    )
    if quarter and plan.registration_cycle != plan.RegistrationCycle.ANNUAL:
        return list(planned_lines(plan, department, quarter))  # the department plan page's own rows
    if quarter:
        return quarter_lines(trips.filter(registration__quarter__in=[quarter, 0]), quarter, plan.year)
    return list(trips)


def mau2(p: Params, today: date) -> FormDocument:
    """The department's registered (planned) trips of the quarter or the year: approved
    registration lines, whatever happened to them next (reported, returned, confirmed), never
    imported results and never drafts that the head has not approved (docs/domain.md §8)."""
    dept = p.department
    lines = year_or_quarter_lines(p.plan, dept, p.quarter)
    rows = []
    for i, t in enumerate(lines, 1):
        start, end, _days = shown(t)
        content = str(t.category) + (f": {t.content}" if t.content else "")
        rows.append([i, t.person.full_name, t.person.position, content, format_period(start, end), t.location])
    plans = DepartmentPlan.objects.filter(plan=p.plan, department=dept).select_related("decided_by")
    if p.quarter:
        plans = plans.filter(quarter__in=[p.quarter, 0])
    plans = list(plans)
    approvers = {dp.decided_by for dp in plans if dp.status == DepartmentPlan.Status.APPROVED and dp.decided_by}
    # One approver for every consolidated plan shown, or the line is left to sign by hand.
    approver = (
        approvers.pop()
        if len(approvers) == 1 and all(dp.status == DepartmentPlan.Status.APPROVED for dp in plans)
        else None
    )
    submitter = next((dp.submitted_by for dp in plans if dp.submitted_by_id), None)
    signer = submitter if submitter is not None and submitter.department_id == dept.pk else None
    return FormDocument(
        kind="mau2",
        header=header(p.organization, dept.name, None, today),
        title="BẢN TỔNG HỢP ĐĂNG KÝ",
        subtitle=subtitle(p.year, p.quarter),
        reference=reference(p.plan),
        columns=[
            Column("STT", 7, numeric=True, align="center"),
            Column("Họ và tên", 22),
            Column("Chức vụ", 16),
            Column("Nội dung đi cơ sở", 40),
            Column("Thời gian cụ thể", 24),
            Column("Địa điểm", 24),
        ],
        rows=rows,
        left=standing_signer(approver, label=f"Phê duyệt của Lãnh đạo {union_body(p.organization)}"),
        right=head_signer(dept, signer),
        landscape=True,
        file_stem=stem("mau2", dept.name, p.year, f"q{p.quarter}" if p.quarter else ""),
        empty_text=_("Ban chưa có nội dung đăng ký được phê duyệt."),
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
    the declared days and "Tổng" their sum (docs/domain.md §8)."""
    dept = p.department
    trips = list(report_trips(p.plan, dept, p.quarter))
    rows = []
    for i, t in enumerate(trips, 1):
        rows.append(
            [
                i,
                t.person.full_name,
                str(t.category),
                t.content,
                t.days,
                format_period(t.start, t.end),
                t.location,
                results_text(t),
            ]
        )
    report = (
        QuarterReport.objects.filter(plan=p.plan, department=dept, quarter=p.quarter)
        .select_related("submitted_by")
        .first()
    )
    submitter = report.submitted_by if report and report.submitted_by_id else None
    on = timezone.localtime(report.submitted_at).date() if report and report.submitted_at else today
    return FormDocument(
        kind="mau3",
        header=header(p.organization, dept.name, department_code(dept), on),
        title="TỔNG HỢP BÁO CÁO",
        subtitle=f"Kết quả đi công tác quý {quarter_name(p.quarter)} năm {p.year}",
        reference=reference(p.plan),
        columns=[
            Column("STT", 7, numeric=True, align="center"),
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
        right=head_signer(dept, submitter if submitter and submitter.department_id == dept.pk else None),
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
    from .yearend import year_end, year_sheet

    builders = {"mau1": mau1, "mau2": mau2, "mau3": mau3, "compliance": compliance}
    builders.update(yearend=year_end, yearsheet=year_sheet, rollup=rollup_document)
    return builders[kind](p, today)

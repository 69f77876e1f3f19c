"""The three forms (docs/domain.md §8): a cadre's registration (mẫu 1), the department's
consolidated plan (mẫu 2) and its quarter's results (mẫu 3), gathered from the database into
reports/documents.py.

The rows come from the same selectors the web pages use, so a download and the page it is
offered on never disagree: mẫu 2 lines of a quarter = fieldwork.services.department_plans.planned_lines
(the annual cycle's and the whole year's: the same lines over every registration of the year),
mẫu 3 lines = fieldwork.selectors.quarter_reports.report_trips.

Without a department, mẫu 2 and mẫu 3 are the whole organization's (§8, the Board's "tổng hợp"):
the Standing Committee first, then every department in Vietnamese order, each under its heading.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import Department, Organization, User
from accounts.vietnamese import format_period
from fieldwork import cycles
from fieldwork.models import ChangeRequest, DepartmentPlan, Plan, QuarterReport, Registration, Trip
from fieldwork.quarters import quarter_name
from fieldwork.selectors.quarter_reports import quarter_trips, report_trips
from fieldwork.services.department_plans import PLANNED_STATUSES, overview, planned_lines

from .document_parts import (
    days_col,
    department_code,
    header,
    immersion_cell,
    immersion_col,
    local_day,
    organization_parts,
    part_heading,
    people_without_department,
    quarter_lines,
    reference,
    shown,
    standing_committee,
    stem,
    subtitle,
    with_mark,
)
from .documents import Column, FormDocument, Section, Signer
from .params import Params
from .signers import approver_signer, board_issuer, board_recipients, board_signer, sender_signer, union_body

PENDING = "chờ phê duyệt"


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
    says so under the table (docs/rules.md “Forms the Board signs”, mẫu 1). The place-and-date line is the
    day the registration was submitted, blank while it is a draft (docs/domain.md §8)."""
    person = p.cadre
    regs = Registration.objects.filter(plan=p.plan, person=person)
    if p.quarter:
        regs = regs.filter(quarter__in=[p.quarter, 0])  # 0: the annual cycle's registration
    regs = {r.pk: r for r in regs.select_related("decided_by")}
    trips = (
        Trip.objects.filter(registration__in=list(regs), category__counts=True)  # §8: invited attendance is no line
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
        content = with_mark(str(t.category) + (f": {t.content}" if t.content else ""), t)
        if a is None and not self_certified:
            content += f"\n({PENDING})"
            pending += 1
        elif a is not None and main is not None and a.pk != main.pk:
            content += f"\n(do {a.full_name} phê duyệt)"
            others += 1
        rows.append([i, content, days, format_period(start, end), t.location, immersion_cell(t)])
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
    submitted = max((r.submitted_at for r in regs.values() if r.submitted_at), default=None)
    return FormDocument(
        kind="mau1",
        header=header(
            p.organization,
            dept.name if dept else standing_committee(p.organization),
            None,
            local_day(submitted),
            p.year,
        ),
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
            immersion_col(),
        ],
        rows=rows,
        numbering=[f"({i})" for i in range(1, 6)] + [""],
        note="\n".join(notes),
        left=left,
        right=Signer(label="Người đăng ký", title="", name=person.full_name, person_id=person.pk),
        file_stem=stem("mau1", person.full_name, p.year, f"q{p.quarter}" if p.quarter else ""),
        empty_text=_("Chưa có nội dung đăng ký."),
    )


# Mẫu 2 ----------------------------------------------------------------------------------------
def year_or_quarter_lines(plan: Plan, department: Department | None, quarter: int | None):
    """Mẫu 2 rows (docs/domain.md §8): the department's approved registration lines and what they
    became, never drafts or imported results; of one quarter (its own registrations, or the annual
    registration's lines starting in it), or of the whole year; people in Vietnamese order.
    `department` None: the people of no department (the Standing Committee)."""
    trips = (
        Trip.objects.filter(
            plan=plan,
            person__organization_id=plan.organization_id,
            person__department=department,
            registration__plan=plan,
            status__in=PLANNED_STATUSES,
            category__counts=True,  # docs/domain.md §8: attending because invited is not a field trip
        )
        .select_related("person", "category")
        .order_by("person__sort_key", "person__email", "start", "pk")
    )
    if quarter and plan.registration_cycle != plan.RegistrationCycle.ANNUAL:
        if department is None:
            return list(trips.filter(registration__quarter=quarter))  # planned_lines' rows, of no department
        return list(planned_lines(plan, department, quarter))  # the department plan page's own rows
    if quarter:
        return quarter_lines(trips.filter(registration__quarter__in=[quarter, 0]), quarter, plan.year)
    return list(trips)


def mau2_rows(lines) -> list[list]:
    rows = []
    for i, t in enumerate(lines, 1):
        start, end, _days = shown(t)
        content = with_mark(str(t.category) + (f": {t.content}" if t.content else ""), t)
        rows.append(
            [
                i,
                t.person.full_name,
                t.person.position,
                content,
                format_period(start, end),
                t.location,
                immersion_cell(t),
            ]
        )
    return rows


def not_registered(plan: Plan, department: Department | None, quarter: int | None) -> list[tuple[str, list[User]]]:
    """Who has not sent their mẫu 1 — the department plan page's own list (overview), which the
    page promises mẫu 2 prints: [(period label or "", people)] for the form's registration periods."""
    if cycles.is_annual(plan):
        periods = [cycles.WHOLE_YEAR]
    else:
        periods = [quarter] if quarter else cycles.registration_periods(plan)
    out = []
    for period in periods:
        people = overview(plan, department, period).not_registered
        if people:
            out.append(("" if len(periods) == 1 else f"quý {quarter_name(period)}", people))
    return out


def not_registered_note(parts: list[tuple[str, list[tuple[str, list[User]]]]]) -> str:
    """ "Cán bộ thuộc diện phải đi cơ sở chưa gửi bản đăng ký (mẫu 1): …" — per department on the
    whole organization's form, per quarter on a year of quarterly registrations."""
    chunks = []
    for where, periods in parts:
        for label, people in periods:
            names = ", ".join(u.full_name for u in people)
            prefix = ": ".join(x for x in (where, label) if x)
            chunks.append(f"{prefix}: {names}" if prefix else names)
    if not chunks:
        return ""
    return "Cán bộ thuộc diện phải đi cơ sở chưa gửi bản đăng ký (mẫu 1): " + "; ".join(chunks) + "."


MAU2_COLUMNS = [
    Column("STT", 7, numeric=True, align="center"),
    Column("Họ và tên", 22),
    Column("Chức vụ", 16),
    Column("Nội dung đi cơ sở", 40),
    Column("Thời gian cụ thể", 24),
    Column("Địa điểm", 24),
]


def mau2(p: Params, today: date) -> FormDocument:
    """The department's registered (planned) trips of the quarter or the year: approved
    registration lines, whatever happened to them next (reported, returned, confirmed), never
    imported results and never drafts that the head has not approved (docs/domain.md §8).
    The place-and-date line is the day the department sent it (blank before). Without a
    department: the whole organization's (organization_mau2)."""
    if p.department is None:
        return organization_mau2(p, today)
    dept = p.department
    lines = year_or_quarter_lines(p.plan, dept, p.quarter)
    plans = DepartmentPlan.objects.filter(plan=p.plan, department=dept).select_related("decided_by", "submitted_by")
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
    sent = [dp.submitted_at for dp in plans if dp.submitted_at and dp.status != DepartmentPlan.Status.DRAFT]
    return FormDocument(
        kind="mau2",
        header=header(p.organization, dept.name, None, local_day(max(sent, default=None)), p.year),
        title="BẢN TỔNG HỢP ĐĂNG KÝ",
        subtitle=subtitle(p.year, p.quarter),
        reference=reference(p.plan),
        columns=[*MAU2_COLUMNS, immersion_col()],
        rows=mau2_rows(lines),
        note=not_registered_note([("", not_registered(p.plan, dept, p.quarter))]),
        left=approver_signer(approver, label=f"Phê duyệt của Lãnh đạo {union_body(p.organization)}"),
        right=sender_signer(dept, submitter),
        landscape=True,
        file_stem=stem("mau2", dept.name, p.year, f"q{p.quarter}" if p.quarter else ""),
        empty_text=_("Ban chưa có nội dung đăng ký được phê duyệt."),
    )


def organization_mau2(p: Params, today: date) -> FormDocument:
    """The whole organization's mẫu 2 (the Board's "tổng hợp", seed 002 III.1.1): every part under
    its heading, the Standing Committee first; made by the Board on the day it is made."""
    org = p.organization
    sections, all_rows, missing = [], [], []
    for i, (dept, name) in enumerate(organization_parts(org, people_without_department(org)), 1):
        rows = mau2_rows(year_or_quarter_lines(p.plan, dept, p.quarter))
        sections.append(Section(part_heading(i, name), rows, _("Chưa có nội dung đăng ký được phê duyệt.")))
        all_rows += rows
        missing.append((name, not_registered(p.plan, dept, p.quarter)))
    return FormDocument(
        kind="mau2",
        header=header(org, board_issuer(org), None, today),
        title="BẢN TỔNG HỢP ĐĂNG KÝ",
        subtitle=subtitle(p.year, p.quarter) + f" của cán bộ cơ quan {union_body(org)}",
        reference=reference(p.plan),
        columns=[*MAU2_COLUMNS, immersion_col()],
        rows=all_rows,
        sections=sections,
        note=not_registered_note(missing),
        left=approver_signer(None, label=f"Phê duyệt của Lãnh đạo {union_body(org)}"),
        right=board_signer(org),
        landscape=True,
        file_stem=stem("mau2", org.code, "toan-co-quan", p.year, f"q{p.quarter}" if p.quarter else ""),
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


MAU3_COLUMNS = [
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
    immersion_col(),
]
# As the seed's mẫu 3 numbers them.
MAU3_NUMBERING = ["(1)", "", "(2)", "(3)", "(4)", "(5)", "(6)", "", ""]


def mau3_rows(trips) -> list[list]:
    return [
        [
            i,
            t.person.full_name,
            str(t.category),
            with_mark(t.content, t).strip(),
            t.days,
            format_period(t.start, t.end),
            t.location,
            results_text(t),
            immersion_cell(t),
        ]
        for i, t in enumerate(trips, 1)
    ]


def mau3_subtitle(p: Params) -> str:
    return f"Kết quả đi công tác quý {quarter_name(p.quarter)} năm {p.year}"


def mau3(p: Params, today: date) -> FormDocument:
    """The department's confirmed trips of the quarter in counting categories; "Số ngày đi" is
    the declared days and "Tổng" their sum (docs/domain.md §8). The place-and-date line is the day
    the department sent it, blank before. Without a department: the whole organization's."""
    if p.department is None:
        return organization_mau3(p, today)
    dept = p.department
    trips = list(report_trips(p.plan, dept, p.quarter))
    report = (
        QuarterReport.objects.filter(plan=p.plan, department=dept, quarter=p.quarter)
        .select_related("submitted_by")
        .first()
    )
    submitter = report.submitted_by if report and report.submitted_by_id else None
    sent = report.submitted_at if report and report.status == QuarterReport.Status.SUBMITTED else None
    return FormDocument(
        kind="mau3",
        header=header(p.organization, dept.name, department_code(dept), local_day(sent), p.year),
        title="TỔNG HỢP BÁO CÁO",
        subtitle=mau3_subtitle(p),
        reference=reference(p.plan),
        columns=MAU3_COLUMNS,
        rows=mau3_rows(trips),
        numbering=MAU3_NUMBERING,
        total_column=4,
        total=sum((t.days for t in trips), Decimal(0)),
        note=(report.summary.strip() if report and report.summary else ""),
        left=None,
        right=sender_signer(dept, submitter),
        recipients=[
            f"Ban Tổ chức – Kiểm tra {union_body(p.organization)}",
            "Lưu VP." if dept.name.casefold().startswith("văn phòng") else f"Lưu VP, {dept.name}.",
        ],
        landscape=True,
        file_stem=stem("mau3", dept.name, p.year, f"q{p.quarter}"),
        empty_text=_("Ban không có đợt đi cơ sở đã xác nhận trong quý."),
    )


def organization_mau3(p: Params, today: date) -> FormDocument:
    """The whole organization's mẫu 3 of the quarter, made by the Board: every part under its
    heading, the Standing Committee's own trips first; one "Tổng"."""
    org = p.organization
    by_department: dict = {}
    for t in quarter_trips(p.plan, p.quarter):
        by_department.setdefault(t.person.department_id, []).append(t)
    sections, all_rows, total = [], [], Decimal(0)
    for i, (dept, name) in enumerate(organization_parts(org, people_without_department(org)), 1):
        trips = by_department.get(dept.pk if dept else None, [])
        rows = mau3_rows(trips)
        sections.append(Section(part_heading(i, name), rows, _("Không có đợt đi cơ sở đã xác nhận trong quý.")))
        all_rows += rows
        total += sum((t.days for t in trips), Decimal(0))
    return FormDocument(
        kind="mau3",
        header=header(org, board_issuer(org), "TCKT", today),
        title="TỔNG HỢP BÁO CÁO",
        subtitle=mau3_subtitle(p) + f" của cán bộ cơ quan {union_body(org)}",
        reference=reference(p.plan),
        columns=MAU3_COLUMNS,
        rows=all_rows,
        sections=sections,
        numbering=MAU3_NUMBERING,
        total_column=4,
        total=total,
        right=board_signer(org),
        recipients=board_recipients(org),
        landscape=True,
        file_stem=stem("mau3", org.code, "toan-co-quan", p.year, f"q{p.quarter}"),
    )

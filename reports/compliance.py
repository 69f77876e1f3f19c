"""The quarterly compliance report (DOMAIN.md §8): the Board to the Standing Committee.

Every day figure comes from fieldwork.selectors (standings_series: the same engine as
`standings`, read once and run at two dates; one engine behind every number):
- cumulative days = done_days at as_of;
- days this quarter = done_days at as_of minus done_days at the eve of the quarter, the
  selector asked twice (the same method the dashboards use for their monthly series), so
  the quarters of a year add up to the cumulative figure. A trip that starts in one quarter
  and ends in the next adds its days when it is done, i.e. in the quarter it ends.
- as_of = the quarter's last day, or today while the quarter is running.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Department
from accounts.vietnamese import format_date, format_days
from fieldwork.dashboards import STATUS_LABELS
from fieldwork.models import QuarterReport, Trip
from fieldwork.selectors import standings_series
from fieldwork.services.quarter_reports import quarter_bounds, quarter_deadline
from fieldwork.services.registrations import quarter_name

from .data import Params, head_of, header, reference, stem
from .documents import Header, Signer

ZERO = Decimal(0)
STATUS_ORDER = ("met", "on_track", "at_risk", "not_met", "exempt")
NO_DEPARTMENT = "Thường trực, không thuộc ban"
# Short labels for the "Ghi chú" column (the codes stay in the data sheet). OUTSIDE_FOCUS and
# NOT_COUNTED_CATEGORY are information, not faults: left out of the note.
VIOLATION_SHORT = {
    "DAYS_EXCEED_SPAN": "số ngày vượt khoảng thời gian",
    "OVERLAP": "trùng thời gian",
    "OUTSIDE_PERIOD": "ngoài thời gian kế hoạch",
    "IMMERSION_TOO_SHORT": "đợt “3 cùng” chưa đủ ngày",
    "IMMERSION_TOO_LONG": "đợt “3 cùng” quá số ngày",
    "IMMERSION_BACK_TO_BACK": "đợt “3 cùng” liên tiếp",
    "LATE_REPORT": "báo cáo quý muộn",
}


@dataclass
class CadreLine:
    name: str
    email: str
    department: str
    position: str
    group: str
    status: str
    status_label: str
    required: int
    quarter_days: Decimal
    done_days: Decimal
    planned_days: Decimal
    immersion_done: int
    immersion_required: int
    exemption: str
    went: bool
    violations: str  # codes, for the data sheet
    pending_days: Decimal = ZERO  # issue 14: reported, awaiting the head's confirmation (§7.4)

    @property
    def note(self) -> str:
        """Ghi chú: the exemption reason, else the days awaiting confirmation and the
        violations in short Vietnamese."""
        if self.exemption:
            return f"Miễn: {self.exemption}"
        parts = []
        if self.pending_days:
            parts.append(f"Chờ xác nhận: {format_days(self.pending_days)} ngày")
        labels = [VIOLATION_SHORT[c] for c in self.violations.split(", ") if c in VIOLATION_SHORT]
        if labels:
            parts.append("Vi phạm: " + "; ".join(labels))
        return ". ".join(parts)


@dataclass
class DepartmentLine:
    name: str
    total: int = 0
    subject: int = 0
    went: int = 0
    quarter_days: Decimal = ZERO
    done_days: Decimal = ZERO
    met_days: int = 0
    met: int = 0
    immersion_done: int = 0
    mau3: str = ""
    late: bool = False
    statuses: Counter = field(default_factory=Counter)


@dataclass
class ComplianceReport:
    kind = "compliance"
    header: Header
    title: str
    subtitle: str
    reference: str
    as_of: date
    year: int
    quarter: int
    min_days: int
    summary: list[tuple[str, str]]
    departments: list[DepartmentLine]
    cadres: list[CadreLine]
    status_counts: list[tuple[str, str, int]]  # (code, label, n)
    signer: Signer
    recipients: list[str]
    file_stem: str
    landscape: bool = True


def percent(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    value = (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = str(value.normalize()) if value != value.to_integral_value() else str(int(value))
    return text.replace(".", ",") + "%"


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} ({percent(part, whole)})"


def report_as_of(year: int, quarter: int, today: date) -> date:
    start, end = quarter_bounds(year, quarter)
    if today < start:
        raise ValidationError(
            _("Quý %(q)s năm %(y)s chưa bắt đầu: chưa có số liệu để báo cáo.") % {"q": quarter_name(quarter), "y": year}
        )
    return min(end, today)


def mau3_state(report: QuarterReport | None, deadline: date, today: date) -> tuple[str, bool]:
    """(label, late) of a department's mẫu 3 for the quarter."""
    if report is not None and report.status == QuarterReport.Status.SUBMITTED:
        if report.late:
            return _("Gửi muộn"), True
        return _("Đúng hạn"), False
    if today > deadline:
        return _("Chưa gửi, quá hạn %(d)s") % {"d": format_date(deadline)}, True
    return _("Chưa đến hạn (%(d)s)") % {"d": format_date(deadline)}, False


def compliance(p: Params, today: date) -> ComplianceReport:
    plan, quarter = p.plan, p.quarter
    as_of = report_as_of(p.year, quarter, today)
    q_start, q_end = quarter_bounds(p.year, quarter)
    eve = q_start - timedelta(days=1)
    # One read of the data, the engine at two dates (fieldwork.selectors.standings_series).
    dates = [as_of, eve] if eve >= plan.period_start else [as_of]
    series = standings_series(plan, dates)
    rows = series[0]
    before = {r.person.pk: r.standing.done_days for r in series[1]} if len(series) > 1 else {}
    went_ids = set(
        Trip.objects.filter(
            plan=plan,
            status=Trip.Status.CONFIRMED,
            category__counts=True,
            start__gte=q_start,
            start__lte=min(q_end, as_of),
        )
        .values_list("person_id", flat=True)
        .distinct()
    )
    reasons = {r.code: r.name for r in plan.exemption_reasons.all()}
    deadline = quarter_deadline(plan, quarter)
    reports = {r.department_id: r for r in QuarterReport.objects.filter(plan=plan, quarter=quarter)}

    cadres: list[CadreLine] = []
    depts: dict[object, DepartmentLine] = {}
    exempt_by_reason: Counter = Counter()
    for r in rows:
        person, s = r.person, r.standing
        dept_key = person.department_id
        d = depts.get(dept_key)
        if d is None:
            d = depts[dept_key] = DepartmentLine(
                name=person.department.name if person.department else NO_DEPARTMENT, mau3="—"
            )
            if dept_key is not None:
                d.mau3, d.late = mau3_state(reports.get(dept_key), deadline, today)
        exempt = s.status == "exempt"
        quarter_days = s.done_days - before.get(person.pk, ZERO)
        went = person.pk in went_ids and not exempt
        d.total += 1
        d.statuses[s.status] += 1
        if exempt:
            exempt_by_reason[reasons.get(s.exemption, s.exemption or _("Khác"))] += 1
        else:
            d.subject += 1
            d.went += went
            d.quarter_days += quarter_days
            d.done_days += s.done_days
            d.met_days += s.done_days >= s.required_days
            d.met += s.status == "met"
            d.immersion_done += s.immersion_done
        cadres.append(
            CadreLine(
                name=person.full_name,
                email=person.email,
                department=d.name,
                position=person.position,
                group=person.group_code,
                status=s.status,
                status_label=str(STATUS_LABELS.get(s.status, s.status)),
                required=s.required_days,
                quarter_days=quarter_days,
                done_days=s.done_days,
                planned_days=s.planned_days,
                immersion_done=s.immersion_done,
                immersion_required=s.immersion_required,
                exemption=reasons.get(s.exemption, s.exemption or "") if s.exemption else "",
                went=went,
                violations=", ".join(s.violation_codes),
                pending_days=s.pending_days,
            )
        )
    # Departments by name (Vietnamese collation is for people; departments read as a list).
    dept_lines = sorted(depts.values(), key=lambda d: (d.name == NO_DEPARTMENT, d.name))
    subject = [c for c in cadres if c.status != "exempt"]
    n_subject = len(subject)
    status_counts = Counter(c.status for c in cadres)
    imm_required = [c for c in subject if c.immersion_required]
    late = [d.name for d in dept_lines if d.late]
    total_quarter = sum((c.quarter_days for c in subject), ZERO)
    total_done = sum((c.done_days for c in subject), ZERO)
    pending = [c for c in subject if c.pending_days]
    total_pending = sum((c.pending_days for c in pending), ZERO)
    summary = [
        (_("Cán bộ thuộc diện đi cơ sở / tổng số cán bộ"), f"{n_subject}/{len(cadres)}"),
        (
            _("Cán bộ không thực hiện (miễn)"),
            str(len(cadres) - n_subject)
            + (
                " (" + "; ".join(f"{name}: {n}" for name, n in sorted(exempt_by_reason.items())) + ")"
                if exempt_by_reason
                else ""
            ),
        ),
        (_("Cán bộ đã đi cơ sở trong quý"), ratio(sum(c.went for c in subject), n_subject)),
        (_("Số ngày đi cơ sở trong quý"), format_days(total_quarter)),
        (_("Số ngày đi cơ sở lũy kế từ đầu năm"), format_days(total_done)),
        (
            # Issue 14 (§7.4): reported, not yet confirmed by the head: not in the figures above.
            _("Số ngày đã báo cáo, chờ xác nhận (chưa tính vào số ngày đã đi)"),
            _("%(d)s ngày của %(n)s cán bộ") % {"d": format_days(total_pending), "n": len(pending)},
        ),
        (
            _("Bình quân ngày lũy kế / cán bộ"),
            format_days((total_done / n_subject).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
            if n_subject
            else "0",
        ),
        (
            _("Cán bộ đã đạt %(n)s ngày") % {"n": plan.min_days},
            ratio(sum(c.done_days >= c.required for c in subject), n_subject),
        ),
        (
            _("Cán bộ đã hoàn thành (đủ ngày và đủ đợt “cùng ăn, cùng ở, cùng làm”)"),
            ratio(status_counts["met"], n_subject),
        ),
        (_("Đợt “cùng ăn, cùng ở, cùng làm” đạt yêu cầu (lũy kế)"), str(sum(c.immersion_done for c in subject))),
        (
            _("Cán bộ đủ số đợt “cùng ăn, cùng ở, cùng làm” / phải thực hiện"),
            ratio(sum(c.immersion_done >= c.immersion_required for c in imm_required), len(imm_required)),
        ),
        (_("Ban, văn phòng gửi mẫu 3 muộn hoặc chưa gửi"), f"{len(late)}" + (f": {'; '.join(late)}" if late else "")),
    ]
    # The issuer is the Board's department when the organization has one by that name.
    board_dept = Department.objects.filter(organization=p.organization, name__icontains="tổ chức").first()
    signer_head = head_of(board_dept)
    issuer = board_dept.name if board_dept else "Ban Tổ chức – Kiểm tra"
    return ComplianceReport(
        header=header(p.organization, issuer, "TCKT", today),
        title="BÁO CÁO",
        subtitle=f"Tình hình thực hiện chủ trương “1+2” quý {quarter_name(quarter)} năm {p.year}",
        reference=f"(Số liệu tính đến ngày {format_date(as_of)}; {reference(plan)[1:-1]})",
        as_of=as_of,
        year=p.year,
        quarter=quarter,
        min_days=plan.min_days,
        summary=summary,
        departments=dept_lines,
        cadres=cadres,
        status_counts=[(code, str(STATUS_LABELS[code]), status_counts[code]) for code in STATUS_ORDER],
        signer=Signer(
            over=f"TM. {issuer.upper()}", title="TRƯỞNG BAN", name=signer_head.full_name if signer_head else ""
        ),
        recipients=[f"Thường trực {p.organization.name}", "Ủy ban Kiểm tra", "Các ban, văn phòng", "Lưu Ban TCKT."],
        file_stem=stem("bao-cao-1-2", p.organization.code, p.year, f"q{quarter}"),
    )

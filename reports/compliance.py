"""The compliance report (docs/domain.md §8): the Board to the Standing Committee, for a
quarter or, without one, for the year (§10).

Every figure comes from the engine through fieldwork.selectors.departments (the same function as the
Board dashboard's department table, docs/rules.md “Stored standings”):
- cumulative days = done_days at as_of;
- days this quarter and "went this quarter" follow ONE rule, the quarter a trip starts in
  (§7.7): a cadre's counted done days of trips starting in the quarter
  (fieldwork.quota.counted), and "went" means those days are more than 0 — so no row can show
  "went 1" with "0 days". At one as_of, the quarters add up to the cumulative figure.
- "met the days" counts each cadre against their OWN required days (60, or fewer where
  prorated), in the same words in PDF and XLSX (MET_DAYS, MET_NOTE).
- as_of = the quarter's last day, or today while it runs; for the year, the period's end or
  today, whichever is earlier.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from accounts.vietnamese import format_number, format_short_date
from fieldwork import cycles
from fieldwork.cycles import quarter_deadline
from fieldwork.models import Plan, QuarterReport
from fieldwork.privacy import Audience, ReasonLabels
from fieldwork.quarters import plan_quarters, quarter_name, quarter_of
from fieldwork.selectors.departments import DepartmentTotals, department_totals, period_standings
from fieldwork.standing_terms import COMPLETED, MET_DAYS, STATUS_LABELS, percent, year_as_of
from fieldwork.standing_terms import quarter_as_of as report_as_of
from fieldwork.violations import violation_labels

from .document_parts import header, plan_document, stem
from .documents import Header, Signer
from .params import Params
from .signers import board_issuer, board_recipients, board_signer

ZERO = Decimal(0)
STATUS_ORDER = ("met", "on_track", "at_risk", "not_met", "exempt")


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
    # docs/rules.md “The seeds' cycle and rules”: reported, awaiting the head's confirmation (docs/domain.md §7.4)
    pending_days: Decimal = ZERO
    exemption_masked: bool = False  # a sensitive reason this file's reader may not read (§6)

    @property
    def note(self) -> str:
        """Ghi chú: the exemption reason, else the days awaiting confirmation and the
        violations in short Vietnamese."""
        if self.exemption:
            return self.exemption if self.exemption_masked else f"Miễn: {self.exemption}"
        parts = []
        if self.pending_days:
            parts.append(f"Chờ xác nhận: {format_number(self.pending_days)} ngày")
        labels = violation_labels(self.violations, faults_only=True)
        if labels:
            parts.append("Vi phạm: " + labels)
        return ". ".join(parts)


# The words of the "met the days" figure, one place for the PDF and the XLSX (docs/rules.md “The seeds' cycle and rules”), and of the
# days-and-trips figure: fieldwork.standing_terms (docs/rules.md “The rules as the documents say them”, one meaning of "đạt").
MET_NOTE = (
    "“Đạt số ngày phải đi”: số ngày đã đi cơ sở đạt số ngày phải đi của từng cán bộ "
    "(%(n)s ngày, hoặc ít hơn khi được tính giảm theo thời gian công tác hoặc thời gian được miễn)."
)
MET_ALL = COMPLETED


@dataclass
class DepartmentLine(DepartmentTotals):
    """fieldwork.selectors.departments' figures plus the department's mẫu 3 state."""

    mau3: str = ""
    late: bool = False

    @classmethod
    def of(cls, totals: DepartmentTotals, **extra) -> DepartmentLine:
        return cls(**{f.name: getattr(totals, f.name) for f in fields(DepartmentTotals)}, **extra)


@dataclass
class ComplianceReport:
    kind = "compliance"
    header: Header
    title: str
    subtitle: str
    reference: str
    as_of: date
    year: int
    quarter: int | None
    min_days: int
    # (label, value): a figure is an int/Decimal (a number cell in the XLSX, docs/rules.md “A year in the life”; the PDF
    # formats it), a compound figure ("9/10 (90%)") is text.
    summary: list[tuple[str, str | int | Decimal]]
    departments: list[DepartmentLine]
    cadres: list[CadreLine]
    status_counts: list[tuple[str, str, int]]  # (code, label, n)
    signer: Signer
    recipients: list[str]
    file_stem: str
    dept_columns: list[str] = field(default_factory=list)
    cadre_columns: list[str] = field(default_factory=list)
    met_note: str = ""
    landscape: bool = True
    shows_sensitive: bool = False  # a sensitive reason is printed in full (fieldwork.privacy.ReasonLabels)
    figures_only: bool = False  # the copy sent up the tree: no per-cadre table, no names


def ratio(part: int, whole: int) -> str:
    return f"{format_number(part)}/{format_number(whole)} ({percent(part, whole)})"


def mau3_state(plan: Plan, report: QuarterReport | None, deadline: date | None, today: date) -> tuple[str, bool]:
    """(label, late) of a department's mẫu 3 for the quarter; a plan that names no mẫu 3 deadline
    has nothing late (docs/domain.md §5), and its deadline is said as the document says it."""
    if report is not None and report.status == QuarterReport.Status.SUBMITTED:
        if report.late:
            return _("Gửi muộn"), True
        return (_("Đúng hạn"), False) if deadline else (_("Đã gửi"), False)
    if deadline is None:
        return _("Chưa gửi"), False
    if cycles.is_late(plan, deadline, today):
        return _("Chưa gửi, đã quá hạn (gửi %(d)s)") % {"d": cycles.deadline_words(plan, deadline)}, True
    return _("Chưa đến hạn (gửi %(d)s)") % {"d": cycles.deadline_words(plan, deadline)}, False


def mau3_year_state(plan: Plan, reports: dict, department_id, as_of: date, today: date) -> tuple[str, bool]:
    """For the year: the quarters (up to as_of) whose mẫu 3 was late or is overdue."""
    late = []
    for q in plan_quarters(plan):
        if q > quarter_of(as_of):
            break
        _label, is_late = mau3_state(plan, reports.get((department_id, q)), quarter_deadline(plan, q), today)
        if is_late:
            late.append(quarter_name(q))
    if late:
        return _("Muộn hoặc chưa gửi: quý %(q)s") % {"q": ", ".join(late)}, True
    return _("Đúng hạn"), False


def columns(quarter: int | None, min_days: int) -> tuple[list[str], list[str]]:
    """The department and cadre table headers, shared by the PDF and the XLSX."""
    when = "trong quý" if quarter else "trong năm"
    dept = [
        "STT",
        "Ban, văn phòng",
        "Thuộc diện / tổng số",
        f"Đã đi {when}",
        f"Số ngày {when}",
        "Số ngày lũy kế",
        MET_DAYS,
        MET_ALL,
        "Đợt “cùng ăn, cùng ở, cùng làm” đạt",
        "Mẫu 3 của quý" if quarter else "Mẫu 3 các quý",
    ]
    cadre = [
        "STT",
        "Họ và tên",
        "Ban, văn phòng",
        "Chức vụ",
        "Số ngày phải đi",
        f"Số ngày {when}",
        "Số ngày lũy kế",
        "Đợt “cùng ăn, cùng ở, cùng làm” đạt / phải đi",
        "Tình trạng",
        "Ghi chú",
    ]
    return dept, cadre


def compliance(p: Params, today: date) -> ComplianceReport:
    """The quarter's (or the year's) report: one engine run at as_of, then the department table,
    the cadre table and the summary drawn from them."""
    plan, quarter = p.plan, p.quarter
    as_of = report_as_of(p.year, quarter, today) if quarter else year_as_of(plan, today)
    period = period_standings(plan, as_of, quarter)
    labels = ReasonLabels(plan, Audience.OUTSIDE if p.figures_only else p.viewer)
    dept_lines = _department_lines(plan, quarter, period, as_of, today)
    cadres, exempt_by_reason = _cadre_lines(period, labels, {d.department_id: d.name for d in dept_lines})
    status_counts = Counter(c.status for c in cadres)
    summary = _summary(plan, quarter, dept_lines, cadres, status_counts, exempt_by_reason)
    dept_columns, cadre_columns = columns(quarter, plan.min_days)
    return ComplianceReport(
        header=header(p.organization, board_issuer(p.organization), "TCKT", today),
        title="BÁO CÁO",
        subtitle=_subtitle(p),
        reference=_reference(plan, as_of),
        as_of=as_of,
        year=p.year,
        quarter=quarter,
        min_days=plan.min_days,
        summary=summary,
        departments=dept_lines,
        cadres=cadres,
        status_counts=[(code, str(STATUS_LABELS[code]), status_counts[code]) for code in STATUS_ORDER],
        signer=_figures_signer(board_signer(p.organization)) if p.figures_only else board_signer(p.organization),
        recipients=board_recipients(p.organization),
        file_stem=_file_stem(p),
        dept_columns=dept_columns,
        cadre_columns=cadre_columns,
        met_note=MET_NOTE % {"n": plan.min_days},
        shows_sensitive=labels.shows_sensitive,
        figures_only=p.figures_only,
    )


def _department_lines(plan: Plan, quarter: int | None, period, as_of: date, today: date) -> list[DepartmentLine]:
    """The department table: the selectors' totals, each with its mẫu 3 state for the quarter or
    the year ("—" for the Standing Committee, which sends none)."""
    reports = {(r.department_id, r.quarter): r for r in QuarterReport.objects.filter(plan=plan)}
    lines = []
    for t in department_totals(period.rows, period.period_days):
        if t.department_id is None:
            mau3, late = "—", False
        elif quarter:
            mau3, late = mau3_state(
                plan, reports.get((t.department_id, quarter)), quarter_deadline(plan, quarter), today
            )
        else:
            mau3, late = mau3_year_state(plan, reports, t.department_id, as_of, today)
        lines.append(DepartmentLine.of(t, mau3=mau3, late=late))
    return lines


def _cadre_lines(period, labels: ReasonLabels, dept_name: dict) -> tuple[list[CadreLine], Counter]:
    """The cadre table, and the exempt cadres counted by reason as this file's reader may read it."""
    cadres: list[CadreLine] = []
    exempt_by_reason: Counter = Counter()
    for r in period.rows:
        person, s = r.person, r.standing
        exempt = s.status == "exempt"
        days = period.period_days.get(person.pk, ZERO)
        if exempt:
            exempt_by_reason[labels.of(s.exemption, person) or _("Khác")] += 1
        cadres.append(
            CadreLine(
                name=person.full_name,
                email=person.email,
                department=dept_name[person.department_id],
                position=person.position,
                group=person.group_code,
                status=s.status,
                status_label=str(STATUS_LABELS.get(s.status, s.status)),
                required=s.required_days,
                quarter_days=days,
                done_days=s.done_days,
                planned_days=s.planned_days,
                immersion_done=s.immersion_done,
                immersion_required=s.immersion_required,
                exemption=labels.of(s.exemption, person),
                went=days > 0 and not exempt,
                violations=", ".join(s.violation_codes),
                pending_days=s.pending_days,
                exemption_masked=labels.is_masked(s.exemption, person),
            )
        )
    return cadres, exempt_by_reason


def _summary(
    plan: Plan,
    quarter: int | None,
    dept_lines: list[DepartmentLine],
    cadres: list[CadreLine],
    status_counts: Counter,
    exempt_by_reason: Counter,
) -> list[tuple[str, str | int | Decimal]]:
    """The figures at the top of the report, in the order the Board reads them."""
    subject = [c for c in cadres if c.status != "exempt"]
    n_subject = len(subject)
    imm_required = [c for c in subject if c.immersion_required]
    late = [d.name for d in dept_lines if d.late]
    total_period = sum((d.period_days for d in dept_lines), ZERO)
    total_done = sum((d.done_days for d in dept_lines), ZERO)
    when = _("trong quý") if quarter else _("trong năm")
    pending = [c for c in subject if c.pending_days]
    total_pending = sum((c.pending_days for c in pending), ZERO)
    return [
        (
            _("Cán bộ thuộc diện phải đi cơ sở / tổng số cán bộ"),
            f"{format_number(n_subject)}/{format_number(len(cadres))}",
        ),
        (
            _("Cán bộ không thực hiện (miễn)"),
            format_number(len(cadres) - n_subject)
            + " ("
            + "; ".join(f"{name}: {n}" for name, n in sorted(exempt_by_reason.items()))
            + ")"
            if exempt_by_reason
            else len(cadres) - n_subject,
        ),
        (
            _("Cán bộ đã đi cơ sở %(when)s") % {"when": when},
            ratio(sum(d.went_in_period for d in dept_lines), n_subject),
        ),
        (_("Số ngày đi cơ sở %(when)s") % {"when": when}, Decimal(total_period)),
        (_("Số ngày đi cơ sở lũy kế từ đầu năm"), Decimal(total_done)),
        (
            # docs/rules.md “The seeds' cycle and rules” (docs/domain.md §7.4): reported, not yet confirmed by the head: not in the figures above.
            _("Số ngày đã báo cáo, chờ xác nhận (chưa tính vào số ngày đã đi)"),
            _("%(d)s ngày của %(n)s cán bộ") % {"d": format_number(total_pending), "n": format_number(len(pending))},
        ),
        (
            _("Bình quân ngày lũy kế / cán bộ"),
            (Decimal(total_done) / n_subject).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if n_subject
            else Decimal(0),
        ),
        (
            _("Cán bộ %(met)s của mình (%(n)s ngày, hoặc ít hơn khi được tính giảm)")
            % {"met": MET_DAYS.lower(), "n": plan.min_days},
            ratio(sum(d.met_days for d in dept_lines), n_subject),
        ),
        (
            _("Cán bộ đã hoàn thành (đủ ngày và đủ đợt “cùng ăn, cùng ở, cùng làm”)"),
            ratio(status_counts["met"], n_subject),
        ),
        (
            _("Đợt “cùng ăn, cùng ở, cùng làm” đạt yêu cầu (lũy kế)"),
            sum(d.immersion_done for d in dept_lines),
        ),
        (
            _("Cán bộ đủ số đợt “cùng ăn, cùng ở, cùng làm” / phải thực hiện"),
            ratio(sum(c.immersion_done >= c.immersion_required for c in imm_required), len(imm_required)),
        ),
        (_("Ban, văn phòng gửi mẫu 3 muộn hoặc chưa gửi"), f"{len(late)}: {'; '.join(late)}" if late else 0),
    ]


def _subtitle(p: Params) -> str:
    what = f"quý {quarter_name(p.quarter)} năm {p.year}" if p.quarter else f"năm {p.year}"
    return f"Tình hình thực hiện chủ trương “1+2” {what}"


def _reference(plan: Plan, as_of: date) -> str:
    """The line under the title: the day the figures are counted to, and the plan's document."""
    document = plan_document(plan)
    return f"(Số liệu tính đến ngày {format_short_date(as_of)}" + (f"; thực hiện {document})" if document else ")")


def _file_stem(p: Params) -> str:
    return stem(
        "bao-cao-1-2",
        p.organization.code,
        p.year,
        f"q{p.quarter}" if p.quarter else "ca-nam",
        "so-lieu" * p.figures_only,
    )


def _figures_signer(signer: Signer) -> Signer:
    """The copy sent up the tree names no person (docs/rules.md, "Personal data"): the signer's
    title only; the signed original stays with the organization."""
    return replace(signer, name="")

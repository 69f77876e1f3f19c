"""The year-end report and the per-cadre year-end sheet (docs/domain.md §8, issue 14 §6).

The report follows the shape of the Đà Nẵng year-end text (seed 000): who went out of those
subject ("17/24 đồng chí"), by department and by position; who is not subject and why; days and
immersion trips; contents by category; who did not meet the rule and why; then the limitations
and proposals the Board writes (YearEndText). The sheet lists every cadre with required and done
days, immersion trips, exemption, status and their approver's remark (CadreRemark), for the
Standing Committee's evaluation (đánh giá, phân loại, bình xét thi đua — seed 002 III.1.2).

Every figure comes from the engine (fieldwork.selectors.departments.period_standings) at the year's
as_of: the period's end, or today while the period runs (as the year's compliance report).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from accounts.vietnamese import format_date, format_number, format_percent, nfc
from fieldwork.models import Category, Trip
from fieldwork.privacy import ReasonLabels
from fieldwork.quota.counted import counted_done_days
from fieldwork.selectors import standing_inputs
from fieldwork.selectors.departments import DepartmentTotals, department_totals, period_standings
from fieldwork.standing_terms import STATUS_LABELS, year_as_of

from .compliance import MET_ALL, MET_DAYS, MET_NOTE, board_department, board_recipients
from .data import Params, header, plan_document, stem, union_body
from .documents import Column, FormDocument, Header, Signer
from .models import CadreRemark, YearEndText
from .signers import head_signer

ZERO = Decimal(0)
NOT_WRITTEN = "(Ban Tổ chức – Kiểm tra chưa nhập nội dung.)"


def position_rank(position: str) -> tuple:
    """The seed's order of positions: the leader ("Bí thư", "Trưởng Ban", "Chánh Văn phòng"),
    then deputies, then the others."""
    p = nfc(position).casefold().strip()
    if p.startswith("phó"):
        return (1, p)
    if p.startswith(("bí thư", "trưởng", "chánh", "giám đốc")):
        return (0, p)
    return (2, p)


def ranked(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda x: position_rank(x[0]))


def two(n: int) -> str:
    """Counts as the seed writes them: "04 đồng chí", "01 Chánh Văn phòng"."""
    return f"{n:02d}"


@dataclass
class CategoryLine:
    name: str
    trips: int
    days: Decimal
    cadres: int
    examples: list[str]


@dataclass
class NotMetLine:
    name: str
    department: str
    position: str
    required: int
    done: Decimal
    immersion: str
    status_label: str
    why: str


@dataclass
class PositionLine:
    position: str
    total: int
    subject: int
    went: int
    met_days: int


@dataclass
class YearEndReport:
    kind = "yearend"
    header: Header
    title: str
    subtitle: str
    reference: str
    as_of: date
    year: int
    general: list[str]  # paragraphs of part I
    departments: list[DepartmentTotals]
    positions: list[PositionLine]
    not_subject: list[str]  # "Kế toán: 01 đồng chí (Ngô Thị Quỳnh)"
    days: list[str]  # paragraphs on days and immersion trips
    categories: list[CategoryLine]
    not_met: list[NotMetLine]
    limitations: str
    proposals: str
    signer: Signer
    recipients: list[str]
    file_stem: str
    met_note: str = ""
    dept_columns: list[str] = field(default_factory=list)
    landscape: bool = False
    shows_sensitive: bool = False  # a sensitive exemption reason printed in full (fieldwork.privacy)


DEPT_COLUMNS = [
    "STT",
    "Ban, văn phòng",
    "Thuộc diện / tổng số",
    "Đã đi cơ sở",
    "Số ngày",
    MET_DAYS,
    MET_ALL,
    "Đợt “3 cùng” đạt",
]
POSITION_COLUMNS = ["STT", "Chức vụ", "Tổng số", "Thuộc diện", "Đã đi cơ sở", MET_DAYS]
CATEGORY_COLUMNS = ["STT", "Nội dung", "Số đợt", "Số ngày", "Số cán bộ", "Một số nội dung cụ thể"]
NOT_MET_COLUMNS = [
    "STT",
    "Họ và tên",
    "Ban, văn phòng",
    "Số ngày đã đi / phải đi",
    "Đợt “3 cùng”",
    "Tình trạng",
    "Lý do",
]


def why_not_met(standing) -> str:
    """The reasons in words: days missing, immersion trips missing, faults that cost days."""
    parts = []
    missing = Decimal(standing.required_days) - Decimal(standing.done_days)
    if missing > 0:
        parts.append(f"thiếu {format_number(missing)} ngày")
    if standing.immersion_done < standing.immersion_required:
        parts.append(f"thiếu {standing.immersion_required - standing.immersion_done} đợt “cùng ăn, cùng ở, cùng làm”")
    codes = set(standing.violation_codes)
    if "IMMERSION_BACK_TO_BACK" in codes:
        parts.append("có đợt “3 cùng” liên tiếp không được tính")
    if codes & {"IMMERSION_TOO_SHORT", "IMMERSION_TOO_LONG"}:
        parts.append("có đợt “3 cùng” không đúng số ngày quy định")
    if "OVERLAP" in codes or "DAYS_EXCEED_SPAN" in codes:
        parts.append("có đợt khai trùng hoặc vượt số ngày, chỉ được tính phần hợp lệ")
    return "; ".join(parts) or "—"


def _category_lines(plan, as_of: date) -> list[CategoryLine]:
    """Counted done days per category (the engine's counted trips, fieldwork.quota.counted)."""
    rules, people, inputs = standing_inputs(plan)
    counted: dict = {}
    for (_cadre, trips), _p in zip(inputs, people, strict=True):
        counted.update(counted_done_days(rules, trips, as_of))
    trips = (
        Trip.objects.filter(pk__in=list(counted))
        .select_related("category")
        .order_by("category__order", "category__code", "start", "pk")
    )
    by_cat: dict = defaultdict(lambda: {"trips": 0, "days": ZERO, "cadres": set(), "examples": []})
    for t in trips:
        c = by_cat[t.category_id]
        c["trips"] += 1
        c["days"] += counted[t.pk]
        c["cadres"].add(t.person_id)
        text = nfc(t.content).strip().rstrip(".;")
        if text and text not in c["examples"] and len(c["examples"]) < 5:
            c["examples"].append(text)
    out = []
    for cat in Category.objects.filter(plan=plan, counts=True).order_by("order", "code"):
        c = by_cat.get(cat.pk)
        if c is None:
            out.append(CategoryLine(str(cat), 0, ZERO, 0, []))
        else:
            out.append(CategoryLine(str(cat), c["trips"], c["days"], len(c["cadres"]), c["examples"]))
    return out


def year_end(p: Params, today: date) -> YearEndReport:
    plan, org = p.plan, p.organization
    as_of = year_as_of(plan, today)
    rows = period_standings(plan, as_of).rows
    totals = department_totals(rows)
    labels = ReasonLabels(plan, p.viewer)
    body = union_body(org)
    subject_rows = [r for r in rows if r.standing.status != "exempt"]
    n_subject = len(subject_rows)
    went = sum(t.went for t in totals)
    met_days = sum(t.met_days for t in totals)
    met = sum(t.met for t in totals)

    # Part I: by department and position, in the seed's words.
    by_dept_people: dict = defaultdict(list)
    for r in rows:
        by_dept_people[r.person.department_id].append(r)
    sentences = []
    for t in totals:
        members = by_dept_people[t.department_id]
        subject_positions = Counter(r.person.position or "cán bộ" for r in members if r.standing.status != "exempt")
        exempt_positions = Counter(r.person.position or "cán bộ" for r in members if r.standing.status == "exempt")
        name = t.name if t.department_id else f"Thường trực {body}"
        text = f"{name} {two(t.subject)} đồng chí"
        if subject_positions:
            text += ": " + ", ".join(f"{two(n)} {pos}" for pos, n in ranked(subject_positions))
        if exempt_positions:
            text += f" (không áp dụng chủ trương đi cơ sở đối với {two(sum(exempt_positions.values()))} đồng chí gồm: "
            text += ", ".join(f"{two(n)} {pos}" for pos, n in ranked(exempt_positions)) + ")"
        sentences.append(text)
    document = plan_document(plan)
    general = [
        (f"Thực hiện {document}, trong" if document else "Trong")
        + f" năm {p.year}, có {n_subject} cán bộ chuyên trách cơ quan {body} thực hiện đi cơ sở theo chủ trương “1+2”, cụ thể như sau: "
        + "; ".join(sentences)
        + ".",
        f"Số lượng cán bộ đi cơ sở trên tổng số cán bộ thuộc diện phải đi cơ sở tính đến ngày {format_date(as_of)} là: "
        f"{went}/{n_subject} đồng chí ({format_percent(went, n_subject)}).",
        f"Số lượng cán bộ đi cơ sở đạt số ngày theo quy định ({plan.min_days} ngày, hoặc số ngày được tính giảm) "
        f"đạt tỉ lệ {format_percent(met_days, n_subject)} ({met_days}/{n_subject} đồng chí) tính đến ngày {format_date(as_of)}; "
        f"hoàn thành cả số ngày và số đợt “cùng ăn, cùng ở, cùng làm”: {met}/{n_subject} đồng chí ({format_percent(met, n_subject)}).",
    ]
    positions: dict = {}
    for r in rows:
        key = nfc(r.person.position).strip().casefold() or "—"
        line = positions.get(key)
        if line is None:
            line = positions[key] = PositionLine(nfc(r.person.position).strip() or "—", 0, 0, 0, 0)
        line.total += 1
        if r.standing.status != "exempt":
            line.subject += 1
            line.went += Decimal(r.standing.done_days) > 0
            line.met_days += Decimal(r.standing.done_days) >= r.standing.required_days
    # Not subject, and why: by reason, with names (seed 000: "08 đồng chí không đi cơ sở gồm …").
    exempt: dict = defaultdict(list)
    for r in rows:
        if r.standing.status == "exempt":
            reason = labels.of(r.standing.exemption, r.person) or None
            exempt[reason or "Không có ngày công tác trong thời gian kế hoạch"].append(r.person.full_name)
    not_subject = [f"{reason}: {two(len(names))} đồng chí ({', '.join(names)})" for reason, names in exempt.items()]

    # Days and immersion trips.
    total_days = sum((t.done_days for t in totals), ZERO)
    immersion = sum(t.immersion_done for t in totals)
    imm_required = [r for r in subject_rows if r.standing.immersion_required]
    imm_ok = sum(r.standing.immersion_done >= r.standing.immersion_required for r in imm_required)
    average = (total_days / n_subject).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if n_subject else ZERO
    days = [
        f"Tổng số ngày đi cơ sở của cán bộ thuộc diện: {format_number(total_days)} ngày, bình quân "
        f"{format_number(average)} ngày/đồng chí (tính cộng dồn, theo quý bắt đầu của từng đợt).",
        f"Số đợt “cùng ăn, cùng ở, cùng làm” đạt yêu cầu: {format_number(immersion)} đợt; "
        f"{imm_ok}/{len(imm_required)} đồng chí đủ số đợt phải thực hiện ({format_percent(imm_ok, len(imm_required))}).",
    ]
    not_met = [
        NotMetLine(
            name=r.person.full_name,
            department=r.person.department.name if r.person.department else f"Thường trực {body}",
            position=r.person.position,
            required=r.standing.required_days,
            done=Decimal(r.standing.done_days),
            immersion=f"{r.standing.immersion_done}/{r.standing.immersion_required}",
            status_label=str(STATUS_LABELS.get(r.standing.status, r.standing.status)),
            why=why_not_met(r.standing),
        )
        for r in subject_rows
        if r.standing.status != "met"
    ]
    text = YearEndText.objects.filter(plan=plan).first()
    board = board_department(org)
    issuer = board.name if board else "Ban Tổ chức – Kiểm tra"
    reference = f"(Số liệu tính đến ngày {format_date(as_of)}" + (f"; thực hiện {document})" if document else ")")
    return YearEndReport(
        header=header(org, issuer, "TCKT", today),
        title="BÁO CÁO",
        subtitle=f"Kết quả thực hiện chủ trương “1+2” của cán bộ cơ quan {body} năm {p.year}",
        reference=reference,
        as_of=as_of,
        year=p.year,
        general=general,
        departments=totals,
        positions=sorted(positions.values(), key=lambda x: position_rank(x.position)),
        not_subject=not_subject,
        days=days,
        categories=_category_lines(plan, as_of),
        not_met=not_met,
        limitations=(text.limitations.strip() if text else "") or NOT_WRITTEN,
        proposals=(text.proposals.strip() if text else "") or NOT_WRITTEN,
        signer=head_signer(board),
        recipients=board_recipients(org),
        file_stem=stem("bao-cao-cuoi-nam-1-2", org.code, p.year),
        met_note=MET_NOTE % {"n": plan.min_days},
        dept_columns=DEPT_COLUMNS,
        shows_sensitive=labels.shows_sensitive,
    )


# The per-cadre sheet ---------------------------------------------------------------------------------
SHEET_COLUMNS = [
    Column("STT", 6, numeric=True, align="center"),
    Column("Họ và tên", 20),
    Column("Ban, văn phòng", 16),
    Column("Chức vụ", 13),
    Column("Số ngày phải đi", 8, numeric=True, align="center"),
    Column("Số ngày đã đi", 8, numeric=True, align="center"),
    Column("Đợt “3 cùng” đạt / phải", 8, align="center"),
    Column("Miễn thực hiện", 12),
    Column("Tình trạng", 12),
    Column("Nhận xét của lãnh đạo", 30),
]


def year_sheet(p: Params, today: date) -> FormDocument:
    """One row per cadre (of a department, or all), Vietnamese name order."""
    plan, org = p.plan, p.organization
    as_of = year_as_of(plan, today)
    people = None
    if p.department is not None:
        from fieldwork.selectors import cadre_people

        people = cadre_people(plan).filter(department=p.department)
    rows = period_standings(plan, as_of, people=people).rows
    labels = ReasonLabels(plan, p.viewer)
    remarks = dict(
        CadreRemark.objects.filter(plan=plan, person_id__in=[r.person.pk for r in rows]).values_list(
            "person_id", "text"
        )
    )
    body = union_body(org)
    lines = []
    for i, r in enumerate(rows, 1):
        s = r.standing
        exempt = s.status == "exempt"
        lines.append(
            [
                i,
                r.person.full_name,
                r.person.department.name if r.person.department else f"Thường trực {body}",
                r.person.position,
                s.required_days,
                Decimal(s.done_days),
                "—" if exempt else f"{s.immersion_done}/{s.immersion_required}",
                labels.of(s.exemption, r.person) or ("Có" if exempt else ""),
                str(STATUS_LABELS.get(s.status, s.status)),
                nfc(remarks.get(r.person.pk, "")).strip(),
            ]
        )
    board = board_department(org)
    issuer = p.department.name if p.department else (board.name if board else "Ban Tổ chức – Kiểm tra")
    document = plan_document(plan)
    what = f" – {p.department.name}" if p.department else ""
    return FormDocument(
        kind="yearsheet",
        header=header(org, issuer, None, today),
        title="BẢNG TỔNG HỢP KẾT QUẢ ĐI CƠ SỞ CỦA CÁN BỘ",
        subtitle=f"Phục vụ đánh giá, phân loại, bình xét thi đua cuối năm {p.year}{what}",
        reference=f"(Số liệu tính đến ngày {format_date(as_of)}" + (f"; thực hiện {document})" if document else ")"),
        columns=SHEET_COLUMNS,
        rows=lines,
        note=f"Số ngày phải đi: {plan.min_days} ngày, hoặc ít hơn khi được tính giảm theo thời gian công tác "
        "hoặc thời gian được miễn; nhận xét của lãnh đạo trực tiếp phê duyệt của cán bộ.",
        left=None,
        right=head_signer(p.department) if p.department else head_signer(board),
        recipients=[f"Thường trực {body}", "Lưu."],
        landscape=True,
        file_stem=stem("danh-gia-cuoi-nam", org.code, p.department.name if p.department else "", p.year),
        empty_text="Không có cán bộ.",
        shows_sensitive=labels.shows_sensitive,
    )

"""The year-end report and the per-cadre year-end sheet (docs/domain.md §8).

The report follows the shape of the Đà Nẵng year-end text (seed 000): who went out of those
subject ("17/24 đồng chí": the 17 are those who went, in the first sentence and in every
department's line), by department (the Standing Committee first) and by position, as of a date the
Board picks ("tính đến ngày 15/11/2023"); who is not subject and why, grouped by reason; days and
immersion trips; contents by category and, where the plan lists topics (Tây Ninh 1.3), by topic;
who did not meet the rule and why; then what was done well, the limitations and the proposals the
Board writes (YearEndText). Two issues: the Board's internal report (Ban TCKT, "TRƯỞNG BAN"), and
the organization's report sent up ("BCH ĐOÀN TỈNH …", "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN" over a Standing
member), which names nobody and says "miễn theo quyết định" for personal exemptions (§6: personal
reasons never leave the organization).

The sheet lists every cadre with required and done days, immersion trips, exemption, status and
their approver's remark (CadreRemark), for the Standing Committee's evaluation (seed 002 III.1.2).

Every figure comes from the engine (fieldwork.selectors.departments.period_standings) at as_of.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.vietnamese import format_date, format_number, format_percent, format_short_date, nfc
from fieldwork.models import Category, Trip
from fieldwork.privacy import ReasonLabels, reason_label_sent_up
from fieldwork.quota.counted import counted_done_days
from fieldwork.selectors import standing_inputs
from fieldwork.selectors.departments import DepartmentTotals, department_totals, period_standings
from fieldwork.standing_terms import COMPLETED, STATUS_LABELS, meets_days, year_as_of

from .compliance import MET_ALL, MET_DAYS, MET_NOTE
from .document_parts import header, organization_header, plan_document, standing_committee, stem
from .documents import Column, FormDocument, Header, Signer
from .models import CadreRemark, YearEndText
from .params import Params
from .signers import (
    board_issuer,
    board_recipients,
    board_signer,
    head_signer,
    secretary_of,
    standing_signer,
    union_body,
)

ZERO = Decimal(0)
NOT_WRITTEN = "(Ban Tổ chức – Kiểm tra chưa nhập nội dung.)"
IMMERSION = "“cùng ăn, cùng ở, cùng làm”"
NO_REASON = "không có ngày công tác trong thời gian kế hoạch"


def chosen_as_of(plan, as_of: date | None, today: date) -> date:
    """ "Tính đến ngày": the day the Board picks, from the period's first day up to today, in the
    plan's year; none picked: the period's end or today, whichever is earlier (docs/domain.md §10)."""
    if as_of is None:
        return year_as_of(plan, today)
    if as_of < plan.period_start:
        raise ValidationError(
            _("Ngày tính số liệu phải từ ngày bắt đầu kế hoạch (%(d)s).") % {"d": format_date(plan.period_start)}
        )
    if as_of.year != plan.year:
        raise ValidationError(_("Ngày tính số liệu phải trong năm %(y)s.") % {"y": plan.year})
    if as_of > today:
        raise ValidationError(_("Ngày tính số liệu không được sau hôm nay (%(d)s).") % {"d": format_date(today)})
    return as_of


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


def counted(counter: Counter) -> str:
    """ "01 Trưởng Ban, 02 Chuyên viên" in the seed's order of positions."""
    return ", ".join(f"{two(n)} {what}" for what, n in ranked(counter))


def lower_first(text: str) -> str:
    """ "Kế toán" -> "kế toán" inside a sentence, as the seed writes reasons ("02 kế toán")."""
    text = nfc(text).strip()
    return text[:1].lower() + text[1:] if text else text


@dataclass
class TopicLine:
    name: str
    trips: int
    days: Decimal
    cadres: int


@dataclass
class CategoryLine:
    name: str
    trips: int
    days: Decimal
    cadres: int
    examples: list[str]
    topics: list[TopicLine] = field(default_factory=list)  # where the plan lists topics (docs/domain.md §10)


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
    issue: str  # "internal" | "upward"
    general: list[str]  # paragraphs of part I
    departments: list[DepartmentTotals]
    positions: list[PositionLine]
    not_subject: list[str]  # "Kế toán: 01 đồng chí (Ngô Thị Quỳnh)"
    days: list[str]  # paragraphs on days and immersion trips
    categories: list[CategoryLine]
    not_met: list[NotMetLine]  # the internal issue: by name
    not_met_summary: list[str]  # the upward issue: counts only
    strengths: str
    limitations: str
    proposals: str
    signer: Signer
    recipients: list[str]
    file_stem: str
    met_note: str = ""
    dept_columns: list[str] = field(default_factory=list)
    landscape: bool = False
    shows_sensitive: bool = False  # a sensitive exemption reason printed in full (fieldwork.privacy)

    @property
    def topic_categories(self) -> list[CategoryLine]:
        return [c for c in self.categories if c.topics]


DEPT_COLUMNS = [
    "STT",
    "Ban, văn phòng",
    "Thuộc diện / tổng số",
    "Đã đi cơ sở",
    "Số ngày",
    MET_DAYS,
    MET_ALL,
    f"Đợt {IMMERSION} đạt",
]
POSITION_COLUMNS = ["STT", "Chức vụ", "Tổng số", "Thuộc diện", "Đã đi cơ sở", MET_DAYS]
CATEGORY_COLUMNS = ["STT", "Nội dung", "Số đợt", "Số ngày", "Số cán bộ", "Một số nội dung cụ thể"]
TOPIC_COLUMNS = ["STT", "Chuyên đề", "Số đợt", "Số ngày", "Số cán bộ"]
NO_TOPIC = "(Không ghi chuyên đề)"
NOT_MET_COLUMNS = [
    "STT",
    "Họ và tên",
    "Ban, văn phòng",
    "Số ngày đã đi / phải đi",
    f"Đợt {IMMERSION} đạt / phải đi",
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
        parts.append(f"thiếu {standing.immersion_required - standing.immersion_done} đợt {IMMERSION}")
    codes = set(standing.violation_codes)
    if "IMMERSION_BACK_TO_BACK" in codes:
        parts.append(f"có đợt {IMMERSION} liền kề đợt trước nên không được tính")
    if codes & {"IMMERSION_TOO_SHORT", "IMMERSION_TOO_LONG"}:
        parts.append(f"có đợt {IMMERSION} không đúng số ngày quy định")
    if "OVERLAP" in codes or "DAYS_EXCEED_SPAN" in codes:
        parts.append("có đợt khai trùng thời gian hoặc vượt số ngày, chỉ được tính phần hợp lệ")
    return "; ".join(parts) or "—"


def _category_lines(plan, as_of: date) -> list[CategoryLine]:
    """Counted done days per category and, where the category lists topics, per topic (the
    engine's counted trips, fieldwork.quota.counted)."""
    rules, people, inputs = standing_inputs(plan)
    counted_days: dict = {}
    for (_cadre, trips), _p in zip(inputs, people, strict=True):
        counted_days.update(counted_done_days(rules, trips, as_of))
    trips = (
        Trip.objects.filter(pk__in=list(counted_days))
        .select_related("category")
        .order_by("category__order", "category__code", "start", "pk")
        if counted_days
        else []
    )

    def bucket():
        return {"trips": 0, "days": ZERO, "cadres": set(), "examples": []}

    by_cat: dict = defaultdict(bucket)
    by_topic: dict = defaultdict(bucket)
    for t in trips:
        for c in (by_cat[t.category_id], by_topic[(t.category_id, t.topic)]):
            c["trips"] += 1
            c["days"] += counted_days[t.pk]
            c["cadres"].add(t.person_id)
        text = nfc(t.content).strip().rstrip(".;")
        examples = by_cat[t.category_id]["examples"]
        if text and text not in examples and len(examples) < 5:
            examples.append(text)
    out = []
    for cat in Category.objects.filter(plan=plan, counts=True).order_by("order", "code"):
        c = by_cat.get(cat.pk) or bucket()
        line = CategoryLine(str(cat), c["trips"], c["days"], len(c["cadres"]), c["examples"])
        if cat.topics:
            for topic in [*cat.topics, ""]:
                tc = by_topic.get((cat.pk, topic)) or bucket()
                if topic or tc["trips"]:
                    line.topics.append(TopicLine(topic or NO_TOPIC, tc["trips"], tc["days"], len(tc["cadres"])))
            # A topic the plan no longer lists (renamed since): counted under its own name.
            for (cat_pk, topic), tc in by_topic.items():
                if cat_pk == cat.pk and topic and topic not in cat.topics:
                    line.topics.append(TopicLine(topic, tc["trips"], tc["days"], len(tc["cadres"])))
        out.append(line)
    return out


def standing_first(totals: list[DepartmentTotals], rows, org) -> list[DepartmentTotals]:
    """The departments' totals with the Standing Committee first (seed 000's order), named as the
    organization writes it ("Thường trực Tỉnh đoàn"; "… và cán bộ chưa xếp ban" when people of no
    department who are not Standing members are counted with it)."""
    without = [r.person for r in rows if r.person.department_id is None]
    first = [t for t in totals if t.department_id is None]
    for t in first:
        t.name = standing_committee(org)
        if any(not p.has_role(Role.STANDING) for p in without):
            t.name += " và cán bộ chưa xếp ban"
    return first + [t for t in totals if t.department_id is not None]


def year_end(p: Params, today: date) -> YearEndReport:
    """The year-end report of the issue `p.issue`: every figure from one engine run at as_of, then
    each part in the order the report prints it."""
    plan, org = p.plan, p.organization
    upward = p.issue == "upward"
    as_of = chosen_as_of(plan, p.as_of, today)
    on = format_short_date(as_of)
    rows = period_standings(plan, as_of).rows
    totals = standing_first(department_totals(rows), rows, org)
    labels = ReasonLabels(plan, p.viewer)  # what this reader may read of a sensitive reason (§6)
    reason_of = _reason_words(labels, upward=upward)
    body = union_body(org)
    document = plan_document(plan)
    general = _general(p, rows, totals, reason_of, on=on, body=body, document=document)
    not_subject = _not_subject(rows, reason_of, upward=upward)
    text = YearEndText.objects.filter(plan=plan).first()
    issued, signer, recipients = _issue(org, upward=upward, today=today)
    return YearEndReport(
        header=issued,
        title="BÁO CÁO",
        subtitle=f"Kết quả thực hiện chủ trương “1+2” của cán bộ cơ quan {body} năm {p.year}",
        reference=f"(Số liệu tính đến ngày {on}" + (f"; thực hiện {document})" if document else ")"),
        as_of=as_of,
        year=p.year,
        issue=p.issue,
        general=general,
        departments=totals,
        positions=_position_lines(rows),
        not_subject=not_subject,
        days=_days(rows, totals),
        categories=_category_lines(plan, as_of),
        not_met=[] if upward else _not_met_lines(rows, body),
        not_met_summary=_not_met_summary(rows, on),
        strengths=(text.strengths.strip() if text else "") or NOT_WRITTEN,
        limitations=(text.limitations.strip() if text else "") or NOT_WRITTEN,
        proposals=(text.proposals.strip() if text else "") or NOT_WRITTEN,
        signer=signer,
        recipients=recipients,
        file_stem=stem("bao-cao-cuoi-nam-1-2", org.code, p.year, "gui-cap-tren" if upward else ""),
        met_note=MET_NOTE % {"n": plan.min_days},
        dept_columns=DEPT_COLUMNS,
        shows_sensitive=labels.shows_sensitive,
    )


def _subject(rows) -> list:
    return [r for r in rows if r.standing.status != "exempt"]


def _exempt(rows) -> list:
    return [r for r in rows if r.standing.status == "exempt"]


def _reason_words(labels: ReasonLabels, *, upward: bool):
    """A cadre's reason for not being subject, as this issue may say it: a personal reason never
    goes up the tree (docs/domain.md §6); no exemption: no working day in the plan's period."""

    def reason_of(r) -> str:
        code = r.standing.exemption
        if not code:
            return NO_REASON
        if upward:
            return reason_label_sent_up(labels.by_code.get(code, code))
        return labels.of(code, r.person)

    return reason_of


def _general(p: Params, rows, totals: list[DepartmentTotals], reason_of, *, on: str, body: str, document: str):
    """Part I: who went, by department, then the shares who went and who met the rule."""
    plan = p.plan
    n_subject = len(_subject(rows))
    exempt_rows = _exempt(rows)
    went = sum(t.went for t in totals)
    met_days = sum(t.met_days for t in totals)
    met = sum(t.met for t in totals)
    opening = f"Thực hiện {document}, trong" if document else "Trong"
    if went:
        first = (
            f"{opening} năm {p.year}, có {went} cán bộ chuyên trách cơ quan {body} thực hiện đi cơ sở theo chủ "
            "trương “1+2”, cụ thể như sau: "
        )
    else:
        first = (
            f"{opening} năm {p.year}, tính đến ngày {on}, chưa có cán bộ chuyên trách cơ quan {body} nào thực hiện "
            "đi cơ sở theo chủ trương “1+2”: "
        )
    not_went = n_subject - went
    away = _who_did_not_go(exempt_rows, not_went, reason_of)
    return [
        first + "; ".join(_department_sentences(rows, totals, reason_of)) + ".",
        f"Số lượng cán bộ đi cơ sở trên tổng số cán bộ của {body} thuộc diện phải đi cơ sở tính đến ngày {on} là: "
        f"{went}/{n_subject} đồng chí ({format_percent(went, n_subject)})."
        + (f" {two(len(exempt_rows) + not_went)} đồng chí không đi cơ sở gồm: {'; '.join(away)}." if away else ""),
        f"Số lượng cán bộ đi cơ sở đạt số ngày theo quy định ({plan.min_days} ngày, hoặc số ngày được tính giảm) "
        f"đạt tỉ lệ {format_percent(met_days, n_subject)} ({met_days}/{n_subject} đồng chí) tính đến ngày {on}; "
        # docs/rules.md “The rules as the documents say them”: the days-and-trips figure has one name everywhere (fieldwork.standing_terms.COMPLETED)
        f"{COMPLETED[:1].lower()}{COMPLETED[1:]}: {met}/{n_subject} đồng chí ({format_percent(met, n_subject)}).",
    ]


def _department_sentences(rows, totals: list[DepartmentTotals], reason_of) -> list[str]:
    """By department, the Standing Committee first, in the seed's words: the number is who went."""
    by_dept_people: dict = defaultdict(list)
    for r in rows:
        by_dept_people[r.person.department_id].append(r)
    sentences = []
    for t in totals:
        members = by_dept_people[t.department_id]
        gone = Counter(
            r.person.position or "cán bộ"
            for r in members
            if r.standing.status != "exempt" and Decimal(r.standing.done_days) > 0
        )
        not_gone = Counter(
            r.person.position or "cán bộ"
            for r in members
            if r.standing.status != "exempt" and Decimal(r.standing.done_days) <= 0
        )
        exempt = Counter(lower_first(reason_of(r)) for r in members if r.standing.status == "exempt")
        extra = []
        if t.went:
            text = f"{t.name} {two(t.went)} đồng chí: {counted(gone)}"
            if not_gone:
                extra.append(f"chưa đi cơ sở: {counted(not_gone)}")
        else:
            text = f"{t.name}: chưa có đồng chí nào đi cơ sở"
            if not_gone:
                extra.append(f"{two(sum(not_gone.values()))} đồng chí thuộc diện phải đi cơ sở: {counted(not_gone)}")
        if exempt:
            extra.append(
                f"không áp dụng chủ trương đi cơ sở đối với {two(sum(exempt.values()))} đồng chí gồm: "
                + ", ".join(f"{two(n)} {reason}" for reason, n in sorted(exempt.items()))
            )
        if extra:
            text += " (" + "; ".join(extra) + ")"
        sentences.append(text)
    return sentences


def _who_did_not_go(exempt_rows, not_went: int, reason_of) -> list[str]:
    """Those not subject, counted by reason, and those subject who have not gone yet."""
    away = []
    if exempt_rows:
        by_reason = Counter(lower_first(reason_of(r)) for r in exempt_rows)
        away.append(
            f"{two(len(exempt_rows))} đồng chí không áp dụng chủ trương đi cơ sở ("
            + ", ".join(f"{two(n)} {reason}" for reason, n in sorted(by_reason.items()))
            + ")"
        )
    if not_went:
        away.append(f"{two(not_went)} đồng chí thuộc diện phải đi cơ sở nhưng chưa đi")
    return away


def _position_lines(rows) -> list[PositionLine]:
    """Who went and who met the days, by position, in the seed's order of positions."""
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
            line.met_days += meets_days(r.standing)
    return sorted(positions.values(), key=lambda x: position_rank(x.position))


def _not_subject(rows, reason_of, *, upward: bool) -> list[str]:
    """Not subject, by reason (seed 000: "08 đồng chí không đi cơ sở gồm …"); names only inside."""
    exempt_names: dict = defaultdict(list)
    for r in _exempt(rows):
        exempt_names[reason_of(r)].append(r.person.full_name)
    return [
        f"{reason[:1].upper() + reason[1:]}: {two(len(names))} đồng chí" + ("" if upward else f" ({', '.join(names)})")
        for reason, names in sorted(exempt_names.items())
    ]


def _days(rows, totals: list[DepartmentTotals]) -> list[str]:
    """Days and immersion trips."""
    subject_rows = _subject(rows)
    n_subject = len(subject_rows)
    total_days = sum((t.done_days for t in totals), ZERO)
    immersion = sum(t.immersion_done for t in totals)
    imm_required = [r for r in subject_rows if r.standing.immersion_required]
    imm_ok = sum(r.standing.immersion_done >= r.standing.immersion_required for r in imm_required)
    average = (total_days / n_subject).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if n_subject else ZERO
    return [
        f"Tổng số ngày đi cơ sở của cán bộ thuộc diện phải đi cơ sở: {format_number(total_days)} ngày, bình quân "
        f"{format_number(average)} ngày/đồng chí (tính cộng dồn, theo quý bắt đầu của từng đợt).",
        f"Số đợt {IMMERSION} đạt yêu cầu: {format_number(immersion)} đợt; "
        f"{imm_ok}/{len(imm_required)} đồng chí đủ số đợt phải thực hiện ({format_percent(imm_ok, len(imm_required))}).",
    ]


def _not_met_rows(rows) -> list:
    return [r for r in _subject(rows) if r.standing.status != "met"]


def _not_met_lines(rows, body: str) -> list[NotMetLine]:
    """The internal issue: who did not meet the rule, by name, and why."""
    return [
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
        for r in _not_met_rows(rows)
    ]


def _not_met_summary(rows, on: str) -> list[str]:
    """Both issues: how many did not meet the rule, short of days or of immersion trips."""
    not_met_rows = _not_met_rows(rows)
    n_subject = len(_subject(rows))
    short_days = sum(Decimal(r.standing.done_days) < r.standing.required_days for r in not_met_rows)
    short_trips = sum(r.standing.immersion_done < r.standing.immersion_required for r in not_met_rows)
    return [
        f"Số cán bộ chưa đạt yêu cầu tính đến ngày {on}: {len(not_met_rows)}/{n_subject} đồng chí"
        + (f" (chưa đủ số ngày: {short_days}; chưa đủ số đợt {IMMERSION}: {short_trips})." if not_met_rows else ".")
    ]


def _issue(org, *, upward: bool, today: date) -> tuple[Header, Signer, list[str]]:
    """The header, signer and recipients of the issue: the organization's report sent up (its
    Standing Committee signs), or the Board's internal report."""
    if upward:
        return organization_header(org, "TCKT", today), standing_signer(secretary_of(org), org), upward_recipients(org)
    return header(org, board_issuer(org), "TCKT", today), board_signer(org), board_recipients(org)


def upward_recipients(org) -> list[str]:
    """ "Nơi nhận:" of the organization's report sent up: the superior's Board (seed 002: "Ban Tổ
    chức TWĐ" for a province), its own Standing Committee, the file copy."""
    superior = f"Ban Tổ chức – Kiểm tra {org.parent.name}" if org.parent_id else "Ban Tổ chức TWĐ"
    return [superior, f"Thường trực {union_body(org)}", "Lưu VP, Ban TCKT."]


# The per-cadre sheet ---------------------------------------------------------------------------------
SHEET_COLUMNS = [
    Column("STT", 6, numeric=True, align="center"),
    Column("Họ và tên", 20),
    Column("Ban, văn phòng", 16),
    Column("Chức vụ", 13),
    Column("Số ngày phải đi", 8, numeric=True, align="center"),
    Column("Số ngày đã đi", 8, numeric=True, align="center"),
    Column(f"Đợt {IMMERSION} đạt / phải đi", 10, align="center"),
    Column("Miễn thực hiện", 12),
    Column("Tình trạng", 12),
    Column("Nhận xét của lãnh đạo", 30),
]
SHEET_NOTE = (
    "“Số ngày phải đi”: %(n)s ngày, hoặc ít hơn khi được tính giảm theo thời gian công tác hoặc thời gian được "
    "miễn. “Nhận xét của lãnh đạo”: nhận xét của người phê duyệt đăng ký đi cơ sở của cán bộ (lãnh đạo ban, văn "
    "phòng đối với cán bộ của ban; Thường trực đối với lãnh đạo ban; Bí thư đối với Thường trực)."
)


def year_sheet(p: Params, today: date) -> FormDocument:
    """One row per cadre (of a department, or all), Vietnamese name order."""
    plan, org = p.plan, p.organization
    as_of = chosen_as_of(plan, p.as_of, today)
    people = None
    if p.department is not None:
        from fieldwork.selectors import cadre_people

        people = cadre_people(plan).filter(department=p.department)
    rows = period_standings(plan, as_of, people=people).rows
    labels = ReasonLabels(plan, p.viewer)
    ids = [r.person.pk for r in rows]
    remarks = (
        dict(CadreRemark.objects.filter(plan=plan, person_id__in=ids).values_list("person_id", "text")) if ids else {}
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
    issuer = p.department.name if p.department else board_issuer(org)
    document = plan_document(plan)
    what = f" – {p.department.name}" if p.department else ""
    return FormDocument(
        kind="yearsheet",
        header=header(org, issuer, None, today),
        title="BẢNG TỔNG HỢP KẾT QUẢ ĐI CƠ SỞ CỦA CÁN BỘ",
        subtitle=f"Phục vụ đánh giá, phân loại, bình xét thi đua cuối năm {p.year}{what}",
        reference=f"(Số liệu tính đến ngày {format_short_date(as_of)}"
        + (f"; thực hiện {document})" if document else ")"),
        columns=SHEET_COLUMNS,
        rows=lines,
        note=SHEET_NOTE % {"n": plan.min_days},
        left=None,
        right=head_signer(p.department) if p.department else board_signer(org),
        recipients=[f"Ban Thường vụ {body}", "Lưu VP, Ban TCKT."],
        landscape=True,
        file_stem=stem("danh-gia-cuoi-nam", org.code, p.department.name if p.department else "", p.year),
        empty_text="Không có cán bộ.",
        shows_sensitive=labels.shows_sensitive,
    )

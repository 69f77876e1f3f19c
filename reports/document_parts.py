"""The pieces every document shares (docs/domain.md §8): the header and its number line, the plan's
document and the reference line under the title, the file's name, the columns and cells of a trip
line, the parts of a whole-organization form. The builders (reports/mau_forms.py,
reports/compliance.py, reports/yearend.py, reports/rollup_document.py) import them; nothing here
imports a builder.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from accounts.models import Department, Organization, Role, User
from accounts.text import STANDING_GROUP
from accounts.vietnamese import (
    blank_place_date_line,
    format_short_date,
    nfc,
    place_date_line,
    strip_diacritics,
    text_sort_key,
    union_code,
)
from fieldwork.models import Plan, Trip
from fieldwork.quarters import quarter_bounds, quarter_name
from fieldwork.standing_terms import IMMERSION_COLUMN, IMMERSION_MARK

from .documents import Column, Header
from .signers import union_body

NBSP = "\u00a0"


def _initial(word: str) -> str:
    """A word's first letter for a code: Đ stays Đ (as "TĐTN", "ĐKTH"), other marks go."""
    first = word[:1].upper()
    return first if first == "Đ" else strip_diacritics(first)


def department_code(department: Department | None) -> str:
    """The issuer's code in the number line, keeping Đ as the Union writes it: the short name
    ("ĐKTH"), else the initials of the name without "Ban" ("Ban Tổ chức – Kiểm tra" -> "TCKT",
    "Ban Đoàn kết tập hợp" -> "ĐKTH", "Văn phòng" -> "VP")."""
    if department is None:
        return "TCKT"
    if department.short_name.strip():
        return "".join(_initial(ch) if ch.isalpha() else "" for ch in nfc(department.short_name))
    words = [w for w in nfc(department.name).split() if w[:1].isalpha()]
    if len(words) > 1 and words[0].casefold() == "ban":
        words = words[1:]
    return "".join(_initial(w) for w in words) or "TCKT"


def header(org: Organization, issuer: str, code: str | None, on: date | None, year: int | None = None) -> Header:
    """docs/domain.md §8: the number line ("Số: …-BC/TĐTN-TCKT", the number left to the clerk)
    on reports only; registrations (mẫu 1, 2) pass code=None and carry none. `on` None: the
    place-and-date line is left blank to fill by hand (a form not yet submitted) for `year`."""
    place = org.place or org.name
    return Header(
        superior=org.header_superior.upper(),
        issuer=issuer.upper(),
        number=f"Số: …-BC/{union_code(org.name)}-{code}" if code else "",
        place_date=place_date_line(place, on)
        if on
        else blank_place_date_line(place, year or timezone.localdate().year),
    )


def organization_header(org: Organization, code: str, on: date) -> Header:
    """The header of a document the organization itself issues (its Standing Committee signs):
    no superior body above it, the organization's own line in bold ("BCH ĐOÀN TỈNH TÂY NINH")."""
    h = header(org, org.header_superior, code, on)
    h.superior = ""
    return h


def local_day(moment) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def standing_committee(org: Organization) -> str:
    return f"{STANDING_GROUP} {union_body(org)}"


def subtitle(year: int, quarter: int | None, what: str = "Đi công tác cơ sở theo chủ trương “1+2”") -> str:
    """Quarter None or 0 (the annual cycle's forms, fieldwork.quarters.WHOLE_YEAR): "năm 2023"."""
    if quarter:
        return f"{what} quý {quarter_name(quarter)} năm {year}"
    return f"{what} năm {year}"


DOCUMENT_KINDS = {"KH": "Kế hoạch", "HD": "Hướng dẫn", "QĐ": "Quyết định", "CT": "Chương trình"}


def plan_document(plan: Plan) -> str:
    """ "Kế hoạch số 45-KH/TĐTN-TCKT, ngày 10/1/2023 của Ban Thường vụ Tỉnh đoàn" from
    Plan.document_number/document_date (docs/domain.md §5), the date as the seeds write it
    ("ngày 06/4/2023"); "" without a number."""
    number = nfc(plan.document_number).strip()
    if not number:
        return ""
    code = number.split("-", 1)[1].split("/", 1)[0].upper() if "-" in number else ""
    text = f"{DOCUMENT_KINDS.get(code, 'Văn bản')} số {number}"
    if plan.document_date:
        text += f", ngày {format_short_date(plan.document_date)}"
    return f"{text} của Ban Thường vụ {union_body(plan.organization)}"


def reference(plan: Plan) -> str:
    """The reference line under the title; while the plan's number is unknown, printed with the
    blanks of the seed: "(Kèm theo Kế hoạch số      -KH/TĐTN-TCKT, ngày    /    /      của Ban
    Thường vụ Tỉnh đoàn)" (docs/domain.md §8; no-break spaces, kept by the PDF and the XLSX)."""
    doc = plan_document(plan)
    if doc:
        return f"(Kèm theo {doc})"
    org = plan.organization
    number = f"{NBSP * 6}-KH/{union_code(org.name)}-TCKT"
    day = f"{NBSP * 4}/{NBSP * 4}/{NBSP * 6}"
    return f"(Kèm theo Kế hoạch số{number}, ngày{day}của Ban Thường vụ {union_body(org)})"


def days_col(title: str = "Số ngày đi") -> Column:
    return Column(title, 10, numeric=True, align="center")


def immersion_col() -> Column:
    """The workbook's "Cùng ăn, cùng ở, cùng làm" column ("x"), which import_trips reads back."""
    return Column(IMMERSION_COLUMN, 11, align="center", xlsx_only=True)


def immersion_cell(t: Trip) -> str:
    return "x" if t.immersion else ""


def with_mark(text: str, t: Trip) -> str:
    """A line's content cell; an immersion trip says so on its own line (docs/domain.md §8)."""
    return f"{text}\n{IMMERSION_MARK}" if t.immersion else text


def shown(trip: Trip) -> tuple[date, date, Decimal]:
    """A registration line as registered: the planned values once approved (results may move
    the trip's dates later), else the line as typed."""
    if trip.planned_start and trip.planned_end and trip.planned_days is not None:
        return trip.planned_start, trip.planned_end, trip.planned_days
    return trip.start, trip.end, trip.days


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


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def roman(n: int) -> str:
    """1 -> "I" … 39 -> "XXXIX": the headings of a whole-organization form."""
    tens, units = divmod(n, 10)
    return "X" * tens + (ROMAN[units - 1] if units else "")


def organization_parts(org: Organization, people_without_department) -> list[tuple[Department | None, str]]:
    """(department, heading name) of a whole-organization form: the Standing Committee first
    (the people of no department), then every active department in Vietnamese order."""
    departments = sorted(
        Department.objects.filter(organization=org, is_active=True), key=lambda d: text_sort_key(d.name)
    )
    standing = standing_committee(org)
    if any(not p.has_role(Role.STANDING) for p in people_without_department):
        standing += " và cán bộ chưa xếp ban"
    return [(None, standing), *((d, d.name) for d in departments)]


def part_heading(i: int, name: str) -> str:
    return f"{roman(i)}. {name.upper()}"


def people_without_department(org: Organization):
    return list(
        User.objects.filter(organization=org, department__isnull=True, is_active=True)
        .exclude(group_code="")
        .prefetch_related("roles")
    )

"""import_trips (DOMAIN.md §10): done trips in the layout of mẫu 3.

Two steps, shared by the command and the web page (as importers/cadres.py):
- `read_trips` parses the first sheet, resolves people and categories, computes the
  violations each new trip would carry (by the quota engine, through the selector) and
  lists every error by sheet, row and column. It writes nothing.
- `apply_trips` writes that preview in one transaction, through services/trips.py.

All or nothing: a file with any error imports nothing. Rule-breaking trips (days over the
span, overlaps, outside the period, too-short immersion…) are imported and carry their
violation; rows that cannot be read are errors.

Re-importing: a row identical to a trip the person already has in the plan (same person,
category, start, end, declared days and location — location compared ignoring case and
spacing; cancelled and rejected trips ignored) is the same trip and is skipped, so importing
one file twice creates nothing the second time. Two identical rows inside one file are an
error (a copy mistake: importing both would be an overlap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from accounts.models import User
from accounts.vietnamese import format_date, format_days, header_key, nfc
from fieldwork.importers.workbook import ImportFailed, Row, RowError, open_sheet
from fieldwork.models import Category, Plan, Trip
from fieldwork.quota import engine
from fieldwork.selectors import standings
from fieldwork.services import trips as trip_services

COLUMNS = {
    "stt": ("STT", "TT", "Số TT"),
    "name": ("Họ và tên", "Họ tên"),
    "email": ("Email", "E-mail", "Thư điện tử"),
    "category": ("Nội dung", "Nội dung đi cơ sở"),
    "content": ("Cụ thể nội dung đi cơ sở", "Cụ thể nội dung"),
    "days": ("Số ngày đi", "Số ngày"),
    "period": ("Thời gian cụ thể", "Thời gian"),
    "location": ("Địa điểm",),
}
PREFIX_COLUMNS = {"results": "Nêu khái quát", "immersion": "Cùng ăn"}
LABELS = {
    **{k: v[0] for k, v in COLUMNS.items()},
    "results": "Nêu khái quát…",
    "immersion": "Cùng ăn, cùng ở, cùng làm",
}
REQUIRED = ("name", "category", "content", "days", "period", "location", "results")

YES = {"x", "có", "co", "yes", "y", "1", "true", "✓", "v"}
NO = {"", "không", "khong", "no", "n", "0", "false", "-"}

_D = r"(\d{1,2})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{4})"
_PERIOD = re.compile(rf"^(?:từ\s*)?(?:ngày\s*)?{_D}(?:\s*(?:–|—|-|đến)\s*(?:ngày\s*)?{_D})?\.?$")
_NUMBERING = re.compile(r"^\(\d+\)$")


def _norm(text: str) -> str:
    return " ".join(nfc(str(text or "")).casefold().split())


def _key(text: str) -> str:
    return "".join(ch for ch in header_key(str(text or "")) if ch.isalnum())


@dataclass
class TripLine:
    row: int
    person: User
    category: Category
    start: date
    end: date
    days: Decimal
    location: str
    content: str = ""
    results: str = ""
    immersion: bool = False
    violations: list[str] = field(default_factory=list)

    @property
    def dedup_key(self) -> tuple:
        return (self.person.pk, self.category.pk, self.start, self.end, self.days, _norm(self.location))

    @property
    def period_text(self) -> str:
        return (
            f"{format_date(self.start)} – {format_date(self.end)}"
            if self.start != self.end
            else format_date(self.start)
        )


@dataclass
class TripImport:
    plan: Plan
    sheet: str = ""
    new: list[TripLine] = field(default_factory=list)
    skipped: list[TripLine] = field(default_factory=list)  # already recorded: re-import of the same rows
    errors: list[RowError] = field(default_factory=list)
    created: list[Trip] = field(default_factory=list)

    @property
    def with_violations(self) -> list[TripLine]:
        return [line for line in self.new if line.violations]

    def summary(self) -> str:
        return _("%(new)s đợt mới (%(bad)s đợt có vi phạm), %(same)s đợt đã có nên bỏ qua.") % {
            "new": len(self.new),
            "bad": len(self.with_violations),
            "same": len(self.skipped),
        }


class _Reader:
    def __init__(self, sheet: str, row: Row, errors: list[RowError]):
        self.sheet, self.row, self.errors = sheet, row, errors

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.sheet, self.row.number, self.row.headers.get(key) or LABELS[key], message))


def _is_skipped(row: Row) -> bool:
    """The numbering row "(1) (2) …" and the "Tổng" row of mẫu 3."""
    texts = [row.text(k) for k in row.values]
    filled = [t for t in texts if t]
    if filled and all(_NUMBERING.match(t) for t in filled):
        return True
    return any(_key(row.text(k)) in ("tong", "tongcong") for k in ("stt", "name"))


def parse_period(value) -> tuple[date, date]:
    """'Từ ngày 01/4/2023 đến ngày 01/5/2023', '01/4/2023 – 01/5/2023', '01/4/2023 - 01/5/2023',
    'Từ ngày 01/4/2023 – 01/5/2023' (mẫu 1 of the seed), one date, or an Excel date."""
    if isinstance(value, datetime):
        return value.date(), value.date()
    if isinstance(value, date):
        return value, value
    if isinstance(value, int | float) and not isinstance(value, bool):
        d = from_excel(value).date()
        return d, d
    text = _norm(value)
    m = _PERIOD.match(text)
    if not m:
        raise ValueError(
            _(
                "“%(v)s” không đọc được: hãy ghi “Từ ngày 01/4/2023 đến ngày 01/5/2023”, "
                "“01/4/2023 – 01/5/2023” hoặc một ngày."
            )
            % {"v": nfc(str(value)).strip()}
        )
    g = m.groups()
    dates = []
    for d, mth, y in ((g[0], g[1], g[2]), (g[3], g[4], g[5])):
        if d is None:
            continue
        try:
            dates.append(date(int(y), int(mth), int(d)))
        except ValueError:
            raise ValueError(_("Ngày %(d)s/%(m)s/%(y)s không tồn tại.") % {"d": d, "m": mth, "y": y}) from None
    return dates[0], dates[-1]


def match_category(text: str, categories: list[Category]) -> Category | None:
    """A code ("1.1"), a text starting with the code ("1.1 Phối hợp…"), or the category's name."""
    t = _norm(text)
    for c in sorted(categories, key=lambda c: -len(c.code)):
        code = c.code.casefold()
        if t == code or (t.startswith(code) and not t[len(code)].isalnum()):
            return c
    k = _key(text)
    return next((c for c in categories if _key(c.name) == k), None)


def _days(value) -> Decimal:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    days = engine.parse_days(value)
    if days <= 0:
        raise ValueError
    return days


def read_trips(fileobj: IO[bytes] | str, *, plan: Plan) -> TripImport:
    """Parse and resolve; write nothing. Errors are collected in `result.errors`."""
    result = TripImport(plan=plan)
    try:
        sheet = open_sheet(fileobj, COLUMNS, REQUIRED, prefix_columns=PREFIX_COLUMNS)
    except ImportFailed as exc:
        result.errors = list(exc.errors)
        return result
    result.sheet = sheet.title
    errors = result.errors
    people = list(
        User.objects.filter(organization_id=plan.organization_id)
        .select_related("department")
        .order_by("sort_key", "email")
    )
    by_name: dict[str, list[User]] = {}
    for p in people:
        by_name.setdefault(_norm(p.full_name), []).append(p)
    by_email = {p.email.lower(): p for p in people}
    categories = list(plan.categories.all())
    year_start, year_end = date(plan.year, 1, 1), date(plan.year, 12, 31)
    seen: dict[tuple, int] = {}
    lines: list[TripLine] = []

    for row in sheet.rows:
        if _is_skipped(row):
            continue
        rd = _Reader(sheet.title, row, errors)
        n_errors = len(errors)

        # Person: by name (NFC, case-insensitive); Email tells apart two people of one name.
        name = " ".join(row.text("name").split())
        email = row.text("email").lower() if "email" in row.headers else ""
        person = None
        if not name:
            rd.error("name", _("Thiếu họ và tên."))
        elif email:
            person = by_email.get(email)
            if person is None:
                rd.error("email", _("Không có cán bộ nào có email “%(v)s” trong tổ chức.") % {"v": email})
            elif _norm(person.full_name) != _norm(name):
                rd.error(
                    "email",
                    _("Email “%(v)s” là của %(p)s, không phải “%(n)s”.")
                    % {"v": email, "p": person.full_name, "n": name},
                )
                person = None
        else:
            found = by_name.get(_norm(name), [])
            if not found:
                rd.error(
                    "name",
                    _("Không tìm thấy cán bộ “%(n)s” trong tổ chức (hãy kiểm tra chính tả hoặc thêm cột Email).")
                    % {"n": name},
                )
            elif len(found) > 1:
                rd.error(
                    "name",
                    _("Có %(k)s cán bộ tên “%(n)s” (%(emails)s): hãy thêm cột Email để phân biệt.")
                    % {"k": len(found), "n": name, "emails": ", ".join(p.email for p in found)},
                )
            else:
                person = found[0]

        category = None
        cat_text = row.text("category")
        if not cat_text:
            rd.error("category", _("Thiếu nội dung (mã như 1.1 hoặc tên nội dung)."))
        else:
            category = match_category(cat_text, categories)
            if category is None:
                rd.error(
                    "category",
                    _("Nội dung “%(v)s” không có trong kế hoạch năm %(y)s (các mã: %(codes)s).")
                    % {"v": cat_text, "y": plan.year, "codes": ", ".join(c.code for c in categories)},
                )

        days = None
        raw_days = row.values.get("days")
        if raw_days is None or (isinstance(raw_days, str) and not raw_days.strip()):
            rd.error("days", _("Thiếu số ngày đi."))
        else:
            try:
                days = _days(raw_days)
            except ValueError:
                rd.error(
                    "days",
                    _(
                        "“%(v)s” không phải số ngày hợp lệ: số ngày dương theo bước nửa ngày (0,5; 1; 1,5 …), "
                        "ví dụ 30, “30 ngày” hoặc “2,5”."
                    )
                    % {"v": row.text("days")},
                )

        start = end = None
        raw_period = row.values.get("period")
        if raw_period is None or (isinstance(raw_period, str) and not raw_period.strip()):
            rd.error("period", _("Thiếu thời gian cụ thể."))
        else:
            try:
                start, end = parse_period(raw_period)
            except (ValueError, OverflowError) as exc:
                rd.error("period", str(exc) or _("Thời gian không hợp lệ."))
            else:
                if end < start:
                    rd.error(
                        "period",
                        _("Ngày kết thúc (%(e)s) trước ngày bắt đầu (%(s)s).")
                        % {"e": format_date(end), "s": format_date(start)},
                    )
                elif start < year_start or end > year_end:
                    rd.error(
                        "period",
                        _("Thời gian %(s)s – %(e)s không thuộc năm %(y)s của kế hoạch.")
                        % {"s": format_date(start), "e": format_date(end), "y": plan.year},
                    )

        location = " ".join(row.text("location").split())
        if not location:
            rd.error("location", _("Thiếu địa điểm."))
        elif len(location) > 300:
            rd.error("location", _("Địa điểm dài quá 300 ký tự."))

        immersion = False
        if "immersion" in row.headers:
            mark = _norm(row.text("immersion"))
            if mark in YES:
                immersion = True
            elif mark not in NO:
                rd.error(
                    "immersion",
                    _(
                        "“%(v)s” không rõ: ghi “x”, “có” hoặc “yes” cho đợt cùng ăn, cùng ở, cùng làm; để trống nếu không."
                    )
                    % {"v": row.text("immersion")},
                )

        if len(errors) > n_errors:
            continue
        line = TripLine(
            row=row.number,
            person=person,
            category=category,
            start=start,
            end=end,
            days=days,
            location=location,
            content=row.text("content"),
            results=row.text("results"),
            immersion=immersion,
        )
        if line.dedup_key in seen:
            rd.error(
                "name",
                _("Dòng này trùng hoàn toàn với dòng %(r)s (cùng người, nội dung, thời gian, số ngày, địa điểm).")
                % {"r": seen[line.dedup_key]},
            )
            continue
        seen[line.dedup_key] = row.number
        lines.append(line)

    if errors or not lines:
        return result
    existing = set()
    for t in (
        Trip.objects.filter(plan=plan, person_id__in={line.person.pk for line in lines})
        .exclude(status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])
        .values_list("person_id", "category_id", "start", "end", "days", "location")
    ):
        existing.add((*t[:4], Decimal(t[4]), _norm(t[5])))
    for line in lines:
        (result.skipped if line.dedup_key in existing else result.new).append(line)
    _attach_violations(plan, result.new)
    return result


def _attach_violations(plan: Plan, lines: list[TripLine]) -> None:
    """The violations each new trip would carry among the person's trips (the engine decides)."""
    if not lines:
        return
    extra: dict[int, list[engine.TripFact]] = {}
    by_key = {}
    for line in lines:
        key = ("import", line.row)
        by_key[key] = line
        extra.setdefault(line.person.pk, []).append(
            engine.TripFact(
                key=key,
                category_code=line.category.code,
                start=line.start,
                end=line.end,
                days=line.days,
                immersion=line.immersion,
                status="done",
            )
        )
    people = User.objects.filter(pk__in=extra).select_related("department")
    for row in standings(plan, date(plan.year, 12, 31), people=people, extra_trips=extra):
        for v in row.standing.violations:
            line = by_key.get(v.trip_key)
            if line is not None and v.code not in line.violations:
                line.violations.append(v.code)


def apply_trips(result: TripImport, *, actor=None) -> TripImport:
    """Write a preview without errors, all or nothing."""
    if result.errors:
        raise ImportFailed(result.errors)
    with transaction.atomic():
        result.created = trip_services.create_imported_trips(
            actor=actor,
            plan=result.plan,
            trips=[
                trip_services.ImportedTrip(
                    person=line.person,
                    data=trip_services.TripInput(
                        category=line.category,
                        start=line.start,
                        end=line.end,
                        days=line.days,
                        location=line.location,
                        content=line.content,
                        immersion=line.immersion,
                    ),
                    results=line.results,
                    row=line.row,
                )
                for line in result.new
            ],
        )
    return result


def import_trips(fileobj, *, plan: Plan, actor=None, dry_run: bool = False) -> TripImport:
    """Read, then (unless dry_run) write. Raises ImportFailed listing every error."""
    result = read_trips(fileobj, plan=plan)
    if result.errors:
        raise ImportFailed(result.errors)
    if not dry_run:
        apply_trips(result, actor=actor)
    return result


def describe(line: TripLine) -> str:
    return f"{line.person.full_name}, {line.category.code}, {line.period_text}, {format_days(line.days)} ngày, {line.location}"

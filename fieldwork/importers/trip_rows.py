"""Reading one row of done trips in the layout of mẫu 3 (docs/domain.md §10 import_trips): each
cell to a value, or an error naming the sheet, the row and the column as the file writes it."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from accounts.models import User
from accounts.vietnamese import format_date, nfc
from fieldwork.importers.base import RowErrors, name_key, norm
from fieldwork.importers.workbook import Row
from fieldwork.models import Category, Plan
from fieldwork.quota import engine
from fieldwork.standing_terms import IMMERSION_MARK

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


def is_skipped(row: Row) -> bool:
    """The numbering row "(1) (2) …", the "Tổng" row of mẫu 3, and a heading row of the whole
    organization's mẫu 3 ("II. BAN PHONG TRÀO", or "Không có đợt …" under it): text in the first
    column only."""
    texts = {k: row.text(k) for k in row.values}
    filled = [t for t in texts.values() if t]
    if filled and all(_NUMBERING.match(t) for t in filled):
        return True
    if is_total(row):
        return True
    return bool(texts.get("stt")) and not texts["stt"].isdigit() and filled == [texts["stt"]]


def is_total(row: Row) -> bool:
    return any(name_key(row.text(k)) in ("tong", "tongcong") for k in ("stt", "name"))


def strip_mark(content: str) -> tuple[str, bool]:
    """The content cell without the immersion mark the forms print ("(đợt “cùng ăn, cùng ở, cùng
    làm”)"), and whether it was there."""
    if IMMERSION_MARK not in content:
        return content, False
    return " ".join(content.replace(IMMERSION_MARK, " ").split()), True


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
    text = norm(value)
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
    t = norm(text)
    for c in sorted(categories, key=lambda c: -len(c.code)):
        code = c.code.casefold()
        if t == code or (t.startswith(code) and not t[len(code)].isalnum()):
            return c
    k = name_key(text)
    return next((c for c in categories if name_key(c.name) == k), None)


def parse_days(value) -> Decimal:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    days = engine.parse_days(value)
    if days <= 0:
        raise ValueError
    return days


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


class People:
    """The organization's people, read once per file, by name and by email."""

    def __init__(self, plan: Plan):
        people = list(
            User.objects.filter(organization_id=plan.organization_id)
            .select_related("department")
            .order_by("sort_key", "email")
        )
        self.by_name: dict[str, list[User]] = {}
        for p in people:
            self.by_name.setdefault(norm(p.full_name), []).append(p)
        self.by_email = {p.email.lower(): p for p in people}


class TripRowReader(RowErrors):
    """One row's cells to values; errors name the column as the file writes it."""

    labels = LABELS

    def person(self, people: People) -> User | None:
        """By name (NFC, case-insensitive); Email tells apart two people of one name."""
        row = self.row
        name = " ".join(row.text("name").split())
        email = row.text("email").lower() if self.has("email") else ""
        person = None
        if not name:
            self.error("name", _("Thiếu họ và tên."))
        elif email:
            person = people.by_email.get(email)
            if person is None:
                self.error("email", _("Không có cán bộ nào có email “%(v)s” trong tổ chức.") % {"v": email})
            elif norm(person.full_name) != norm(name):
                self.error(
                    "email",
                    _("Email “%(v)s” là của %(p)s, không phải “%(n)s”.")
                    % {"v": email, "p": person.full_name, "n": name},
                )
                person = None
        else:
            found = people.by_name.get(norm(name), [])
            if not found:
                self.error(
                    "name",
                    _("Không tìm thấy cán bộ “%(n)s” trong tổ chức (hãy kiểm tra chính tả hoặc thêm cột Email).")
                    % {"n": name},
                )
            elif len(found) > 1:
                self.error(
                    "name",
                    _("Có %(k)s cán bộ tên “%(n)s” (%(emails)s): hãy thêm cột Email để phân biệt.")
                    % {"k": len(found), "n": name, "emails": ", ".join(p.email for p in found)},
                )
            else:
                person = found[0]
        return person

    def category(self, categories: list[Category], year: int) -> Category | None:
        category = None
        cat_text = self.row.text("category")
        if not cat_text:
            self.error("category", _("Thiếu nội dung (mã như 1.1 hoặc tên nội dung)."))
        else:
            category = match_category(cat_text, categories)
            if category is None:
                self.error(
                    "category",
                    _("Nội dung “%(v)s” không có trong kế hoạch năm %(y)s (các mã: %(codes)s).")
                    % {"v": cat_text, "y": year, "codes": ", ".join(c.code for c in categories)},
                )
        return category

    def days(self) -> Decimal | None:
        raw_days = self.row.values.get("days")
        if _blank(raw_days):
            self.error("days", _("Thiếu số ngày đi."))
            return None
        try:
            return parse_days(raw_days)
        except ValueError:
            self.error(
                "days",
                _(
                    "“%(v)s” không phải số ngày hợp lệ: số ngày dương theo bước nửa ngày (0,5; 1; 1,5 …), "
                    "ví dụ 30, “30 ngày” hoặc “2,5”."
                )
                % {"v": self.row.text("days")},
            )
            return None

    def period(self, year: int) -> tuple[date | None, date | None]:
        """The trip's dates. docs/domain.md §7.4: a trip overlapping the plan's year is read even
        when it is not wholly inside (one spanning New Year): it is recorded with OUTSIDE_PERIOD
        and counts nothing; only a trip wholly in another year is an error."""
        start = end = None
        raw_period = self.row.values.get("period")
        if _blank(raw_period):
            self.error("period", _("Thiếu thời gian cụ thể."))
            return start, end
        try:
            start, end = parse_period(raw_period)
        except (ValueError, OverflowError) as exc:
            self.error("period", str(exc) or _("Thời gian không hợp lệ."))
            return start, end
        if end < start:
            self.error(
                "period",
                _("“Đến ngày” (%(e)s) trước “Từ ngày” (%(s)s).") % {"e": format_date(end), "s": format_date(start)},
            )
        elif end < date(year, 1, 1) or start > date(year, 12, 31):
            self.error(
                "period",
                _("Thời gian %(s)s – %(e)s không thuộc năm %(y)s của kế hoạch.")
                % {"s": format_date(start), "e": format_date(end), "y": year},
            )
        return start, end

    def location(self) -> str:
        location = " ".join(self.row.text("location").split())
        if not location:
            self.error("location", _("Thiếu địa điểm."))
        elif len(location) > 300:
            self.error("location", _("Địa điểm dài quá 300 ký tự."))
        return location

    def immersion(self, *, marked: bool = False) -> bool:
        """The "Cùng ăn, cùng ở, cùng làm" column, or (without it) the mark the forms print in the
        content cell. A row whose column says no while its content carries the mark is an error:
        which one is right is the Board's to say."""
        if not self.has("immersion"):
            return marked
        mark = norm(self.row.text("immersion"))
        if mark in YES:
            return True
        if mark not in NO:
            self.error(
                "immersion",
                _("“%(v)s” không rõ: ghi “x”, “có” hoặc “yes” cho đợt cùng ăn, cùng ở, cùng làm; để trống nếu không.")
                % {"v": self.row.text("immersion")},
            )
        elif marked:
            self.error(
                "immersion",
                _(
                    "Cột này để trống nhưng cột “Cụ thể nội dung đi cơ sở” ghi “%(m)s”: hãy ghi “x” nếu là đợt cùng ăn, "
                    "cùng ở, cùng làm, hoặc bỏ dòng chữ đó khỏi nội dung."
                )
                % {"m": IMMERSION_MARK},
            )
        return False

"""Reading one row of the cadre list (docs/domain.md §10 import_cadres): each cell to a value,
or an error naming the sheet, the row and the column as the file writes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from accounts.models import Role
from accounts.vietnamese import format_date, nfc
from fieldwork.importers.base import RowErrors, name_key, norm
from fieldwork.importers.workbook import Row, RowError, parse_date
from fieldwork.models import ExemptionReason, Plan
from fieldwork.services.exemptions import min_length_error

COLUMNS = {
    "name": ("Họ và tên", "Họ tên"),
    "email": ("Email", "E-mail", "Thư điện tử"),
    "department": ("Ban", "Ban/Văn phòng", "Ban, Văn phòng", "Đơn vị"),
    "position": ("Chức vụ",),
    "group": ("Đối tượng",),
    "reason": ("Lý do miễn",),
    "exempt_from": ("Miễn từ ngày",),
    "exempt_to": ("Miễn đến ngày",),
    "active_from": ("Ngày bắt đầu",),
    "active_to": ("Ngày kết thúc",),
    "roles": ("Vai trò",),
}
REQUIRED = ("name", "email", "department", "position", "group")


def clean(text: str) -> str:
    return " ".join(nfc(text or "").split())


def role_keys() -> dict[str, str]:
    """A role's code or its Vietnamese name (docs/domain.md §10), whatever the interface language."""
    with translation.override("vi"):
        return {
            **{name_key(str(label)): code for code, label in Role.choices},
            **{name_key(code): code for code in Role.values},
        }


def excel_date(value) -> date:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_excel(value).date()  # an Excel serial number without a date format
    return parse_date(value)


@dataclass
class ExemptionLine:
    reason: ExemptionReason
    start: date
    end: date


class Lookups:
    """The plan's groups and reasons and the role names, read once per file."""

    def __init__(self, plan: Plan):
        self.plan = plan
        groups = list(plan.groups.all())
        self.group_by_code = {g.code.strip(): g.code for g in groups}
        self.group_by_name = {name_key(g.name): g.code for g in groups}
        self.reasons = list(plan.exemption_reasons.all())
        self.reason_by_key = {
            **{name_key(r.name): r for r in self.reasons},
            **{name_key(r.code): r for r in self.reasons},
        }
        self.role_by_key = role_keys()


class RowReader(RowErrors):
    """One row's cells to values; errors name the column as the file writes it."""

    labels = {k: v[0] for k, v in COLUMNS.items()}

    def __init__(self, sheet: str, row: Row, errors: list[RowError], lookups: Lookups):
        super().__init__(sheet, row, errors)
        self.lk = lookups

    def text(self, key: str) -> str:
        return clean(self.row.text(key)) if self.has(key) else ""

    def date(self, key: str) -> date | None:
        raw = self.row.values.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            return excel_date(raw)
        except (ValueError, OverflowError) as exc:
            self.error(key, str(exc) if isinstance(exc, ValueError) and str(exc) else _("Ngày không hợp lệ."))
            return None

    def email(self, seen: dict[str, int]) -> str:
        email = nfc(self.row.text("email")).strip().lower()
        if not email:
            self.error("email", _("Thiếu email (email là tên đăng nhập)."))
            return email
        try:
            validate_email(email)
        except ValidationError:
            self.error("email", _("“%(v)s” không phải địa chỉ email hợp lệ.") % {"v": email})
        if email in seen:
            self.error("email", _("Email “%(v)s” trùng với dòng %(row)s.") % {"v": email, "row": seen[email]})
        else:
            seen[email] = self.row.number
        return email

    def group(self) -> str:
        text = self.text("group")
        if not text:
            self.error("group", _("Thiếu đối tượng (mã như 2.3 hoặc tên đối tượng)."))
            return ""
        code = self.lk.group_by_code.get(text) or self.lk.group_by_name.get(name_key(text)) or ""
        if not code:
            self.error(
                "group",
                _("Đối tượng “%(v)s” không có trong kế hoạch năm %(year)s (các mã: %(codes)s).")
                % {"v": text, "year": self.lk.plan.year, "codes": ", ".join(sorted(self.lk.group_by_code))},
            )
        return code

    def roles(self) -> set[str] | None:
        """None when the file has no Vai trò column (existing roles are kept)."""
        if not self.has("roles"):
            return None
        roles = set()
        for part in self.row.text("roles").replace(";", ",").split(","):
            if not part.strip():
                continue
            code = self.lk.role_by_key.get(name_key(part))
            if code is None:
                self.error(
                    "roles",
                    _("Vai trò “%(v)s” không hợp lệ. Dùng mã hoặc tên: %(names)s.")
                    % {"v": part.strip(), "names": "; ".join(f"{c} ({label})" for c, label in Role.choices)},
                )
            else:
                roles.add(code)
        return roles or {Role.CADRE}  # docs/domain.md §10: empty means cadre

    def active_dates(self, person) -> tuple[date | None, date | None]:
        """An absent column keeps what is stored; a present empty cell clears it."""
        start = self.date("active_from") if self.has("active_from") else (person.active_from if person else None)
        end = self.date("active_to") if self.has("active_to") else (person.active_to if person else None)
        if start and end and start > end:
            self.error(
                "active_to",
                _("“Ngày kết thúc” (%(to)s) trước “Ngày bắt đầu” (%(fr)s).")
                % {"to": format_date(end), "fr": format_date(start)},
            )
        return start, end

    def exemption(self, position: str) -> tuple[ExemptionLine | None, str]:
        """docs/domain.md §6: a position reason needs nothing more (the position must be one of the
        reason's, filled in when empty); an individual one needs its dates. Returns the
        individual exemption to record, if any, and the position."""
        reason_text = self.text("reason")
        ex_from = self.date("exempt_from") if self.has("exempt_from") else None
        ex_to = self.date("exempt_to") if self.has("exempt_to") else None
        if not reason_text:
            for key, value in (("exempt_from", ex_from), ("exempt_to", ex_to)):
                if value:
                    self.error(key, _("Có ngày miễn nhưng thiếu cột Lý do miễn."))
            return None, position
        reason = self.lk.reason_by_key.get(name_key(reason_text))
        if reason is None:
            self.error(
                "reason",
                _("Lý do miễn “%(v)s” không có trong kế hoạch năm %(year)s (các mã: %(codes)s).")
                % {"v": reason_text, "year": self.lk.plan.year, "codes": ", ".join(r.code for r in self.lk.reasons)},
            )
            return None, position
        if reason.scope == ExemptionReason.Scope.EITHER and not (ex_from or ex_to):
            # docs/domain.md §6 "scope": "either": a holder of the position needs no dates; anyone else
            # carrying the duty is granted it as a person, with dates (below).
            allowed = reason.positions or [reason.name]
            if not position or norm(position) in {norm(p) for p in allowed}:
                return None, position or allowed[0]
        if reason.scope == ExemptionReason.Scope.POSITION:
            allowed = reason.positions or [reason.name]
            if ex_from or ex_to:
                self.error(
                    "exempt_from" if ex_from else "exempt_to",
                    _("Lý do “%(r)s” theo chức danh: miễn trong thời gian giữ chức danh, không ghi ngày miễn.")
                    % {"r": reason.name},
                )
            if not position:
                return None, allowed[0]
            if norm(position) not in {norm(p) for p in allowed}:
                self.error(
                    "reason",
                    _("Lý do “%(r)s” chỉ áp dụng cho chức danh %(pos)s, nhưng Chức vụ là “%(v)s”.")
                    % {"r": reason.name, "pos": ", ".join(f"“{p}”" for p in allowed), "v": position},
                )
            return None, position
        if reason.scope == ExemptionReason.Scope.EITHER and not (ex_from and ex_to):
            allowed = ", ".join(f"“{p}”" for p in reason.positions or [reason.name])
            self.error(
                "exempt_to" if ex_from else "exempt_from",
                _(
                    "Lý do “%(r)s”: người giữ chức danh %(pos)s được miễn không cần ngày; người khác cần cả "
                    "“Miễn từ ngày” và “Miễn đến ngày”."
                )
                % {"r": reason.name, "pos": allowed},
            )
            return None, position
        if not ex_from:
            self.error("exempt_from", _("Lý do “%(r)s” là lý do cá nhân: cần ngày bắt đầu miễn.") % {"r": reason.name})
        if not ex_to:
            self.error("exempt_to", _("Lý do “%(r)s” là lý do cá nhân: cần ngày kết thúc miễn.") % {"r": reason.name})
        if ex_from and ex_to:
            if ex_from > ex_to:
                self.error("exempt_to", _("“Miễn đến ngày” trước “Miễn từ ngày”."))
            elif short := min_length_error(reason, ex_from, ex_to):  # docs/domain.md §6: e.g. study ≥ 6 months
                self.error("exempt_to", short)
            else:
                return ExemptionLine(reason=reason, start=ex_from, end=ex_to), position
        return None, position

"""Reading the Board's spreadsheets: find the header row, match headers ignoring case,
spaces and diacritics, and name every error by sheet, row (as the spreadsheet shows it)
and column. Shared by import_cadres and import_trips."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from accounts.vietnamese import header_key, nfc


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        parts = [self.sheet]
        if self.row is not None:
            parts.append(_("dòng %(row)s") % {"row": self.row})
        if self.column:
            parts.append(_("cột %(col)s") % {"col": self.column})
        return f"{', '.join(parts)}: {self.message}"


class ImportFailed(Exception):
    """The file has errors: nothing was imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Row:
    number: int  # worksheet row number, as the spreadsheet shows it
    values: dict[str, object]  # canonical column key -> raw cell value
    headers: dict[str, str] = field(default_factory=dict)  # canonical key -> header as written

    def text(self, key: str) -> str:
        v = self.values.get(key)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return nfc(str(v)).strip()


@dataclass
class Sheet:
    title: str
    header_row: int
    headers: dict[str, str]  # canonical key -> header text as written
    rows: list[Row]


def open_sheet(
    fileobj: IO[bytes] | str,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    *,
    anchor: str = "Họ và tên",
    prefix_columns: dict[str, str] | None = None,
) -> Sheet:
    """Read the first sheet. `columns` maps a canonical key to accepted header spellings
    (compared with header_key); `prefix_columns` maps a key to a header prefix (e.g. the
    long results header "Nêu khái quát …"). Raises ImportFailed for unreadable files or
    missing required columns."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFailed(
            [RowError(_("Tệp"), None, None, _("Không đọc được tệp: đây không phải tệp Excel .xlsx hợp lệ."))]
        ) from exc
    ws = wb.worksheets[0]
    title = ws.title
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    anchor_key = header_key(anchor)
    header_idx = None
    for i, r in enumerate(rows):
        if any(isinstance(c, str) and header_key(c) == anchor_key for c in r):
            header_idx = i
            break
    if header_idx is None:
        raise ImportFailed(
            [RowError(title, None, None, _("Không tìm thấy dòng tiêu đề có cột “%(h)s”.") % {"h": anchor})]
        )
    wanted = {header_key(s): key for key, spellings in columns.items() for s in spellings}
    prefixes = {header_key(p): key for key, p in (prefix_columns or {}).items()}
    col_of: dict[str, int] = {}
    headers: dict[str, str] = {}
    for j, c in enumerate(rows[header_idx]):
        if not isinstance(c, str) or not c.strip():
            continue
        hk = header_key(c)
        key = wanted.get(hk) or next((k for p, k in prefixes.items() if hk.startswith(p)), None)
        if key and key not in col_of:
            col_of[key] = j
            headers[key] = nfc(c).strip()
    missing = [k for k in required if k not in col_of]
    if missing:
        names = ", ".join(f"“{columns[k][0] if k in columns else (prefix_columns or {}).get(k, k)}”" for k in missing)
        raise ImportFailed(
            [RowError(title, header_idx + 1, None, _("Thiếu cột bắt buộc: %(cols)s.") % {"cols": names})]
        )
    out = []
    for i in range(header_idx + 1, len(rows)):
        r = rows[i]
        values = {k: (r[j] if j < len(r) else None) for k, j in col_of.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        out.append(Row(number=i + 1, values=values, headers=headers))
    return Sheet(title=title, header_row=header_idx + 1, headers=headers, rows=out)


_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


def parse_date(value) -> date:
    """d/m/yyyy text or an Excel date; raises ValueError with a Vietnamese message."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = nfc(str(value or "")).strip()
    m = _DMY.match(text)
    if m:
        d, mth, y = (int(x) for x in m.groups())
        try:
            return date(y, mth, d)
        except ValueError:
            pass
    raise ValueError(_("“%(v)s” không phải ngày hợp lệ (dạng ngày/tháng/năm, ví dụ 05/02/2023).") % {"v": text})

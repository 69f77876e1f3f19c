"""Reading the Board's spreadsheets: find the header row, match headers ignoring case,
spaces and diacritics, and name every error by sheet, row (as the spreadsheet shows it)
and column. Shared by import_cadres and import_trips."""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import XML_PARAM_ENTITY_PARSING_NEVER, ExpatError, ParserCreate

from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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


class _Refused(Exception):
    """The workbook is refused before or while reading it (a Vietnamese message)."""


def _limits() -> dict[str, int]:
    return {
        "file": settings.IMPORT_MAX_FILE_BYTES,
        "uncompressed": settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        "rows": settings.IMPORT_MAX_ROWS,
        "columns": settings.IMPORT_MAX_COLUMNS,
        "cells": settings.IMPORT_MAX_CELLS,
    }


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


MALFORMED = gettext_lazy(
    "Tệp Excel bị hỏng hoặc có nội dung không được phép (XML không hợp lệ): hãy mở tệp bằng Excel, lưu lại rồi thử lại."
)


def _file_size(fileobj) -> int:
    if isinstance(fileobj, str | os.PathLike):
        return os.path.getsize(fileobj)
    pos = fileobj.tell()
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(pos)
    return size


def _preflight(fileobj, limits) -> None:
    """docs/security.md “Files”, before openpyxl sees the file: its size, the size of what it unpacks to,
    and every XML part streamed through expat (no DTD, no entities) with a budget of elements,
    so that neither a zip bomb nor an XML bomb nor a malformed part costs more than a few
    megabytes."""
    if _file_size(fileobj) > limits["file"]:
        raise _Refused(_("Tệp lớn hơn %(mb)s MB: hãy bỏ các trang tính không cần thiết.") % {"mb": _mb(limits["file"])})
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _Refused(_("Không đọc được tệp: đây không phải tệp Excel .xlsx hợp lệ.")) from exc
    with archive:
        members = archive.infolist()
        if len(members) > 500 or sum(m.file_size for m in members) > limits["uncompressed"]:
            raise _Refused(
                _(
                    "Tệp giải nén ra hơn %(mb)s MB: tệp bị hỏng hoặc được tạo để gây hại. Hãy mở bằng Excel, "
                    "lưu lại (chỉ giữ trang tính cần nhập) rồi thử lại."
                )
                % {"mb": _mb(limits["uncompressed"])}
            )
        too_many = _Refused(
            _("Tệp có quá nhiều ô hoặc dòng (giới hạn %(n)s ô): hãy tách tệp.")
            % {"n": f"{limits['cells']:,}".replace(",", ".")}
        )
        budget = [4 * limits["cells"] + 4 * limits["rows"] + 100_000]
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(member) as stream:
                    _scan(stream, budget, too_many)
            except _Refused:
                raise
            except (ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise _Refused(MALFORMED) from exc


def _forbidden(*_args):
    raise _Refused(MALFORMED)  # a DTD or an entity: an XML bomb or an external reference


def _scan(stream, budget: list[int], too_many: _Refused) -> None:
    """Stream one XML part through expat, keeping nothing: count its elements against the
    budget shared by the whole file, refuse any DTD or entity declaration (what defusedxml
    forbids; openpyxl then parses with defusedxml too) and any malformed XML."""
    parser = ParserCreate()

    def start(_name, _attrs):
        budget[0] -= 1
        if budget[0] < 0:
            raise too_many

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _forbidden
    parser.EntityDeclHandler = _forbidden
    parser.ExternalEntityRefHandler = _forbidden
    parser.SetParamEntityParsing(XML_PARAM_ENTITY_PARSING_NEVER)
    while chunk := stream.read(1 << 16):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _read_rows(fileobj, limits) -> tuple[str, list[tuple]]:
    """The first sheet's rows, read lazily (the file's declared dimension is ignored), capped in
    rows, columns and cells. (XML 1.0 cannot carry the control characters a report could not
    hold: a part with one is malformed and refused by the preflight.)"""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _Refused(_("Không đọc được tệp: đây không phải tệp Excel .xlsx hợp lệ.")) from exc
    except (ParseError, DefusedXmlException, IndexError) as exc:
        raise _Refused(MALFORMED) from exc
    try:
        ws = wb.worksheets[0]
        title = ws.title
        ws.reset_dimensions()  # a declared A1:XFD1048576 must not pad every row
        rows: list[tuple] = []
        cells = 0
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if i >= limits["rows"]:
                raise _Refused(_("Trang tính có hơn %(n)s dòng: hãy tách tệp.") % {"n": limits["rows"]})
            width = len(row)
            while width and row[width - 1] is None:
                width -= 1
            if width > limits["columns"]:
                raise _Refused(
                    _("Trang tính có hơn %(n)s cột: hãy bỏ các cột không cần thiết.") % {"n": limits["columns"]}
                )
            row = tuple(row[:width])
            cells += sum(v is not None for v in row)
            if cells > limits["cells"]:
                raise _Refused(
                    _("Tệp có quá nhiều ô hoặc dòng (giới hạn %(n)s ô): hãy tách tệp.")
                    % {"n": f"{limits['cells']:,}".replace(",", ".")}
                )
            rows.append(row)
    except _Refused:
        raise
    except (ParseError, DefusedXmlException, IndexError, KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise _Refused(MALFORMED) from exc
    finally:
        wb.close()
    return title, rows


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
    long results header "Nêu khái quát …"). Raises ImportFailed for unreadable, hostile or
    oversized files (docs/security.md “Files”), missing required columns, or text with control characters."""
    limits = _limits()
    try:
        _preflight(fileobj, limits)
        if not isinstance(fileobj, str | os.PathLike):
            fileobj.seek(0)
        title, rows = _read_rows(fileobj, limits)
    except _Refused as exc:
        raise ImportFailed([RowError(_("Tệp"), None, None, str(exc))]) from exc
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

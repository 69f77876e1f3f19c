"""What every import shares (docs/domain.md §10): read the whole file, collect every error by
sheet, row and column, and write nothing unless there are none (all or nothing); the same
two steps serve the command (with --dry-run) and the web page (preview, then confirm).

An import's result (CadreImport, TripImport) has `sheet`, `errors`, `has_changes` and
`summary()`; its reader fills it, its writer applies it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Protocol, TypeVar

from accounts.vietnamese import header_key, nfc
from fieldwork.importers.workbook import ImportFailed, Row, RowError, Sheet, open_sheet


class ImportResult(Protocol):
    sheet: str
    errors: list[RowError]

    @property
    def has_changes(self) -> bool: ...

    def summary(self) -> str: ...


R = TypeVar("R", bound=ImportResult)


# Comparing cell text ------------------------------------------------------------------------
def norm(text) -> str:
    """Text compared ignoring case and spacing (NFC)."""
    return " ".join(nfc(str(text or "")).casefold().split())


def name_key(text) -> str:
    """Names compared ignoring case, diacritics, spaces and punctuation ("Ban Tổ chức - Kiểm tra")."""
    return "".join(ch for ch in header_key(str(text or "")) if ch.isalnum())


# Reading ------------------------------------------------------------------------------------
def open_or_collect(result: ImportResult, fileobj: IO[bytes] | str, columns, required, **kwargs) -> Sheet | None:
    """The first sheet (its title noted on the result), or None with the file's errors on the
    result (unreadable file, no header row, missing columns)."""
    try:
        sheet = open_sheet(fileobj, columns, required, **kwargs)
    except ImportFailed as exc:
        result.errors = list(exc.errors)
        return None
    result.sheet = sheet.title
    return sheet


class RowErrors:
    """Collects the errors of one row, each naming the column as the file writes it (or, when
    the file has no such column, `labels[key]`)."""

    labels: dict[str, str] = {}

    def __init__(self, sheet: str, row: Row, errors: list[RowError]):
        self.sheet, self.row, self.errors = sheet, row, errors
        self._first_error = len(errors)

    def col(self, key: str) -> str:
        return self.row.headers.get(key) or self.labels[key]

    def error(self, key: str | None, message: str) -> None:
        self.errors.append(RowError(self.sheet, self.row.number, self.col(key) if key else None, message))

    def has(self, key: str) -> bool:
        return key in self.row.headers

    @property
    def failed(self) -> bool:
        """Whether this row has added any error."""
        return len(self.errors) > self._first_error


# Writing ------------------------------------------------------------------------------------
def raise_if_errors(result: ImportResult) -> None:
    """All or nothing: a file with any error imports nothing."""
    if result.errors:
        raise ImportFailed(result.errors)


def finish_import(result: R, apply: Callable[..., object], *, actor=None, dry_run: bool = False) -> R:
    """After reading: raise ImportFailed listing every error, else (unless dry_run) write."""
    raise_if_errors(result)
    if not dry_run:
        apply(result, actor=actor)
    return result

"""The shape of a report document, shared by the XLSX and PDF builders.

The XLSX and PDF writers never query the database: the document builders (reports/mau_forms.py,
reports/compliance.py, reports/yearend.py, reports/rollup_document.py) gather everything into these
dataclasses first, so both formats show exactly the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from accounts.signatures import Signer  # noqa: F401 (one signature block for the forms and the pages)

UNION = "ĐOÀN TNCS HỒ CHÍ MINH"


@dataclass
class Header:
    """The Union header (docs/domain.md §8, Hướng dẫn 29-HD/TWĐTN-VP): left cell superior body,
    issuing department (bold), "***", number line; right cell the Union's name (bold) and the
    place-and-date line (italic)."""

    superior: str
    issuer: str
    number: str
    place_date: str
    union: str = UNION


@dataclass
class Column:
    title: str
    width: int  # XLSX width in characters; the PDF uses it as a relative width
    numeric: bool = False
    align: str = "left"  # left | center | right
    xlsx_only: bool = False  # a column of the workbook only (the immersion mark import_trips reads back)


@dataclass
class Section:
    """One department's part of a whole-organization form (docs/domain.md §8): its heading row,
    then its rows numbered from 1; `empty_text` when it has none."""

    heading: str
    rows: list[list]
    empty_text: str = ""


@dataclass
class FormDocument:
    """Mẫu 1, 2, 3: a header, a title, optional intro lines, one table, signatures."""

    kind: str
    header: Header
    title: str
    subtitle: str
    reference: str
    columns: list[Column]
    rows: list[list]  # cells: str or Decimal (days)
    left: Signer | None = None
    right: Signer | None = None
    intro: list[str] = field(default_factory=list)
    numbering: list[str] = field(default_factory=list)  # the "(1) (2) …" row under the header, as in the seed
    total_column: int | None = None  # index of the column summed in the "Tổng" row
    total: Decimal | None = None
    note: str = ""  # a paragraph under the table
    recipients: list[str] = field(default_factory=list)
    landscape: bool = False
    file_stem: str = "bao-cao"
    empty_text: str = ""
    shows_sensitive: bool = False  # a sensitive exemption reason printed in full (fieldwork.privacy)

    # A whole-organization form: the departments' parts, each under its heading (rows: all of them).
    sections: list[Section] = field(default_factory=list)

    def parts(self) -> list[Section]:
        """The table's parts: the sections, or the rows as one part without a heading."""
        return self.sections or [Section(heading="", rows=self.rows, empty_text=self.empty_text)]

"""The shape of a report document, shared by the XLSX and PDF builders.

A builder never queries the database: reports/data.py and reports/compliance.py gather
everything into these dataclasses first, so both formats show exactly the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

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


@dataclass
class Signer:
    """One signature cell, top to bottom: the form's own caption (label, e.g. "Lãnh đạo
    Ban/Văn phòng phê duyệt"), over="KT. TRƯỞNG BAN" / "TM. BAN THƯỜNG VỤ", the signer's
    title in capitals, a note, room to sign, the name in bold (reports/signers.py)."""

    title: str
    label: str = ""
    over: str = ""
    note: str = ""
    name: str = ""


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

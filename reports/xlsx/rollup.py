"""The roll-up report as XLSX (docs/domain.md §10 `report rollup`): the Union header, the title,
one table whose header row holds "Đơn vị" and the columns of the contract in their order, one row
per descendant organization in tree order (indented by level), then the totals per level and the
grand total. Organization names are user text: always written as text, never as a formula."""

from __future__ import annotations

from openpyxl.styles import Alignment

from reports.rollup_document import RollupReport

from .common import (
    A_CELL_CENTER,
    A_LEFT,
    BORDER,
    F_BODY,
    F_CELL,
    F_CELL_BOLD,
    SheetWriter,
    new_workbook,
    register_text,
    setup,
)

WIDTHS = [40, 12, 12, 10, 12, 10, 10, 34]
_INDENTS: dict[int, Alignment] = {}


def indented(level: int) -> Alignment:
    a = _INDENTS.get(level)
    if a is None:
        a = _INDENTS[level] = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=2 * (level - 1))
    return a


def text(w: SheetWriter, value, font=F_CELL, align=A_LEFT, border=BORDER):
    """A cell that is text whatever it starts with ("=", "+", "-", "@" stay characters)."""
    c = w.cell(value, font, align, border)
    if isinstance(value, str):
        c.data_type = "s"
    return c


def build_rollup(doc: RollupReport, path, progress=lambda pct: None) -> None:
    wb = new_workbook(doc)
    ws = wb.create_sheet("Tổng hợp")
    n = len(doc.columns)
    setup(ws, landscape=True, widths=WIDTHS, register=register_text(doc))
    w = SheetWriter(ws, n, register=register_text(doc))
    w.union_header(doc.header, 3)
    w.titles(doc.title, doc.subtitle, doc.reference)
    for line in doc.summary:
        w.line(line, F_BODY, A_LEFT)
    w.blank()
    w.table_header(doc.columns, height=45)
    c = A_CELL_CENTER
    total = len(doc.rows) or 1
    for i, r in enumerate(doc.rows, 1):
        w.append(
            [text(w, r.name, F_CELL, indented(r.level))]
            + [w.cell(v, F_CELL, c, BORDER) for v in r.cells]
            + [text(w, r.submitted)]
        )
        if i % 200 == 0:
            progress(40 + 50 * i // total)
    for label, cells in [*doc.level_rows, doc.total_row]:
        w.append(
            [text(w, label, F_CELL_BOLD)]
            + [w.cell(v, F_CELL_BOLD, c, BORDER) for v in cells]
            + [w.cell(None, F_CELL, c, BORDER)]
        )
    w.signatures(None, doc.signer, 3, doc.recipients)
    wb.save(path)

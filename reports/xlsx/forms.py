"""Mẫu 1, 2, 3 as XLSX (docs/domain.md §8)."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from reports.documents import FormDocument

from .common import (
    A_CENTER,
    A_LEFT,
    ALIGN,
    BORDER,
    DAYS_FORMAT,
    F_BODY,
    F_CELL,
    F_CELL_BOLD,
    F_CELL_ITALIC,
    Formula,
    SheetWriter,
    fit_widths,
    new_workbook,
    register_text,
    setup,
)

SHEET_TITLES = {"mau1": "Mẫu 1", "mau2": "Mẫu 2", "mau3": "Mẫu 3", "yearsheet": "Đánh giá cuối năm"}


def build_form(doc: FormDocument, path, progress=lambda pct: None) -> None:
    wb = new_workbook(doc)
    ws = wb.create_sheet(SHEET_TITLES.get(doc.kind, "Báo cáo"))
    n = len(doc.columns)
    split = max(2, n // 2)
    w = SheetWriter(ws, n, register=register_text(doc))
    widths = fit_widths(doc.columns, doc.rows)
    # Rows before the table: 5 header + title block + intro; computed so print titles and
    # the frozen pane can be set before streaming (write-only sheets are set up first).
    title_block = 1 + bool(doc.subtitle) + bool(doc.reference) + 1
    header_row = 5 + title_block + len(doc.intro) + 1
    setup(
        ws, landscape=doc.landscape, widths=widths, title_rows=f"{header_row}:{header_row}", register=register_text(doc)
    )
    ws.freeze_panes = f"A{header_row + 1}"

    w.union_header(doc.header, split)
    w.titles(doc.title, doc.subtitle, doc.reference)
    for text in doc.intro:
        w.line(text, F_BODY, A_LEFT)
    assert w.row + 1 == header_row, (w.row, header_row)
    w.table_header([c.title for c in doc.columns], height=48 if doc.kind == "mau3" else None)
    if doc.numbering:
        w.numbering(doc.numbering)
    first = w.row + 1
    done = 0
    for part in doc.parts():
        if part.heading:
            w.append(
                [w.cell(part.heading, F_CELL_BOLD, A_LEFT, BORDER)]
                + [w.cell(None, border=BORDER) for _ in range(n - 1)]
            )
            w.merge(1, n)
        if not part.rows and part.empty_text:
            w.append(
                [w.cell(part.empty_text, F_CELL_ITALIC, A_CENTER, BORDER)]
                + [w.cell(None, border=BORDER) for _ in range(n - 1)]
            )
            w.merge(1, n)
        for row in part.rows:
            w.append(
                [
                    w.cell(v, F_CELL, ALIGN[c.align], BORDER, DAYS_FORMAT if c.numeric else None)
                    for v, c in zip(row, doc.columns, strict=True)
                ]
            )
            done += 1
            if done % 200 == 0:
                progress(60 + 30 * done // max(1, len(doc.rows)))
    last = w.row
    if doc.total_column is not None:
        col = get_column_letter(doc.total_column + 1)
        total = Formula(f"=SUM({col}{first}:{col}{last})") if doc.rows else 0  # headings hold no number
        cells = [w.cell("Tổng", F_CELL_BOLD, A_CENTER, BORDER)]
        cells += [w.cell(None, F_CELL, border=BORDER) for _ in range(1, doc.total_column)]
        cells += [w.cell(total, F_CELL_BOLD, A_CENTER, BORDER, DAYS_FORMAT, formula=True)]
        cells += [w.cell(None, F_CELL, border=BORDER) for _ in range(doc.total_column + 1, n)]
        w.append(cells)
        w.merge(1, doc.total_column)
    if doc.note:
        w.blank()
        w.line(doc.note, F_BODY, A_LEFT, height=max(20, 16 * (1 + len(doc.note) // 120)))
    w.signatures(doc.left, doc.right, split, doc.recipients)
    wb.save(path)

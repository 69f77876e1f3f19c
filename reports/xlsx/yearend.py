"""The year-end report as XLSX: the same parts and figures as the PDF (reports/yearend.py), on one
sheet: paragraphs as merged lines, tables with borders, numbers as numbers."""

from __future__ import annotations

from decimal import Decimal

from accounts.vietnamese import format_number
from reports.compliance import MET_DAYS
from reports.yearend import CATEGORY_COLUMNS, NOT_MET_COLUMNS, POSITION_COLUMNS, TOPIC_COLUMNS, YearEndReport

from .common import (
    A_CELL_CENTER,
    A_LEFT,
    BORDER,
    DAYS_FORMAT,
    F_BODY,
    F_BOLD,
    F_CELL,
    SheetWriter,
    font,
    new_workbook,
    register_text,
    setup,
)

WIDTHS = [6, 30, 14, 12, 12, 14, 14, 34]
N = len(WIDTHS)


def _paragraph(w: SheetWriter, text: str, f=F_BODY) -> None:
    w.line(text, f, A_LEFT, height=max(18, 17 * (1 + len(text) // 110)))


def _table(w: SheetWriter, titles: list[str], rows: list[list]) -> None:
    """A bordered table over the first len(titles) columns; the last title spans what is left."""
    n = len(titles)
    w.append(
        [w.cell(t, font(12, bold=True), A_CELL_CENTER, BORDER) for t in titles]
        + [w.cell(None, border=BORDER) for _ in range(N - n)],
        height=32,
    )
    w.merge(n, N)
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            is_number = isinstance(v, int | float | Decimal) and not isinstance(v, bool)
            align = A_CELL_CENTER if is_number or i == 0 else A_LEFT
            cells.append(w.cell(v, F_CELL, align, BORDER, DAYS_FORMAT if is_number else None))
        cells += [w.cell(None, border=BORDER) for _ in range(N - n)]
        longest = max((len(str(v)) for v in row if isinstance(v, str)), default=0)
        w.append(cells, height=max(16, 16 * (1 + longest // 40)))
        w.merge(n, N)


def build_year_end(doc: YearEndReport, path, progress=lambda pct: None) -> None:
    wb = new_workbook(doc)
    ws = wb.create_sheet("Báo cáo cuối năm")
    setup(ws, landscape=False, widths=WIDTHS, register=register_text(doc))
    w = SheetWriter(ws, N, register=register_text(doc))
    w.union_header(doc.header, 3)
    w.titles(doc.title, doc.subtitle, doc.reference)

    w.line("I. TÌNH HÌNH CHUNG", F_BOLD, A_LEFT)
    for text in doc.general:
        _paragraph(w, text)
    w.line("1. Theo ban, văn phòng", F_BOLD, A_LEFT)
    _table(
        w,
        doc.dept_columns,
        [
            [i, d.name, f"{d.subject}/{d.total}", d.went, d.done_days, d.met_days, d.met, d.immersion_done]
            for i, d in enumerate(doc.departments, 1)
        ],
    )
    _paragraph(w, doc.met_note, font(11, italic=True))
    w.line("2. Theo chức vụ", F_BOLD, A_LEFT)
    _table(
        w,
        [*POSITION_COLUMNS[:-1], MET_DAYS],
        [[i, x.position, x.total, x.subject, x.went, x.met_days] for i, x in enumerate(doc.positions, 1)],
    )
    w.line("3. Cán bộ không thuộc diện phải đi cơ sở", F_BOLD, A_LEFT)
    for text in doc.not_subject or ["Không có"]:
        _paragraph(w, f"- {text}.")
    w.line("4. Số ngày và số đợt “cùng ăn, cùng ở, cùng làm”", F_BOLD, A_LEFT)
    for text in doc.days:
        _paragraph(w, text)
    progress(60)

    w.blank()
    w.line("II. NỘI DUNG ĐI CƠ SỞ", F_BOLD, A_LEFT)
    _table(
        w,
        CATEGORY_COLUMNS,
        [[i, c.name, c.trips, c.days, c.cadres, "; ".join(c.examples)] for i, c in enumerate(doc.categories, 1)],
    )
    for c in doc.topic_categories:
        w.line(f"Theo chuyên đề: {c.name}", F_BOLD, A_LEFT)
        _table(w, TOPIC_COLUMNS, [[i, t.name, t.trips, t.days, t.cadres] for i, t in enumerate(c.topics, 1)])
    w.blank()
    w.line("III. CÁN BỘ CHƯA ĐẠT YÊU CẦU VÀ LÝ DO", F_BOLD, A_LEFT)
    for text in doc.not_met_summary:
        _paragraph(w, text)
    if doc.not_met:
        _table(
            w,
            NOT_MET_COLUMNS,
            [
                [
                    i,
                    x.name,
                    x.department,
                    f"{format_number(x.done)}/{format_number(x.required)}",
                    x.immersion,
                    x.status_label,
                    x.why,
                ]
                for i, x in enumerate(doc.not_met, 1)
            ],
        )
    elif doc.issue != "upward":
        _paragraph(w, "Tất cả cán bộ thuộc diện phải đi cơ sở đều đạt yêu cầu.")
    w.blank()
    w.line("IV. ĐÁNH GIÁ CHUNG", F_BOLD, A_LEFT)
    w.line("1. Mặt được", F_BOLD, A_LEFT)
    _paragraph(w, doc.strengths)
    w.line("2. Hạn chế", F_BOLD, A_LEFT)
    _paragraph(w, doc.limitations)
    w.line("V. ĐỀ XUẤT, KIẾN NGHỊ", F_BOLD, A_LEFT)
    _paragraph(w, doc.proposals)
    w.signatures(None, doc.signer, 4, doc.recipients)
    progress(90)
    wb.save(path)

"""The quarterly compliance report as XLSX: the formal report on the first sheet, and a second
sheet of plain per-cadre data with an autofilter for the Board's own analysis."""

from __future__ import annotations

from accounts.vietnamese import format_number
from fieldwork.violations import violation_labels
from reports.compliance import ComplianceReport

from .common import (
    A_CELL_CENTER,
    A_LEFT,
    BORDER,
    DAYS_FORMAT,
    F_BOLD,
    F_CELL,
    F_CELL_BOLD,
    SheetWriter,
    font,
    new_workbook,
    register_text,
    setup,
)

WIDTHS = [6, 26, 24, 18, 11, 11, 11, 13, 16, 30]
FIGURES_ONLY_NOTE = (
    "Bản số liệu gửi cấp trên: số liệu theo tổ chức và theo ban, văn phòng; không có thông tin cá nhân của cán bộ."
)
DATA_COLUMNS = [
    ("STT", 6),
    ("Họ và tên", 26),
    ("Email", 28),
    ("Ban, văn phòng", 24),
    ("Chức vụ", 18),
    ("Đối tượng", 9),
    ("Tình trạng", 18),
    ("Mã tình trạng", 10),
    ("Số ngày phải đi", 10),
    ("Số ngày trong kỳ báo cáo", 10),
    ("Số ngày lũy kế", 10),
    ("Số ngày đã đăng ký, chưa thực hiện xong", 12),
    ("Đợt “cùng ăn, cùng ở, cùng làm” đạt", 9),
    ("Đợt “cùng ăn, cùng ở, cùng làm” phải đi", 9),
    ("Lý do miễn", 22),
    ("Đã đi trong kỳ báo cáo", 9),
    ("Vi phạm", 24),
    ("Số ngày chờ xác nhận", 10),
]


def build_compliance(doc: ComplianceReport, path, progress=lambda pct: None) -> None:
    wb = new_workbook(doc)
    ws = wb.create_sheet("Báo cáo")
    n = len(WIDTHS)
    split = 4
    setup(ws, landscape=True, widths=WIDTHS, register=register_text(doc))
    w = SheetWriter(ws, n, register=register_text(doc))
    F_NOTE = font(11, italic=True)
    w.union_header(doc.header, split)
    w.titles(doc.title, doc.subtitle, doc.reference)

    w.line("I. TỔNG HỢP", F_BOLD, A_LEFT)
    for label, value in doc.summary:
        cells = [w.cell(label, F_CELL, A_LEFT, BORDER)] + [w.cell(None, border=BORDER) for _ in range(5)]
        cells += [w.cell(value, F_CELL_BOLD, A_LEFT, BORDER, DAYS_FORMAT)] + [
            w.cell(None, border=BORDER) for _ in range(n - 7)
        ]
        w.append(cells)
        w.merge(1, 6)
        w.merge(7, n)
    w.blank()

    w.line("II. THEO BAN, VĂN PHÒNG", F_BOLD, A_LEFT)
    w.table_header(doc.dept_columns, height=45)
    c = A_CELL_CENTER
    for i, d in enumerate(doc.departments, 1):
        w.append(
            [
                w.cell(i, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(d.name, F_CELL, A_LEFT, BORDER),
                w.cell(f"{format_number(d.subject)}/{format_number(d.total)}", F_CELL, c, BORDER),
                w.cell(d.went_in_period, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(d.period_days, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(d.done_days, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(d.met_days, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(d.met, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(d.immersion_done, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(d.mau3, F_CELL, A_LEFT, BORDER),
            ]
        )
    w.line(doc.met_note, F_NOTE, A_LEFT, height=30)
    w.blank()
    progress(40)

    if doc.figures_only:
        # The copy sent up the tree (docs/domain.md §6): figures per organization and department only.
        w.line(FIGURES_ONLY_NOTE, F_NOTE, A_LEFT, height=30)
        w.signatures(None, doc.signer, split + 2, doc.recipients)
        wb.save(path)
        return

    w.line("III. THEO CÁN BỘ", F_BOLD, A_LEFT)
    header_row = w.table_header(doc.cadre_columns, height=45)
    # The per-cadre table spans pages: its header row repeats on each (print titles).
    ws.print_title_rows = f"{header_row}:{header_row}"
    total = len(doc.cadres)
    for i, p in enumerate(doc.cadres, 1):
        w.append(
            [
                w.cell(i, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(p.name, F_CELL, A_LEFT, BORDER),
                w.cell(p.department, F_CELL, A_LEFT, BORDER),
                w.cell(p.position, F_CELL, A_LEFT, BORDER),
                w.cell(p.required, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(p.quarter_days, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(p.done_days, F_CELL, c, BORDER, DAYS_FORMAT),
                w.cell(f"{p.immersion_done}/{p.immersion_required}", F_CELL, c, BORDER),
                w.cell(p.status_label, F_CELL, A_LEFT, BORDER),
                w.cell(p.note, F_CELL, A_LEFT, BORDER),
            ]
        )
        if i % 2000 == 0:
            progress(40 + 25 * i // total)
    w.signatures(None, doc.signer, split + 2, doc.recipients)

    # Sheet 2: one header row, one row per cadre, numbers as numbers, an autofilter.
    data = wb.create_sheet("Dữ liệu cán bộ")
    setup(data, landscape=True, widths=[wd for _, wd in DATA_COLUMNS], title_rows="1:1", register=register_text(doc))
    data.freeze_panes = "C2"
    last = total + 1
    data.auto_filter.ref = f"A1:{chr(ord('A') + len(DATA_COLUMNS) - 1)}{last}"
    dw = SheetWriter(data, len(DATA_COLUMNS))
    dw.append([dw.cell(t, F_CELL_BOLD, A_CELL_CENTER, BORDER) for t, _ in DATA_COLUMNS], height=45)
    # Plain values (no per-cell style): the sheet is data for filters and pivot tables.
    for i, p in enumerate(doc.cadres, 1):
        dw.values(
            [
                i,
                p.name,
                p.email,
                p.department,
                p.position,
                p.group,
                p.status_label,
                p.status,
                p.required,
                float(p.quarter_days),
                float(p.done_days),
                float(p.planned_days),
                p.immersion_done,
                p.immersion_required,
                p.exemption,
                "Có" if p.went else "Không",
                violation_labels(p.violations),
                float(p.pending_days),
            ]
        )
        if i % 2000 == 0:
            progress(65 + 25 * i // total)
    wb.save(path)

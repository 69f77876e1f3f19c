"""Figures for docs/security.md “Files”: reading workbooks at the caps, and refusing hostile ones.

DJANGO_SETTINGS_MODULE=config.settings DJANGO_TESTING=1 .venv/bin/python bench/hostile_workbooks.py
"""

import sys
import time
import tracemalloc
import zipfile
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from fieldwork.importers.workbook import ImportFailed, open_sheet  # noqa: E402

HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def xlsx(chunks) -> bytes:
    from openpyxl import Workbook

    buf = BytesIO()
    Workbook().save(buf)
    src = zipfile.ZipFile(buf)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open(item.filename, "w", force_zip64=True) as w:
                    for c in chunks:
                        w.write(c.encode())
            else:
                dst.writestr(item, src.read(item.filename))
    return out.getvalue()


def measure(name, data):
    def run():
        try:
            sheet = open_sheet(BytesIO(data), {"name": ("Họ và tên",)}, ("name",))
            return f"{len(sheet.rows)} rows read"
        except ImportFailed as exc:
            return f"refused: {exc.errors[0].message[:60]}"

    t = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - t
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{name:<48} {len(data) / 1024:>8.0f} KB {seconds:>6.2f} s {peak:>7.1f} MiB  {outcome}")


def legit(rows, cols):
    yield (
        HEAD
        + "<sheetData><row>"
        + "".join(
            f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in ["Họ và tên"] + [f"C{j}" for j in range(cols - 1)]
        )
        + "</row>"
    )
    row = "<row>" + "".join(f'<c t="inlineStr"><is><t>Nguyễn Văn {j}</t></is></c>' for j in range(cols)) + "</row>"
    for _ in range(rows):
        yield row
    yield "</sheetData></worksheet>"


def dimension_bomb():
    yield HEAD + '<dimension ref="A1:XFD1048576"/><sheetData>'
    yield '<row><c t="inlineStr"><is><t>Họ và tên</t></is></c></row>'
    yield "<row><c><v>1</v></c></row>" * 2000
    yield "</sheetData></worksheet>"


def zip_bomb():
    yield HEAD + "<sheetData>"
    for _ in range(800):
        yield "<row><c><v>1</v></c></row>" * 10_000
    yield "</sheetData></worksheet>"


def dense():
    yield HEAD + "<sheetData><row>"
    yield "<c><v>1</v></c>" * 2_400_000
    yield "</row></sheetData></worksheet>"


if __name__ == "__main__":
    measure("10,000 rows x 20 columns (within the caps)", xlsx(legit(10_000, 20)))
    measure("declared A1:XFD1048576, 2,000 rows", xlsx(dimension_bomb()))
    measure("zip bomb: 200 MB of rows", xlsx(zip_bomb()))
    measure("2.4 M cells in one row (38 MB unpacked)", xlsx(dense()))

"""docs/security.md “Files”: imports read hostile workbooks lazily, with caps, with defusedxml, and turn
malformed XML into a clear error on the preview (never a 500). Each crafted file starts from a
real workbook whose worksheet part is replaced."""

import time
import tracemalloc
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from fieldwork.importers.cadres import read_cadres
from tests.fieldwork.test_import_cadres import workbook

pytestmark = pytest.mark.django_db
SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def with_sheet(sheet_chunks, path=None):
    """The valid people workbook with its first worksheet replaced by the given XML, streamed
    (the test itself never holds the uncompressed part in memory)."""
    src = zipfile.ZipFile(BytesIO(workbook()))
    out = path.open("wb") if path else BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            if item.filename == SHEET:
                with dst.open(SHEET, "w", force_zip64=True) as w:
                    for chunk in sheet_chunks:
                        w.write(chunk.encode())
            else:
                dst.writestr(item, src.read(item.filename))
    if path:
        out.close()
        return path
    return out.getvalue()


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_and_one_row(dimension="A1:F2", numbered_rows=0):
    yield HEAD + f'<dimension ref="{dimension}"/><sheetData>'
    yield '<row r="1">' + "".join(
        inline(f"{c}1", h) for c, h in zip("ABCDEF", ["STT", "Họ và tên", "Email", "Ban", "Chức vụ", "Đối tượng"])
    )
    yield "</row>"
    yield '<row r="2">' + "".join(
        inline(f"{c}2", v) for c, v in zip("BCDEF", ["Nguyễn Văn An", "an@tn.vn", "Văn phòng", "Chuyên viên", "2.3"])
    )
    yield "</row><row><c><v>1</v></c>" * numbered_rows
    yield "</row></sheetData></worksheet>"


def measured(fn):
    """(result, seconds, peak MiB): timed without tracing (tracemalloc slows Python 3-fold),
    then run again under tracemalloc for the peak of Python allocations."""
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    try:
        fn()
        _cur, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, seconds, peak / (1024 * 1024)


def read(people, data_or_path, tmp_path):
    path = data_or_path if not isinstance(data_or_path, bytes) else tmp_path / "in.xlsx"
    if isinstance(data_or_path, bytes):
        path.write_bytes(data_or_path)
    return read_cadres(str(path), organization=people["org"], plan=people["plan"], actor=people["board"])


def test_a_huge_declared_dimension_is_ignored(people, tmp_path):
    """A 12 KB file declaring A1:XFD1048576 used to have each of its 2,000 rows padded to
    16,384 columns (about 250 MB)."""
    data = with_sheet(header_and_one_row("A1:XFD1048576", numbered_rows=2000))
    assert len(data) < 12 * 1024
    result, seconds, peak_mb = measured(lambda: read(people, data, tmp_path))
    assert result.errors == [] and [line.email for line in result.new] == ["an@tn.vn"]
    assert seconds < 5 and peak_mb < 30, (seconds, peak_mb)  # generous: the machine is shared


def test_zip_bomb_is_refused_quickly_with_bounded_memory(people, tmp_path):
    """Half a megabyte that unpacks to about 200 MB of cells: refused before it is parsed."""

    def bomb():
        yield HEAD + "<sheetData>"
        chunk = "<row><c><v>1</v></c></row>" * 10_000
        for _ in range(800):
            yield chunk
        yield "</sheetData></worksheet>"

    path = with_sheet(bomb(), tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 600 * 1024
    result, seconds, peak_mb = measured(lambda: read(people, path, tmp_path))
    assert len(result.errors) == 1 and "Tệp giải nén ra hơn" in str(result.errors[0])
    assert seconds < 2 and peak_mb < 20, (seconds, peak_mb)


def test_too_many_cells_in_a_small_part_are_refused_while_streaming(people, tmp_path, settings):
    """Under the uncompressed cap but far above the cell cap: refused by the element budget."""
    settings.IMPORT_MAX_CELLS = 10_000
    settings.IMPORT_MAX_ROWS = 1_000

    def many():
        yield HEAD + '<sheetData><row r="1">'
        yield "<c><v>1</v></c>" * 150_000
        yield "</row></sheetData></worksheet>"

    data = with_sheet(many())
    result, seconds, peak_mb = measured(lambda: read(people, data, tmp_path))
    assert len(result.errors) == 1 and "quá nhiều ô" in str(result.errors[0])
    assert seconds < 10 and peak_mb < 20, (seconds, peak_mb)  # generous: the machine is shared


def test_row_and_column_caps(people, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    result = read(people, workbook(), tmp_path)
    assert "Trang tính có hơn 3 dòng" in str(result.errors[0])
    settings.IMPORT_MAX_ROWS = 20_000

    def wide():
        yield from list(header_and_one_row())[:-1]
        yield '</row><row r="3">' + inline("XFD3", "x") + "</row></sheetData></worksheet>"

    result = read(people, with_sheet(wide()), tmp_path)
    assert "Trang tính có hơn 60 cột" in str(result.errors[0])


def test_entity_expansion_is_refused(people, tmp_path):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    )
    result = read(people, with_sheet([laughs]), tmp_path)
    assert len(result.errors) == 1 and "XML không hợp lệ" in str(result.errors[0])
    import openpyxl

    assert openpyxl.DEFUSEDXML  # and openpyxl itself parses with defusedxml (requirements.txt)


def test_malformed_xml_is_a_clear_error_on_the_preview(client, people):
    broken = with_sheet([HEAD + '<sheetData><row r="1"><c r="A1"><v>1</v></row></sheetData>'])
    client.force_login(people["board"])
    resp = client.post(
        reverse("fieldwork:people_import"),
        {"file": SimpleUploadedFile("people.xlsx", broken), "plan": people["plan"].pk},
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Tệp Excel bị hỏng hoặc có nội dung không được phép (XML không hợp lệ)" in html
    assert not User.objects.filter(email="an@tn.vn").exists()


def test_a_control_character_reference_is_refused_as_malformed(people, tmp_path):
    """XML 1.0 cannot carry the control characters a report could not hold: such a part is
    malformed, refused before openpyxl reads it."""
    chunks = list(header_and_one_row())
    chunks[3] = chunks[3].replace("Chuyên viên", "Chuyên&#7;viên")
    result = read(people, with_sheet(chunks), tmp_path)
    assert len(result.errors) == 1 and "XML không hợp lệ" in str(result.errors[0])

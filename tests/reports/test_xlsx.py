"""Every XLSX form opened with openpyxl: values, merged ranges, the "Tổng" SUM formula,
print setup (docs/domain.md §8–§9)."""

from decimal import Decimal

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def find(ws, text):
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return c
    raise AssertionError(f"{text!r} not in sheet {ws.title}")


def test_mau1_header_table_and_signatures(build, report_data):
    ws = load_workbook(build("mau1", "xlsx", cadre=report_data["cadre"], quarter=1)).active
    assert ws.title == "Mẫu 1"
    # Union header: left superior / issuer / *** / number, right Union / its rule / place-date.
    assert ws["A1"].value == "BCH ĐOÀN TỈNH TÂY NINH"
    assert ws["A2"].value == "BAN PHONG TRÀO" and ws["A2"].font.b
    assert ws["A3"].value == "***"
    assert ws["A4"].value is None  # registrations carry no "Số: …-BC" line (docs/domain.md §8)
    assert ws["D1"].value == "ĐOÀN TNCS HỒ CHÍ MINH" and ws["D1"].font.b
    # The rule under the Union's name: a line over the middle of the right cells, nothing else.
    assert [ws.cell(2, c).border.top.style for c in range(4, 7)] == [None, "thin", None]
    # Not submitted yet (the registration has no submission date): the date is left to write by hand.
    assert " ".join(ws["D3"].value.split()) == "Tây Ninh, ngày tháng năm 2023" and ws["D3"].font.i
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:C1", "D1:F1", "A6:F6"} <= merged
    assert ws["A6"].value == "BẢN ĐĂNG KÝ" and ws["A6"].font.b
    assert ws["A7"].value == "Đi công tác cơ sở theo chủ trương “1+2” quý I năm 2023"
    assert find(ws, "1. Họ và tên: Trần Thị Dung")
    assert find(ws, "2. Chức vụ: Chuyên viên")
    head = find(ws, "STT").row
    assert [c.value for c in ws[head]] == [
        "STT",
        "Nội dung",
        "Số ngày đi",
        "Thời gian cụ thể",
        "Địa điểm",
        "Cùng ăn, cùng ở, cùng làm",
    ]
    assert [c.value for c in ws[head + 1]] == ["(1)", "(2)", "(3)", "(4)", "(5)", None]
    first = [c.value for c in ws[head + 2]]
    assert first == [
        1,
        "1.1 Phối hợp tổ chức, triển khai hoạt động tại cơ sở: Hỗ trợ tổ chức Tháng Thanh niên\n"
        "(đợt “cùng ăn, cùng ở, cùng làm”)",
        30,
        "Từ ngày 09/1/2023 đến ngày 07/2/2023",
        "Xã Tân Đông, huyện Tân Châu",
        "x",
    ]
    assert [c.value for c in ws[head + 3]][1:3] == ["1.3 Theo chuyên đề", 10]
    assert ws[head + 3][5].value is None  # not an immersion trip: no mark, no "x"
    # The imported trip and the invited attendance are not registration lines.
    assert ws[head + 4][0].value is None
    assert ws.freeze_panes == f"A{head + 1}"
    assert ws.print_title_rows == f"${head}:${head}"
    assert ws[f"B{head + 2}"].border.left.style == "thin" and ws[f"B{head + 2}"].alignment.wrap_text
    assert find(ws, "Lãnh đạo Ban/Văn phòng phê duyệt").font.b
    assert find(ws, "Người đăng ký")
    assert find(ws, "Võ Minh Hải").font.b  # the approver, under the left signature
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert round(ws.page_margins.left * 25.4) == 30 and round(ws.page_margins.right * 25.4) == 15


def test_mau2_lists_approved_registration_lines_only(build, report_data):
    ws = load_workbook(build("mau2", "xlsx", department=report_data["d1"], quarter=1)).active
    head = find(ws, "STT").row
    assert [c.value for c in ws[head]] == [
        "STT",
        "Họ và tên",
        "Chức vụ",
        "Nội dung đi cơ sở",
        "Thời gian cụ thể",
        "Địa điểm",
        "Cùng ăn, cùng ở, cùng làm",
    ]
    rows = [[c.value for c in ws[r]] for r in range(head + 1, head + 3)]
    assert rows[0][3].endswith("\n(đợt “cùng ăn, cùng ở, cùng làm”)") and rows[0][6] == "x"
    assert [r[1] for r in rows] == ["Trần Thị Dung", "Trần Thị Dung"]
    assert rows[1][3] == "1.3 Theo chuyên đề" and rows[1][4] == "Từ ngày 01/3/2023 đến ngày 15/3/2023"
    assert ws[head + 3][1].value is None  # no imported result, no Em (no registration)
    assert ws.page_setup.orientation == "landscape"
    assert find(ws, "Phê duyệt của Lãnh đạo Tỉnh đoàn")
    assert find(ws, "Hồ Thị Lan")  # the Standing member who approved the department plan
    assert find(ws, "PHÓ BÍ THƯ")  # in her own title: approving a plan is not signing for the committee
    assert not any(str(c.value or "").startswith("TM.") for row in ws.iter_rows() for c in row)
    assert find(ws, "TRƯỞNG BAN") and find(ws, "Võ Minh Hải")


def test_mau3_done_trips_total_formula(build, report_data):
    ws = load_workbook(build("mau3", "xlsx", department=report_data["d1"], quarter=1)).active
    head = find(ws, "STT").row
    assert [c.value for c in ws[head]][:7] == [
        "STT",
        "Họ và tên",
        "Nội dung",
        "Cụ thể nội dung đi cơ sở",
        "Số ngày đi",
        "Thời gian cụ thể",
        "Địa điểm",
    ]
    assert ws[head][7].value.startswith("Nêu khái quát những kết quả chủ yếu")
    assert ws[head][8].value == "Cùng ăn, cùng ở, cùng làm"
    assert [c.value for c in ws[head + 1]] == ["(1)", None, "(2)", "(3)", "(4)", "(5)", "(6)", None, None]
    data = [[c.value for c in ws[r]] for r in range(head + 2, head + 5)]
    assert [r[8] for r in data] == ["x", None, None]
    # People in Vietnamese order: Dung (given name D) before Em; confirmed trips of counting categories only.
    assert [(r[1], r[4]) for r in data] == [("Trần Thị Dung", 30), ("Trần Thị Dung", 2), ("Lê Văn Em", 2.5)]
    assert data[0][7] == "Củng cố chi đoàn ấp\nHạn chế: Thiếu kinh phí"
    total = ws[head + 5]
    assert total[0].value == "Tổng"
    assert total[4].value == f"=SUM(E{head + 2}:E{head + 4})"
    assert f"A{head + 5}:D{head + 5}" in {str(r) for r in ws.merged_cells.ranges}
    assert find(ws, "Ban hoàn thành kế hoạch quý I.")
    assert find(ws, "TRƯỞNG BAN").font.b
    assert find(ws, "Nơi nhận:").font.b and find(ws, "Nơi nhận:").font.i


def test_mau3_total_computes_in_python_too(report_data):
    from reports.mau_forms import mau3
    from reports.params import Params

    doc = mau3(
        Params(
            organization=report_data["org"],
            plan=report_data["plan"],
            year=2023,
            quarter=1,
            department=report_data["d1"],
        ),
        report_data["plan"].period_start,
    )
    assert doc.total == Decimal("34.5")


def test_compliance_workbook(build, report_data):
    wb = load_workbook(build("compliance", "xlsx", quarter=1))
    ws = wb["Báo cáo"]
    assert ws["A1"].value == "BCH ĐOÀN TỈNH TÂY NINH"
    assert ws["E1"].value == "ĐOÀN TNCS HỒ CHÍ MINH"
    assert find(ws, "BÁO CÁO")
    assert find(ws, "Cán bộ thuộc diện phải đi cơ sở / tổng số cán bộ").offset(column=6).value == "9/10"
    assert find(ws, "Cán bộ không thực hiện (miễn)").offset(column=6).value == "1 (Kế toán: 1)"
    # docs/rules.md “A year in the life”: the summary's figures are number cells, shown with the locale's marks.
    days = find(ws, "Số ngày đi cơ sở trong quý").offset(column=6)
    assert days.value == 34.5 and days.number_format == "#,##0.0"
    avg = find(ws, "Bình quân ngày lũy kế / cán bộ").offset(column=6)
    assert isinstance(avg.value, (int, float)) and avg.number_format in ("#,##0", "#,##0.0")
    cum = find(ws, "Số ngày đi cơ sở lũy kế từ đầu năm").offset(column=6)
    assert isinstance(cum.value, (int, float)) and cum.data_type == "n"
    assert (
        find(ws, "Ban, văn phòng gửi mẫu 3 muộn hoặc chưa gửi").offset(column=6).value == "2: Ban Phong trào; Văn phòng"
    )
    dung = find(ws, "Trần Thị Dung")
    row = [c.value for c in ws[dung.row]]
    assert row[1:8] == ["Trần Thị Dung", "Ban Phong trào", "Chuyên viên", 60, 32, 32, "1/2"]
    assert row[8] == "Có nguy cơ không đạt"
    quynh = [c.value for c in ws[find(ws, "Ngô Thị Quỳnh").row]]
    assert quynh[8:10] == ["Miễn thực hiện", "Miễn: Kế toán"]
    assert ws.page_setup.orientation == "landscape"
    data = wb["Dữ liệu cán bộ"]
    assert data.auto_filter.ref == "A1:R11"
    assert data.freeze_panes == "C2"
    header = [c.value for c in data[1]]
    assert header[:3] == ["STT", "Họ và tên", "Email"]
    names = [r[1] for r in data.iter_rows(min_row=2, values_only=True)]
    assert names[0] == "Trần Thị Dung" and "Ngô Thị Quỳnh" in names and len(names) == 10
    em = next(r for r in data.iter_rows(min_row=2, values_only=True) if r[1] == "Lê Văn Em")
    assert em[9:11] == (2.5, 2.5) and em[7] == "at_risk" and em[15] == "Có"
    # docs/rules.md “A year in the life”: the "Vi phạm" column in words, never an engine code.
    for r in data.iter_rows(min_row=2, values_only=True):
        assert not any(code in str(r[16] or "") for code in ("NOT_COUNTED", "IMMERSION_", "OVERLAP", "LATE_REPORT"))

"""import_trips (docs/domain.md §10): mẫu 3 layout, every accepted form, all-or-nothing errors, re-import."""

from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from fieldwork.importers.trips import parse_period, read_trips
from fieldwork.models import HistoryEntry, Trip
from fieldwork.selectors import standing_for
from tests.access import assert_access
from tests.factories import UserFactory, make_trip

HEADER = [
    "STT",
    "Họ và tên",
    "Nội dung",
    "Cụ thể nội dung đi cơ sở",
    "Số ngày đi",
    "Thời gian cụ thể",
    "Địa điểm",
    "Nêu khái quát những kết quả chủ yếu (mặt được, hạn chế của từng nội dung); đề xuất, kiến nghị (nếu có)",
]


def workbook(path, rows, *, extra_headers=(), title="Mẫu 3"):
    """Title lines, the header (worksheet row 4), the numbering row (5), data from row 6, then "Tổng"."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["BAN PHONG TRÀO"])
    ws.append(["TỔNG HỢP BÁO CÁO"])
    ws.append(["Kết quả đi công tác quý I năm 2023"])
    ws.append(HEADER + list(extra_headers))
    ws.append(["(1)", None, "(2)", "(3)", "(4)", "(5)", "(6)", None])
    for i, r in enumerate(rows, start=1):
        ws.append([i, *r])
    ws.append(["Tổng", None, None, None, 999, None, None, None])
    wb.save(path)
    return str(path)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_trips", *args, stdout=out, stderr=err)
    return out.getvalue()


def run_fail(*args) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="không nhập gì"):
        call_command("import_trips", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


GOOD = [
    [
        "Trần Thị Dung",
        "1.1 Phối hợp tổ chức, triển khai hoạt động tại cơ sở",
        "Hè tình nguyện",
        "30 ngày",
        "Từ ngày 01/4/2023 đến ngày 30/4/2023",
        "Xã Tân Đông",
        "Tốt",
        "x",
    ],
    ["lê văn em", "1.5", "Sinh hoạt chi đoàn", 2.5, "01/6/2023 – 03/6/2023", "Xã Tân Hà", "", ""],
    ["Lê Văn Em", "Kiểm tra, giám sát", "Kiểm tra", "2,5", "05/6/2023 - 07/6/2023", "Xã Tân Hà", "", "không"],
    ["Phạm Đức", "1.3", "Chuyên đề 3 chủ động", 1, datetime(2023, 7, 4), "Xã Suối Đá", "", "có"],
    ["Phạm Đức", "1.1", "Hội trại", "3", "Từ ngày 01/4/2023 – 01/5/2023", "Xã Suối Đá", "", ""],
]


def test_imports_every_accepted_form(people, tmp_path):
    path = workbook(tmp_path / "m3.xlsx", GOOD, extra_headers=["Cùng ăn, cùng ở, cùng làm"])
    out = run("--org", "tay-ninh", "--year", "2023", path)
    assert "Đã nhập: 5 đợt mới" in out
    trips = {(t.person.email, t.category.code): t for t in Trip.objects.select_related("person", "category")}
    assert len(trips) == 5
    t = trips[("dung@tn.vn", "1.1")]
    assert (t.start, t.end, t.days, t.immersion, t.location, t.content, t.results) == (
        date(2023, 4, 1),
        date(2023, 4, 30),
        Decimal("30"),
        True,
        "Xã Tân Đông",
        "Hè tình nguyện",
        "Tốt",
    )
    assert (t.status, t.source) == (Trip.Status.CONFIRMED, Trip.Source.IMPORT)
    assert (trips[("em@tn.vn", "1.5")].days, trips[("em@tn.vn", "1.5")].start) == (Decimal("2.5"), date(2023, 6, 1))
    assert trips[("em@tn.vn", "1.2")].end == date(2023, 6, 7) and not trips[("em@tn.vn", "1.2")].immersion
    assert (
        trips[("duc@tn.vn", "1.3")].start,
        trips[("duc@tn.vn", "1.3")].end,
        trips[("duc@tn.vn", "1.3")].immersion,
    ) == (date(2023, 7, 4), date(2023, 7, 4), True)
    assert trips[("duc@tn.vn", "1.1")].end == date(2023, 5, 1)
    assert HistoryEntry.objects.filter(object_type="trip", action="imported").count() == 5
    # Counted by the one engine: Dung's 30 immersion days done.
    s = standing_for(people["plan"], people["cadre"], date(2023, 6, 30))
    assert (s.done_days, s.immersion_done) == (Decimal("30"), 1)


def test_reimport_skips_the_same_trips(people, tmp_path):
    path = workbook(tmp_path / "m3.xlsx", GOOD)
    run("--org", "tay-ninh", "--year", "2023", path)
    out = run("--org", "tay-ninh", "--year", "2023", path)
    assert Trip.objects.count() == 5
    assert "0 đợt mới" in out and "5 đợt đã có nên bỏ qua" in out and "= dòng 6: đã có" in out


def test_dry_run_writes_nothing(people, tmp_path):
    out = run("--org", "tay-ninh", "--year", "2023", "--dry-run", workbook(tmp_path / "m3.xlsx", GOOD))
    assert "Chạy thử (không lưu): 5 đợt mới" in out and Trip.objects.count() == 0


def test_rule_breaking_trips_are_imported_with_their_violation(people, tmp_path):
    make_trip(people["plan"], people["cadre"], start=date(2023, 3, 1), end=date(2023, 3, 2), days="2")
    rows = [
        ["Trần Thị Dung", "1.1", "", "5", "01/3/2023 - 03/3/2023", "Xã A", "", ""],  # 5 > 3 days, overlaps
        ["Trần Thị Dung", "moi", "", "1", "10/3/2023", "Xã A", "", ""],  # not counted
        ["Trần Thị Dung", "1.1", "", "3", "24/10/2023 - 26/10/2023", "Xã A", "", ""],  # partly after 25/10
        ["Trần Thị Dung", "1.1", "", "10", "01/5/2023 - 10/5/2023", "Xã A", "", "x"],  # immersion < 30 days
    ]
    path = workbook(tmp_path / "m3.xlsx", rows, extra_headers=["Cùng ăn, cùng ở, cùng làm"])
    result = read_trips(path, plan=people["plan"])
    assert not result.errors
    assert [line.violations for line in result.new] == [
        ["DAYS_EXCEED_SPAN", "OVERLAP"],
        ["NOT_COUNTED_CATEGORY"],
        ["OUTSIDE_PERIOD"],
        ["IMMERSION_TOO_SHORT"],
    ]
    out = run("--org", "tay-ninh", "--year", "2023", path)
    assert "4 đợt mới (4 đợt có vi phạm)" in out and "vi phạm: DAYS_EXCEED_SPAN, OVERLAP" in out
    assert Trip.objects.filter(source=Trip.Source.IMPORT).count() == 4


def test_email_tells_apart_two_people_of_one_name(people, tmp_path):
    twin = UserFactory(department=people["d2"], full_name="Trần Thị Dung", email="dung2@tn.vn")
    rows = [["Trần Thị Dung", "1.1", "", "1", "02/3/2023", "Xã A", "", "dung2@tn.vn"]]
    run("--org", "tay-ninh", "--year", "2023", workbook(tmp_path / "m3.xlsx", rows, extra_headers=["Email"]))
    assert Trip.objects.get().person == twin


@pytest.mark.parametrize(
    ("row", "extra", "expected"),
    [
        (
            ["Nguyễn Văn Không Có", "1.1", "", "1", "02/3/2023", "Xã A", "", ""],
            [],
            "Mẫu 3, dòng 6, cột Họ và tên: Không tìm thấy cán bộ “Nguyễn Văn Không Có”",
        ),
        (
            ["Trần Thị Dung", "1.1", "", "1", "02/3/2023", "Xã A", "", ""],
            ["twin"],
            "Mẫu 3, dòng 6, cột Họ và tên: Có 2 cán bộ tên “Trần Thị Dung”",
        ),
        (
            ["Trần Thị Dung", "1.1", "", "1", "31/02/2023", "Xã A", "", ""],
            [],
            "Mẫu 3, dòng 6, cột Thời gian cụ thể: Ngày 31/02/2023 không tồn tại.",
        ),
        (
            ["Trần Thị Dung", "1.1", "", "1", "tháng Ba", "Xã A", "", ""],
            [],
            "Mẫu 3, dòng 6, cột Thời gian cụ thể: “tháng Ba” không đọc được",
        ),
        (
            ["Trần Thị Dung", "1.1", "", "2,3", "02/3/2023 - 04/3/2023", "Xã A", "", ""],
            [],
            "Mẫu 3, dòng 6, cột Số ngày đi: “2,3” không phải số ngày hợp lệ",
        ),
        (
            ["Trần Thị Dung", "9.9 Việc khác", "", "1", "02/3/2023", "Xã A", "", ""],
            [],
            "Mẫu 3, dòng 6, cột Nội dung: Nội dung “9.9 Việc khác” không có trong kế hoạch năm 2023",
        ),
        (
            ["Trần Thị Dung", "1.1", "", "1", "10/3/2023 - 02/3/2023", "Xã A", "", ""],
            [],
            "Mẫu 3, dòng 6, cột Thời gian cụ thể: “Đến ngày” (02/03/2023) trước “Từ ngày” (10/03/2023).",
        ),
        (
            ["Trần Thị Dung", "1.1", "", "1", "02/3/2024", "Xã A", "", ""],
            [],
            "Mẫu 3, dòng 6, cột Thời gian cụ thể: Thời gian 02/03/2024 – 02/03/2024 không thuộc năm 2023",
        ),
        (
            ["Trần Thị Dung", "1.1", "", "1", "02/3/2023", "", "", ""],
            [],
            "Mẫu 3, dòng 6, cột Địa điểm: Thiếu địa điểm.",
        ),
    ],
)
def test_errors_name_row_and_column_and_import_nothing(people, tmp_path, row, extra, expected):
    if "twin" in extra:
        UserFactory(department=people["d2"], full_name="trần thị dung", email="dung2@tn.vn")
    good = ["Lê Văn Em", "1.1", "", "1", "02/3/2023", "Xã A", "", ""]
    path = workbook(tmp_path / "m3.xlsx", [row, good])  # the good row 7 is not imported either
    err = run_fail("--org", "tay-ninh", "--year", "2023", path)
    assert expected in err
    assert Trip.objects.count() == 0


def test_every_error_is_listed(people, tmp_path):
    rows = [
        ["Không Ai", "1.1", "", "2,3", "02/3/2023", "Xã A", "", ""],
        ["Trần Thị Dung", "8.8", "", "1", "02/3/2023", "Xã A", "", ""],
    ]
    err = run_fail("--org", "tay-ninh", "--year", "2023", workbook(tmp_path / "m3.xlsx", rows))
    assert "dòng 6, cột Họ và tên" in err and "dòng 6, cột Số ngày đi" in err and "dòng 7, cột Nội dung" in err


def test_not_a_workbook(people, tmp_path):
    path = tmp_path / "m3.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook")
    err = run_fail("--org", "tay-ninh", "--year", "2023", str(path))
    assert "Tệp: Không đọc được tệp: đây không phải tệp Excel .xlsx hợp lệ." in err
    assert Trip.objects.count() == 0


def test_duplicate_rows_in_one_file_are_an_error(people, tmp_path):
    row = ["Trần Thị Dung", "1.1", "", "1", "02/3/2023", "Xã A", "", ""]
    err = run_fail("--org", "tay-ninh", "--year", "2023", workbook(tmp_path / "m3.xlsx", [row, row]))
    assert "dòng 7, cột Họ và tên: Dòng này trùng hoàn toàn với dòng 6" in err


def test_parse_period_forms():
    assert parse_period("Từ ngày 01/4/2023 đến ngày 01/5/2023") == (date(2023, 4, 1), date(2023, 5, 1))
    assert parse_period("01/4/2023 – 01/5/2023") == (date(2023, 4, 1), date(2023, 5, 1))
    assert parse_period("01/4/2023 - 01/5/2023") == (date(2023, 4, 1), date(2023, 5, 1))
    assert parse_period("Từ ngày 01/4/2023 – 01/5/2023") == (date(2023, 4, 1), date(2023, 5, 1))
    assert parse_period("05/02/2023") == (date(2023, 2, 5), date(2023, 2, 5))
    assert parse_period(datetime(2023, 2, 5, 0, 0)) == (date(2023, 2, 5), date(2023, 2, 5))
    with pytest.raises(ValueError):
        parse_period("01/4/2023 đến")


def test_command_errors(people, tmp_path):
    with pytest.raises(CommandError, match="chưa có kế hoạch năm 2030"):
        run("--org", "tay-ninh", "--year", "2030", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run("--org", "tay-ninh", "--year", "2023", str(tmp_path / "x.xlsx"))


# Web upload: preview, then confirm ------------------------------------------------------------------
def test_web_access(client, people):
    url = reverse("fieldwork:trips_import")
    assert_access(
        client,
        url,
        allowed=[people["board"]],
        forbidden=[people["cadre"], people["head"], people["inspector"], people["deputy"]],
    )


def test_web_preview_then_confirm(client, people, tmp_path):
    client.force_login(people["board"])
    path = workbook(tmp_path / "m3.xlsx", GOOD)
    with open(path, "rb") as f:
        resp = client.post(reverse("fieldwork:trips_import"), {"file": f, "plan": people["plan"].pk})
    assert resp.status_code == 200
    assert Trip.objects.count() == 0
    body = resp.content.decode()
    assert "5 đợt mới" in body and "Trần Thị Dung" in body
    token = resp.context["token"]
    resp = client.post(reverse("fieldwork:trips_import_confirm"), {"token": token, "plan": people["plan"].pk})
    assert resp.status_code == 302
    # The Board approves none of these people: every row waits for its approver (docs/rules.md “Nobody certifies their own days”).
    assert Trip.objects.filter(source=Trip.Source.IMPORT, status=Trip.Status.REPORTED, confirmed_by=None).count() == 5
    # The stored file is gone: confirming twice is a 404, and nothing is duplicated.
    resp = client.post(reverse("fieldwork:trips_import_confirm"), {"token": token, "plan": people["plan"].pk})
    assert resp.status_code == 404 and Trip.objects.count() == 5


def test_web_errors_are_listed(client, people, tmp_path):
    client.force_login(people["board"])
    path = workbook(tmp_path / "m3.xlsx", [["Không Ai", "1.1", "", "1", "02/3/2023", "Xã A", "", ""]])
    with open(path, "rb") as f:
        resp = client.post(reverse("fieldwork:trips_import"), {"file": f, "plan": people["plan"].pk})
    assert "Mẫu 3, dòng 6, cột Họ và tên" in resp.content.decode()
    assert resp.context["token"] == "" and Trip.objects.count() == 0


def test_web_confirm_other_org_plan_is_404(client, people, tmp_path):
    client.force_login(people["board"])
    resp = client.post(reverse("fieldwork:trips_import_confirm"), {"token": "0" * 32, "plan": people["other_plan"].pk})
    assert resp.status_code == 404


# docs/rules.md “The seeds' cycle and rules” (docs/domain.md §7.4): a trip outside the period never makes the import refuse the file.
NEW_YEAR = [
    ["Trần Thị Dung", "1.1", "Trực Tết cùng chi đoàn", "9", "28/12/2022 - 05/01/2023", "Xã A", "", ""],
    ["Trần Thị Dung", "1.1", "Hội trại", "3", "02/3/2023 - 04/3/2023", "Xã A", "", ""],
    ["Lê Văn Em", "1.5", "Sinh hoạt chi đoàn", "10", "27/12/2023 - 05/01/2024", "Xã B", "", ""],
]


def test_a_trip_spanning_new_year_is_imported_outside_the_period_and_counts_nothing(people, tmp_path):
    path = workbook(tmp_path / "m3.xlsx", NEW_YEAR)
    result = read_trips(path, plan=people["plan"])
    assert not result.errors
    assert [(line.start, line.violations) for line in result.new] == [
        (date(2022, 12, 28), ["OUTSIDE_PERIOD"]),
        (date(2023, 3, 2), []),
        (date(2023, 12, 27), ["OUTSIDE_PERIOD"]),  # after Tây Ninh's 25/10 and across New Year
    ]
    assert result.new[0].outside_period_warning(people["plan"]) == (
        "Ngoài thời gian kế hoạch (01/01/2023 – 25/10/2023): đợt vẫn được ghi nhận nhưng không được tính ngày."
    )
    out = run("--org", "tay-ninh", "--year", "2023", path)
    assert "3 đợt mới (2 đợt có vi phạm)" in out
    assert (
        "+ dòng 6: Trần Thị Dung, 1.1, 28/12/2022 – 05/01/2023, 9 ngày, Xã A — vi phạm: OUTSIDE_PERIOD (Ngoài thời gian"
        in out
    )
    assert Trip.objects.filter(source=Trip.Source.IMPORT).count() == 3
    s = standing_for(people["plan"], people["cadre"], date(2023, 10, 25))
    assert s.done_days == Decimal("3") and "OUTSIDE_PERIOD" in s.violation_codes  # the New Year trip counts nothing
    assert standing_for(people["plan"], people["cadre2"], date(2023, 10, 25)).done_days == 0


def test_da_nang_whole_year_period_new_year_trip(dn_plan, tmp_path):
    from tests.factories import DepartmentFactory

    UserFactory(department=DepartmentFactory(organization=dn_plan.organization), full_name="Trần Thị Dung")
    result = read_trips(workbook(tmp_path / "m3.xlsx", NEW_YEAR[:2]), plan=dn_plan)
    assert not result.errors
    assert [line.violations for line in result.new] == [["OUTSIDE_PERIOD"], []]


def test_a_trip_wholly_in_another_year_is_still_an_error(people, tmp_path):
    rows = [*NEW_YEAR, ["Trần Thị Dung", "1.1", "", "3", "27/12/2022 - 29/12/2022", "Xã A", "", ""]]
    err = run_fail("--org", "tay-ninh", "--year", "2023", workbook(tmp_path / "m3.xlsx", rows))
    assert "Mẫu 3, dòng 9, cột Thời gian cụ thể: Thời gian 27/12/2022 – 29/12/2022 không thuộc năm 2023" in err
    assert "dòng 6" not in err and not Trip.objects.exists()


def test_web_preview_warns_on_the_row_outside_the_period(client, people, tmp_path):
    client.force_login(people["board"])
    with open(workbook(tmp_path / "m3.xlsx", NEW_YEAR), "rb") as f:
        resp = client.post(reverse("fieldwork:trips_import"), {"file": f, "plan": people["plan"].pk})
    body = resp.content.decode()
    assert 'data-testid="import-errors"' not in body and 'data-testid="confirm-import"' in body
    row6 = body.split('data-testid="outside-period-6"')[1].split("</div>")[0]
    assert "Ngoài thời gian kế hoạch (01/01/2023 – 25/10/2023)" in row6
    assert 'data-testid="outside-period-7"' not in body and 'data-testid="outside-period-8"' in body

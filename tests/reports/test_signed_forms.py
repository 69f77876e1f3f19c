"""docs/rules.md “Forms the Board signs”: forms the Board signs as they are. Each decision read back from the file: PDF text
(pypdf), XLSX cells (openpyxl)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from fieldwork.models import DepartmentPlan, QuarterReport, Registration, Trip
from fieldwork.selectors.dashboards import organization_dashboard
from reports.compliance import MET_DAYS, MET_NOTE, compliance
from reports.params import Params
from tests.factories import DepartmentFactory, UserFactory, make_trip
from tests.reports.conftest import pdf_text
from tests.reports.test_xlsx import find

pytestmark = pytest.mark.django_db


def page_texts(path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def cells(path, sheet=None) -> list[list]:
    wb = load_workbook(path)
    ws = wb[sheet] if sheet else wb.active
    return [[c.value for c in row] for row in ws.iter_rows()]


# The compliance report ---------------------------------------------------------------------------
def test_went_and_days_of_a_quarter_follow_the_quarter_a_trip_starts_in(report_data, build):
    """A trip from 25/3 to 05/4 belongs to quarter I (docs/domain.md §7.7): quarter II's report
    neither counts it as "went" nor as days, and no department shows "went 1" with "0 days"."""
    p = report_data
    hai = p["head"]
    make_trip(p["plan"], hai, category="1.2", start=date(2023, 3, 25), end=date(2023, 4, 5), days="10")
    doc = compliance(Params(organization=p["org"], plan=p["plan"], year=2023, quarter=2), date(2023, 7, 10))
    line = next(c for c in doc.cadres if c.name == "Võ Minh Hải")
    assert (line.quarter_days, line.went, line.done_days) == (Decimal(0), False, Decimal(10))
    em = next(c for c in doc.cadres if c.name == "Lê Văn Em")
    assert (em.quarter_days, em.went) == (Decimal(5), True)
    for d in doc.departments:
        assert (d.went_in_period > 0) == (d.period_days > 0), d
    pt = next(d for d in doc.departments if d.name == "Ban Phong trào")
    assert (pt.went_in_period, pt.period_days) == (1, Decimal(5))
    # The year: every trip in its quarter, the quarters adding up to the cumulative figure.
    year = compliance(Params(organization=p["org"], plan=p["plan"], year=2023), date(2023, 7, 10))
    assert year.as_of == date(2023, 7, 10) and "năm 2023" in year.subtitle
    assert sum(d.period_days for d in year.departments) == sum(d.done_days for d in year.departments)
    # Read back from the files: the department row of quarter II.
    rows = cells(build("compliance", "xlsx", quarter=2, today=date(2023, 7, 10)), "Báo cáo")
    row = next(r for r in rows if r[1] == "Ban Phong trào")
    assert row[3:6] == [1, 5, 49.5]  # cumulative: Dung 32 + Em 7,5 + Hải 10
    text = pdf_text(build("compliance", "pdf", quarter=2, today=date(2023, 7, 10)))
    assert "Đã đi trong quý" in text and "Số ngày trong quý" in text


def test_met_counts_each_cadre_against_their_own_required_days_in_the_same_words(report_data, build):
    p = report_data
    late_joiner = UserFactory(
        department=p["d2"], full_name="Lý Thị Mới", email="moi@tn.vn", active_from=date(2023, 9, 1)
    )
    make_trip(p["plan"], late_joiner, category="1.1", start=date(2023, 9, 4), end=date(2023, 9, 20), days="17")
    doc = compliance(Params(organization=p["org"], plan=p["plan"], year=2023, quarter=3), date(2023, 10, 1))
    moi = next(c for c in doc.cadres if c.name == "Lý Thị Mới")
    assert moi.required < 60 and moi.done_days >= moi.required  # prorated: 55 of 298 days -> 12 days
    vp = next(d for d in doc.departments if d.name == "Văn phòng")
    assert vp.met_days == 1
    note = MET_NOTE % {"n": 60}
    summary = dict(doc.summary)
    label = "Cán bộ đạt số ngày phải đi của mình (60 ngày, hoặc ít hơn khi được tính giảm)"
    assert summary[label] == "1/10 (10%)"
    text = pdf_text(build("compliance", "pdf", quarter=3, today=date(2023, 10, 1)))
    assert MET_DAYS in text and " ".join(note.split()) in text and label in text
    rows = cells(build("compliance", "xlsx", quarter=3, today=date(2023, 10, 1)), "Báo cáo")
    flat = [v for r in rows for v in r if v is not None]
    assert MET_DAYS in flat and note in flat and label in flat
    header = next(r for r in rows if r[0] == "STT")
    assert header[6] == MET_DAYS


def test_one_percent_format_everywhere(report_data, build):
    p = report_data
    text = pdf_text(build("compliance", "pdf", quarter=1))
    assert "Cán bộ đã đi cơ sở trong quý 2/9 (22,2%)" in text
    assert not re.search(r"\d\.\d+ ?%", text)
    rows = cells(build("compliance", "xlsx", quarter=1), "Báo cáo")
    texts = [v for r in rows for v in r if isinstance(v, str)]
    assert any("%" in t for t in texts) and not any(re.search(r"\d\.\d+ ?%", t) for t in texts)
    from fieldwork.selectors import dashboards
    from fieldwork.standing_terms import percent
    from reports import compliance

    # One function: the dashboards and the reports use the one in fieldwork.standing_terms.
    assert dashboards.percent is percent and compliance.percent is percent
    assert percent(8, 21) == "38,1%" and percent(0, 0) == "—"
    report_percent = compliance.percent
    d = organization_dashboard(p["plan"], date(2023, 4, 15))
    assert d.met_percent == report_percent(d.met, d.subject)


def test_departments_in_vietnamese_order_in_both_files_and_the_dashboard(report_data, build):
    p = report_data
    org = p["org"]
    for name in ("Ban Tuyên giáo", "Ban Tổ chức – Kiểm tra", "Ban Đoàn kết"):
        UserFactory(department=DepartmentFactory(organization=org, name=name), full_name=f"Cán bộ {name}")
    expected = [
        "Ban Đoàn kết",
        "Ban Phong trào",
        "Ban Tổ chức – Kiểm tra",
        "Ban Tuyên giáo",
        "Văn phòng",
        "Thường trực",
    ]
    rows = cells(build("compliance", "xlsx", quarter=1), "Báo cáo")
    start = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert [r[1] for r in rows[start + 1 : start + 7]] == expected
    text = pdf_text(build("compliance", "pdf", quarter=1))
    section = text[text.index("II. THEO BAN") : text.index("III. THEO CÁN BỘ")]
    positions = [section.index(name) for name in expected]
    assert positions == sorted(positions)
    dashboard = organization_dashboard(p["plan"], date(2023, 4, 15))
    assert [f.name for f in dashboard.by_department] == expected


# Signatures -------------------------------------------------------------------------------------
def test_office_head_signs_as_chanh_van_phong_and_a_deputy_signs_kt(report_data, build):
    p = report_data
    text = pdf_text(build("mau3", "pdf", department=p["d2"], quarter=1))
    assert "CHÁNH VĂN PHÒNG Đặng Thu Hà" in " ".join(text.split()) or (
        "CHÁNH VĂN PHÒNG" in text and "Đặng Thu Hà" in text
    )
    assert "TRƯỞNG VĂN PHÒNG" not in text and "TM. BAN THƯỜNG VỤ" not in text
    # The department's chief signs before a deputy, whatever their names' order.
    deputy = UserFactory(department=p["d1"], full_name="Âu Văn Phó", position="Phó Trưởng Ban", roles=["cadre", "head"])
    rows = cells(build("mau3", "xlsx", department=p["d1"], quarter=1))
    flat = [v for r in rows for v in r if v is not None]
    assert "TRƯỞNG BAN" in flat and "Võ Minh Hải" in flat and "Âu Văn Phó" not in flat
    # A deputy who submitted the mẫu 3 signs "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN".
    QuarterReport.objects.filter(department=p["d1"], quarter=1).update(submitted_by=deputy)
    text = pdf_text(build("mau3", "pdf", department=p["d1"], quarter=1))
    assert "KT. TRƯỞNG BAN PHÓ TRƯỞNG BAN" in text and "Âu Văn Phó" in text


def test_compliance_report_is_signed_by_the_boards_head(report_data, build):
    p = report_data
    tckt = DepartmentFactory(organization=p["org"], name="Ban Tổ chức – Kiểm tra")
    UserFactory(department=tckt, full_name="Bùi Văn Trưởng", position="Trưởng Ban", roles=["cadre", "head", "board"])
    text = pdf_text(build("compliance", "pdf", quarter=1))
    assert "BAN TỔ CHỨC – KIỂM TRA" in text
    tail = text[text.rindex("Lưu VP, Ban TCKT.") + len("Lưu VP, Ban TCKT.") :]
    assert tail.split()[:5] == ["TRƯỞNG", "BAN", "Bùi", "Văn", "Trưởng"]
    assert "TM." not in tail and "KT." not in tail


# Mẫu 1 ------------------------------------------------------------------------------------------
def test_mau1_marks_the_lines_the_approver_did_not_approve(report_data, build):
    p = report_data
    reg2 = Registration.objects.create(plan=p["plan"], person=p["cadre"], quarter=2)
    make_trip(
        p["plan"],
        p["cadre"],
        category="1.5",
        start=date(2023, 5, 2),
        status=Trip.Status.DRAFT,
        registration=reg2,
        location="Chi đoàn khu phố 3",
    )
    text = pdf_text(build("mau1", "pdf", cadre=p["cadre"]))
    assert "(chờ phê duyệt)" in text and "chữ ký phê duyệt dưới đây không bao gồm các dòng này" in text
    rows = cells(build("mau1", "xlsx", cadre=p["cadre"]))
    line = next(r for r in rows if r[4] == "Chi đoàn khu phố 3")
    assert line[1].endswith("(chờ phê duyệt)")
    approved = next(r for r in rows if r[4] == "Xã Tân Đông, huyện Tân Châu")
    assert "chờ phê duyệt" not in approved[1]
    flat = [v for r in rows for v in r if v is not None]
    assert "Võ Minh Hải" in flat and "TRƯỞNG BAN" in flat


def test_mau1_of_a_head_and_of_a_standing_member_names_their_real_approver(report_data, build):
    p = report_data
    reg = Registration.objects.create(
        plan=p["plan"], person=p["head"], quarter=1, status=Registration.Status.APPROVED, decided_by=p["deputy"]
    )
    make_trip(p["plan"], p["head"], start=date(2023, 2, 1), status=Trip.Status.APPROVED, registration=reg)
    text = pdf_text(build("mau1", "pdf", cadre=p["head"], quarter=1))
    assert "Thường trực Tỉnh đoàn phê duyệt" in text and "PHÓ BÍ THƯ" in text and "Hồ Thị Lan" in text
    assert "Lãnh đạo Ban/Văn phòng phê duyệt" not in text
    reg = Registration.objects.create(
        plan=p["plan"], person=p["deputy"], quarter=1, status=Registration.Status.APPROVED, decided_by=p["secretary"]
    )
    make_trip(p["plan"], p["deputy"], start=date(2023, 2, 1), status=Trip.Status.APPROVED, registration=reg)
    text = pdf_text(build("mau1", "pdf", cadre=p["deputy"], quarter=1))
    assert "THƯỜNG TRỰC TỈNH ĐOÀN" in text and "Số:" not in text
    assert "Bí thư Tỉnh đoàn phê duyệt" in text and "Nguyễn Thanh Tùng" in text


# Layout -------------------------------------------------------------------------------------------
def test_reference_line_from_the_plans_document_and_no_number_line_on_registrations(report_data, build):
    p = report_data
    plan = p["plan"]
    plan.document_number, plan.document_date = "45-KH/TĐTN-TCKT", date(2023, 1, 10)
    plan.save()
    line = "(Kèm theo Kế hoạch số 45-KH/TĐTN-TCKT, ngày 10/1/2023 của Ban Thường vụ Tỉnh đoàn)"
    for kind, extra in (("mau1", {"cadre": p["cadre"]}), ("mau2", {"department": p["d1"]})):
        text = pdf_text(build(kind, "pdf", quarter=1, **extra))
        assert line in text and "Số:" not in text, kind
        flat = [v for r in cells(build(kind, "xlsx", quarter=1, **extra)) for v in r if v is not None]
        assert line in flat and not any(str(v).startswith("Số:") for v in flat), kind
    text = pdf_text(build("mau3", "pdf", department=p["d1"], quarter=1))
    assert line in text and "Số: …-BC/TĐTN-PT" in text
    plan.document_number = ""
    plan.save()
    # While the plan's number is unknown the line is printed with the seed's blanks.
    blank = "(Kèm theo Kế hoạch số -KH/TĐTN-TCKT, ngày / / của Ban Thường vụ Tỉnh đoàn)"
    assert blank in pdf_text(build("mau3", "pdf", department=p["d1"], quarter=1))


def test_annual_registration_forms_say_the_year(report_data, build):
    p = report_data
    plan = p["plan"]
    plan.registration_cycle = "annual"
    plan.save()
    reg = Registration.objects.create(
        plan=plan, person=p["cadre2"], quarter=0, status=Registration.Status.APPROVED, decided_by=p["head"]
    )
    for month in (2, 5, 8):
        make_trip(
            plan,
            p["cadre2"],
            category="1.2",
            start=date(2023, month, 3),
            status=Trip.Status.APPROVED,
            registration=reg,
            location=f"Xã tháng {month}",
        )
    DepartmentPlan.objects.filter(department=p["d1"]).update(quarter=0)
    text = pdf_text(build("mau1", "pdf", cadre=p["cadre2"]))
    assert "Đi công tác cơ sở theo chủ trương “1+2” năm 2023" in text and "quý" not in text.split("BẢN ĐĂNG KÝ")[1][:60]
    assert all(f"Xã tháng {m}" in text for m in (2, 5, 8))
    rows = cells(build("mau2", "xlsx", department=p["d1"]))
    assert rows[6][0] == "Đi công tác cơ sở theo chủ trương “1+2” năm 2023"
    places = [r[5] for r in rows if isinstance(r[0], int)]
    assert {"Xã tháng 2", "Xã tháng 5", "Xã tháng 8", "Xã Tân Đông, huyện Tân Châu"} <= set(places)
    # One quarter of the annual registration: its lines starting in the quarter.
    q2 = cells(build("mau1", "xlsx", cadre=p["cadre2"], quarter=2))
    assert [r[4] for r in q2 if isinstance(r[0], int)] == ["Xã tháng 5"]


def test_xlsx_numbers_and_thousands(report_data, build):
    p = report_data
    rows = load_workbook(build("mau3", "xlsx", department=p["d1"], quarter=1)).active
    stt = find(rows, "STT")
    first = rows.cell(row=stt.row + 2, column=1)
    assert first.value == 1 and first.data_type == "n"
    days = [rows.cell(row=stt.row + 2 + i, column=5) for i in range(3)]
    assert [d.value for d in days] == [30, 2, 2.5]
    assert [d.number_format for d in days] == ["#,##0", "#,##0", "#,##0.0"]
    # Thousands in text: 3 cadres × 340 days.
    for person in (p["cadre"], p["cadre2"], p["other_cadre"]):
        Trip.objects.filter(person=person).delete()
        make_trip(p["plan"], person, category="1.1", start=date(2023, 1, 10), end=date(2023, 12, 15), days="340")
    p["plan"].period_end = date(2023, 12, 31)
    p["plan"].save()
    ws = load_workbook(build("compliance", "xlsx", today=date(2024, 1, 5))).active
    # docs/rules.md “A year in the life”: a number cell, the thousands shown by the locale's format ("1.020" in Vietnamese).
    total = find(ws, "Số ngày đi cơ sở lũy kế từ đầu năm").offset(column=6)
    assert total.value == 1020 and total.data_type == "n" and total.number_format == "#,##0"


def _long_form(n: int):
    from reports.document_parts import header
    from reports.documents import Column, FormDocument, Signer

    return FormDocument(
        kind="mau1",
        header=header(
            type("O", (), {"header_superior": "BCH ĐOÀN TỈNH TÂY NINH", "place": "Tây Ninh", "name": ""})(),
            "Ban Phong trào",
            None,
            date(2023, 4, 1),
        ),
        title="BẢN ĐĂNG KÝ",
        subtitle="Đi công tác cơ sở theo chủ trương “1+2” năm 2023",
        reference="",
        columns=[Column("STT", 7, numeric=True, align="center"), Column("Nội dung", 40), Column("Địa điểm", 26)],
        rows=[[i, f"Nội dung dòng {i}", f"Địa điểm dòng {i}"] for i in range(1, n + 1)],
        left=Signer(label="Lãnh đạo Ban/Văn phòng phê duyệt", title="TRƯỞNG BAN", name="Võ Minh Hải"),
        right=Signer(label="Người đăng ký", title="", name="Trần Thị Dung"),
    )


def test_signature_block_never_stands_alone_and_the_header_row_repeats(tmp_path):
    from reports.pdf import build_pdf

    seen_two_pages = False
    for n in range(24, 40):
        path = tmp_path / f"f{n}.pdf"
        build_pdf(_long_form(n), path)
        pages = page_texts(path)
        last = pages[-1]
        assert "Người đăng ký" in last
        # The last page holds table rows too, not the signatures alone.
        assert re.search(r"Nội dung dòng \d+", last), (n, last[:200])
        if len(pages) > 1:
            seen_two_pages = True
            assert re.match(r"(\d+ )?STT Nội dung Địa điểm", pages[1]), pages[1][:80]  # the header row repeats
    assert seen_two_pages


def test_report_command_without_quarter_covers_the_year(report_data, tmp_path):
    out = tmp_path / "mau2.xlsx"
    call_command(
        "report",
        "mau2",
        "--org",
        "tay-ninh",
        "--year",
        "2023",
        "--department",
        "Ban Phong trào",
        "--format",
        "xlsx",
        "--output",
        str(out),
        "--today",
        "2023-07-01",
    )
    flat = [v for r in cells(out) for v in r if v is not None]
    assert "Đi công tác cơ sở theo chủ trương “1+2” năm 2023" in flat
    out = tmp_path / "year.pdf"
    call_command(
        "report",
        "compliance",
        "--org",
        "tay-ninh",
        "--year",
        "2023",
        "--format",
        "pdf",
        "--output",
        str(out),
        "--today",
        "2023-12-01",
    )
    text = pdf_text(out)
    # Tây Ninh's period ends on 25/10: the year as of the period's end.
    assert "Tình hình thực hiện chủ trương “1+2” năm 2023" in text and "Số liệu tính đến ngày 25/10/2023" in text
    assert "Đã đi trong năm" in text


def test_compliance_workbook_repeats_the_cadre_tables_header_on_every_page(report_data, build):
    ws = load_workbook(build("compliance", "xlsx", quarter=1))["Báo cáo"]
    headers = [c.row for c in ws["A"] if c.value == "STT"]
    assert len(headers) == 2  # the department table, then the per-cadre table
    assert ws.print_title_rows == f"${headers[1]}:${headers[1]}"
    assert [c.value for c in ws[headers[1]]][:2] == ["STT", "Họ và tên"]

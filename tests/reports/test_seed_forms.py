"""Every document a Board signs, as the seeds write it (docs/domain.md §8, docs/rules.md "Forms and the
year-end report as the seeds write them"). Each decision read back from the file a user downloads:
PDF text (pypdf), XLSX cells (openpyxl); with someone who did nothing."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Organization
from accounts.vietnamese import superior_line, union_code
from fieldwork.importers.trips import import_trips, read_trips
from fieldwork.models import Category, DepartmentPlan, QuarterReport, Registration, Trip
from fieldwork.standing_terms import IMMERSION_MARK
from reports import services
from reports.document_parts import department_code
from reports.documents import Header
from reports.mau_forms import mau3
from reports.params import Params
from tests.access import assert_access
from tests.factories import DepartmentFactory, UserFactory, make_plan, make_trip
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


def aware(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 9, 0))


def cells(path) -> list[list]:
    return [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]


def flat(path) -> list:
    return [v for row in cells(path) for v in row if v is not None]


def squeeze(text: str) -> str:
    return " ".join(str(text).split())


# The agency line ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "line", "code"),
    [
        ("Tỉnh đoàn Tây Ninh", "BCH ĐOÀN TỈNH TÂY NINH", "TĐTN"),
        ("Thành đoàn Đà Nẵng", "BCH ĐOÀN TP. ĐÀ NẴNG", "TĐTN"),
        ("Thành Đoàn Đà Nẵng", "BCH ĐOÀN TP. ĐÀ NẴNG", "TĐTN"),
        ("Huyện đoàn Châu Thành", "BCH ĐOÀN HUYỆN CHÂU THÀNH", "HĐTN"),
        ("Quận đoàn Hải Châu", "BCH ĐOÀN QUẬN HẢI CHÂU", "QĐTN"),
        ("Thị đoàn Hòa Thành", "BCH ĐOÀN THỊ XÃ HÒA THÀNH", "TĐTN"),
        ("Đoàn Khối các cơ quan tỉnh", "BCH ĐOÀN KHỐI CÁC CƠ QUAN TỈNH", "TĐTN"),
        ("Trung ương Đoàn", "BCH TRUNG ƯƠNG ĐOÀN", "TĐTN"),
    ],
)
def test_superior_line_is_built_the_unions_way(name, line, code):
    assert superior_line(name) == line and union_code(name) == code


def test_a_district_with_no_superior_line_heads_every_file_the_unions_way(report_data, build, client):
    p = report_data
    org = p["org"]
    org.name, org.place, org.superior_body = "Huyện đoàn Châu Thành", "Châu Thành", ""
    org.save()
    text = pdf_text(build("mau3", "pdf", department=p["d1"], quarter=1))
    assert text.startswith("BCH ĐOÀN HUYỆN CHÂU THÀNH BAN PHONG TRÀO *** Số: …-BC/HĐTN-PT")
    assert "BCH HUYỆN ĐOÀN" not in text and "Châu Thành, ngày" in text
    assert cells(build("mau1", "xlsx", cadre=p["cadre"]))[0][0] == "BCH ĐOÀN HUYỆN CHÂU THÀNH"
    # The plan page and the organization page show it for the Board to confirm, and say it was built.
    client.force_login(p["board"])
    page = client.get(reverse("fieldwork:plan_detail", args=[p["plan"].pk])).content.decode()
    assert "BCH ĐOÀN HUYỆN CHÂU THÀNH" in page and "Tạo từ tên tổ chức" in page
    page = client.get(reverse("accounts:organization")).content.decode()
    assert 'data-testid="header-superior">BCH ĐOÀN HUYỆN CHÂU THÀNH<' in page and 'data-testid="header-built"' in page


def test_the_board_confirms_the_header_on_the_organization_page(report_data, client):
    p = report_data
    url = reverse("accounts:organization")
    assert_access(client, url, allowed=[p["board"], p["deputy"], p["inspector"]], forbidden=[p["cadre"], p["head"]])
    data = {"superior_body": "bch đoàn tỉnh tây ninh", "place": "  Tây   Ninh "}
    assert_access(
        client,
        url,
        method="post",
        data=data,
        allowed=[p["board"]],
        forbidden=[p["deputy"], p["inspector"], p["cadre"]],
        ok_codes=(302,),
    )
    org = Organization.objects.get(pk=p["org"].pk)
    assert (org.superior_body, org.place, org.header_superior_is_built) == ("BCH ĐOÀN TỈNH TÂY NINH", "Tây Ninh", False)
    client.force_login(p["board"])
    resp = client.post(url, {"superior_body": "X", "place": ""})
    assert resp.status_code == 400 and "Hãy nhập địa danh" in resp.content.decode()
    assert Organization.objects.get(pk=p["org"].pk).place == "Tây Ninh"  # nothing saved
    client.force_login(p["stranger"])  # another organization's Board edits its own organization only
    client.post(url, {"superior_body": "KHÁC", "place": "Khác"})
    assert Organization.objects.get(pk=p["org"].pk).superior_body == "BCH ĐOÀN TỈNH TÂY NINH"


# Reference line, dates, the rule, codes, recipients ---------------------------------------------------------
def test_the_reference_line_is_printed_with_blanks_while_the_number_is_unknown(report_data, build):
    p = report_data
    blank = "(Kèm theo Kế hoạch số -KH/TĐTN-TCKT, ngày / / của Ban Thường vụ Tỉnh đoàn)"  # seed 002's words
    assert blank in pdf_text(build("mau1", "pdf", cadre=p["cadre"]))
    assert blank in [squeeze(v) for v in flat(build("mau2", "xlsx", department=p["d1"]))]


def test_dates_in_running_text_are_written_as_the_seeds_write_them(dn_plan, tmp_path):
    """Đà Nẵng's guide: "Hướng dẫn số 20-HD/TĐTN-TCKT, ngày 06/4/2023" (seed 000)."""
    from reports.document_parts import reference

    assert reference(dn_plan) == (
        "(Kèm theo Hướng dẫn số 20-HD/TĐTN-TCKT, ngày 06/4/2023 của Ban Thường vụ Thành đoàn)"
    )


def test_the_rule_under_the_unions_name_is_drawn(report_data, build):
    html = render_to_string(
        "reports/pdf/_header.html",
        {"h": Header("BCH ĐOÀN TỈNH TÂY NINH", "BAN PHONG TRÀO", "", "Tây Ninh, ngày 05 tháng 01 năm 2023"), "doc": {}},
    )
    union, rule, place = html.index("ĐOÀN TNCS HỒ CHÍ MINH"), html.index('class="rule"'), html.index("Tây Ninh, ngày")
    assert union < rule < place
    css = render_to_string("reports/pdf/print.css", {"landscape": False, "family": "x"})
    assert ".union-header .rule { border-bottom" in css
    ws = load_workbook(build("mau3", "xlsx", department=report_data["d1"], quarter=1)).active
    ruled = [c.column for c in ws[2] if c.border.top.style == "thin"]
    assert ruled and min(ruled) > 4 and max(ruled) < ws.max_column  # under the Union's name only


def test_department_codes_keep_their_letters(report_data):
    org = report_data["org"]
    assert department_code(DepartmentFactory(organization=org, name="Ban Đoàn kết tập hợp")) == "ĐKTH"
    assert department_code(DepartmentFactory(organization=org, name="Ban Mặt trận", short_name="ĐKTH")) == "ĐKTH"
    assert department_code(DepartmentFactory(organization=org, name="Ban Tổ chức – Kiểm tra")) == "TCKT"


def test_the_boards_reports_go_to_the_same_recipients_in_the_seeds_words(report_data, build):
    text = pdf_text(build("compliance", "pdf", quarter=1))
    assert (
        "Nơi nhận: - Ban Thường vụ Tỉnh đoàn; - Ủy ban kiểm tra Tỉnh đoàn; - Các ban, văn phòng Tỉnh đoàn; "
        "- Lưu VP, Ban TCKT." in text
    )
    values = flat(build("yearend", "xlsx", today=date(2023, 12, 1)))
    assert "- Lưu VP, Ban TCKT." in values and "- Ban Thường vụ Tỉnh đoàn;" in values


def test_the_full_name_of_1_4_as_seed_002_writes_it(tn_plan):
    name = Category.objects.get(plan=tn_plan, code="1.4").name
    assert name == (
        "Dự họp và sinh hoạt chuyên đề của hội nghị Ban Chấp hành, Ban Thường vụ đoàn cấp huyện, thị, thành phố; "
        "xã, phường, thị trấn và tương đương"
    )


# Signers ----------------------------------------------------------------------------------------------
def test_a_deputy_in_charge_or_of_a_ban_without_a_chief_signs_in_their_own_title(report_data, build):
    p = report_data
    ban = DepartmentFactory(organization=p["org"], name="Ban Thanh thiếu nhi Trường học")
    in_charge = UserFactory(
        department=ban, full_name="Lê Thị Phụ", position="Phó Trưởng Ban phụ trách", roles=["cadre", "head"]
    )
    deputy = UserFactory(department=ban, full_name="Hà Văn Phó", position="Phó Trưởng Ban", roles=["cadre", "head"])
    text = pdf_text(build("mau3", "pdf", department=ban, quarter=1))
    assert "PHÓ TRƯỞNG BAN PHỤ TRÁCH Lê Thị Phụ" in text and "KT." not in text  # leads the Ban: signs first
    values = flat(build("mau3", "xlsx", department=ban, quarter=1))
    assert "PHÓ TRƯỞNG BAN PHỤ TRÁCH" in values and not any(str(v).startswith("KT.") for v in values)
    # The other deputy, sending the form, signs for the one in charge? No: there is no Trưởng Ban.
    QuarterReport.objects.create(
        plan=p["plan"], department=ban, quarter=1, status=QuarterReport.Status.SUBMITTED, submitted_by=deputy
    )
    text = pdf_text(build("mau3", "pdf", department=ban, quarter=1))
    assert "PHÓ TRƯỞNG BAN Hà Văn Phó" in text and "KT." not in text
    # With a Trưởng Ban, a deputy signs "KT. TRƯỞNG BAN".
    UserFactory(department=ban, full_name="Vũ Văn Trưởng", position="Trưởng Ban", roles=["cadre", "head"])
    in_charge.position = "Phó Trưởng Ban"
    in_charge.save()
    assert "KT. TRƯỞNG BAN PHÓ TRƯỞNG BAN Hà Văn Phó" in pdf_text(build("mau3", "pdf", department=ban, quarter=1))


# The immersion mark and the round trip -------------------------------------------------------------------
def test_immersion_trips_are_marked_on_every_line_of_mau_1_2_3(report_data, build):
    p = report_data
    for kind, extra in (("mau1", {"cadre": p["cadre"]}), ("mau2", {"department": p["d1"]})):
        text = pdf_text(build(kind, "pdf", **extra))
        assert text.count(IMMERSION_MARK) == 1, kind  # Dung's 30 days at Tân Đông; the 1.3 line is not one
        assert text.index(IMMERSION_MARK) < text.index("Xã Tân Đông"), kind  # in the line's content cell
    text = pdf_text(build("mau3", "pdf", department=p["d1"], quarter=1))
    assert "Hỗ trợ tổ chức Tháng Thanh niên " + IMMERSION_MARK in text and text.count(IMMERSION_MARK) == 1
    assert "Cùng ăn, cùng ở, cùng làm" not in text.replace(IMMERSION_MARK, "")  # no extra column on paper


def test_mau3_xlsx_round_trips_through_import_trips(report_data, build, tmp_path):
    """What the department sends is what import_trips reads back: people, contents without the mark,
    days, dates, places and the immersion flag; then the same file twice changes nothing."""
    p = report_data
    plan = p["plan"]
    path = build("mau3", "xlsx", department=p["d1"], quarter=1)
    before = sorted(
        (t.person.full_name, t.category.code, t.content, t.days, t.start, t.end, t.location, t.immersion)
        for t in Trip.objects.filter(plan=plan, person__department=p["d1"], status=Trip.Status.CONFIRMED)
        .filter(start__lte=date(2023, 3, 31), category__counts=True)
        .select_related("person", "category")
    )
    other = make_plan("tay-ninh-2023", org_code="ban-sao")
    d = DepartmentFactory(organization=other.organization, name="Ban Phong trào")
    for name, email in (("Trần Thị Dung", "dung@bs.vn"), ("Lê Văn Em", "em@bs.vn")):
        UserFactory(department=d, full_name=name, email=email)
    result = import_trips(str(path), plan=other, actor=None)
    assert not result.errors, result.errors
    after = sorted(
        (t.person.full_name, t.category.code, t.content, t.days, t.start, t.end, t.location, t.immersion)
        for t in Trip.objects.filter(plan=other).select_related("person", "category")
    )
    assert after == before and any(row[-1] for row in after)
    assert not import_trips(str(path), plan=other, actor=None).new  # the same file again: nothing new


def test_the_whole_organizations_mau3_round_trips_too_and_a_contradiction_is_an_error(report_data, build):
    path = build("mau3", "xlsx", quarter=1)  # headings per department, one "Tổng"
    other = make_plan("tay-ninh-2023", org_code="ban-sao")
    d = DepartmentFactory(organization=other.organization, name="Ban Phong trào")
    for name in ("Trần Thị Dung", "Lê Văn Em"):
        UserFactory(department=d, full_name=name)
    result = import_trips(str(path), plan=other, actor=None, dry_run=True)
    assert not result.errors and len(result.new) == 3
    assert [line.immersion for line in result.new].count(True) == 1
    # The column says no while the content carries the mark: the Board decides, the file is refused.
    wb = load_workbook(path)
    ws = wb.active
    row = next(r for r in ws.iter_rows() if r[8].value == "x")
    row[8].value = None
    broken = path.parent / "broken.xlsx"
    wb.save(broken)
    result = read_trips(str(broken), plan=other)
    assert [(e.row, e.column) for e in result.errors] == [(row[0].row, "Cùng ăn, cùng ở, cùng làm")]


# The place-and-date line ------------------------------------------------------------------------------
def test_the_place_and_date_line_is_the_day_the_form_was_submitted(report_data, build):
    p = report_data
    download_day = date(2023, 4, 15)
    reg = Registration.objects.create(plan=p["plan"], person=p["cadre2"], quarter=0)  # a draft: nobody sent it
    make_trip(p["plan"], p["cadre2"], start=date(2023, 5, 2), status=Trip.Status.DRAFT, registration=reg)
    blank = "Tây Ninh, ngày tháng năm 2023"
    assert blank in pdf_text(build("mau1", "pdf", cadre=p["cadre2"], today=download_day))
    Registration.objects.filter(pk=reg.pk).update(status="submitted", submitted_at=aware(2023, 2, 3))
    text = pdf_text(build("mau1", "pdf", cadre=p["cadre2"], today=download_day))
    assert "Tây Ninh, ngày 03 tháng 02 năm 2023" in text and "15 tháng 4" not in text
    # mẫu 3: the day it was sent; blank while it is not.
    report = QuarterReport.objects.get(department=p["d1"], quarter=1)
    QuarterReport.objects.filter(pk=report.pk).update(submitted_at=aware(2023, 3, 28))
    values = [squeeze(v) for v in flat(build("mau3", "xlsx", department=p["d1"], quarter=1, today=download_day))]
    assert "Tây Ninh, ngày 28 tháng 3 năm 2023" in values
    QuarterReport.objects.filter(pk=report.pk).update(status=QuarterReport.Status.DRAFT)
    assert blank in pdf_text(build("mau3", "pdf", department=p["d1"], quarter=1, today=download_day))


# Whole-organization mẫu 2 and mẫu 3 ---------------------------------------------------------------------
def test_whole_organization_mau2_and_mau3_by_department_standing_committee_first(report_data, build, tmp_path):
    p = report_data
    plan = p["plan"]
    DepartmentFactory(organization=p["org"], name="Ban Đoàn kết")  # nobody in it: its heading, nothing under
    lan = Registration.objects.create(
        plan=plan, person=p["deputy"], quarter=0, status=Registration.Status.APPROVED, decided_by=p["secretary"]
    )
    make_trip(
        plan, p["deputy"], category="1.2", start=date(2023, 2, 6), end=date(2023, 2, 7), days="2",
        registration=lan, location="Huyện đoàn Gò Dầu",
    )  # fmt: skip
    Registration.objects.filter(pk=p["reg"].pk).update(quarter=0)
    headings = ["I. THƯỜNG TRỰC TỈNH ĐOÀN", "II. BAN ĐOÀN KẾT", "III. BAN PHONG TRÀO", "IV. VĂN PHÒNG"]
    out = tmp_path / "mau2.pdf"
    call_command("report", "mau2", "--org", "tay-ninh", "--year", "2023", "--format", "pdf", "--output", str(out))
    text = pdf_text(out)
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert positions[0] < text.index("Hồ Thị Lan") < positions[1]  # the Standing Committee's own lines
    assert "Chưa có nội dung đăng ký được phê duyệt." in text[positions[1] : positions[2]]  # someone who did nothing
    assert text.startswith("BCH ĐOÀN TỈNH TÂY NINH BAN TỔ CHỨC – KIỂM TRA ***")  # the Board's compilation
    rows = cells(build("mau3", "xlsx", quarter=1, today=date(2023, 4, 15)))
    col_a = [r[0] for r in rows]
    assert [v for v in col_a if v in headings] == headings
    total = next(r for r in rows if r[0] == "Tổng")
    assert total[4].startswith("=SUM(")
    assert mau3(Params(organization=p["org"], plan=plan, year=2023, quarter=1), date(2023, 4, 15)).total == Decimal(
        "36.5"
    )  # Dung 30 + 2, Em 2,5, Lan 2


def test_whole_organization_forms_on_the_web_for_those_who_see_the_organization(report_data, run_jobs):
    p = report_data
    with run_jobs():
        job = services.request_report(user=p["board"], kind="mau3", fmt="pdf", year=2023, quarter=1)
    job.refresh_from_db()
    assert job.status == "done" and "toan-co-quan" in job.file_name
    for user in (p["head"], p["cadre"]):
        with pytest.raises(Exception, match="không có quyền"):
            services.request_report(user=user, kind="mau2", fmt="pdf", year=2023)


def test_a_pages_own_date_never_reaches_a_download_button(report_data, client):
    """The organization dashboard shows the figures "as of" a day; its compliance buttons post the
    quarter, not that day (only the year-end page passes the day the Board picked)."""
    client.force_login(report_data["board"])
    page = client.get(reverse("fieldwork:organization_dashboard") + "?year=2023&as_of=2023-03-31").content.decode()
    assert 'name="kind" value="compliance"' in page and 'type="hidden" name="as_of"' not in page


def test_the_boards_pages_offer_the_whole_organizations_forms(report_data, client):
    client.force_login(report_data["board"])
    page = client.get(reverse("fieldwork:quarter_reports_overview") + "?year=2023").content.decode()
    assert 'data-testid="whole-organization-mau3"' in page and 'name="kind" value="mau3"' in page
    page = client.get(reverse("fieldwork:department_plans") + "?year=2023").content.decode()
    assert 'data-testid="whole-organization-mau2"' in page and 'name="kind" value="mau2"' in page


# The on-screen mẫu 3 ----------------------------------------------------------------------------------
def test_the_on_screen_mau3_says_what_the_file_says(report_data, client):
    p = report_data
    client.force_login(p["head2"])
    page = client.get(reverse("fieldwork:quarter_report", args=[p["d2"].pk, 1]) + "?year=2023").content.decode()
    assert "Kết quả đi công tác quý I năm 2023" in page
    assert (
        "Nêu khái quát những kết quả chủ yếu (mặt được, hạn chế của từng nội dung); đề xuất, kiến nghị (nếu có)" in page
    )
    signer = page[page.index('data-testid="mau3-signer"') :]
    assert "CHÁNH VĂN PHÒNG" in signer and "Đặng Thu Hà" in signer and "TRƯỞNG BAN" not in signer
    client.force_login(p["head"])
    page = client.get(reverse("fieldwork:quarter_report", args=[p["d1"].pk, 1]) + "?year=2023").content.decode()
    assert IMMERSION_MARK in page


def test_mau2_of_a_department_with_nobody_registered_says_so(report_data, build):
    p = report_data
    DepartmentPlan.objects.filter(department=p["d1"]).delete()
    values = [squeeze(v) for v in flat(build("mau2", "xlsx", department=p["d2"]))]
    note = next(v for v in values if v.startswith("Cán bộ thuộc diện phải đi cơ sở chưa gửi bản đăng ký"))
    assert "Phạm Đức" in note and "Đặng Thu Hà" in note
    assert "Ban chưa có nội dung đăng ký được phê duyệt." in values

"""docs/rules.md “Year-end report and sheet”: the year-end report (seed 000's shape) and the per-cadre year-end sheet with the
approvers' remarks: data, files read back, pages with their access cases, jobs."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from reports import services, yearend_services
from reports.models import CadreRemark, ReportJob, YearEndText
from reports.params import Params
from reports.selectors import visible_jobs
from reports.yearend import year_end, year_sheet
from tests.access import assert_access
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db
DAY = date(2023, 12, 1)  # after Tây Ninh's period (25/10): the year as of its end


def params(p, **kw):
    return Params(organization=p["org"], plan=p["plan"], year=2023, **kw)


def test_year_end_figures_in_the_shape_of_seed_000(report_data):
    p = report_data
    doc = year_end(params(p), DAY)
    assert doc.as_of == date(2023, 10, 25)
    general = " ".join(doc.general)
    # "có N cán bộ … thực hiện đi cơ sở": N is who went (Dung and Em), as in "2/9" and every line.
    assert "có 2 cán bộ chuyên trách cơ quan Tỉnh đoàn thực hiện đi cơ sở" in general
    assert "Ban Phong trào 02 đồng chí: 02 Chuyên viên (chưa đi cơ sở: 01 Trưởng Ban)" in general
    assert (
        "Văn phòng: chưa có đồng chí nào đi cơ sở (04 đồng chí thuộc diện phải đi cơ sở: 01 Chánh Văn phòng, "
        "03 Chuyên viên; không áp dụng chủ trương đi cơ sở đối với 01 đồng chí gồm: 01 kế toán)" in general
    )
    # The Standing Committee first, as in seed 000.
    assert doc.general[0].index("Thường trực Tỉnh đoàn") < doc.general[0].index("Ban Phong trào")
    assert [d.name for d in doc.departments] == ["Thường trực Tỉnh đoàn", "Ban Phong trào", "Văn phòng"]
    assert "tính đến ngày 25/10/2023 là: 2/9 đồng chí (22,2%)" in general
    assert (
        "08 đồng chí không đi cơ sở gồm: 01 đồng chí không áp dụng chủ trương đi cơ sở (01 kế toán); 07 đồng chí"
        in general
    )
    assert doc.not_subject == ["Kế toán: 01 đồng chí (Ngô Thị Quỳnh)"]
    cats = {c.name.split()[0]: (c.trips, c.days, c.cadres) for c in doc.categories}
    assert cats["1.1"] == (2, 35, 2) and cats["1.2"] == (1, 2.5, 1) and cats["1.5"] == (1, 2, 1) and cats["1.3"][0] == 0
    dung = next(x for x in doc.not_met if x.name == "Trần Thị Dung")
    assert dung.why == "thiếu 28 ngày; thiếu 1 đợt “cùng ăn, cùng ở, cùng làm”"
    assert dung.status_label == "Không đạt"
    assert "Tổng số ngày đi cơ sở của cán bộ thuộc diện phải đi cơ sở: 39,5 ngày" in doc.days[0]
    assert doc.limitations.startswith("(Ban Tổ chức – Kiểm tra chưa nhập")


def test_year_end_files_carry_the_boards_text(report_data, build):
    p = report_data
    yearend_services.save_year_end_text(
        user=p["board"], plan=p["plan"], limitations="Một số ban báo cáo quý muộn.", proposals='=HYPERLINK("x")'
    )
    text = pdf_text(build("yearend", "pdf", today=DAY))
    for s in (
        "BÁO CÁO",
        "Kết quả thực hiện chủ trương “1+2” của cán bộ cơ quan Tỉnh đoàn năm 2023",
        "I. TÌNH HÌNH CHUNG",
        "2/9 đồng chí",
        "Kế toán: 01 đồng chí (Ngô Thị Quỳnh)",
        "II. NỘI DUNG ĐI CƠ SỞ",
        "III. CÁN BỘ CHƯA ĐẠT YÊU CẦU VÀ LÝ DO",
        "thiếu 28 ngày",
        "IV. ĐÁNH GIÁ CHUNG 1. Mặt được (Ban Tổ chức – Kiểm tra chưa nhập nội dung.)",
        "2. Hạn chế Một số ban báo cáo quý muộn.",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
        "Nơi nhận:",
        "TRƯỞNG BAN",
    ):
        assert s in text, s
    wb = load_workbook(build("yearend", "xlsx", today=DAY))
    ws = wb.active
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Một số ban báo cáo quý muộn." in values and "Kế toán: 01 đồng chí (Ngô Thị Quỳnh)" not in values
    assert "- Kế toán: 01 đồng chí (Ngô Thị Quỳnh)." in values
    hostile = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("x")')
    assert hostile.data_type == "s"  # a user's text is never a formula
    pt = next(row for row in ws.iter_rows(values_only=True) if row[1] == "Ban Phong trào")
    assert pt[2:8] == ("3/3", 2, 39.5, 0, 0, 1)


def test_year_sheet_lists_every_cadre_with_the_approvers_remark(report_data, build):
    p = report_data
    yearend_services.save_remark(
        user=p["head"], plan=p["plan"], person=p["cadre"], text="Tích cực, cần bố trí đợt “3 cùng” thứ hai."
    )
    doc = year_sheet(params(p), DAY)
    assert len(doc.rows) == 10
    dung = next(r for r in doc.rows if r[1] == "Trần Thị Dung")
    assert dung[4:] == [60, 32, "1/2", "", "Không đạt", "Tích cực, cần bố trí đợt “3 cùng” thứ hai."]
    quynh = next(r for r in doc.rows if r[1] == "Ngô Thị Quỳnh")
    assert quynh[6:9] == ["—", "Kế toán", "Miễn thực hiện"]
    ws = load_workbook(build("yearsheet", "xlsx", today=DAY, department=p["d1"])).active
    assert ws.title == "Đánh giá cuối năm"
    rows = [r for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [r[1] for r in rows] == ["Trần Thị Dung", "Lê Văn Em", "Võ Minh Hải"]
    assert rows[0][9] == "Tích cực, cần bố trí đợt “3 cùng” thứ hai."
    text = pdf_text(build("yearsheet", "pdf", today=DAY))
    assert "BẢNG TỔNG HỢP KẾT QUẢ ĐI CƠ SỞ CỦA CÁN BỘ" in text and "Nhận xét của lãnh đạo" in text
    assert "Phục vụ đánh giá, phân loại, bình xét thi đua cuối năm 2023" in text


def test_remarks_are_written_by_the_approver_only(report_data):
    p = report_data
    plan = p["plan"]
    with pytest.raises(PermissionDenied):  # another department's head
        yearend_services.save_remark(user=p["head2"], plan=plan, person=p["cadre"], text="x")
    with pytest.raises(PermissionDenied):  # nobody on themselves
        yearend_services.save_remark(user=p["head"], plan=plan, person=p["head"], text="x")
    with pytest.raises(PermissionDenied):  # the Inspection Committee changes nothing
        yearend_services.save_remark(user=p["inspector"], plan=plan, person=p["cadre"], text="x")
    # A head's remark is written by a Standing member (their approver).
    yearend_services.save_remark(user=p["deputy"], plan=plan, person=p["head"], text="Hoàn thành tốt.")
    with pytest.raises(ValidationError, match="dài quá 2000"):
        yearend_services.save_remark(user=p["head"], plan=plan, person=p["cadre"], text="a" * 2001)
    assert list(CadreRemark.objects.values_list("person__email", "text")) == [("hai@tn.vn", "Hoàn thành tốt.")]
    with pytest.raises(PermissionDenied):
        yearend_services.save_year_end_text(user=p["deputy"], plan=plan, limitations="x", proposals="y")


def test_year_end_page_access_and_edit(report_data, client):
    p = report_data
    url = reverse("reports:year_end")
    assert_access(
        client,
        url,
        allowed=[p["board"], p["deputy"], p["inspector"]],
        forbidden=[p["cadre"], p["head"]],
    )
    data = {"year": 2023, "limitations": "Hạn chế A", "proposals": "Đề xuất B"}
    assert_access(
        client,
        url,
        method="post",
        data=data,
        allowed=[p["board"]],
        forbidden=[p["deputy"], p["inspector"], p["cadre"]],
        ok_codes=(302,),
    )
    text = YearEndText.objects.get(plan=p["plan"])
    assert (text.limitations, text.proposals, text.updated_by) == ("Hạn chế A", "Đề xuất B", p["board"])
    client.force_login(p["board"])
    resp = client.post(url, {"year": 2023, "limitations": "x" * 20001, "proposals": "Giữ lại"})
    assert resp.status_code == 400 and "Giữ lại" in resp.content.decode()
    assert YearEndText.objects.get(plan=p["plan"]).limitations == "Hạn chế A"
    # Another organization's Board sees its own organization's page, never this text.
    client.force_login(p["stranger"])
    assert "Hạn chế A" not in client.get(url + "?year=2023").content.decode()


def test_remarks_page_and_save_access(report_data, client):
    p = report_data
    url = reverse("reports:remarks")
    assert_access(client, url, allowed=[p["head"], p["deputy"]], forbidden=[p["cadre"], p["inspector"]])
    client.force_login(p["head"])
    page = client.get(url).content.decode()
    shown = {
        pk
        for pk in (p[k].pk for k in ("cadre", "cadre2", "other_cadre", "head"))
        if f'data-testid="remark-{pk}"' in page
    }
    assert shown == {p["cadre"].pk, p["cadre2"].pk}  # the head's own cadres, not themselves, not another department
    client.force_login(p["deputy"])
    page = client.get(url).content.decode()
    assert f'data-testid="remark-{p["head"].pk}"' in page and f'data-testid="remark-{p["cadre"].pk}"' not in page
    save = reverse("reports:remark_save", args=[p["cadre"].pk])
    assert_access(
        client,
        save,
        method="post",
        data={"year": 2023, f"p{p['cadre'].pk}-text": "Nhận xét tốt"},
        allowed=[p["head"]],
        forbidden=[p["head2"], p["cadre2"], p["inspector"]],
        not_found=[p["stranger"]],
        ok_codes=(302,),
    )
    assert CadreRemark.objects.get(person=p["cadre"]).text == "Nhận xét tốt"
    client.force_login(p["head"])
    resp = client.post(save, {"year": 2023, f"p{p['cadre'].pk}-text": "b" * 2001})
    assert resp.status_code == 400 and "b" * 2001 in resp.content.decode()
    assert CadreRemark.objects.get(person=p["cadre"]).text == "Nhận xét tốt"


def test_year_end_jobs_and_their_visibility(report_data, run_jobs):
    p = report_data
    with run_jobs():
        job = services.request_report(user=p["board"], kind="yearend", fmt="pdf", year=2023)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.file_name.startswith("bao-cao-cuoi-nam-1-2")
    with pytest.raises(PermissionDenied):
        services.request_report(user=p["cadre"], kind="yearend", fmt="pdf", year=2023)
    with pytest.raises(PermissionDenied):  # a head: the sheet of their own department only
        services.request_report(user=p["head"], kind="yearsheet", fmt="xlsx", year=2023, department=p["d2"])
    with run_jobs():
        own = services.request_report(user=p["head"], kind="yearsheet", fmt="xlsx", year=2023, department=p["d1"])
    own.refresh_from_db()
    assert own.status == ReportJob.Status.DONE
    assert job in visible_jobs(p["deputy"]) and own in visible_jobs(p["deputy"])
    assert job not in visible_jobs(p["head"]) and own in visible_jobs(p["head"])
    assert job not in visible_jobs(p["stranger"])


def test_year_end_commands_and_hostile_text(report_data, tmp_path):
    from django.core.management import call_command

    p = report_data
    yearend_services.save_year_end_text(
        user=p["board"], plan=p["plan"], limitations="<b>Chưa</b> đủ & <script>x</script>", proposals=""
    )
    out = tmp_path / "cuoi-nam.pdf"
    call_command(
        "report",
        "yearend",
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
    assert "<b>Chưa</b> đủ & <script>x</script>" in text  # shown as typed, never interpreted
    out = tmp_path / "sheet.xlsx"
    call_command(
        "report",
        "yearsheet",
        "--org",
        "tay-ninh",
        "--year",
        "2023",
        "--department",
        "Văn phòng",
        "--format",
        "xlsx",
        "--output",
        str(out),
        "--today",
        "2023-12-01",
    )
    names = [r[1] for r in load_workbook(out).active.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert names == ["Phạm Đức", "Đặng Thu Hà", "Bùi Văn Khoa", "Mai Văn Phúc", "Ngô Thị Quỳnh"]


def test_remarks_page_query_budget(report_data, client, django_assert_max_num_queries):
    from tests.factories import UserFactory

    p = report_data
    for i in range(30):
        UserFactory(department=p["d1"], full_name=f"Nguyễn Văn Thêm {i}", email=f"them{i}@tn.vn")
    client.force_login(p["head"])
    with django_assert_max_num_queries(25):
        resp = client.get(reverse("reports:remarks") + "?page=2")
    assert resp.status_code == 200 and "Trang 2/2" in resp.content.decode()


def test_tai_pdf_saves_the_typed_text_first(report_data, client, run_jobs):
    """docs/rules.md "A year in the life": the Board types "Hạn chế" and clicks "Tải PDF" before
    "Lưu": the text is saved, then the file is made from it (the job page downloads it)."""
    p = report_data
    client.force_login(p["board"])
    url = reverse("reports:year_end") + "?year=2023"
    page = client.get(url).content.decode()
    assert 'form="year-end-text-form" name="download" value="pdf"' in page
    with run_jobs():
        resp = client.post(
            url, {"year": 2023, "limitations": "Hai ban nộp mẫu 3 muộn.", "proposals": "", "download": "pdf"}
        )
    job = ReportJob.objects.get(kind="yearend")
    assert resp.status_code == 302 and resp["Location"] == reverse("reports:job_detail", args=[job.pk]) + "?tai=1"
    assert YearEndText.objects.get(plan=p["plan"]).limitations == "Hai ban nộp mẫu 3 muộn."
    job.refresh_from_db()
    assert (job.format, job.status) == ("pdf", "done")
    text = pdf_text(services.file_of(job))
    limitations = text.split("2. Hạn chế")[1].split("V. ĐỀ XUẤT")[0]
    assert "Hai ban nộp mẫu 3 muộn." in limitations and "chưa nhập" not in limitations
    # Readers who do not write the text keep the plain buttons (nothing of theirs to save).
    client.force_login(p["deputy"])
    page = client.get(url).content.decode()
    assert 'form="year-end-text-form"' not in page and 'data-testid="download-buttons"' in page

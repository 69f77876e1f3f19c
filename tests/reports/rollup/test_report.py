"""`report rollup` (docs/domain.md §10) read back: XLSX cells and PDF text, through the command
and through the web's job; organization names are never formulas."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ReportJob
from reports.rollup_services import submit_rollup
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db
HEADER = [
    "Đơn vị",
    "Cán bộ thuộc diện",
    "Đã đi cơ sở trong quý",
    "Hoàn thành (đủ ngày và đủ đợt)",
    "Có nguy cơ không đạt",
    "Không đạt",
    "Miễn thực hiện",
    "Báo cáo quý đã gửi",
]


def run(org, fmt, out, today="2023-04-15"):
    args = ["rollup", "--org", org, "--year", "2023", "--quarter", "1", "--format", fmt, "--output", str(out)]
    call_command("report", *args, "--today", today)


def table(path):
    ws = load_workbook(path).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Đơn vị")
    return ws, start, rows


@pytest.fixture
def sent(tree, run_jobs):
    with run_jobs():
        s = submit_rollup(actor=tree["khoi_board"], year=2023, quarter=1, today=date(2023, 3, 29), note="")
    return {**tree, "submission": s}


def test_xlsx_cells(sent, tmp_path):
    out = tmp_path / "rollup.xlsx"
    run("tay-ninh", "xlsx", out)
    _ws, start, rows = table(out)
    assert rows[start] == HEADER
    body = rows[start + 1 : start + 4]
    assert [r[0] for r in body] == ["Đoàn Khối các cơ quan tỉnh", "Chi đoàn Sở Y tế", "Đoàn Khối doanh nghiệp"]
    # Khối cơ quan: its submitted figures (3 subject, 1 went, 3 at risk), sent late on 29/03.
    khoi = body[0]
    assert khoi[1:7] == [3, 1, 0, 3, 0, 0]
    assert khoi[7].startswith("Đã gửi ngày") and "muộn, hạn 27/03/2023" in khoi[7]
    # Sở Y tế and Khối doanh nghiệp sent nothing: live figures at the quarter's end, marked so.
    assert body[1][1:7] == [1, 0, 0, 1, 0, 0]
    assert body[2][7] == "Chưa gửi – số liệu trực tiếp đến ngày 31/03/2023"
    totals = {r[0]: r[1:7] for r in rows[start + 4 : start + 7]}
    assert totals["Tổng: Các đơn vị trực thuộc trực tiếp (cấp 1) – 2 đơn vị, 1 đã gửi"] == [4, 1, 0, 4, 0, 0]
    assert totals["Tổng: Các đơn vị cấp 2 – 1 đơn vị, 0 đã gửi"] == [1, 0, 0, 1, 0, 0]
    assert totals["Tổng cộng – 3 đơn vị"] == [5, 1, 0, 5, 0, 0]
    assert ReportJob.objects.filter(kind="rollup", status="done").count() == 1


def test_national_view_pdf(sent, tmp_path):
    out = tmp_path / "rollup.pdf"
    run("tw", "pdf", out)
    text = pdf_text(out)
    assert "BÁO CÁO TỔNG HỢP" in text and "quý I năm 2023" in text
    for name in ("Tỉnh đoàn Tây Ninh", "Đoàn Khối các cơ quan tỉnh", "Chi đoàn Sở Y tế", "Tỉnh đoàn khac"):
        assert name in text
    assert "Tổng cộng – 5 đơn vị" in text and "Số đơn vị: 5; đã gửi báo cáo quý: 1" in text
    assert "Chưa gửi – số liệu trực tiếp đến ngày 31/03/2023" in text


def test_names_are_text_never_formulas(sent, tmp_path):
    dn = sent["dn"]
    dn.name = '=HYPERLINK("http://x.example","Bấm")'
    dn.save()
    out = tmp_path / "rollup.xlsx"
    run("tay-ninh", "xlsx", out)
    ws, start, rows = table(out)
    cell = next(c for row in ws.iter_rows() for c in row if c.value == dn.name)
    assert cell.data_type == "s"


def test_command_errors(tree, tmp_path):
    with pytest.raises(CommandError, match="không có đơn vị trực thuộc"):
        run("so-y-te", "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="Cần chọn quý"):
        call_command("report", "rollup", "--org", "tw", "--year", "2023", "--format", "pdf", "--output", "x")
    with pytest.raises(CommandError, match="chưa bắt đầu"):
        run("tay-ninh", "xlsx", tmp_path / "x.xlsx", today="2022-12-01")


def test_web_request_goes_through_the_job(sent, client, run_jobs):
    client.force_login(sent["secretary"])
    with run_jobs():
        resp = client.post(reverse("reports:rollup_request"), {"year": 2023, "quarter": 1, "format": "xlsx"})
    job = ReportJob.objects.get(kind="rollup")
    assert resp.status_code == 302 and resp["Location"] == reverse("reports:job_detail", args=[job.pk]) + "?tai=1"
    job.refresh_from_db()
    assert job.status == "done" and job.organization == sent["tn"]
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 200
    assert (
        "Báo cáo tổng hợp các đơn vị trực thuộc"
        in client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    )
    # The Board sees the Standing Committee's roll-up job in its list.
    client.force_login(sent["board"])
    assert str(job.pk) in client.get(reverse("reports:jobs")).content.decode()
    resp = client.post(reverse("reports:rollup_request"), {"year": 2023, "quarter": 1, "format": "doc"})
    assert resp.status_code == 302 and ReportJob.objects.filter(kind="rollup").count() == 1

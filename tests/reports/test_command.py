"""manage.py report (docs/domain.md §10): the same task, a file at PATH, clear errors."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reports.models import ReportJob
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_mau3_xlsx(report_data, tmp_path):
    out = tmp_path / "mau3.xlsx"
    call_command(
        "report",
        "mau3",
        "--org",
        "tay-ninh",
        "--year",
        "2023",
        "--quarter",
        "1",
        "--department",
        "ban phong trào",
        "--format",
        "xlsx",
        "--output",
        str(out),
    )
    values = [c.value for row in load_workbook(out).active.iter_rows() for c in row]
    assert "Lê Văn Em" in values and "Tổng" in values
    assert ReportJob.objects.get().status == "done"


def test_mau1_pdf_and_compliance(report_data, tmp_path):
    out = tmp_path / "mau1.pdf"
    call_command(
        "report",
        "mau1",
        "--org",
        "tay-ninh",
        "--year",
        "2023",
        "--cadre",
        "DUNG@tn.vn",
        "--format",
        "pdf",
        "--output",
        str(out),
    )
    assert "Họ và tên: Trần Thị Dung" in pdf_text(out)
    out = tmp_path / "c.pdf"
    call_command(
        "report",
        "compliance",
        "--org",
        "tay-ninh",
        "--year",
        "2023",
        "--quarter",
        "2",
        "--format",
        "pdf",
        "--output",
        str(out),
    )
    assert "quý II năm 2023" in pdf_text(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compliance", "--org", "khong-co", "--year", "2023", "--quarter", "1"], "Không có tổ chức mã “khong-co”"),
        (["mau3", "--org", "tay-ninh", "--year", "2023", "--department", "Văn phòng"], "Cần chọn quý"),
        (
            ["mau3", "--org", "tay-ninh", "--year", "2023", "--quarter", "1", "--department", "Ban Không Có"],
            "Không có ban “Ban Không Có”",
        ),
        (["mau2", "--org", "tay-ninh", "--year", "2023", "--as-of", "2023-06-30"], "Chỉ báo cáo và bảng đánh giá"),
        (["yearend", "--org", "tay-ninh", "--year", "2023", "--as-of", "2023-13-01"], "YYYY-MM-DD"),
        (["yearend", "--org", "tay-ninh", "--year", "2023", "--as-of", "2022-12-31"], "từ ngày bắt đầu kế hoạch"),
        (["yearsheet", "--org", "tay-ninh", "--year", "2023", "--issue", "upward"], "chỉ cho báo cáo cuối năm"),
        (["mau1", "--org", "tay-ninh", "--year", "2023", "--cadre", "ai@tn.vn"], "Không có cán bộ email “ai@tn.vn”"),
        (["mau1", "--org", "tay-ninh", "--year", "2023", "--cadre", "la@khac.vn"], "Không có cán bộ"),  # another org
        (["compliance", "--org", "tay-ninh", "--year", "2030", "--quarter", "1"], "chưa có kế hoạch năm 2030"),
    ],
)
def test_errors(report_data, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, "--format", "pdf", "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()

"""Every PDF's text (pypdf) holds the Vietnamese headers, names and numbers, and the PDF embeds
the bundled Liberation Serif (docs/domain.md §9)."""

from datetime import datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from fieldwork.models import DepartmentPlan, Registration
from tests.reports.conftest import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


def aware(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 10, 0))


def top_texts(page) -> list[str]:
    """Texts drawn in the top margin (above 20 mm from the top edge)."""
    height = float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        y = cm[5] + tm[5] * cm[3] if cm else tm[5]
        if text.strip() and y > height - 20 * 72 / 25.4:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return found


def assert_embedded_liberation(path):
    fonts = pdf_fonts(path)
    assert fonts, "no fonts in the page resources"
    assert all("Liberation" in name for name in fonts), fonts
    assert all(fonts.values()), f"not embedded: {fonts}"


def test_mau1_pdf(build, report_data):
    # The place-and-date line is the day the registration was submitted (docs/domain.md §8).
    Registration.objects.filter(pk=report_data["reg"].pk).update(submitted_at=aware(2023, 1, 5))
    path = build("mau1", "pdf", cadre=report_data["cadre"], quarter=1)
    text = pdf_text(path)
    for s in (
        "BCH ĐOÀN TỈNH TÂY NINH",
        "BAN PHONG TRÀO",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "Tây Ninh, ngày 05 tháng 01 năm 2023",
        "BẢN ĐĂNG KÝ",
        "Họ và tên: Trần Thị Dung",
        "Chức vụ: Chuyên viên",
        "Thời gian cụ thể",
        "Địa điểm",
        "Xã Tân Đông, huyện Tân Châu",
        "Lãnh đạo Ban/Văn phòng phê duyệt",
        "Người đăng ký",
        "Võ Minh Hải",
    ):
        assert s in text, s
    assert "Từ ngày 09/1/2023" in text and "30" in text
    assert "Chi đoàn ấp Bàu Vừng" not in text  # an imported result is not a registration line
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == 210 and round(float(box.height) * 25.4 / 72) == 297  # A4 portrait
    assert_embedded_liberation(path)


def test_mau2_pdf_landscape(build, report_data):
    DepartmentPlan.objects.filter(department=report_data["d1"]).update(submitted_at=aware(2023, 2, 18))
    # Dung's registration is the year's (the Tây Ninh plan registers once a year), sent in January.
    Registration.objects.filter(pk=report_data["reg"].pk).update(quarter=0, submitted_at=aware(2023, 1, 5))
    path = build("mau2", "pdf", department=report_data["d1"], quarter=1)
    text = pdf_text(path)
    for s in (
        "BẢN TỔNG HỢP ĐĂNG KÝ",
        "Họ và tên",
        "Chức vụ",
        "Nội dung đi cơ sở",
        "Trần Thị Dung",
        "Tây Ninh, ngày 18 tháng 02 năm 2023",
        # The approver in their own title: approving a department's plan is not signing for the committee.
        "Phê duyệt của Lãnh đạo Tỉnh đoàn PHÓ BÍ THƯ TRƯỞNG BAN Hồ Thị Lan Võ Minh Hải",
        "Xã Suối Đá",
        # The page promises the form lists who has not sent their mẫu 1 (docs/rules.md).
        "Cán bộ thuộc diện phải đi cơ sở chưa gửi bản đăng ký (mẫu 1): Lê Văn Em, Võ Minh Hải.",
    ):
        assert s in text, s
    table = text[text.index("Nội dung đi cơ sở") : text.index("Cán bộ thuộc diện phải đi cơ sở chưa gửi")]
    assert "Lê Văn Em" not in table  # no registration line of his
    box = PdfReader(path).pages[0].mediabox
    assert float(box.width) > float(box.height)
    assert_embedded_liberation(path)


def test_mau3_pdf_total_and_signature(build, report_data):
    path = build("mau3", "pdf", department=report_data["d1"], quarter=1)
    text = pdf_text(path)
    for s in (
        "TỔNG HỢP BÁO CÁO",
        "Kết quả đi công tác quý I năm 2023",
        "Cụ thể nội dung đi cơ sở",
        "Trần Thị Dung",
        "Lê Văn Em",
        "Tổng",
        "34,5",
        "2,5",
        "TRƯỞNG BAN",
        "Nơi nhận:",
        "Hạn chế: Thiếu kinh phí",
    ):
        assert s in text, s
    assert "Dự hoạt động do được mời" not in text
    assert text.index("Trần Thị Dung") < text.index("Lê Văn Em")
    assert_embedded_liberation(path)


def test_compliance_pdf(build, report_data):
    path = build("compliance", "pdf", quarter=1)
    text = pdf_text(path)
    for s in (
        "BÁO CÁO",
        "Tình hình thực hiện chủ trương “1+2” quý I năm 2023",
        "Số liệu tính đến ngày 31/3/2023",
        "I. TỔNG HỢP",
        "9/10",
        "1 (Kế toán: 1)",
        "34,5",
        "II. THEO BAN, VĂN PHÒNG",
        "III. THEO CÁN BỘ",
        "Ban Phong trào",
        "Gửi muộn",
        "Trần Thị Dung",
        "Ngô Thị Quỳnh",
        "Miễn thực hiện",
        "Có nguy cơ không đạt",
        "Biểu đồ",
    ):
        assert s in text, s
    # Page numbers centred at the top from page 2 only (docs/domain.md §9).
    reader = PdfReader(path)
    assert len(reader.pages) >= 2
    assert top_texts(reader.pages[0]) == []
    assert top_texts(reader.pages[1]) == ["2"]
    assert_embedded_liberation(path)


def test_pdf_has_svg_chart(report_data):
    from datetime import date

    from reports.compliance import compliance
    from reports.params import Params
    from reports.pdf.chart import status_chart

    doc = compliance(
        Params(organization=report_data["org"], plan=report_data["plan"], year=2023, quarter=1), date(2023, 4, 15)
    )
    svg = str(status_chart(doc))
    assert svg.startswith("<svg") and svg.count("<rect") >= 3 and "Ban Phong trào" in svg

"""A year in the life, the Board's files (docs/rules.md "A year in the life"):

- the year-end page: "Hạn chế" typed and "Tải PDF" clicked before "Lưu": the text is saved and is
  in the PDF; leaving a page with unsaved text asks first;
- "Tải PDF": the job page shows one state and the file downloads by itself.

Screenshots: artifacts/screenshots/life-*.
"""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports.models import ReportJob, YearEndText
from tests.factories import PASSWORD

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOB_URL = re.compile(r"/bao-cao/[0-9a-f-]{36}/")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_year_end_tai_pdf_keeps_what_was_typed(page, people):
    """Point 2: typing "Hạn chế" and clicking "Tải PDF" before "Lưu" dropped the text; the PDF said
    "chưa nhập nội dung"."""
    login(page, people["board"].email, PASSWORD)
    page.goto(page.base_url + "/bao-cao/cuoi-nam/?year=2023")
    page.fill("textarea[name=limitations]", "Hai ban gửi mẫu 3 quý II sau hạn.")
    page.fill("textarea[name=proposals]", "Bố trí kinh phí cho các đợt cùng ăn, cùng ở, cùng làm.")
    shot(page, "life-18-year-end-typed", width=1366)
    page.get_by_test_id("download-buttons").first.get_by_role("button", name="Tải PDF").click()
    page.wait_for_selector("[data-testid=job-status][data-status=done]", timeout=60000)
    with page.expect_download(timeout=60000) as info:
        page.get_by_test_id("download").click()
    data = Path(info.value.path()).read_bytes()
    text = _pdf_text(data)
    assert "Hai ban gửi mẫu 3 quý II sau hạn." in text and "Bố trí kinh phí" in text
    assert YearEndText.objects.get(plan=people["plan"]).limitations == "Hai ban gửi mẫu 3 quý II sau hạn."
    assert JOB_URL.search(page.url)


def test_leaving_a_page_with_unsaved_text_asks_first(page, people):
    """Point 2, everywhere: a form's unsaved text is not lost without a word."""
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, people["cadre"].email, PASSWORD)
    page.goto(page.base_url + "/dang-ky/quy-0/?year=2023")
    page.fill("textarea[name=content]", "Phối hợp tổ chức Ngày hội thanh niên")
    page.click("ol.breadcrumb a")  # "Đăng ký đi cơ sở": leaving the page
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/dang-ky/quy-0/" in page.url
    assert page.input_value("textarea[name=content]") == "Phối hợp tổ chức Ngày hội thanh niên"
    # Without anything typed, nothing asks.
    page.fill("textarea[name=content]", "")
    page.click("ol.breadcrumb a")
    page.wait_for_url("**/dang-ky/?year=2023")
    assert dialogs == ["beforeunload"]


def test_tai_pdf_opens_one_state_and_the_file_downloads_by_itself(page, people):
    """Point 14: the job page said "đang được tạo" above "đã sẵn sàng" and needed a second click."""
    login(page, people["board"].email, PASSWORD)
    page.goto(page.base_url + "/tong-quan/co-quan/?year=2023&as_of=2023-03-31")
    with page.expect_download(timeout=60000) as info:
        page.get_by_test_id("download-buttons").get_by_role("button", name="Tải PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    page.wait_for_selector("[data-testid=job-status][data-status=done]")
    main = page.locator("main").inner_text()
    assert "đang được tạo" not in main and "Đang tạo" not in main and "Đang chờ" not in main
    assert "Báo cáo đã sẵn sàng và đang được tải về." in main
    assert page.get_by_test_id("download-fallback").is_visible()  # the link stays, in case
    assert "tai=1" not in page.url  # a reload does not download again
    job = ReportJob.objects.get(pk=JOB_URL.search(page.url).group(0).split("/")[2])
    assert download.suggested_filename == job.file_name
    shot(page, "life-19-job-done", width=1366)
    shot(page, "life-19-job-done-phone", width=390)

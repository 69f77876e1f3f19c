"""The Board requests the quarter's compliance report from the organization dashboard (PDF and
XLSX buttons), the job page reaches "done" (htmx polling; Celery is eager in tests, so the job is
usually done before the page loads), the file is downloaded through the browser and opened;
a cadre posting the same request gets 403."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.models import ReportJob
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, make_trip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DASHBOARD = "/tong-quan/co-quan/?year=2023&as_of=2023-03-31"  # as of 31/3: quarter I
JOB_URL = re.compile(r"/bao-cao/[0-9a-f-]{36}/")


def _data(people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], category="1.1", start=date(2023, 1, 9), end=date(2023, 1, 18), days="10")
    make_trip(plan, people["cadre2"], category="1.2", start=date(2023, 2, 10), end=date(2023, 2, 12), days="2.5")
    make_trip(plan, people["head"], category="1.1", start=date(2023, 3, 1), end=date(2023, 3, 7), days="7")


def _request_from_dashboard(page, button: str, fmt: str) -> ReportJob:
    """Click the dashboard's "Tải PDF"/"Tải XLSX" button; land on the job page once it is done."""
    page.goto(page.base_url + DASHBOARD)
    buttons = page.get_by_test_id("download-buttons")
    assert "quý I:" in page.locator("main").inner_text()
    # The file downloads by itself once ready (tests/browser/test_life_reports.py); the link stays.
    with page.expect_download(timeout=30000):
        buttons.get_by_role("button", name=button).click()
    page.wait_for_url(JOB_URL)
    status = page.get_by_test_id("job-status")
    # htmx polls every second while queued/running; the partial drops hx-trigger once done.
    page.wait_for_selector("[data-testid=job-status][data-status=done]", timeout=30000)
    assert status.get_attribute("hx-trigger") is None
    assert "Báo cáo đã sẵn sàng" in status.inner_text()
    job = ReportJob.objects.get(pk=re.search(r"/bao-cao/([0-9a-f-]{36})/", page.url).group(1))
    assert (job.kind, job.format, job.params, job.status) == (
        "compliance",
        fmt,
        {"year": 2023, "quarter": 1},
        ReportJob.Status.DONE,
    )
    return job


def _download(page) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    download = info.value
    return download.suggested_filename, open(download.path(), "rb").read()


def test_board_requests_and_downloads_compliance_report(page, people):
    _data(people)
    org_name = people["org"].name
    assert org_name == "Tỉnh đoàn Tây Ninh"
    login(page, people["board"].email, PASSWORD)

    # PDF
    pdf_job = _request_from_dashboard(page, "Tải PDF", "pdf")
    assert "Hoàn thành lúc" in page.locator("main").inner_text()
    shot(page, "reports-job-done-desktop", width=1280)
    shot(page, "reports-job-done-phone", width=390)
    page.set_viewport_size({"width": 1280, "height": 900})
    name, data = _download(page)
    assert name == pdf_job.file_name and name.endswith(".pdf")
    assert data[:5] == b"%PDF-"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert people["org"].header_superior.upper() in text  # "BCH ĐOÀN TỈNH TÂY NINH": the organization's header
    assert "quý I năm 2023" in text

    # XLSX
    xlsx_job = _request_from_dashboard(page, "Tải XLSX", "xlsx")
    name, data = _download(page)
    assert name == xlsx_job.file_name and name.endswith(".xlsx")
    assert data[:2] == b"PK"
    wb = load_workbook(io.BytesIO(data))
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"Trần Thị Dung", "Lê Văn Em", "Võ Minh Hải"} <= values

    # The Board's quarter page lists both versions under quarter I, both done.
    page.goto(page.base_url + "/bao-cao/quy/?year=2023")
    q1 = page.get_by_test_id("quarter-1")
    assert q1.locator("tbody tr").count() == 2
    assert q1.locator("tbody .badge").all_inner_texts() == ["Hoàn thành", "Hoàn thành"]
    shot(page, "reports-quarter-desktop", width=1280)


def test_cadre_cannot_request_compliance_report(page, people):
    _data(people)
    login(page, people["cadre"].email, PASSWORD)
    # The cadre's dashboard has no compliance buttons (the organization dashboard itself is 403).
    resp = page.goto(page.base_url + DASHBOARD)
    assert resp.status == 403
    # The request form does not offer it (tests/browser/test_life_cadre.py: a stale page's choice).
    page.goto(page.base_url + "/bao-cao/tao/")
    assert page.locator("select[name=kind] option[value=compliance]").count() == 0
    # A hand-made POST carrying the form's CSRF token: refused, with the form and the reason.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    resp = page.request.post(
        page.base_url + "/bao-cao/tao/",
        form={"csrfmiddlewaretoken": token, "kind": "compliance", "format": "xlsx", "year": "2023", "quarter": "1"},
        headers={"Referer": page.base_url + "/bao-cao/tao/"},
    )
    assert resp.status == 403 and "Bạn không được tạo loại báo cáo này." in resp.text()
    assert not ReportJob.objects.filter(kind="compliance").exists()


def test_the_cadre_search_fills_the_select_and_the_form_posts_the_choice(page, people):
    """docs/rules.md “Stored standings”: the cadre select holds the chosen cadre only; typing a name loads the
    organization's matches (htmx) and the choice is posted (mẫu 1 of another cadre)."""
    _data(people)
    login(page, people["head"].email, PASSWORD)
    page.goto(page.base_url + "/bao-cao/tao/")
    assert page.locator("select[name=cadre] option").count() == 2
    page.fill("#cadre-search", "lê văn em")
    page.locator("select[name=cadre] option", has_text="Lê Văn Em").wait_for(state="attached")
    assert page.locator("select[name=cadre] option").count() == 2  # the empty choice and the match
    page.select_option("select[name=cadre]", str(people["cadre2"].pk))
    page.select_option("select[name=kind]", "mau1")
    page.select_option("select[name=format]", "pdf")
    page.fill("input[name=year]", "2023")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/bao-cao/*-*-*-*-*/")
    job = ReportJob.objects.latest("created_at")
    assert (job.kind, job.params["cadre_id"]) == ("mau1", people["cadre2"].pk)

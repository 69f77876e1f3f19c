"""Signing in a browser (docs/signing.md): the Board's head opens a finished compliance report, clicks "Ký số",
downloads the signed PDF, and anyone — logged out — verifies it on "Xác minh văn bản"."""

from datetime import date

import pytest
from cryptography.fernet import Fernet

from reports import services
from reports.models import ReportJob
from reports.signing.pkcs12 import install
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, DepartmentFactory, UserFactory
from tests.reports.signing.ca import PASSWORD as P12_PASSWORD
from tests.reports.signing.ca import TestCA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_then_verify(page, people, settings, tmp_path):
    settings.SIGNING_KEY_ENCRYPTION_KEY = Fernet.generate_key().decode()
    dept = DepartmentFactory(organization=people["org"], name="Ban Tổ chức – Kiểm tra")
    head = UserFactory(
        department=dept,
        full_name="Lý Thị Thu",
        email="thu@tn.vn",
        position="Trưởng Ban",
        group_code="2.2",
        roles=["cadre", "head", "board"],
    )
    ca = TestCA()
    install(organization=people["org"], data=ca.pkcs12(*ca.issue()), password=P12_PASSWORD)
    job = ReportJob.objects.create(
        organization=people["org"],
        kind="compliance",
        format="pdf",
        params={"year": 2023, "quarter": 1},
        requested_by=head,
    )
    services.produce(job.pk, today=date(2023, 4, 20))

    login(page, head.email, PASSWORD)
    page.goto(page.base_url + f"/bao-cao/{job.pk}/")
    page.get_by_test_id("sign").click()
    page.wait_for_selector("[data-testid=document-signed]")
    assert "Đã ký số (B-B) bởi Lý Thị Thu" in page.get_by_test_id("document-signed").inner_text()
    shot(page, "signing-job-signed")
    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    signed = tmp_path / info.value.suggested_filename
    info.value.save_as(signed)
    assert signed.name.endswith("-da-ky-so.pdf") and b"/ByteRange" in signed.read_bytes()

    page.context.clear_cookies()  # anyone, not logged in
    page.goto(page.base_url + "/xac-minh/")
    page.set_input_files("#id_file", str(signed))
    page.get_by_test_id("verify-submit").click()
    result = page.get_by_test_id("verify-result")
    assert result.get_attribute("data-valid") == "true"
    assert "Văn bản hợp lệ." in result.inner_text()
    doc_text = page.get_by_test_id("verify-document").inner_text()
    assert "Báo cáo tình hình thực hiện quý" in doc_text and "Quý I/2023" in doc_text
    assert "Lý Thị Thu" not in page.locator("main").inner_text()
    shot(page, "signing-verify-valid")

"""docs/signing.md: a roll-up submission's PDF is signed by the child when it has a certificate; the
parent sees "đã ký số" and the verification result beside it."""

import hashlib
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

from reports import services
from reports.models import DocumentSignature, IssuedDocument
from reports.rollup_services import submit_rollup
from reports.signing.pkcs12 import install
from tests.reports.signing.ca import PASSWORD, TestCA

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _key(settings):
    settings.SIGNING_KEY_ENCRYPTION_KEY = Fernet.generate_key().decode()


def test_child_with_a_certificate_sends_a_signed_pdf(client, tree, run_jobs):
    ca = TestCA()
    key, cert = ca.issue(cn="Đoàn Khối các cơ quan tỉnh")
    install(organization=tree["khoi"], data=ca.pkcs12(key, cert), password=PASSWORD)
    with run_jobs():
        signed = submit_rollup(actor=tree["khoi_board"], year=2023, quarter=1, today=date(2023, 3, 20))
        unsigned = submit_rollup(actor=tree["dn_board"], year=2023, quarter=1, today=date(2023, 3, 20))
    signed.refresh_from_db()
    doc = IssuedDocument.objects.get(job=signed.pdf_job)
    sig = DocumentSignature.objects.get(document=doc)
    assert hashlib.sha256(services.file_of(signed.pdf_job).read_bytes()).hexdigest() == sig.sha256
    assert not IssuedDocument.objects.filter(job=signed.xlsx_job, signatures__isnull=False).exists()
    client.force_login(tree["board"])  # the parent's Board
    html = client.get(reverse("reports:rollup_submission", args=[signed.pk])).content.decode()
    assert "đã ký số" in html and "Xác minh: hợp lệ, còn nguyên vẹn." in html
    html = client.get(reverse("reports:rollup_submission", args=[unsigned.pk])).content.decode()
    assert "chưa ký số" in html and "Xác minh: hợp lệ, còn nguyên vẹn." in html
    # the file on the server changed behind the product's back: the parent is told
    path = services.file_of(signed.pdf_job)
    data = bytearray(path.read_bytes())
    data[data.index(b"\n%") + 2] ^= 1
    path.write_bytes(bytes(data))
    html = client.get(reverse("reports:rollup_submission", args=[signed.pk])).content.decode()
    assert "Xác minh: tệp đã bị sửa đổi." in html

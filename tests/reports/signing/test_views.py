"""The "Ký số" button on a report's page and the public page "Xác minh văn bản" (docs/signing.md)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports import services
from reports.models import DocumentSignature, IssuedDocument, ReportJob

pytestmark = pytest.mark.django_db


def issued(people, requester, fmt="pdf"):
    job = ReportJob.objects.create(
        organization=people["org"],
        kind="compliance",
        format=fmt,
        params={"year": 2023, "quarter": 1},
        requested_by=requester,
    )
    return services.produce(job.pk, today=date(2023, 4, 20))


def page(client, user, job):
    client.force_login(user)
    return client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()


def test_sign_button_only_for_the_forms_signer_with_a_certificate(client, people, board_head, installed):
    job = issued(people, board_head)
    sign_url = reverse("reports:sign", args=[job.pk])
    html = page(client, board_head, job)
    code = IssuedDocument.objects.get(job=job).code
    assert 'data-testid="sign"' in html and sign_url in html and code in html
    # another Board member, a Standing member: may read the report, not sign it
    for other in (people["board"], people["deputy"]):
        assert 'data-testid="sign"' not in page(client, other, job)
        assert client.post(sign_url).status_code == 403
    assert not DocumentSignature.objects.exists()
    # another organization: not even found
    client.force_login(people["stranger"])
    assert client.post(sign_url).status_code == 404
    # an XLSX is not signed
    xlsx = issued(people, board_head, fmt="xlsx")
    assert 'data-testid="sign"' not in page(client, board_head, xlsx)
    assert client.post(reverse("reports:sign", args=[xlsx.pk])).status_code == 403


def test_no_certificate_no_button(client, people, board_head):
    job = issued(people, board_head)
    html = page(client, board_head, job)
    assert 'data-testid="document-code"' in html and 'data-testid="sign"' not in html
    assert client.post(reverse("reports:sign", args=[job.pk])).status_code == 403


def test_the_signer_signs_and_downloads_the_signed_file(client, people, board_head, installed):
    job = issued(people, board_head)
    client.force_login(board_head)
    resp = client.post(reverse("reports:sign", args=[job.pk]), follow=True)
    html = resp.content.decode()
    doc = IssuedDocument.objects.get(job=job)
    assert f"Đã ký số văn bản {doc.code}." in html
    assert 'data-testid="document-signed"' in html and "Lý Thị Thu" in html and 'data-testid="sign"' not in html
    download = client.get(reverse("reports:download", args=[job.pk]))
    data = b"".join(download.streaming_content)
    sig = DocumentSignature.objects.get(document=doc)
    import hashlib

    assert hashlib.sha256(data).hexdigest() == sig.sha256 and b"/ByteRange" in data
    # a second signing is refused
    assert client.post(reverse("reports:sign", args=[job.pk])).status_code == 403
    # and the public page says it is valid
    client.logout()
    resp = client.post(reverse("verify"), {"file": SimpleUploadedFile("x.pdf", data, "application/pdf")})
    body = resp.content.decode()
    assert resp.status_code == 200 and 'data-valid="true"' in body and "Văn bản hợp lệ." in body
    assert "hợp lệ, phủ toàn bộ tệp, bằng chứng thư số tổ chức đã cài" in body


def test_public_page_upload_without_login(client, people, board_head, tmp_path):
    job = issued(people, board_head)
    data = services.file_of(job).read_bytes()
    doc = IssuedDocument.objects.get(job=job)
    assert client.get(reverse("verify")).status_code == 200
    resp = client.post(reverse("verify"), {"file": SimpleUploadedFile("bao-cao.pdf", data, "application/pdf")})
    body = resp.content.decode()
    assert 'data-valid="true"' in body and "Tệp trùng khớp với bản đã phát hành" in body
    assert "Tệp không có chữ ký số." in body
    # only the first lines' facts: kind, organization, period, date; no person
    assert "Báo cáo tình hình thực hiện quý" in body and people["org"].name in body and "Quý I/2023" in body
    from django.utils import timezone

    assert f'<dd class="col-sm-9">{timezone.localdate(doc.created_at).strftime("%d/%m/%Y")}</dd>' in body
    for person in ("Lý Thị Thu", "Trần Thị Dung", "Lê Văn Em", "Bùi Văn Khoa"):
        assert person not in body
    # one byte changed
    changed = bytearray(data)
    changed[changed.index(b"\n%") + 2] ^= 1
    resp = client.post(reverse("verify"), {"file": SimpleUploadedFile("x.pdf", bytes(changed), "application/pdf")})
    assert 'data-modified="true"' in resp.content.decode() and "đã bị sửa đổi" in resp.content.decode()
    # the file is not kept: nothing new under MEDIA_ROOT
    from django.conf import settings

    files = {p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()}
    assert files == {services.file_of(job)}


def test_public_page_by_code(client, people, board_head):
    job = issued(people, board_head)
    doc = IssuedDocument.objects.get(job=job)
    resp = client.get(reverse("verify_code", args=[doc.code]))
    body = resp.content.decode()
    assert resp.status_code == 200 and 'data-testid="verify-code-found"' in body and "Quý I/2023" in body
    assert "Lý Thị Thu" not in body and doc.sha256 not in body
    resp = client.get(reverse("verify_code", args=["ZZZZZ-ZZZZZ"]))
    assert resp.status_code == 404 and "Không có văn bản nào mang mã này" in resp.content.decode()
    typed = client.post(reverse("verify"), {"code": doc.code.lower().replace("-", " ")})
    assert 'data-testid="verify-code-found"' in typed.content.decode()


def test_public_page_bad_input(client, people):
    resp = client.post(reverse("verify"), {})
    assert resp.status_code == 400 and "Hãy chọn tệp PDF hoặc nhập mã văn bản" in resp.content.decode()
    resp = client.post(reverse("verify"), {"file": SimpleUploadedFile("a.pdf", b"GIF89a...", "application/pdf")})
    assert resp.status_code == 400 and "Tệp không phải PDF." in resp.content.decode()
    resp = client.post(reverse("verify"), {"code": "<script>alert(1)</script>"})
    body = resp.content.decode()
    assert resp.status_code == 400 and "<script>alert(1)</script>" not in body


def test_public_page_is_rate_limited(client, people, settings):
    settings.VERIFICATIONS_PER_ADDRESS = 3
    for _ in range(3):
        assert client.get(reverse("verify_code", args=["ZZZZZ-ZZZZZ"])).status_code == 404
    resp = client.get(reverse("verify_code", args=["ZZZZZ-ZZZZZ"]))
    assert resp.status_code == 429 and "Có quá nhiều lượt xác minh" in resp.content.decode()
    resp = client.post(reverse("verify"), {"code": "ZZZZZ-ZZZZZ"})
    assert resp.status_code == 429
    assert client.get(reverse("verify")).status_code == 200  # the empty form is always offered


def test_a_failing_timestamp_authority_is_a_clear_error(client, people, board_head, installed, settings):
    settings.SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"  # nothing listens there
    job = issued(people, board_head)
    client.force_login(board_head)
    html = client.post(reverse("reports:sign", args=[job.pk]), follow=True).content.decode()
    assert "Không ký số được văn bản do lỗi của dịch vụ ký hoặc máy chủ cấp dấu thời gian." in html
    assert not DocumentSignature.objects.exists()
    job.refresh_from_db()
    assert not job.file_name.endswith("-da-ky-so.pdf")


def test_a_signature_made_in_the_second_the_certificate_was_installed_is_by_the_installed_certificate(
    client, people, board_head, installed
):
    """The PDF's signing time is to the second; the install time is to the microsecond."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    from reports.models import SigningCertificate

    job = issued(people, board_head)
    client.force_login(board_head)
    client.post(reverse("reports:sign", args=[job.pk]))
    data = b"".join(client.get(reverse("reports:download", args=[job.pk])).streaming_content)
    (embedded,) = PdfFileReader(BytesIO(data)).embedded_signatures
    signed = embedded.self_reported_timestamp
    assert signed.microsecond == 0
    # The certificate was installed late in the very second the document says it was signed.
    SigningCertificate.objects.filter(retired_at__isnull=True).update(installed_at=signed.replace(microsecond=999_999))
    client.logout()
    body = client.post(
        reverse("verify"), {"file": SimpleUploadedFile("x.pdf", data, "application/pdf")}
    ).content.decode()
    assert "hợp lệ, phủ toàn bộ tệp, bằng chứng thư số tổ chức đã cài" in body

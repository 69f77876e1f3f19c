"""The register of issued documents (docs/signing.md): every PDF and XLSX produced has an entry with
its SHA-256; the PDF prints the code and a QR code on every page; entries are never edited."""

import hashlib

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import services
from reports.models import IssuedDocument, ReportJob
from reports.register import CODE_RE, normalize_code

pytestmark = pytest.mark.django_db


def produce(people, kind="compliance", fmt="pdf", **params):
    job = ReportJob.objects.create(
        organization=people["org"], kind=kind, format=fmt, params={"year": 2023, "quarter": 1, **params}
    )
    from datetime import date

    return services.produce(job.pk, today=date(2023, 4, 20))


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_every_issued_file_is_registered_with_its_sha256(report_data, people, fmt):
    job = produce(people, fmt=fmt)
    doc = IssuedDocument.objects.get(job=job)
    data = services.file_of(job).read_bytes()
    assert doc.sha256 == hashlib.sha256(data).hexdigest() and doc.size == len(data)
    assert (doc.kind, doc.format, doc.period, doc.organization) == ("compliance", fmt, "Quý I/2023", people["org"])
    assert CODE_RE.fullmatch(doc.code)


def test_pdf_prints_the_code_and_a_qr_code_on_every_page(report_data, people):
    job = produce(people)
    code = IssuedDocument.objects.get(job=job).code
    reader = PdfReader(services.file_of(job))
    assert len(reader.pages) > 1
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert f"Mã văn bản: {code}" in text
        assert "http://127.0.0.1:8000/xac-minh/" in text
    # the QR code: dark modules in the bottom-left margin of every page (rendered by poppler)
    import subprocess

    from PIL import Image

    out = services.file_of(job).parent / "page"
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(services.file_of(job)), str(out)], check=True)
    images = sorted(out.parent.glob("page*.png"))
    assert len(images) == len(reader.pages)
    for image in images:
        with Image.open(image) as im:
            w, h = im.size
            corner = im.convert("L").crop((0, int(h * 0.9), int(w * 0.25), h))
            dark = sum(corner.histogram()[:100])
            assert dark > 50, image.name


@pytest.mark.parametrize(
    ("kind", "params"),
    [("compliance", {}), ("compliance", {"figures_only": True}), ("mau3", {}), ("yearend", {"quarter": None})],
)
def test_xlsx_prints_the_code_in_every_sheets_footer_and_under_the_signatures(report_data, people, kind, params):
    """The workbook a user downloads carries its register code where a reader finds it: the printed
    footer of every sheet (first page too), the line under the signatures, the file's properties."""
    from openpyxl import load_workbook

    job = produce(people, kind=kind, fmt="xlsx", **params)
    code = IssuedDocument.objects.get(job=job).code
    wb = load_workbook(services.file_of(job))
    line = f"Mã văn bản: {code} · Xác minh tại http://127.0.0.1:8000/xac-minh/"
    assert wb.properties.identifier == code
    for ws in wb.worksheets:
        assert ws.oddFooter.right.text == line and ws.firstFooter.right.text == line, ws.title
    main = wb.worksheets[0]
    texts = [c.value for row in main.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts[-1] == line
    assert sum(line in t for t in texts) == 1


def test_qr_code_leads_to_the_verification_page_of_the_code():
    from reports.register import qr_data_uri, verify_url

    url = verify_url("ABCDE-FGHJK")
    assert url == "http://127.0.0.1:8000" + reverse("verify_code", args=["ABCDE-FGHJK"])
    uri = qr_data_uri(url)
    assert uri.startswith("data:image/svg+xml;base64,")


def test_a_reissued_document_is_a_new_entry(report_data, people):
    first = produce(people)
    second = produce(people)
    codes = set(IssuedDocument.objects.values_list("code", flat=True))
    assert IssuedDocument.objects.filter(job__in=[first, second]).count() == 2 and len(codes) == 2


def test_the_register_is_append_only(report_data, people):
    produce(people)
    doc = IssuedDocument.objects.get()
    doc.period = "Quý IV/2099"
    with pytest.raises(PermissionError):
        doc.save()
    with pytest.raises(PermissionError):
        doc.delete()
    with pytest.raises(PermissionError):
        IssuedDocument.objects.filter(pk=doc.pk).update(sha256="0" * 64)
    with pytest.raises(PermissionError):
        IssuedDocument.objects.all().delete()
    assert IssuedDocument.objects.get().period == "Quý I/2023"


def test_admin_shows_the_register_but_never_edits_it(client, report_data, people):
    from tests.factories import UserFactory

    produce(people)
    doc = IssuedDocument.objects.get()
    admin = UserFactory(department=people["d2"], email="qt@tn.vn", roles=["cadre", "admin"], is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("admin:reports_issueddocument_changelist"))
    assert page.status_code == 200 and doc.code in page.content.decode()
    assert client.get(reverse("admin:reports_issueddocument_add")).status_code == 403
    assert (
        client.post(reverse("admin:reports_issueddocument_delete", args=[doc.pk]), {"post": "yes"}).status_code == 403
    )
    change = client.post(reverse("admin:reports_issueddocument_change", args=[doc.pk]), {"period": "x"})
    assert change.status_code == 403
    assert IssuedDocument.objects.get().period == "Quý I/2023"
    # another organization's administrator does not see it
    stranger = people["stranger"]
    stranger.is_staff = True
    stranger.save()
    from accounts.models import UserRole

    UserRole.objects.create(user=stranger, code="admin")
    client.force_login(stranger)
    assert doc.code not in client.get(reverse("admin:reports_issueddocument_changelist")).content.decode()


@pytest.mark.parametrize(
    "typed,code",
    [
        ("abcde-fghjk", "ABCDE-FGHJK"),
        (" ABCDE FGHJK ", "ABCDE-FGHJK"),
        ("ABCDEFGHJK", "ABCDE-FGHJK"),
        ("0BCDE-FGHJK", None),
    ],
)
def test_codes_as_typed(typed, code):
    assert normalize_code(typed) == code


def test_deleting_a_person_or_a_job_keeps_the_entry(report_data, people):
    job = produce(people)
    requester = people["board"]
    IssuedDocument.objects.create(
        code="ABCDE-FGHJK",
        organization=people["org"],
        kind="mau1",
        format="pdf",
        period="Năm 2023",
        requested_by=requester,
        sha256="0" * 64,
    )
    requester.delete()
    job.delete()
    assert IssuedDocument.objects.count() == 2
    kept = IssuedDocument.objects.get(code="ABCDE-FGHJK")
    assert kept.requested_by is None and kept.sha256 == "0" * 64
    with pytest.raises(PermissionError):
        IssuedDocument.objects.filter(pk=kept.pk).update(requested_by=None, sha256="1" * 64)

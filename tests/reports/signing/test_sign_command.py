"""`signing install`, `report … --sign`, `verify` (docs/domain.md §10), checked with pyHanko's own
validator and poppler's pdfsig."""

import json
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reports.models import DocumentSignature, IssuedDocument

pytestmark = pytest.mark.django_db

COMPLIANCE = ["compliance", "--org", "tay-ninh", "--year", "2023", "--quarter", "1", "--format", "pdf"]


def report(tmp_path, *extra, name="c.pdf"):
    out = tmp_path / name
    call_command("report", *COMPLIANCE, "--today", "2023-04-20", "--output", str(out), *extra)
    return out


def verify_json(path) -> tuple[dict, int]:
    from io import StringIO

    buf = StringIO()
    try:
        call_command("verify", str(path), "--format", "json", stdout=buf)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return json.loads(buf.getvalue()), code


@pytest.mark.deploy  # poppler-utils comes with `make system-deps`: run by `make test-deploy`
def test_signed_report_is_valid_for_poppler_pdfsig(board_head, installed, ca, tmp_path):
    out = report(tmp_path, "--sign")
    assert shutil.which("pdfsig"), "poppler-utils (make system-deps) is required"
    res = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in res.stdout, res.stdout + res.stderr


def test_signed_report_is_valid_for_pyhanko(board_head, installed, ca, tmp_path):
    out = report(tmp_path, "--sign")
    doc = IssuedDocument.objects.get(kind="compliance")
    sig = DocumentSignature.objects.get(document=doc)
    assert sig.level == "B-B" and sig.signed_by == board_head
    # pyHanko's validator, trusting the test CA
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    with open(out, "rb") as f:
        reader = PdfFileReader(f)
        (embedded,) = reader.embedded_signatures
        root = asn1_x509.Certificate.load(ca.cert.public_bytes(Encoding.DER))
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[root], allow_fetching=False))
        assert status.intact and status.valid and status.trusted
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert "Tỉnh đoàn Tây Ninh" in embedded.signer_cert.subject.human_friendly
    verdict, code = verify_json(out)
    assert code == 0
    assert verdict["valid"] is True and verdict["modified"] is False
    assert verdict["signed_by"] == "CN=Tỉnh đoàn Tây Ninh,O=Tỉnh đoàn Tây Ninh,C=VN"
    assert verdict["document"] == {
        "code": doc.code,
        "kind": "Báo cáo tình hình thực hiện quý",
        "organization": doc.organization.name,
        "period": "Quý I/2023",
        "issued_at": timezone.localdate(doc.created_at).isoformat(),
    }


def test_sign_without_certificate_refuses_and_builds_nothing(board_head, tmp_path):
    with pytest.raises(CommandError, match="Tổ chức chưa cài chứng thư số nên chưa ký số được văn bản."):
        report(tmp_path, "--sign")
    assert not (tmp_path / "c.pdf").exists() and not IssuedDocument.objects.exists()


def test_sign_with_an_expired_certificate_refuses(board_head, installed, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from reports.models import SigningCertificate

    SigningCertificate.objects.filter(pk=installed.pk).update(not_after=timezone.now() - timedelta(days=1))
    with pytest.raises(CommandError, match="Chứng thư số của tổ chức đã hết hạn ngày"):
        report(tmp_path, "--sign")
    assert not DocumentSignature.objects.exists()


def test_sign_refuses_xlsx(board_head, installed, tmp_path):
    with pytest.raises(CommandError, match="--sign chỉ dùng với --format pdf"):
        call_command("report", *COMPLIANCE[:-1], "xlsx", "--output", str(tmp_path / "c.xlsx"), "--sign")


def tamper(path, tmp_path, name="tampered.pdf"):
    """One byte changed (in the binary comment of the header's second line, inside what a signature
    covers), the file still a readable PDF."""
    data = bytearray(path.read_bytes())
    i = data.index(b"\n%") + 2
    data[i] ^= 0x01
    out = tmp_path / name
    out.write_bytes(bytes(data))
    return out


def test_verify_answers_for_signed_unsigned_tampered_and_foreign(board_head, installed, tmp_path):
    signed = report(tmp_path, "--sign", name="signed.pdf")
    unsigned = report(tmp_path, name="unsigned.pdf")
    signed_doc, unsigned_doc = IssuedDocument.objects.order_by("created_at", "pk")
    # unsigned but issued: in the register with the same SHA-256
    verdict, code = verify_json(unsigned)
    assert code == 0 and verdict["valid"] is True and verdict["modified"] is False
    assert verdict["signed_by"] is None and verdict["document"]["code"] == unsigned_doc.code
    # tampered signed file: the signature no longer holds
    verdict, code = verify_json(tamper(signed, tmp_path, "t1.pdf"))
    assert code == 1 and verdict["valid"] is False and verdict["modified"] is True
    assert verdict["document"]["code"] == signed_doc.code
    assert verdict["signatures"][0]["intact"] is False
    # tampered unsigned file: the register knows the code, the bytes differ
    verdict, code = verify_json(tamper(unsigned, tmp_path, "t2.pdf"))
    assert code == 1 and verdict["valid"] is False and verdict["modified"] is True
    assert verdict["document"]["code"] == unsigned_doc.code
    # a PDF the product never issued
    foreign = tmp_path / "foreign.pdf"
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(foreign)
    verdict, code = verify_json(foreign)
    assert code == 1 and verdict == {
        "valid": False,
        "modified": False,
        "signed_by": None,
        "document": None,
        "signatures": [],
    }


def test_incremental_update_after_signing_is_reported(board_head, installed, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = report(tmp_path, "--sign", name="signed.pdf")
    with open(signed, "rb") as f:
        writer = IncrementalPdfFileWriter(f)
        writer.root["/Lang"] = generic.TextStringObject("en")
        writer.update_root()
        updated = tmp_path / "updated.pdf"
        with open(updated, "wb") as out:
            writer.write(out)
    verdict, code = verify_json(updated)
    assert code == 1 and verdict["valid"] is False and verdict["modified"] is True
    (sig,) = verdict["signatures"]
    assert sig["intact"] is True and sig["whole_file"] is False


def test_a_signature_by_a_certificate_not_installed_is_not_valid(board_head, installed, ca, tmp_path):
    """A file signed by someone else's key (same CA) with the code of a real document."""
    from reports.signing import SignerMeta
    from reports.signing.testing import TestProvider

    unsigned = report(tmp_path, name="unsigned.pdf")
    doc = IssuedDocument.objects.get()
    key, cert = ca.issue(cn="Kẻ mạo danh")
    forged = TestProvider(key, cert, [ca.cert]).sign(
        unsigned.read_bytes(), SignerMeta(name="Kẻ mạo danh", title="", code=doc.code, time_text="")
    )
    path = tmp_path / "forged.pdf"
    path.write_bytes(forged)
    verdict, code = verify_json(path)
    assert code == 1 and verdict["valid"] is False
    assert verdict["signatures"][0]["installed"] is False and verdict["signatures"][0]["intact"] is True
    assert "Kẻ mạo danh" in verdict["signed_by"]


def test_the_signing_is_in_the_documents_history(board_head, installed, tmp_path):
    from fieldwork.models import HistoryEntry

    report(tmp_path, "--sign")
    doc = IssuedDocument.objects.get()
    entry = HistoryEntry.objects.get(object_type="document", object_id=doc.pk)
    assert entry.action == "signed" and "PAdES B-B" in entry.comment and "Tỉnh đoàn Tây Ninh" in entry.comment

"""`signing install`, `report … --sign`, `verify` (docs/domain.md §10), checked with pyHanko's own
validator and poppler's pdfsig."""

import json
import shutil
import subprocess

import pytest
from django.core.management import call_command

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


def test_signed_report_is_valid_for_pdfsig_and_pyhanko(board_head, installed, ca, tmp_path):
    out = report(tmp_path, "--sign")
    doc = IssuedDocument.objects.get(kind="compliance")
    sig = DocumentSignature.objects.get(document=doc)
    assert sig.level == "B-B" and sig.signed_by == board_head
    # poppler
    assert shutil.which("pdfsig"), "poppler-utils (make system-deps) is required"
    res = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in res.stdout, res.stdout + res.stderr
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
    assert "Tỉnh đoàn Tây Ninh" in verdict["signed_by"]
    assert verdict["document"] == {
        "code": doc.code,
        "kind": "Báo cáo tình hình thực hiện quý",
        "organization": doc.organization.name,
        "period": "Quý I/2023",
        "issued_at": doc.created_at.date().isoformat(),
    }

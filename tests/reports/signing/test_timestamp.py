"""PAdES B-T (docs/signing.md): with SIGNING_TSA_URL the signature carries an RFC 3161 timestamp. A test
timestamp authority answers on a local port (pyHanko's DummyTimeStamper behind http.server)."""

import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command

from reports.models import DocumentSignature

pytestmark = pytest.mark.django_db


@pytest.fixture
def tsa(ca):
    from asn1crypto import cms, keys, tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    # asn1crypto.tsp adds "tst_info" to ContentType's names; a reverse map built before that import
    # (by an earlier test of the session) would not know it: rebuild it.
    cms.ContentType._reverse_map = {name: oid for oid, name in cms.ContentType._map.items()}
    key, cert = ca.issue_tsa()
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        certs_to_embed=[asn1_x509.Certificate.load(ca.cert.public_bytes(serialization.Encoding.DER))],
    )
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(self.headers.get("Content-Type"))
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", requests
    server.shutdown()
    server.server_close()


def test_with_a_timestamp_authority_the_signature_is_b_t(board_head, installed, ca, tsa, settings, tmp_path):
    url, requests = tsa
    settings.SIGNING_TSA_URL = url
    out = tmp_path / "c.pdf"
    call_command(
        "report",
        *["compliance", "--org", "tay-ninh", "--year", "2023", "--quarter", "1", "--format", "pdf"],
        *["--today", "2023-04-20", "--output", str(out), "--sign"],
    )
    assert DocumentSignature.objects.get().level == "B-T"
    assert requests and set(requests) == {"application/timestamp-query"}  # pyHanko asks once to size the token
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(ca.cert.public_bytes(Encoding.DER))
    with open(out, "rb") as f:
        (sig,) = PdfFileReader(f).embedded_signatures
        context = ValidationContext(trust_roots=[root], allow_fetching=False)
        status = validate_pdf_signature(sig, context, ts_validation_context=context)
        assert status.intact and status.valid and status.trusted
        assert status.timestamp_validity is not None and status.timestamp_validity.intact
        assert status.timestamp_validity.trusted


@pytest.mark.deploy  # poppler-utils comes with `make system-deps`: run by `make test-deploy`
def test_a_b_t_signature_is_valid_for_poppler_pdfsig(board_head, installed, ca, tsa, settings, tmp_path):
    settings.SIGNING_TSA_URL = tsa[0]
    out = tmp_path / "c.pdf"
    call_command(
        "report",
        *["compliance", "--org", "tay-ninh", "--year", "2023", "--quarter", "1", "--format", "pdf"],
        *["--today", "2023-04-20", "--output", str(out), "--sign"],
    )
    assert shutil.which("pdfsig"), "poppler-utils (make system-deps) is required"
    res = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in res.stdout, res.stdout + res.stderr

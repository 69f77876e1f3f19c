"""Signing benchmark (docs/signing.md): the cost of signing a 10-page report PDF (PAdES B-B with the
visible signature in the signature block) and of verifying it.

    .venv/bin/python bench/signing.py [--pages 10] [--runs 5]

Builds a PDF of the requested pages with WeasyPrint (the report's fonts, a signature block with the
`chu-ky-so` anchor), a test CA and a 2048-bit RSA certificate (tests/reports/signing/ca.py), then
times: decrypting the stored key (Fernet), locating the signature block, signing with pyHanko, and
validating the signature with pyHanko's validator. Prints median and max of each, and the sizes.
No database is used.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")

import django  # noqa: E402

django.setup()


def build_pdf(pages: int) -> bytes:
    from weasyprint import HTML

    from reports.pdf import FONTS_DIR, font_faces

    rows_per_page = 40
    rows = "".join(
        f"<tr><td>{i}</td><td>Nguyễn Văn Thành {i}</td><td>Ban Phong trào</td><td>60</td><td>12,5</td></tr>"
        for i in range(1, rows_per_page * pages - 10)
    )
    html = f"""<html><head><style>{font_faces()}
    @page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
    html {{ font-family: "Liberation Serif"; font-size: 12pt; }}
    table {{ width: 100%; border-collapse: collapse; }} td {{ border: 0.5pt solid #000; padding: 2pt; }}
    .sign {{ width: 50%; margin-left: 50%; text-align: center; }} .space {{ height: 18mm; }}
    </style></head><body><h1>BÁO CÁO</h1><table>{rows}</table>
    <div class="sign"><b>TRƯỞNG BAN</b><div class="space" id="chu-ky-so"></div><b>Lý Thị Thu</b></div>
    </body></html>"""
    return HTML(string=html, base_url=FONTS_DIR.as_uri()).write_pdf()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from cryptography.fernet import Fernet
    from django.conf import settings
    from pypdf import PdfReader

    from reports.signing import SignerMeta
    from reports.signing.keys import decrypt_private_key, encrypt_private_key
    from reports.signing.pades import stamp_font
    from reports.signing.service import signature_place
    from reports.signing.testing import TestProvider
    from tests.reports.signing.ca import TestCA

    settings.SIGNING_KEY_ENCRYPTION_KEY = Fernet.generate_key().decode()
    ca = TestCA()
    key, cert = ca.issue()
    token = encrypt_private_key(key)
    Path(stamp_font()).unlink()  # measure the first signature of a process: the font is made once
    t = time.perf_counter()
    stamp_font()
    font_first = time.perf_counter() - t

    pdf = build_pdf(args.pages)
    pages = len(PdfReader(__import__("io").BytesIO(pdf)).pages)
    timings = {"decrypt key": [], "find signature block": [], "sign (pyHanko)": [], "validate (pyHanko)": []}
    signed = b""
    for _ in range(args.runs):
        t0 = time.perf_counter()
        k = decrypt_private_key(token)
        t1 = time.perf_counter()
        page, box = signature_place(pdf)
        t2 = time.perf_counter()
        meta = SignerMeta(name="Lý Thị Thu", title="TRƯỞNG BAN", code="ABCDE-FGHJK", time_text="09:00 ngày 06/12/2026")
        meta.page, meta.box = page, box
        signed = TestProvider(k, cert, [ca.cert]).sign(pdf, meta)
        t3 = time.perf_counter()
        validate(signed, ca)
        t4 = time.perf_counter()
        for name, dt in zip(timings, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            timings[name].append(dt * 1000)
    print(
        f"PDF: {pages} pages, {len(pdf) / 1024:.0f} KB unsigned, {len(signed) / 1024:.0f} KB signed "
        f"(+{(len(signed) - len(pdf)) / 1024:.0f} KB); visible signature on page {page + 1}"
    )
    print(f"stamp font (first signature of a server process only): {font_first * 1000:.0f} ms")
    for name, values in timings.items():
        print(f"{name:24s} median {statistics.median(values):7.1f} ms   max {max(values):7.1f} ms   ({args.runs} runs)")
    total = [sum(v[i] for v in timings.values()) for i in range(args.runs)]
    print(f"{'total':24s} median {statistics.median(total):7.1f} ms")


def validate(data: bytes, ca):
    from io import BytesIO

    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(ca.cert.public_bytes(Encoding.DER))
    (sig,) = PdfFileReader(BytesIO(data)).embedded_signatures
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.intact and status.valid and status.trusted, status


if __name__ == "__main__":
    main()

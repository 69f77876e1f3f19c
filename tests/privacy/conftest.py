"""Personal data tests (docs/privacy.md): a Tây Ninh organization (tests/conftest.py `people`) whose
cadre Dung is on maternity leave (a sensitive reason) with a note and a document."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fieldwork.models import Exemption, ExemptionReason

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MATERNITY_NOTE = "Sinh con thứ hai, giấy ra viện số 77/BV"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def maternity(people):
    """Dung's approved maternity exemption (thai-san: sensitive in the shipped template)."""
    reason = ExemptionReason.objects.get(plan=people["plan"], code="thai-san")
    assert reason.sensitive
    ex = Exemption.objects.create(
        person=people["cadre"],
        reason=reason,
        start=date(2023, 5, 1),
        end=date(2023, 10, 31),
        note=MATERNITY_NOTE,
        status=Exemption.Status.APPROVED,
        proposed_by=people["board"],
        decided_by=people["secretary"],
    )
    ex.document.save("giay.png", SimpleUploadedFile("giay.png", PNG), save=True)
    return ex


def response_text(resp) -> str:
    """What a user reads in a response: the HTML, or the text of a downloaded PDF or XLSX."""
    body = b"".join(resp.streaming_content) if getattr(resp, "streaming", False) else resp.content
    kind = resp.get("Content-Type", "")
    if body.startswith(b"%PDF"):
        from pypdf import PdfReader

        return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())
    if body.startswith(b"PK") or "spreadsheet" in kind:
        return xlsx_text(body)
    return body.decode("utf-8", errors="replace")


def xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    parts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
    return "\n".join(parts)

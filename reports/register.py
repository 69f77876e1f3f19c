"""The register of issued documents (docs/signing.md, docs/domain.md §10).

Every PDF and XLSX the product issues goes through reports.services.produce, which asks this
module for a fresh code before building the file (the PDF prints it, with a QR code leading to the
verification page, in every page's footer) and enters the finished file with its SHA-256. A
re-issued document is a new entry; an entry is never edited or deleted (models.AppendOnly).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import IssuedDocument, ReportJob

# No 0/O, 1/I/L: a code is read off paper and typed.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_RE = re.compile(r"\b([2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5})\b")


def new_code() -> str:
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        if not IssuedDocument.objects.filter(code=code).exists():
            return code


def normalize_code(text: str) -> str | None:
    """A code as typed (lower case, spaces, no hyphen) or None."""
    raw = re.sub(r"[\s-]", "", (text or "").upper())
    if len(raw) != 10:
        return None
    code = f"{raw[:5]}-{raw[5:]}"
    return code if CODE_RE.fullmatch(code) else None


def verify_url(code: str | None = None) -> str:
    base = settings.SITE_URL.rstrip("/")
    if code:
        return base + reverse("verify_code", args=[code])
    return base + reverse("verify")


def qr_data_uri(text: str) -> str:
    """A QR code as an inline SVG data: URI (the PDF's url_fetcher reads data: URIs only)."""
    import segno

    svg = segno.make(text, error="m").svg_inline(scale=0.42, unit="mm", border=0, omitsize=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def period_label(kind: str, params: dict) -> str:
    """What the document covers, as its first lines say: "Quý I/2023", "Năm 2023"."""
    from fieldwork.quarters import quarter_name

    year, quarter = params.get("year"), params.get("quarter")
    if quarter:
        return _("Quý %(q)s/%(y)s") % {"q": quarter_name(int(quarter)), "y": year}
    return _("Năm %(y)s") % {"y": year}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def document_signer(doc):
    """The signature block whose person may sign the file digitally (docs/domain.md §8): a report's
    single signer, else the form's right-hand block (the sender, the registrant)."""
    return getattr(doc, "signer", None) or getattr(doc, "right", None)


def enter(job: ReportJob, doc, path: Path, code: str) -> IssuedDocument:
    signer = document_signer(doc)
    return IssuedDocument.objects.create(
        code=code,
        organization_id=job.organization_id,
        kind=job.kind,
        format=job.format,
        period=period_label(job.kind, job.params),
        job=job,
        requested_by_id=job.requested_by_id,
        signer_id=getattr(signer, "person_id", None),
        signer_name=(getattr(signer, "name", "") or "")[:200],
        signer_title=" / ".join(x for x in (getattr(signer, "over", ""), getattr(signer, "title", "")) if x)[:200],
        sha256=sha256_file(path),
        size=path.stat().st_size,
    )


def latest_of(job: ReportJob) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(job=job).order_by("-created_at", "-pk").first()

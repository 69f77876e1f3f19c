"""Verifying a PDF (docs/signing.md, docs/domain.md §10 `verify`): is it a document the product issued,
unchanged, and is every signature in it valid over the whole file and made with the certificate
the organization had installed at signing time? One function for the command and the public page
("Xác minh văn bản"); the file is read in memory and never kept.

It tells only what the document's first lines print (kind, organization, period, date): no
personal data."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass, field
from io import BytesIO

from django.db.models import Q
from django.utils import timezone

from .models import IssuedDocument, SigningCertificate
from .register import CODE_RE

logger = logging.getLogger(__name__)


@dataclass
class SignatureCheck:
    signed_by: str  # the certificate's subject, as `signing show` prints it (RFC 4514)
    intact: bool  # the signed bytes are unchanged and the cryptography holds
    whole_file: bool  # nothing was added after signing
    installed: bool  # made with a certificate the organization had installed at signing time
    signed_at: str | None
    organization: str = ""
    common_name: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.whole_file and self.installed


@dataclass
class Verdict:
    valid: bool
    modified: bool
    signed_by: str | None
    document: dict | None
    signatures: list[SignatureCheck] = field(default_factory=list)
    in_register: bool = False  # the very bytes are in the register
    readable: bool = True

    def as_json(self) -> dict:
        return {
            "valid": self.valid,
            "modified": self.modified,
            "signed_by": self.signed_by,
            "document": {k: v for k, v in self.document.items() if k != "issued_on"} if self.document else None,
            "signatures": [asdict(s) | {"valid": s.ok} for s in self.signatures],
        }


def describe_document(doc: IssuedDocument) -> dict:
    return {
        "code": doc.code,
        "kind": str(doc.get_kind_display()),
        "organization": doc.organization.name,
        "period": doc.period,
        "issued_at": timezone.localdate(doc.created_at).isoformat(),
        "issued_on": timezone.localdate(doc.created_at).strftime("%d/%m/%Y"),  # the page's (not in JSON)
    }


def _code_in_text(data: bytes) -> str | None:
    """The document code printed in the footer (first page)."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(BytesIO(data))
        text = reader.pages[0].extract_text() or ""
    except Exception:  # noqa: BLE001 - a damaged or foreign file
        return None
    match = CODE_RE.search(text.replace("\n", " "))
    return match.group(1) if match else None


def _check_signature(sig) -> SignatureCheck:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    cert = sig.signer_cert
    subject, common_name = _subject(cert)
    fp = hashlib.sha256(cert.dump()).hexdigest() if cert is not None else ""
    rows = list(SigningCertificate.objects.filter(fingerprint=fp).select_related("organization")) if fp else []
    roots = []
    for row in rows:
        from cryptography.hazmat.primitives import serialization

        from .signing.pkcs12 import certificates_of

        c, chain = certificates_of(row)
        roots += [asn1_x509.Certificate.load(x.public_bytes(serialization.Encoding.DER)) for x in (c, *chain)]
    try:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = validate_pdf_signature(sig, context)
    except Exception:  # noqa: BLE001 - a malformed signature is an invalid one
        logger.info("verify: a signature could not be validated")
        return SignatureCheck(
            signed_by=subject, intact=False, whole_file=False, installed=False, signed_at=None, common_name=common_name
        )
    signed_at = status.signer_reported_dt
    installed = False
    organization = ""
    for row in rows:
        at = signed_at or timezone.now()
        # The signing time a PDF carries is to the second: a certificate installed at 10:00:00.7 signs
        # at "10:00:00" within that second.
        if row.installed_at.replace(microsecond=0) <= at and (row.retired_at is None or at <= row.retired_at):
            installed, organization = True, row.organization.name
    return SignatureCheck(
        signed_by=subject,
        intact=bool(status.intact and status.valid),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        installed=installed and bool(status.trusted),
        signed_at=signed_at.isoformat() if signed_at else None,
        organization=organization,
        common_name=common_name,
    )


def _subject(cert) -> tuple[str, str]:
    if cert is None:
        return "", ""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    name = x509.load_der_x509_certificate(cert.dump()).subject
    cns = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return name.rfc4514_string(), (str(cns[0].value) if cns else name.rfc4514_string())


def verify_bytes(data: bytes) -> Verdict:
    digest = hashlib.sha256(data).hexdigest()
    exact = (
        IssuedDocument.objects.filter(Q(sha256=digest) | Q(signatures__sha256=digest))
        .select_related("organization")
        .first()
    )
    signatures: list[SignatureCheck] = []
    codes: list[str] = []
    readable = True
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - not a PDF, or damaged beyond reading
        readable, embedded = False, []
    for sig in embedded:
        signatures.append(_check_signature(sig))
        try:
            reason = str(sig.sig_object.get("/Reason", ""))
        except Exception:  # noqa: BLE001
            reason = ""
        match = CODE_RE.search(reason)
        if match:
            codes.append(match.group(1))
    document = exact
    if document is None:
        code = codes[0] if codes else (_code_in_text(data) if readable else None)
        if code:
            document = IssuedDocument.objects.filter(code=code).select_related("organization").first()
    signed_ok = bool(signatures) and all(s.ok for s in signatures)
    broken = any(not (s.intact and s.whole_file) for s in signatures)
    modified = broken or (document is not None and exact is None and not signed_ok)
    valid = not modified and (exact is not None or signed_ok)
    signed_by = signatures[0].signed_by if signatures else None
    return Verdict(
        valid=valid,
        modified=modified,
        signed_by=signed_by,
        document=describe_document(document) if document is not None else None,
        signatures=signatures,
        in_register=exact is not None,
        readable=readable,
    )


def verify_code(code: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(code=code).select_related("organization").first()

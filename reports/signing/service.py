"""Signing an issued document (docs/signing.md): who may, with which certificate, and the record of it
in the register and the document's history. The web page ("Ký số") and `report … --sign` call
sign_document; nothing else signs."""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from io import BytesIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.files import file_of
from reports.models import DocumentSignature, IssuedDocument, ReportJob, SigningCertificate

from . import SignerMeta, SigningError
from .pkcs12 import Pkcs12Provider

logger = logging.getLogger(__name__)

PROVIDERS = {Pkcs12Provider.name: Pkcs12Provider}  # docs/signing.md: add a provider here
ANCHOR = "chu-ky-so"  # the id of the room to sign in the form's signature block (templates/reports/pdf)
MM = 72 / 25.4


def active_certificate(organization_id) -> SigningCertificate | None:
    """The organization's installed (not retired) certificate, whatever its dates."""
    return SigningCertificate.objects.filter(organization_id=organization_id, retired_at__isnull=True).first()


def usable_certificate(organization_id, *, now=None) -> SigningCertificate:
    """The certificate to sign with, or SigningError saying why there is none."""
    now = now or timezone.now()
    cert = active_certificate(organization_id)
    if cert is None:
        raise SigningError(_("Tổ chức chưa cài chứng thư số nên chưa ký số được văn bản."))
    if cert.not_after < now:
        raise SigningError(
            _("Chứng thư số của tổ chức đã hết hạn ngày %(d)s: hãy cài chứng thư số mới.")
            % {"d": timezone.localtime(cert.not_after).strftime("%d/%m/%Y")}
        )
    if cert.not_before > now:
        raise SigningError(_("Chứng thư số của tổ chức chưa có hiệu lực."))
    return cert


def provider_for(cert: SigningCertificate):
    return PROVIDERS[cert.provider](cert)


def document_of(job: ReportJob) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(job=job).order_by("-created_at", "-pk").first()


def can_sign(user, document: IssuedDocument | None) -> bool:
    """The person of the form's signature block (docs/domain.md §8), still active in the
    document's organization, on a PDF not yet signed, when the organization has a usable
    certificate. The "Ký số" button is shown only then."""
    if document is None or user is None or not user.is_authenticated or not user.is_active:
        return False
    if document.format != ReportJob.Format.PDF or document.signer_id != user.pk:
        return False
    if user.organization_id != document.organization_id:
        return False
    if document.signatures.exists():
        return False
    try:
        usable_certificate(document.organization_id)
    except SigningError:
        return False
    return True


def signature_place(pdf_bytes: bytes) -> tuple[int, tuple[float, float, float, float] | None]:
    """The page and box of the room to sign in the signature block: the PDF builder marks it with
    the id ANCHOR, which WeasyPrint writes as a named destination (its top-left corner). The box
    spans the block's column to the right margin and the room's 18 mm height."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(BytesIO(pdf_bytes))
        dest = reader.named_destinations.get(ANCHOR) or reader.named_destinations.get("/" + ANCHOR)
        if dest is None:
            return 0, None
        page = reader.get_destination_page_number(dest)
        width = float(reader.pages[page].mediabox.width)
        left, top = float(dest.left), float(dest.top)
    except Exception:  # noqa: BLE001 - an invisible signature rather than none
        logger.warning("signing: no signature block found in the PDF")
        return 0, None
    right = width - 15 * MM
    return page, (left, top - 18 * MM, right, top)


def sign_document(*, document: IssuedDocument, user=None, now=None) -> DocumentSignature:
    """Sign the issued PDF with the organization's certificate, replace the job's file by the signed
    one (the unsigned file is kept beside it), record the signature in the register and the
    document's history. `user` None: the command line, on the organization's behalf."""
    from fieldwork.services.history import record

    if user is not None and not can_sign(user, document):
        raise SigningError(_("Bạn không phải người ký văn bản này, hoặc văn bản không ký số được."))
    if document.format != ReportJob.Format.PDF:
        raise SigningError(_("Chỉ ký số được văn bản PDF."))
    if document.signatures.exists():
        raise SigningError(_("Văn bản đã được ký số."))
    cert = usable_certificate(document.organization_id, now=now)
    job = document.job
    path = file_of(job) if job is not None else None
    if path is None:
        raise SigningError(_("Không tìm thấy tệp của văn bản để ký."))
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise SigningError(_("Tệp của văn bản đã khác với bản đã phát hành nên không ký được."))
    page, box = signature_place(data)
    when = timezone.localtime(now or timezone.now())
    provider = provider_for(cert)
    meta = SignerMeta(
        name=document.signer_name,
        title=document.signer_title,
        code=document.code,
        time_text=when.strftime("%H:%M ngày %d/%m/%Y"),
        location=document.organization.place or "",
        page=page,
        box=box,
    )
    try:
        signed = provider.sign(data, meta)
    except SigningError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyHanko, the timestamp authority, a remote service
        # The type only: a message could quote what the provider was handed.
        logger.warning("document %s: signing failed (%s)", document.code, type(exc).__name__)
        raise SigningError(
            _("Không ký số được văn bản do lỗi của dịch vụ ký hoặc máy chủ cấp dấu thời gian. Hãy thử lại sau ít phút.")
        ) from exc
    final = path.with_name(f"{path.stem}-da-ky-so.pdf")
    tmp = path.with_name(f".{final.name}.{uuid.uuid4().hex}.part")
    try:
        tmp.write_bytes(signed)
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    with transaction.atomic():
        signature = DocumentSignature.objects.create(
            document=document,
            certificate=cert,
            signed_by=user if user is not None else document.signer,
            signed_at=when,
            level=provider.level,
            sha256=hashlib.sha256(signed).hexdigest(),
            size=len(signed),
        )
        ReportJob.objects.filter(pk=job.pk).update(
            file_path=str(final.relative_to(settings.MEDIA_ROOT)), file_name=final.name, file_size=len(signed)
        )
        record(
            document,
            actor=user,
            action="signed",
            comment=_("Ký số (PAdES %(level)s) bằng chứng thư số %(subject)s")
            % {"level": provider.level, "subject": cert.subject},
            object_type="document",
            organization_id=document.organization_id,
        )
    logger.info("document %s signed (%s)", document.code, provider.level)
    return signature

"""Uploaded files in and out: recognised by their magic bytes, capped in size, and served only
as permission-checked downloads (exemption documents, trip attachments, generated reports).

The declared content type and the file name of an upload are never trusted.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

from accounts.vietnamese import nfc

# Magic bytes -> (content type, extension).
PDF = (b"%PDF-", "application/pdf", ".pdf")
PNG = (b"\x89PNG\r\n\x1a\n", "image/png", ".png")
JPEG = (b"\xff\xd8\xff", "image/jpeg", ".jpg")
GIF87 = (b"GIF87a", "image/gif", ".gif")
GIF89 = (b"GIF89a", "image/gif", ".gif")
WEBP = "webp"  # RIFF....WEBP: not a plain prefix, recognised in sniff()

# A scanned decision or a photo of it.
DOCUMENT_SIGNATURES = (PDF, PNG, JPEG)
# Photos of a trip and scanned papers.
ATTACHMENT_SIGNATURES = (PDF, PNG, JPEG, GIF87, GIF89, WEBP)

CONTENT_TYPES = {ext: ctype for _magic, ctype, ext in (PDF, PNG, JPEG, GIF87)} | {".webp": "image/webp"}


def sniff(head: bytes, signatures=ATTACHMENT_SIGNATURES) -> tuple[str, str] | None:
    """(content type, extension) of the first bytes of a file, if they are one of `signatures`."""
    for signature in signatures:
        if signature == WEBP:
            if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
                return "image/webp", ".webp"
            continue
        magic, content_type, ext = signature
        if head.startswith(magic):
            return content_type, ext
    return None


def too_large(upload) -> bool:
    return upload.size > settings.MAX_ATTACHMENT_BYTES


def check_upload(upload, *, signatures, too_large_message: str, wrong_type_message: str) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload; a ValidationError with the caller's
    Vietnamese message when it is too large or not one of `signatures`."""
    if too_large(upload):
        raise ValidationError(too_large_message)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head, signatures)
    if kind is None:
        raise ValidationError(wrong_type_message)
    return kind


def clean_filename(name: str) -> str:
    """A name fit for a Content-Disposition header: no folders, no control characters."""
    name = nfc(PurePath(str(name or "")).name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return (name or "tep-dinh-kem")[:200]


def content_type_of(name: str) -> str:
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(ext, "application/octet-stream")


def attachment_response(handle, *, filename: str, content_type: str | None = None) -> FileResponse:
    """An open file as a download, never rendered by the browser (nosniff, sandboxed, not cached).
    `content_type=None` lets Django guess it from the file name."""
    kwargs = {"content_type": content_type} if content_type else {}
    response = FileResponse(handle, as_attachment=True, filename=filename, **kwargs)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def open_or_404(field_file):
    """The stored file opened for reading; 404 when it is missing (a lost upload)."""
    if not field_file:
        raise Http404
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None

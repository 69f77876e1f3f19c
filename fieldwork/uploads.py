"""Uploaded files in and out: recognised by their magic bytes, capped in size, and served only
as permission-checked downloads (exemption documents, trip attachments, generated reports).

The declared content type and the file name of an upload are never trusted.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

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
    check_image_size(upload, kind[0])
    return kind


# docs/security.md: what decoding and resizing one picture costs, in bytes per declared pixel (after a
# JPEG's draft() reduction), measured (docs/security.md): Pillow holds RGB as 4 bytes a pixel,
# resizing makes a second, intermediate picture, and Pillow's WebP decoder keeps two canvases of
# its own beside the picture it returns; a picture with transparency is resampled through one
# more copy (premultiplied alpha).
DECODE_COST = {"PNG": 8, "JPEG": 8, "GIF": 4, "WEBP": 16}
ALPHA_COST = 4
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


def too_many_pixels(upload) -> ValidationError:
    name = clean_filename(getattr(upload, "name", ""))
    return ValidationError(
        _("Ảnh “%(name)s” có quá nhiều điểm ảnh để xử lý. Hãy chụp lại hoặc thu nhỏ ảnh rồi gửi.") % {"name": name}
    )


def header_exif(image):
    """The picture's EXIF without decoding it: Pillow's PNG getexif() decodes the whole picture
    when the eXIf chunk follows the pixels (docs/security.md); such a PNG is read as having none."""
    if image.format == "PNG" and "exif" not in image.info:
        from PIL import Image

        return Image.Exif()
    return image.getexif()


def check_image_size(upload, content_type: str) -> None:
    """Refuse a picture from its header, before anything decodes it (docs/security.md: a 160 KB PNG
    declaring 9,000 × 9,000 pixels took 620 MB to open): more than MAX_IMAGE_PIXELS pixels, or a
    decoding cost above MAX_IMAGE_DECODE_BYTES (DECODE_COST) — for a JPEG, at the scale draft() decodes it
    (1/2, 1/4 or 1/8, prepare_photo). A file Pillow cannot read is left to the caller (it is only
    ever downloaded)."""
    fmt = PILLOW_FORMATS.get(content_type)
    if fmt is None:
        return
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[fmt]) as image:
                width, height = image.size
                if width * height > settings.MAX_IMAGE_PIXELS:
                    raise too_many_pixels(upload)
                if fmt == "JPEG" and max(width, height) > MAX_PHOTO_SIDE:
                    image.draft("RGB", (MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))  # reads no pixel; sets the scale
                    width, height = image.size
                alpha = "A" in image.mode or "transparency" in image.info
                if width * height * (DECODE_COST[fmt] + ALPHA_COST * alpha) > settings.MAX_IMAGE_DECODE_BYTES:
                    raise too_many_pixels(upload)
    except Image.DecompressionBombError:
        raise too_many_pixels(upload) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        pass
    finally:
        upload.seek(0)


# Photos from a phone (12 megapixels and more) are stored at most this many pixels on their
# longest side: enough to read a banner or a signature sheet, a tenth of the storage.
MAX_PHOTO_SIDE = 2048
PHOTO_QUALITY = 85
# GIFs may be animated: stored as they came.
RESIZABLE = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
EXIF_ORIENTATION = 0x0112


@dataclass
class StoredFile:
    content: object  # the upload itself, or a ContentFile of the re-encoded photo
    content_type: str
    ext: str
    size: int


def prepare_photo(upload, *, content_type: str, ext: str) -> StoredFile:
    """What to store for an accepted upload (check_upload first): a photo larger than
    MAX_PHOTO_SIDE, or one that only looks upright through its EXIF orientation, is re-encoded
    upright and at most MAX_PHOTO_SIDE px on its longest side, in its own format (its metadata is
    then removed by fieldwork.photo_metadata.strip_metadata, docs/privacy.md). Anything else — PDFs, GIFs, small
    upright photos, and files Pillow cannot read (they are only ever downloaded) — is stored as
    it came. A picture declaring more pixels than it may decode is refused (check_image_size,
    docs/security.md), again here whoever calls this; the picture is shrunk before it is turned, so
    no full-size copy is made."""
    as_is = StoredFile(upload, content_type, ext, upload.size)
    fmt = RESIZABLE.get(content_type)
    if fmt is None:
        return as_is
    from PIL import Image, ImageOps, UnidentifiedImageError

    check_image_size(upload, content_type)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=[fmt])
            orientation = header_exif(image).get(EXIF_ORIENTATION, 1)
            if max(image.size) <= MAX_PHOTO_SIDE and orientation in (1, None):
                return as_is
            if fmt == "JPEG":
                # Let the JPEG decoder shrink by 1/2, 1/4, 1/8 while reading: a fraction of the memory.
                image.draft("RGB", (MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
            # Shrink (reduce() while resampling), then turn the small picture: never a full-size copy.
            image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
            image = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError:
        raise too_many_pixels(upload) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        upload.seek(0)
        return as_is
    finally:
        upload.seek(0)
    exif = image.getexif()
    exif.pop(EXIF_ORIENTATION, None)
    options = {"exif": exif.tobytes()} if len(exif) else {}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=PHOTO_QUALITY, optimize=True)
    elif fmt == "WEBP":
        options.update(quality=PHOTO_QUALITY)
    else:
        options.update(optimize=True)
    out = io.BytesIO()
    image.save(out, fmt, **options)
    data = out.getvalue()
    return StoredFile(ContentFile(data), content_type, ext, len(data))


def clean_filename(name: str) -> str:
    """A name fit for a Content-Disposition header: no folders, no control characters."""
    name = nfc(PurePath(str(name or "")).name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return (name or "tep-dinh-kem")[:200]


def content_type_of(name: str) -> str:
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(ext, "application/octet-stream")


EXTENSION_OF = {ctype: ext for ext, ctype in CONTENT_TYPES.items()}


def download_name(name: str, content_type: str) -> str:
    """`name` with the extension of its sniffed `content_type` (docs/security.md: a GIF/HTML polyglot
    uploaded as "x.html" downloads as "x.gif", whatever extension the uploader gave it)."""
    ext = EXTENSION_OF.get(content_type)
    if ext is None:
        return name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return clean_filename((stem or "tep-dinh-kem")[:190] + ext)


def attachment_response(handle, *, filename: str, content_type: str | None = None) -> FileResponse:
    """An open file as a download, never rendered by the browser (nosniff, sandboxed, not cached).
    With a (sniffed) `content_type`, the name's extension follows it; `content_type=None` lets
    Django guess the type from the file name (files the server produced itself)."""
    if content_type:
        filename = download_name(filename, content_type)
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

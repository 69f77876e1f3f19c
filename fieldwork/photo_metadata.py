"""Photos lose their metadata on upload (docs/privacy.md): EXIF (GPS position, camera make, model and
serial number, owner, software, dates), XMP, IPTC, comments and embedded thumbnails are removed from
every JPEG, PNG, WebP and GIF before it is stored, so the file anyone downloads says nothing but its
picture. A separate step after fieldwork.uploads.prepare_photo (which sizes and turns the picture).

The pixels are not re-encoded: the metadata blocks are dropped from the file's own structure (JPEG
segments, PNG chunks, RIFF chunks, GIF extensions), so a small photo keeps its exact picture.
What stays: what is needed to show the picture (tables, colour profile, transparency, animation).

When the person agreed (User.photo_evidence, asked once, revocable), the time and place the photo
was taken are read from the original first (`read_evidence`) and kept as fields of the attachment,
shown to the approver beside the trip's dates and place — never inside the file.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.utils import timezone as dj_timezone

logger = logging.getLogger(__name__)
# Pillow's debug log prints every EXIF tag it reads, values included (GPS position, owner, serial):
# never below INFO, whatever LOG_LEVEL says (docs/privacy.md: logs carry no personal data).
logging.getLogger("PIL").setLevel(max(logging.getLogger("PIL").level, logging.INFO))

# EXIF tags (CIPA DC-008).
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME, DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x0132, 0x9003, 0x9011
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


@dataclass(frozen=True)
class Evidence:
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None

    def __bool__(self) -> bool:
        return self.taken_at is not None or self.latitude is not None


# Reading the evidence ---------------------------------------------------------------------------
def _taken_at(text, offset) -> datetime | None:
    try:
        naive = datetime.strptime(str(text).strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    if offset:
        try:
            sign = -1 if str(offset).startswith("-") else 1
            hours, minutes = str(offset).strip().lstrip("+-").split(":")[:2]
            tz = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
            return naive.replace(tzinfo=tz)
        except (TypeError, ValueError):
            pass
    return dj_timezone.make_aware(naive)  # a camera's clock is local time (settings.TIME_ZONE)


def _degrees(value, ref) -> Decimal | None:
    try:
        d, m, s = (Decimal(str(float(x))) for x in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    if str(ref).strip().upper().rstrip("\x00") in ("S", "W"):
        deg = -deg
    return deg.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def read_evidence(upload) -> Evidence | None:
    """When and where a photo was taken, from its EXIF (None: nothing readable). Never raises:
    a picture Pillow cannot read, or refuses, simply has no evidence."""
    from PIL import Image

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(upload) as image:
                from fieldwork.uploads import header_exif

                exif = header_exif(image)  # never decodes the picture (docs/security.md)
                sub = exif.get_ifd(EXIF_IFD)
                gps = exif.get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001 (any unreadable picture: no evidence, the upload goes on)
        return None
    finally:
        upload.seek(0)
    taken = _taken_at(sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME), sub.get(OFFSET_TIME_ORIGINAL))
    lat = lon = None
    if GPS_LAT in gps and GPS_LON in gps:
        lat, lon = _degrees(gps[GPS_LAT], gps.get(GPS_LAT_REF)), _degrees(gps[GPS_LON], gps.get(GPS_LON_REF))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            lat = lon = None
    evidence = Evidence(taken, lat, lon)
    return evidence or None


# Stripping ------------------------------------------------------------------------------------------
def _jpeg(data: bytes) -> bytes | None:
    """The JPEG without APP segments other than JFIF, the ICC profile and Adobe's colour transform,
    without comments, and without anything after the end of the image (appended pictures)."""
    if data[:2] != b"\xff\xd8":
        return None
    out, i, n = bytearray(b"\xff\xd8"), 2, len(data)
    while i + 2 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # no length
            out += data[i : i + 2]
            i += 2
            continue
        if marker == 0xD9:
            out += data[i : i + 2]
            return bytes(out)
        if i + 4 > n:
            return None
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        segment = data[i : i + 2 + length]
        if marker == 0xDA:  # start of scan: the picture itself, up to the end of the image
            end = data.find(b"\xff\xd9", i + 2 + length)
            out += data[i : end + 2 if end >= 0 else n]
            return bytes(out)
        payload = segment[4:]
        keep = not (0xE0 <= marker <= 0xEF or marker == 0xFE) or (
            (marker == 0xE0 and payload[:5] in (b"JFIF\x00", b"JFXX\x00"))
            or (marker == 0xE2 and payload[:12] == b"ICC_PROFILE\x00")
            or (marker == 0xEE and payload[:5] == b"Adobe")
        )
        if keep:
            out += segment
        i += 2 + length
    return None


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Ancillary chunks that only say how to show the picture; every other one (tEXt, iTXt with XMP,
# zTXt, eXIf, tIME, private chunks) goes.
PNG_KEEP = {b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT"}


def _png(data: bytes) -> bytes | None:
    if not data.startswith(PNG_SIGNATURE):
        return None
    out, i, n = bytearray(PNG_SIGNATURE), 8, len(data)
    while i + 12 <= n:
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        chunk = data[i : i + 12 + length]
        if len(chunk) < 12 + length:
            return None
        if kind[:1].isupper() or kind in PNG_KEEP:  # critical chunks (IHDR, PLTE, IDAT, IEND) stay
            out += chunk
        i += 12 + length
        if kind == b"IEND":
            return bytes(out)
    return None


def _webp(data: bytes) -> bytes | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunks, i, n = [], 12, len(data)
    while i + 8 <= n:
        kind = data[i : i + 4]
        size = int.from_bytes(data[i + 4 : i + 8], "little")
        chunk = bytearray(data[i : i + 8 + size + (size & 1)])
        if len(chunk) < 8 + size:
            return None
        if kind == b"VP8X" and size >= 1:
            chunk[8] &= ~(0x08 | 0x04) & 0xFF  # the "has EXIF" and "has XMP" flags
        if kind not in (b"EXIF", b"XMP "):
            chunks.append(bytes(chunk))
        i += 8 + size + (size & 1)
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def _gif_sub_blocks(data: bytes, i: int) -> int:
    """The index after a chain of sub-blocks starting at `i`."""
    while True:
        size = data[i]
        i += 1 + size
        if size == 0:
            return i


def _gif(data: bytes) -> bytes | None:
    """The GIF without comments and application extensions other than the looping ones (XMP,
    vendor data)."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        return None
    try:
        packed = data[10]
        i = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
        out = bytearray(data[:i])
        while i < len(data):
            block = data[i]
            if block == 0x3B:  # trailer
                out += b"\x3b"
                return bytes(out)
            if block == 0x2C:  # image: descriptor, local colour table, LZW size, data
                packed = data[i + 9]
                j = i + 10 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0) + 1
                end = _gif_sub_blocks(data, j)
                out += data[i:end]
                i = end
            elif block == 0x21:
                label = data[i + 1]
                end = _gif_sub_blocks(data, i + 2)
                keep = label in (0xF9, 0x01) or (
                    label == 0xFF and data[i + 3 : i + 14] in (b"NETSCAPE2.0", b"ANIMEXTS1.0")
                )
                if keep:
                    out += data[i:end]
                i = end
            else:
                return None
    except IndexError:
        return None
    return None


STRIPPERS = {"image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp, "image/gif": _gif}


def _reencoded(data: bytes, content_type: str) -> bytes | None:
    """The last resort for a picture whose structure could not be walked: Pillow writes it again
    with no metadata (None when Pillow cannot read it either)."""
    from PIL import Image

    fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}.get(content_type)
    if fmt is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data))
            image.load()
        image.info.clear()
        out = io.BytesIO()
        image.save(out, fmt, **({"quality": 90} if fmt != "PNG" else {}))
        return out.getvalue()
    except Exception:  # noqa: BLE001
        return None


def strip_metadata(stored):
    """`stored` (fieldwork.uploads.StoredFile) with every metadata block removed; PDFs and files
    that are not pictures are returned unchanged. A picture Pillow cannot read either is stored as
    it came (it is only ever downloaded, as before)."""
    strip = STRIPPERS.get(stored.content_type)
    if strip is None:
        return stored
    content = stored.content
    content.seek(0)
    data = content.read()
    content.seek(0)
    clean = strip(data)
    if clean is None:
        clean = _reencoded(data, stored.content_type)
    if clean is None:
        logger.warning("an attachment of type %s could not be stripped of metadata", stored.content_type)
        return stored
    if clean == data:
        return stored
    return replace(stored, content=ContentFile(clean), size=len(clean))

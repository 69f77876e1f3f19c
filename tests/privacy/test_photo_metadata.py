"""Photos lose every EXIF/XMP field on upload (docs/privacy.md): tested on camera-style pictures built
here with a GPS IFD, the camera's make, model and serial number, XMP and comments. The time and place
taken are kept as the attachment's evidence fields only when the person agreed, shown to the
approver beside the trip's dates, and forgotten when the consent is withdrawn."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, PngImagePlugin, TiffImagePlugin

from accounts.privacy import set_photo_evidence
from fieldwork import photo_metadata
from fieldwork.models import Trip, TripAttachment
from tests.factories import make_trip
from tests.fieldwork.test_results_report import report_data

pytestmark = pytest.mark.django_db
R = TiffImagePlugin.IFDRational
SERIAL, MAKE, MODEL, OWNER = "SN-4417-0099-2231", "Canon", "Canon EOS 90D", "Trần Thị Dung"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="11,18.576N" '
    b'exif:GPSLongitude="106,5.2057E"/></rdf:RDF></x:xmpmeta>'
)
SECRETS = [SERIAL.encode(), MAKE.encode(), MODEL.encode(), OWNER.encode(), b"xmpmeta", b"Exif", b"2023:03:03"]


def camera_exif() -> Image.Exif:
    """What a phone or camera writes: make, model, owner, software, dates, serial number, GPS."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131], exif[0x013B] = MAKE, MODEL, "Firmware 1.1.0", OWNER
    exif[0x0132] = "2023:03:03 09:15:00"
    exif[0x8769] = {0x9003: "2023:03:03 09:15:00", 0x9011: "+07:00", 0xA431: SERIAL, 0xA430: OWNER}
    exif[0x8825] = {
        1: "N",
        2: (R(11, 1), R(18, 1), R(3456, 100)),  # 11°18'34.56" N
        3: "E",
        4: (R(106, 1), R(5, 1), R(1234, 100)),  # 106°5'12.34" E
        6: R(25, 1),  # altitude
    }
    return exif


def picture(fmt: str, size=(320, 240)) -> bytes:
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    buf = io.BytesIO()
    exif = camera_exif().tobytes()
    if fmt == "JPEG":
        img.save(buf, "JPEG", exif=exif, xmp=XMP, comment=OWNER.encode(), quality=90)
    elif fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", OWNER)
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        img.save(buf, "PNG", exif=exif, pnginfo=info)
    elif fmt == "WEBP":
        img.save(buf, "WEBP", exif=exif, xmp=XMP, quality=90)
    else:  # GIF: a comment and an XMP application extension (what some editors write)
        img.convert("P").save(buf, "GIF", comment=OWNER.encode())
        data = buf.getvalue()
        xmp_ext = b"\x21\xff\x0bXMP DataXMP" + b"".join(bytes([len(c)]) + c for c in (XMP[:200], XMP[200:])) + b"\x00"
        return data[:-1] + xmp_ext + b"\x3b"
    return buf.getvalue()


@pytest.fixture
def trip(people):
    return make_trip(
        people["plan"],
        people["cadre"],
        start=date(2023, 3, 1),
        end=date(2023, 3, 5),
        days="5",
        status=Trip.Status.APPROVED,
        location="Xã Tân Đông",
    )


def upload(client, people, trip, files):
    client.force_login(people["cadre"])
    resp = client.post(
        reverse("fieldwork:trip_report", args=[trip.pk]), {**report_data(people["plan"]), "attachments": files}
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    return list(TripAttachment.objects.filter(trip=trip).order_by("pk"))


def downloaded(client, att) -> bytes:
    resp = client.get(reverse("fieldwork:trip_attachment", args=[att.trip_id, att.pk]))
    return b"".join(resp.streaming_content)


@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")])
def test_every_metadata_field_is_gone_from_what_anyone_downloads(client, people, trip, fmt, ext):
    original = picture(fmt)
    for secret in (SERIAL.encode(), MAKE.encode()) if fmt != "GIF" else (OWNER.encode(), b"xmpmeta"):
        assert secret in original
    [att] = upload(client, people, trip, [SimpleUploadedFile(f"IMG_0001.{ext}", original)])
    data = downloaded(client, att)
    for secret in SECRETS:
        assert secret not in data, (fmt, secret)
    kept, sent = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(original))
    kept.load()
    assert len(kept.getexif()) == 0
    assert not {"exif", "xmp", "comment", "Author", "XML:com.adobe.xmp"} & set(kept.info)
    assert kept.size == sent.size and kept.tobytes() == sent.tobytes()  # the picture itself, untouched
    assert att.size == len(data) < len(original)
    # Without the person's consent nothing is kept beside it either.
    assert (att.taken_at, att.latitude, att.longitude) == (None, None, None)


def test_a_large_photo_turned_by_the_server_has_no_metadata_either(client, people, trip):
    img = Image.linear_gradient("L").resize((3000, 2000)).convert("RGB")
    exif = camera_exif()
    exif[0x0112] = 6  # orientation: the server turns it and re-encodes it
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes(), xmp=XMP)
    [att] = upload(client, people, trip, [SimpleUploadedFile("big.jpg", buf.getvalue())])
    data = downloaded(client, att)
    assert all(s not in data for s in SECRETS)
    assert Image.open(io.BytesIO(data)).size == (1365, 2048)


def test_with_consent_the_time_and_place_are_kept_beside_the_file(client, people, trip):
    set_photo_evidence(person=people["cadre"], given=True)
    people["cadre"].refresh_from_db()
    [att] = upload(client, people, trip, [SimpleUploadedFile("IMG_0002.jpg", picture("JPEG"))])
    assert timezone.localtime(att.taken_at).strftime("%d/%m/%Y %H:%M") == "03/03/2023 09:15"
    assert (att.latitude, att.longitude) == (Decimal("11.309600"), Decimal("106.086761"))
    assert all(s not in downloaded(client, att) for s in SECRETS)  # never inside the file
    # The approver reads it beside the trip's dates (taken inside them); the Board does not.
    url = reverse("fieldwork:trip_detail", args=[trip.pk])
    client.force_login(people["head"])
    html = client.get(url).content.decode()
    assert 'data-testid="photo-evidence"' in html and "chụp lúc 03/03/2023 09:15" in html
    assert "11,309600" in html or "11.309600" in html
    assert "ngoài thời gian của đợt" not in html
    client.force_login(people["board"])
    assert 'data-testid="photo-evidence"' not in client.get(url).content.decode()
    # Taken outside the trip's dates: the approver sees it flagged.
    trip.refresh_from_db()
    Trip.objects.filter(pk=trip.pk).update(start=date(2023, 3, 4), end=date(2023, 3, 5))
    client.force_login(people["head"])
    assert "ngoài thời gian của đợt" in client.get(url).content.decode()


def test_withdrawing_the_consent_forgets_what_was_kept(client, people, trip):
    set_photo_evidence(person=people["cadre"], given=True)
    people["cadre"].refresh_from_db()
    upload(client, people, trip, [SimpleUploadedFile("IMG_0003.jpg", picture("JPEG"))])
    assert TripAttachment.objects.filter(trip=trip, latitude__isnull=False).exists()
    client.force_login(people["cadre"])
    resp = client.post(reverse("accounts:photo_evidence"), {"given": "0", "next": reverse("reports:my_data")})
    assert resp.status_code == 302
    att = TripAttachment.objects.get(trip=trip)
    assert (att.taken_at, att.latitude, att.longitude) == (None, None, None)
    people["cadre"].refresh_from_db()
    assert people["cadre"].photo_evidence is False
    kinds = list(people["cadre"].consents.values_list("kind", "given"))
    assert kinds[:2] == [("photo_evidence", False), ("photo_evidence", True)]


def test_unreadable_pictures_and_pdfs_pass_through(db):
    pdf = photo_metadata.strip_metadata(
        photo_metadata_stored(b"%PDF-1.4\n%\xe2\xe3\n/Author (Tran Thi Dung)\n", "application/pdf")
    )
    assert pdf.content.read().startswith(b"%PDF")
    broken = b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00garbage"
    out = photo_metadata.strip_metadata(photo_metadata_stored(broken, "image/jpeg"))
    assert out.size == len(broken)  # neither walkable nor readable: stored as sent, as before
    assert photo_metadata.read_evidence(io.BytesIO(broken)) is None


def photo_metadata_stored(data: bytes, content_type: str):
    from django.core.files.base import ContentFile

    from fieldwork.uploads import StoredFile

    return StoredFile(ContentFile(data), content_type, ".bin", len(data))

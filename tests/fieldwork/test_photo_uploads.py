"""docs/rules.md “Phones, photos, offline, NFC”: photos from a phone's camera — downscaled on the server, turned upright, checked by
their content as before; a failed upload keeps what was typed."""

import io
import struct
import zlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from fieldwork import uploads
from fieldwork.models import Trip, TripAttachment
from tests.factories import make_trip
from tests.fieldwork.test_results_report import report_data

DATE_TAKEN = "2023:03:03 09:15:00"


def photo(width, height, *, fmt="JPEG", orientation=None, quality=92) -> bytes:
    """A picture with something to compress (a gradient and bands), optionally with EXIF data."""
    base = Image.linear_gradient("L").resize((width, height))
    img = Image.merge(
        "RGB", (base, base.rotate(90).resize((width, height)), base.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    )
    for x in range(0, width, max(width // 8, 1)):
        img.paste((255, 0, 0), (x, 0, min(x + max(width // 40, 1), width), height))
    exif = Image.Exif()
    exif[0x0132] = DATE_TAKEN  # DateTime
    if orientation:
        exif[uploads.EXIF_ORIENTATION] = orientation
    buf = io.BytesIO()
    options = {"exif": exif.tobytes()}
    if fmt == "JPEG":
        options["quality"] = quality
    img.save(buf, fmt, **options)
    return buf.getvalue()


@pytest.fixture
def approved(people):
    return make_trip(
        people["plan"],
        people["cadre"],
        start=date(2023, 3, 1),
        end=date(2023, 3, 5),
        days="5",
        status=Trip.Status.APPROVED,
    )


def post_report(client, trip, plan, files, **over):
    return client.post(
        reverse("fieldwork:trip_report", args=[trip.pk]), {**report_data(plan, **over), "attachments": files}
    )


def stored_image(att: TripAttachment) -> Image.Image:
    with att.file.open("rb") as fh:
        data = fh.read()
    assert len(data) == att.size
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_a_12_megapixel_photo_is_stored_downscaled_and_upright(client, people, approved):
    original = photo(4000, 3000, orientation=6)  # a phone held upright: pixels sideways, EXIF says turn 90°
    assert Image.open(io.BytesIO(original)).size == (4000, 3000)
    client.force_login(people["cadre"])
    upload = SimpleUploadedFile("IMG_20230303_091500.jpg", original, content_type="application/octet-stream")
    resp = post_report(client, approved, people["plan"], [upload])
    assert resp.status_code == 302, resp.content.decode()[:2000]
    att = TripAttachment.objects.get(trip=approved)
    img = stored_image(att)
    assert img.format == "JPEG"
    assert img.size == (1536, 2048)  # turned upright (portrait), longest side 2048 px
    assert att.size < len(original) / 3
    assert (att.original_name, att.content_type) == ("IMG_20230303_091500.jpg", "image/jpeg")
    assert att.file.name.endswith(".jpg") and "IMG_" not in att.file.name
    exif = img.getexif()
    assert exif.get(uploads.EXIF_ORIENTATION) is None  # already upright: no viewer turns it again
    # No metadata is left in the file (docs/privacy.md; the evidence, when agreed, is kept beside it:
    # tests/privacy/test_photo_metadata.py).
    assert len(exif) == 0 and DATE_TAKEN.encode() not in att.file.open("rb").read()
    # The download is the stored (downscaled) photo, under the name it was sent with.
    resp = client.get(reverse("fieldwork:trip_attachment", args=[approved.pk, att.pk]))
    assert resp["Content-Type"] == "image/jpeg" and "IMG_20230303_091500.jpg" in resp["Content-Disposition"]
    assert len(b"".join(resp.streaming_content)) == att.size


def test_large_png_and_webp_keep_their_format(client, people, approved):
    client.force_login(people["cadre"])
    files = [
        SimpleUploadedFile("so-do.png", photo(3000, 1000, fmt="PNG"), content_type="image/png"),
        SimpleUploadedFile("anh.webp", photo(2500, 2500, fmt="WEBP"), content_type="image/webp"),
    ]
    assert post_report(client, approved, people["plan"], files).status_code == 302
    png, webp = TripAttachment.objects.filter(trip=approved).order_by("pk")
    assert (png.content_type, stored_image(png).format, stored_image(png).size) == ("image/png", "PNG", (2048, 683))
    assert (webp.content_type, stored_image(webp).format, stored_image(webp).size) == (
        "image/webp",
        "WEBP",
        (2048, 2048),
    )


def test_small_upright_photos_gifs_and_pdfs_are_stored_as_sent(client, people, approved):
    """Not re-encoded: GIFs and PDFs byte for byte, a small upright photo with its exact picture
    (only its metadata removed, docs/privacy.md)."""
    small = photo(1600, 1200)
    gif = io.BytesIO()
    Image.new("P", (3000, 100)).save(gif, "GIF")  # may be animated: never re-encoded
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
    client.force_login(people["cadre"])
    files = [
        SimpleUploadedFile("nho.jpg", small, content_type="image/jpeg"),
        SimpleUploadedFile("hinh.gif", gif.getvalue(), content_type="image/gif"),
        SimpleUploadedFile("cong-lenh.pdf", pdf, content_type="application/pdf"),
    ]
    assert post_report(client, approved, people["plan"], files).status_code == 302
    stored = []
    for att in TripAttachment.objects.filter(trip=approved).order_by("pk"):
        with att.file.open("rb") as fh:
            stored.append(fh.read())
    assert stored[1:] == [gif.getvalue(), pdf]
    sent, kept = Image.open(io.BytesIO(small)), Image.open(io.BytesIO(stored[0]))
    assert kept.tobytes() == sent.tobytes() and len(kept.getexif()) == 0 and len(sent.getexif()) == 1
    assert len(stored[0]) < len(small) and DATE_TAKEN.encode() not in stored[0]


def test_name_and_type_checks_still_hold_for_photos(client, people, approved):
    """The declared type and the name are never trusted: a page named .jpg is refused, a PNG
    named .jpg is stored as a PNG, and a refused file keeps what was typed."""
    client.force_login(people["cadre"])
    fake = SimpleUploadedFile("anh-chup.jpg", b"<html><script>alert(1)</script>", content_type="image/jpeg")
    resp = post_report(client, approved, people["plan"], [fake], results="Đã kiểm tra 5 chi đoàn ấp")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "không phải ảnh (JPEG, PNG, GIF, WebP) hoặc PDF" in html
    assert "Đã kiểm tra 5 chi đoàn ấp" in html  # what was typed is still there
    assert not TripAttachment.objects.exists()

    disguised = SimpleUploadedFile("../../etc/anh.jpg", photo(2600, 1300, fmt="PNG"), content_type="image/jpeg")
    assert post_report(client, approved, people["plan"], [disguised]).status_code == 302
    att = TripAttachment.objects.get(trip=approved)
    assert (att.original_name, att.content_type) == ("anh.jpg", "image/png")
    assert att.file.name.endswith(".png") and stored_image(att).size == (2048, 1024)


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels (a decompression bomb)."""
    buf = io.BytesIO()
    Image.new("L", (1, 1)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_a_picture_with_too_many_pixels_is_refused_and_nothing_is_lost(client, people, approved):
    client.force_login(people["cadre"])
    bomb = SimpleUploadedFile("bom.png", _png_claiming(20000, 20000), content_type="image/png")
    resp = post_report(client, approved, people["plan"], [bomb], location="Xã Tân Hòa Đông")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "có quá nhiều điểm ảnh" in html and "Xã Tân Hòa Đông" in html
    assert not TripAttachment.objects.exists()
    approved.refresh_from_db()
    assert approved.status == Trip.Status.APPROVED  # the report was not half saved


def test_the_file_field_offers_the_camera_and_the_upload_script(client, people, approved):
    client.force_login(people["cadre"])
    html = client.get(reverse("fieldwork:trip_report", args=[approved.pk])).content.decode()
    assert 'accept="image/*,image/jpeg,image/png,image/gif,image/webp,application/pdf"' in html
    assert "js/upload.js" in html and "data-upload-form" in html

"""docs/security.md: image bombs. A picture declaring more pixels than the server may decode is refused
from its header, before any decoding, with a clear Vietnamese message and the report kept; the
measured peak of the process's resident memory stays small for PNG, WebP, GIF and JPEG bombs (a
160 KB PNG used to take 620 MB), and the largest pictures still accepted stay within the budget
(MAX_IMAGE_DECODE_BYTES). Measured as the resident set (VmHWM): Pillow's pixels are malloc'd, out
of tracemalloc's sight."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldwork import photo_metadata, uploads
from fieldwork.models import Trip, TripAttachment
from fieldwork.services.results import check_upload
from tests.security.image_bombs import gif_bomb, jpeg_bomb, peak_rss_growth, png_bomb, webp_bomb

MiB = 1024 * 1024
BOMBS = {
    "png-rgb-9000": ("anh.png", lambda: png_bomb(9000, 9000)),  # 230 KB, used to take 621 MiB
    "png-rgba-9000": ("anh.png", lambda: png_bomb(9000, 9000, alpha=True)),  # 307 KB, used to take 749 MiB
    "webp-12000": ("anh.webp", lambda: webp_bomb(12000, 12000)),  # < 1 KB, used to take 2.2 GiB
    "jpeg-12000x9000": ("anh.jpg", lambda: jpeg_bomb(12000, 9000)),
    "gif-65000": ("anh.gif", lambda: gif_bomb(65000, 65000)),
}
# The largest of each kind still accepted: decoded, shrunk to 2048 px, stored.
LARGEST = {
    "png-rgb-4000": ("anh.png", lambda: png_bomb(4000, 4000)),
    "png-rgba-3200": ("anh.png", lambda: png_bomb(3200, 3200, alpha=True)),
    "webp-2800": ("anh.webp", lambda: webp_bomb(2800, 2800)),
    "jpeg-8000x6000": ("anh.jpg", lambda: jpeg_bomb(8000, 6000)),  # a 48 MP phone photo: draft() at 1/2
}


def upload_pipeline(name: str, data: bytes):
    """What a trip report does with one attached file (fieldwork.services.results)."""
    f = SimpleUploadedFile(name, data)
    ctype, ext = check_upload(f)
    photo_metadata.read_evidence(f)
    return photo_metadata.strip_metadata(uploads.prepare_photo(f, content_type=ctype, ext=ext))


@pytest.mark.parametrize("case", list(BOMBS))
def test_a_bomb_is_refused_from_its_header_with_little_memory(case):
    name, make = BOMBS[case]
    data = make()
    outcome = {}

    def run():
        try:
            upload_pipeline(name, data)
        except ValidationError as exc:
            outcome["error"] = exc.messages[0]

    peak = peak_rss_growth(run)
    assert outcome.get("error") == (
        f"Ảnh “{name}” có quá nhiều điểm ảnh để xử lý. Hãy chụp lại hoặc thu nhỏ ảnh rồi gửi."
    ), case
    assert peak < 16 * MiB, f"{case}: {peak / MiB:.0f} MiB"


@pytest.mark.parametrize("case", list(LARGEST))
def test_the_largest_accepted_pictures_stay_within_the_budget(case, settings):
    name, make = LARGEST[case]
    data = make()
    stored = {}
    peak = peak_rss_growth(lambda: stored.setdefault("file", upload_pipeline(name, data)))
    assert stored["file"].size > 0
    # 1 GiB for three workers: a picture never takes more than its budget (128 MiB) and a little.
    assert peak < settings.MAX_IMAGE_DECODE_BYTES + 16 * MiB, f"{case}: {peak / MiB:.0f} MiB"


def test_pillows_own_limit_is_lowered():
    from PIL import Image

    assert Image.MAX_IMAGE_PIXELS == 50_000_000  # default 89.5 M (an error only at 179 M)


@pytest.mark.django_db
def test_a_bomb_in_a_trip_report_is_a_clear_error_and_nothing_is_lost(client, people):
    from tests.factories import make_trip
    from tests.fieldwork.test_results_report import report_data

    trip = make_trip(people["plan"], people["cadre"], status=Trip.Status.APPROVED)
    client.force_login(people["cadre"])
    photo = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (390, 300), (10, 120, 40)).save(photo, "JPEG")  # what a phone at 390 px sends, shrunk
    files = [
        SimpleUploadedFile("anh-that.jpg", photo.getvalue()),
        SimpleUploadedFile("bom.png", png_bomb(9000, 9000)),
    ]
    data = {**report_data(people["plan"], results="Kết quả tốt ở xã"), "attachments": files}
    resp = client.post(reverse("fieldwork:trip_report", args=[trip.pk]), data)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Ảnh “bom.png” có quá nhiều điểm ảnh để xử lý." in html
    assert "Kết quả tốt ở xã" in html  # what was typed is kept
    assert not TripAttachment.objects.exists()
    trip.refresh_from_db()
    assert trip.status == Trip.Status.APPROVED
    # The ordinary photo alone goes through.
    data["attachments"] = [SimpleUploadedFile("anh-that.jpg", photo.getvalue())]
    assert client.post(reverse("fieldwork:trip_report", args=[trip.pk]), data).status_code == 302
    assert TripAttachment.objects.get().content_type == "image/jpeg"

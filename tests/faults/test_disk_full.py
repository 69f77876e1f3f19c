"""The media disk full, for real: MEDIA_ROOT on a tiny tmpfs (mounted by the test; CI runs as
root), nearly filled. A trip report with two photos whose second does not fit: a clear message,
the form as typed, no attachment row, no file left on the disk, the trip untouched; with room
again, the same report goes through."""

import os
import subprocess
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldwork.models import Trip, TripAttachment
from tests.factories import make_trip
from tests.fieldwork.test_results_report import report_data as report_form

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

SIZE_KB = 512


@pytest.fixture
def tiny_media(tmp_path, settings):
    mount = tmp_path / "media"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root); tests/ops/test_faults_unit.py covers the path")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE_KB}k", "tmpfs", str(mount)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode()[:200]}")
    settings.MEDIA_ROOT = mount
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount, leave_kb: int):
    """Fill the file system, leaving about `leave_kb` KiB free."""
    filler = mount / "filler"
    st = os.statvfs(mount)
    free = st.f_bavail * st.f_frsize
    filler.write_bytes(b"\0" * max(0, free - leave_kb * 1024))
    return filler


def test_an_upload_on_a_full_disk_fails_clearly_and_saves_nothing(client, people, tiny_media):
    trip = make_trip(
        people["plan"], people["cadre"], start=date(2023, 3, 1), end=date(2023, 3, 5), days="5", status="approved"
    )
    filler = fill(tiny_media, leave_kb=60)
    photos = [
        SimpleUploadedFile("anh1.jpg", b"\xff\xd8\xff" + os.urandom(30 * 1024), "image/jpeg"),
        SimpleUploadedFile("anh2.jpg", b"\xff\xd8\xff" + os.urandom(90 * 1024), "image/jpeg"),  # does not fit
    ]
    client.force_login(people["cadre"])
    url = reverse("fieldwork:trip_report", args=[trip.pk])
    data = report_form(people["plan"], results="Tổ chức thành công Đại hội, 120 đoàn viên")
    resp = client.post(url, {**data, "attachments": photos})
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "hết chỗ lưu tệp" in page and "Tổ chức thành công Đại hội, 120 đoàn viên" in page
    trip.refresh_from_db()
    assert trip.status == Trip.Status.APPROVED and trip.results == ""
    assert not TripAttachment.objects.exists()
    left = [p for p in tiny_media.rglob("*") if p.is_file() and p != filler]
    assert not left, left

    filler.unlink()  # room again: the same report goes through
    for p in photos:
        p.seek(0)
    resp = client.post(url, {**data, "attachments": photos})
    assert resp.status_code == 302
    trip.refresh_from_db()
    assert trip.status == Trip.Status.REPORTED and TripAttachment.objects.filter(trip=trip).count() == 2

"""The retention job through a real Celery worker on Redis and PostgreSQL (make test-worker): the
task beat runs daily anonymizes who left long ago and deletes old attachments, as the command does
(docs/privacy.md)."""

import time
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from fieldwork.models import TripAttachment
from tests.factories import make_trip

from .test_celery_worker import worker  # noqa: F401 - the worker fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_the_daily_retention_task_runs_on_a_worker(people, worker):  # noqa: F811
    from fieldwork.tasks import apply_retention

    dung = people["cadre"]
    dung.active_to, dung.is_active = date(2023, 6, 30), False
    dung.save()
    trip = make_trip(people["plan"], dung, start=date(2023, 2, 1), end=date(2023, 2, 3), days="3")
    att = TripAttachment(trip=trip, original_name="anh.png", content_type="image/png", size=len(PNG))
    att.file.save("anh.png", SimpleUploadedFile("anh.png", PNG), save=True)
    path, storage = att.file.name, att.file.storage
    apply_retention.delay("2029-01-01")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and User.objects.get(pk=dung.pk).anonymized_at is None:
        time.sleep(0.5)
    dung.refresh_from_db()
    assert dung.anonymized_at is not None and dung.email.endswith("@an-danh.invalid")
    assert not TripAttachment.objects.filter(pk=att.pk).exists()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and storage.exists(path):
        time.sleep(0.2)
    assert not storage.exists(path)
    assert User.objects.get(pk=people["cadre2"].pk).anonymized_at is None

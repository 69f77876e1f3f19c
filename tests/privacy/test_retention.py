"""Retention (docs/privacy.md, docs/domain.md §10 `privacy purge`): people who left more than
PRIVACY_PEOPLE_RETENTION_YEARS ago are anonymized, attachments older than
PRIVACY_ATTACHMENT_RETENTION_YEARS deleted; --dry-run changes nothing; the daily beat job runs the
same code; a past year's reports give the same figures before and after."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.models import Notification, User
from fieldwork.models import Exemption, HistoryEntry, StoredStanding, TripAttachment
from fieldwork.services.privacy import purge
from fieldwork.tasks import apply_retention
from reports.builders import gather
from reports.models import CadreRemark
from reports.params import Params
from reports.privacy import personal_data
from reports.xlsx import build_xlsx
from tests.factories import make_trip
from tests.privacy.conftest import MATERNITY_NOTE, PNG

pytestmark = pytest.mark.django_db
LEFT = date(2023, 6, 30)
PURGE_DAY = date(2029, 1, 1)  # more than 5 years after LEFT, more than 3 after the trips


@pytest.fixture
def left(people, maternity, run_jobs):
    """Dung left on 30/06/2023 (on maternity leave before); her trips of quarter I have photos; Em is
    still working; Đức left on 31/12/2024 (not long enough ago)."""
    dung = people["cadre"]
    dung.active_to, dung.is_active, dung.phone = LEFT, False, "0912345678"
    dung.save()
    trip = make_trip(people["plan"], dung, start=date(2023, 2, 1), end=date(2023, 2, 10), days="10")
    att = TripAttachment(trip=trip, original_name="anh.png", content_type="image/png", size=len(PNG))
    att.file.save("anh.png", SimpleUploadedFile("anh.png", PNG), save=True)
    make_trip(people["plan"], people["cadre2"], start=date(2023, 3, 1), end=date(2023, 3, 5), days="5")
    CadreRemark.objects.create(
        plan=people["plan"], person=dung, text="Đồng chí Dung hoàn thành", written_by=people["head"]
    )
    Notification.objects.create(user=dung, text="Nhắc việc")
    duc = people["other_cadre"]
    duc.active_to, duc.is_active = date(2024, 12, 31), False
    duc.save()
    return {"dung": dung, "trip": trip, "attachment": att}


def xlsx_rows(people, kind, tmp_path, name) -> list[tuple]:
    from fieldwork.privacy import Audience

    params = Params(organization=people["org"], plan=people["plan"], year=2023, viewer=Audience.LEADERSHIP)
    doc = gather(kind, params, date(2023, 12, 31))
    path = tmp_path / f"{name}.xlsx"
    build_xlsx(doc, path)
    wb = load_workbook(path, read_only=True)
    return [(ws.title, *row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]


def test_dry_run_lists_and_changes_nothing(people, left):
    before = User.objects.get(pk=left["dung"].pk)
    items = purge(organization=people["org"], as_of=PURGE_DAY, dry_run=True)
    assert [i.as_json() for i in items] == [
        {"email": "dung@tn.vn", "action": "anonymize", "done": False},
        {"file": left["attachment"].file.name, "action": "delete", "done": False},
        {"file": Exemption.objects.get(person=before).document.name, "action": "delete", "done": False},
    ]
    after = User.objects.get(pk=before.pk)
    assert (after.full_name, after.email, after.anonymized_at) == (before.full_name, before.email, None)
    assert TripAttachment.objects.filter(pk=left["attachment"].pk).exists()
    assert left["attachment"].file.storage.exists(left["attachment"].file.name)


def test_purge_anonymizes_who_left_long_ago_and_deletes_old_files(people, left, run_jobs):
    dung = left["dung"]
    path = left["attachment"].file.name
    storage = left["attachment"].file.storage
    with run_jobs():
        items = purge(organization=people["org"], as_of=PURGE_DAY)
    assert [i.done for i in items] == [True, True, True]
    dung.refresh_from_db()
    assert dung.full_name == f"Cán bộ ẩn danh {dung.pk}" and dung.email.endswith("@an-danh.invalid")
    assert (dung.phone, dung.position, dung.is_active, dung.has_usable_password()) == ("", "Chuyên viên", False, False)
    assert dung.anonymized_at is not None and dung.active_to == LEFT and dung.group_code == "2.3"
    assert not TripAttachment.objects.filter(pk=left["attachment"].pk).exists() and not storage.exists(path)
    ex = Exemption.objects.get(person=dung)
    assert (ex.note, bool(ex.document), ex.reason.code) == ("", False, "thai-san")
    assert CadreRemark.objects.get(person=dung).text == "" and not Notification.objects.filter(user=dung).exists()
    assert HistoryEntry.objects.filter(object_type="person", object_id=dung.pk, action="anonymized_retention").exists()
    assert HistoryEntry.objects.filter(
        object_type="trip", object_id=left["trip"].pk, action="attachment_deleted"
    ).exists()
    row = StoredStanding.objects.get(person=dung, plan=people["plan"])
    assert (row.email, "dung" in row.search) == (dung.email, False)
    # The others: Em works, Đức left less than 5 years before.
    assert User.objects.filter(email__in=["em@tn.vn", "duc@tn.vn"]).count() == 2
    # A second run finds nothing; the export of the anonymized person carries nothing of her.
    assert purge(organization=people["org"], as_of=PURGE_DAY) == []
    text = json.dumps(personal_data(dung), ensure_ascii=False)
    assert "Trần Thị Dung" not in text and "dung@tn.vn" not in text and MATERNITY_NOTE not in text


def test_past_years_reports_are_the_same_figures_after_a_purge(people, left, run_jobs, tmp_path):
    dung = left["dung"]
    old_name, old_email = dung.full_name, dung.email
    before = {kind: xlsx_rows(people, kind, tmp_path, f"{kind}-before") for kind in ("compliance", "yearend")}
    with run_jobs():
        purge(organization=people["org"], as_of=PURGE_DAY)
    dung.refresh_from_db()
    for kind, rows in before.items():
        after = xlsx_rows(people, kind, tmp_path, f"{kind}-after")
        renamed = [
            tuple(
                v.replace(old_name, dung.full_name).replace(old_email, dung.email) if isinstance(v, str) else v
                for v in r
            )
            for r in rows
        ]
        assert Counter(renamed) == Counter(after), kind
        numbers = lambda rs: Counter(tuple(v for v in r if isinstance(v, int | float)) for r in rs)  # noqa: E731
        assert numbers(rows) == numbers(after) and sum(len(k) for k in numbers(rows)) > 20, kind
        assert any(old_name in str(v) for r in rows for v in r) and not any(
            old_name in str(v) for r in after for v in r
        )


def test_the_command_and_the_beat_job(people, left, run_jobs):
    out = io.StringIO()
    call_command(
        "privacy",
        "purge",
        "--org",
        people["org"].code,
        "--as-of",
        "2029-01-01",
        "--dry-run",
        "--format",
        "json",
        stdout=out,
    )
    listed = json.loads(out.getvalue())
    assert [(i.get("email") or i["file"], i["action"], i["done"]) for i in listed][0] == (
        "dung@tn.vn",
        "anonymize",
        False,
    )
    assert all(set(i) in ({"email", "action", "done"}, {"file", "action", "done"}) for i in listed)
    out = io.StringIO()
    call_command("privacy", "purge", "--org", people["org"].code, "--as-of", "2029-01-01", stdout=out)
    assert "ẩn danh" in out.getvalue() and "dung@tn.vn" in out.getvalue()
    assert settings.CELERY_BEAT_SCHEDULE["daily-retention"]["task"] == "fieldwork.tasks.apply_retention"
    assert apply_retention.delay(today="2029-01-01").get() == 0  # already done by the command
    with pytest.raises(Exception, match="Ngày không hợp lệ"):
        call_command("privacy", "purge", "--org", people["org"].code, "--as-of", "01/01/2029")


def test_the_beat_job_anonymizes(people, left, run_jobs, settings):
    settings.PRIVACY_PEOPLE_RETENTION_YEARS = 1
    with run_jobs():
        assert apply_retention.delay(today="2025-06-01").get() == 1  # Dung; Đức not a year ago, files 3 years
    assert User.objects.filter(anonymized_at__isnull=False).count() == 1


def test_a_free_text_position_is_reduced_to_the_title_the_figures_read(people):
    from fieldwork.services.privacy import generic_position

    org = people["org"].pk
    assert generic_position("Chuyên viên", org) == "Chuyên viên"
    assert generic_position("Chuyên viên Ban Tuyên giáo, SĐT 0912345678", org) == "Chuyên viên"
    assert generic_position("Phó Trưởng Ban phụ trách mảng thiếu nhi", org) == "Phó Trưởng Ban phụ trách"
    # A position exemption's title (Tây Ninh: "Chuyên viên thi đua khen thưởng") decides the figures: kept.
    assert generic_position("Chuyên viên thi đua khen thưởng", org) == "Chuyên viên thi đua khen thưởng"
    assert generic_position("kế toán", org) == "kế toán"
    assert generic_position("Thủ kho kiêm lái xe", org) == "Cán bộ" and generic_position("", org) == ""

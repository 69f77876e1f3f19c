"""Reporting a trip, confirming or returning it (docs/rules.md “Results and mẫu 3”): state machine, permissions, files."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Notification
from fieldwork.models import Category, HistoryEntry, Trip, TripAttachment
from fieldwork.selectors import standing_for
from fieldwork.services import results as svc
from fieldwork.trip_fields import TripInput
from tests.access import assert_access
from tests.factories import make_trip

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


def report_data(plan, **over):
    d = {
        "category": Category.objects.get(plan=plan, code="1.1").pk,
        "content": "Hỗ trợ Đại hội chi đoàn",
        "start": "2023-03-02",
        "end": "2023-03-04",
        "days": "2,5",
        "location": "Xã Tân Đông",
        "results": "Tổ chức thành công Đại hội",
        "shortcomings": "",
        "proposals": "",
    }
    d.update(over)
    return d


def trip_input(plan, **over):
    d = {
        "category": Category.objects.get(plan=plan, code="1.1"),
        "start": date(2023, 3, 2),
        "end": date(2023, 3, 4),
        "days": Decimal("3"),
        "location": "Xã Tân Đông",
    }
    d.update(over)
    return TripInput(**d)


@pytest.fixture
def approved(people):
    return make_trip(
        people["plan"],
        people["cadre"],
        start=date(2023, 3, 1),
        end=date(2023, 3, 5),
        days="5",
        status=Trip.Status.APPROVED,
        content="Theo kế hoạch",
    )


# Reporting ---------------------------------------------------------------------------------
def test_cadre_reports_an_approved_trip_keeping_the_plan(client, people, approved):
    client.force_login(people["cadre"])
    resp = client.post(reverse("fieldwork:trip_report", args=[approved.pk]), report_data(people["plan"]))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    approved.refresh_from_db()
    assert approved.status == Trip.Status.REPORTED
    assert (approved.start, approved.end, approved.days) == (date(2023, 3, 2), date(2023, 3, 4), Decimal("2.5"))
    assert (approved.planned_start, approved.planned_end, approved.planned_days) == (
        date(2023, 3, 1),
        date(2023, 3, 5),
        Decimal("5"),
    )
    assert approved.results == "Tổ chức thành công Đại hội"
    assert approved.reported_at is not None
    h = HistoryEntry.objects.get(object_type="trip", object_id=approved.pk)
    assert (h.action, h.from_state, h.to_state, h.actor_id) == ("reported", "approved", "reported", people["cadre"].pk)
    # The approver (head of the department) is told, in the app and by email.
    assert (
        Notification.objects.filter(
            user=people["head"], url=reverse("fieldwork:trip_detail", args=[approved.pk])
        ).count()
        == 1
    )
    assert not Notification.objects.filter(user=people["head2"]).exists()


def test_reported_trip_is_not_done_until_confirmed(people, approved):
    plan, cadre = people["plan"], people["cadre"]
    as_of = date(2023, 6, 30)
    assert standing_for(plan, cadre, as_of).done_days == 0
    svc.report_trip(actor=cadre, plan=plan, trip=approved, report=svc.ReportInput(trip_input(plan), results="Đã làm"))
    assert standing_for(plan, cadre, as_of).done_days == 0
    svc.confirm_trip(actor=people["head"], trip=approved)
    assert standing_for(plan, cadre, as_of).done_days == Decimal("3")


def test_a_trip_that_was_not_planned_can_be_reported(client, people):
    client.force_login(people["cadre"])
    resp = client.post(reverse("fieldwork:trip_report_new") + "?year=2023", report_data(people["plan"], days="1"))
    assert resp.status_code == 302
    trip = Trip.objects.get(person=people["cadre"])
    assert (trip.status, trip.registration, trip.planned_start, trip.days) == (
        Trip.Status.REPORTED,
        None,
        None,
        Decimal("1"),
    )


def test_rejected_report_keeps_the_input_and_explains(client, people, approved):
    make_trip(
        people["plan"],
        people["cadre"],
        start=date(2023, 3, 3),
        end=date(2023, 3, 3),
        days="1",
        status=Trip.Status.CONFIRMED,
    )
    client.force_login(people["cadre"])
    resp = client.post(
        reverse("fieldwork:trip_report", args=[approved.pk]), report_data(people["plan"], days="3", results="")
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Hãy nêu khái quát những kết quả chủ yếu" in html
    assert "Xã Tân Đông" in html  # what the user typed is kept
    resp = client.post(reverse("fieldwork:trip_report", args=[approved.pk]), report_data(people["plan"], days="3"))
    assert resp.status_code == 200
    assert "Trùng thời gian với đợt khác" in resp.content.decode()
    approved.refresh_from_db()
    assert approved.status == Trip.Status.APPROVED


def test_days_must_be_half_day_steps_and_within_span(client, people, approved):
    client.force_login(people["cadre"])
    resp = client.post(reverse("fieldwork:trip_report", args=[approved.pk]), report_data(people["plan"], days="2,3"))
    assert "theo bước nửa ngày" in resp.content.decode()
    resp = client.post(reverse("fieldwork:trip_report", args=[approved.pk]), report_data(people["plan"], days="4"))
    assert "Số ngày đi lớn hơn số ngày của khoảng thời gian" in resp.content.decode()


def test_a_trip_cannot_be_reported_before_it_ends(people, approved):
    with pytest.raises(ValidationError) as exc:
        svc.report_trip(
            actor=people["cadre"],
            plan=people["plan"],
            trip=approved,
            report=svc.ReportInput(trip_input(people["plan"]), results="x"),
            today=date(2023, 3, 3),
        )
    assert "end" in exc.value.message_dict


def test_an_inspection_member_who_is_a_cadre_reports_own_trips(client, people):
    """Decision: read-only (Inspection Committee) means changing nothing of others; a member who is
    also a cadre under the rule still reports their own trips."""
    trip = make_trip(people["plan"], people["inspector"], status=Trip.Status.APPROVED)
    client.force_login(people["inspector"])
    resp = client.post(reverse("fieldwork:trip_report", args=[trip.pk]), report_data(people["plan"]))
    assert resp.status_code == 302
    trip.refresh_from_db()
    assert trip.status == Trip.Status.REPORTED


def test_only_the_owner_reports(people, approved):
    for user in (people["cadre2"], people["head"], people["board"]):
        with pytest.raises(PermissionDenied):
            svc.report_trip(
                actor=user,
                plan=people["plan"],
                trip=approved,
                report=svc.ReportInput(trip_input(people["plan"]), results="x"),
            )


def test_report_page_access(client, people, approved):
    url = reverse("fieldwork:trip_report", args=[approved.pk])
    assert_access(
        client,
        url,
        allowed=[people["cadre"]],
        forbidden=[people["cadre2"], people["head"], people["board"]],
        not_found=[people["stranger"]],
    )


# Confirming and returning ------------------------------------------------------------------
@pytest.fixture
def reported(people, approved):
    svc.report_trip(
        actor=people["cadre"],
        plan=people["plan"],
        trip=approved,
        report=svc.ReportInput(trip_input(people["plan"]), results="Đã làm"),
    )
    approved.refresh_from_db()
    return approved


def test_head_confirms(client, people, reported, django_capture_on_commit_callbacks):
    client.force_login(people["head"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("fieldwork:trip_confirm", args=[reported.pk]))
    assert resp.status_code == 302
    reported.refresh_from_db()
    assert reported.status == Trip.Status.CONFIRMED
    assert reported.confirmed_by == people["head"] and reported.confirmed_at is not None
    assert Notification.objects.filter(user=people["cadre"], text__contains="đã được xác nhận").exists()
    assert [m.to for m in mail.outbox if "đã được xác nhận" in m.subject] == [["dung@tn.vn"]]


def test_return_needs_a_comment_then_cadre_corrects_and_reports_again(client, people, reported):
    client.force_login(people["head"])
    url = reverse("fieldwork:trip_return", args=[reported.pk])
    resp = client.post(url, {"comment": "  "})
    assert resp.status_code == 200
    assert "Hãy ghi rõ lý do trả lại" in resp.content.decode()
    reported.refresh_from_db()
    assert reported.status == Trip.Status.REPORTED
    resp = client.post(url, {"comment": "Thiếu công lệnh"})
    assert resp.status_code == 302
    reported.refresh_from_db()
    assert (reported.status, reported.status_comment) == (Trip.Status.RETURNED, "Thiếu công lệnh")
    # The cadre sees the comment, corrects and reports again.
    client.force_login(people["cadre"])
    assert "Thiếu công lệnh" in client.get(reverse("fieldwork:trip_detail", args=[reported.pk])).content.decode()
    resp = client.post(
        reverse("fieldwork:trip_report", args=[reported.pk]), report_data(people["plan"], travel_order="12/CL")
    )
    assert resp.status_code == 302
    reported.refresh_from_db()
    assert (reported.status, reported.travel_order) == (Trip.Status.REPORTED, "12/CL")
    # The planned copy is still the original plan.
    assert (reported.planned_start, reported.planned_days) == (date(2023, 3, 1), Decimal("5"))
    actions = list(
        HistoryEntry.objects.filter(object_type="trip", object_id=reported.pk).values_list("action", flat=True)
    )
    assert actions == ["reported", "returned", "re_reported"]


@pytest.mark.parametrize(
    "status",
    [Trip.Status.APPROVED, Trip.Status.CONFIRMED, Trip.Status.RETURNED, Trip.Status.CANCELLED, Trip.Status.DRAFT],
)
def test_forbidden_transitions(people, status):
    trip = make_trip(people["plan"], people["cadre"], status=status)
    with pytest.raises(ValidationError):
        svc.confirm_trip(actor=people["head"], trip=trip)
    with pytest.raises(ValidationError):
        svc.return_trip(actor=people["head"], trip=trip, comment="x")


@pytest.mark.parametrize(
    "status", [Trip.Status.CONFIRMED, Trip.Status.CANCELLED, Trip.Status.REJECTED, Trip.Status.DRAFT]
)
def test_locked_trips_cannot_be_reported(people, status):
    trip = make_trip(people["plan"], people["cadre"], status=status)
    with pytest.raises(ValidationError):
        svc.report_trip(
            actor=people["cadre"],
            plan=people["plan"],
            trip=trip,
            report=svc.ReportInput(trip_input(people["plan"]), results="x"),
        )


def test_confirm_permissions(client, people, reported):
    url = reverse("fieldwork:trip_confirm", args=[reported.pk])
    # The cadre confirming their own trip, the other department's head, the Board, the Inspection
    # Committee: 403. Another organization: 404.
    assert_access(
        client,
        url,
        method="post",
        forbidden=[people["cadre"], people["head2"], people["board"], people["inspector"], people["cadre2"]],
        not_found=[people["stranger"]],
        allowed=[people["head"]],
        ok_codes=(302,),
    )
    reported.refresh_from_db()
    assert reported.status == Trip.Status.CONFIRMED and reported.confirmed_by == people["head"]


def test_return_permissions(client, people, reported):
    url = reverse("fieldwork:trip_return", args=[reported.pk])
    assert_access(
        client,
        url,
        method="post",
        data={"comment": "x"},
        forbidden=[people["cadre"], people["head2"], people["inspector"]],
        not_found=[people["stranger"]],
    )
    reported.refresh_from_db()
    assert reported.status == Trip.Status.REPORTED


def test_head_trip_is_confirmed_by_standing_committee(people):
    plan, head = people["plan"], people["head"]
    trip = make_trip(plan, head, status=Trip.Status.APPROVED)
    svc.report_trip(actor=head, plan=plan, trip=trip, report=svc.ReportInput(trip_input(plan), results="x"))
    with pytest.raises(PermissionDenied):
        svc.confirm_trip(actor=people["head2"], trip=trip)
    svc.confirm_trip(actor=people["deputy"], trip=trip)
    trip.refresh_from_db()
    assert trip.confirmed_by == people["deputy"]


def test_secretary_report_is_self_certified(people):
    plan, sec = people["plan"], people["secretary"]
    trip, _w = svc.report_trip(actor=sec, plan=plan, report=svc.ReportInput(trip_input(plan), results="x"))
    assert trip.status == Trip.Status.CONFIRMED and trip.confirmed_by == sec
    assert HistoryEntry.objects.get(object_id=trip.pk, object_type="trip").action == "self_certified"


def test_trips_to_confirm_lists_only_what_the_user_may_confirm(client, people, reported):
    other = make_trip(people["plan"], people["other_cadre"], status=Trip.Status.REPORTED)
    client.force_login(people["head"])
    html = client.get(reverse("fieldwork:trips_to_confirm")).content.decode()
    assert reverse("fieldwork:trip_detail", args=[reported.pk]) in html
    assert reverse("fieldwork:trip_detail", args=[other.pk]) not in html
    client.force_login(people["cadre"])
    assert client.get(reverse("fieldwork:trips_to_confirm")).status_code == 403


def test_trip_detail_access(client, people, reported):
    url = reverse("fieldwork:trip_detail", args=[reported.pk])
    assert_access(
        client,
        url,
        allowed=[people["cadre"], people["head"], people["board"], people["inspector"], people["deputy"]],
        forbidden=[people["cadre2"], people["head2"]],
        not_found=[people["stranger"]],
    )
    client.force_login(people["inspector"])
    html = client.get(url).content.decode()
    assert 'data-testid="confirm-button"' not in html


# My trips ------------------------------------------------------------------------------------
def test_my_trips_filters_and_paginates(client, people):
    plan, cadre = people["plan"], people["cadre"]
    for i in range(30):
        make_trip(plan, cadre, start=date(2023, 1 + i // 10, 1 + i % 10), days="1", status=Trip.Status.APPROVED)
    make_trip(plan, cadre, start=date(2023, 5, 20), days="1", status=Trip.Status.CONFIRMED, location="Phường Hai")
    make_trip(plan, people["cadre2"], start=date(2023, 5, 21), days="1", location="Của người khác")
    client.force_login(cadre)
    resp = client.get(reverse("fieldwork:my_trips") + "?year=2023")
    assert len(resp.context["page"].object_list) == 25 and resp.context["page"].paginator.count == 31
    resp = client.get(reverse("fieldwork:my_trips") + "?year=2023&quarter=2")
    assert [t.location for t in resp.context["page"]] == ["Phường Hai"]
    resp = client.get(reverse("fieldwork:my_trips") + "?year=2023&status=approved&quarter=1")
    assert resp.context["page"].paginator.count == 30
    assert "Của người khác" not in resp.content.decode()


# Attachments ---------------------------------------------------------------------------------
def test_attachments_are_sniffed_stored_and_served_as_downloads(client, people, approved, settings):
    client.force_login(people["cadre"])
    files = [
        SimpleUploadedFile("anh.png", PNG, content_type="text/html"),
        SimpleUploadedFile("cong-lenh.pdf", PDF, content_type="application/pdf"),
    ]
    resp = client.post(
        reverse("fieldwork:trip_report", args=[approved.pk]), {**report_data(people["plan"]), "attachments": files}
    )
    assert resp.status_code == 302
    atts = list(TripAttachment.objects.filter(trip=approved).order_by("pk"))
    assert [(a.original_name, a.content_type, a.size) for a in atts] == [
        ("anh.png", "image/png", len(PNG)),
        ("cong-lenh.pdf", "application/pdf", len(PDF)),
    ]
    assert atts[0].file.name.startswith(f"trips/{people['org'].pk}/{approved.pk}/") and atts[0].file.name.endswith(
        ".png"
    )
    url = reverse("fieldwork:trip_attachment", args=[approved.pk, atts[0].pk])
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp["Content-Disposition"].startswith("attachment;") and "anh.png" in resp["Content-Disposition"]
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Type"] == "image/png"
    assert b"".join(resp.streaming_content) == PNG
    assert_access(
        client,
        url,
        allowed=[people["head"], people["inspector"]],
        forbidden=[people["cadre2"], people["head2"]],
        not_found=[people["stranger"]],
    )


def test_attachment_of_another_trip_is_404(client, people, approved):
    other = make_trip(people["plan"], people["cadre"], start=date(2023, 4, 1), status=Trip.Status.APPROVED)
    att = TripAttachment.objects.create(
        trip=other, file="trips/x.png", original_name="x.png", content_type="image/png", size=1
    )
    client.force_login(people["cadre"])
    assert client.get(reverse("fieldwork:trip_attachment", args=[approved.pk, att.pk])).status_code == 404


def test_html_disguised_as_image_and_oversized_files_are_refused(client, people, approved, settings):
    client.force_login(people["cadre"])
    fake = SimpleUploadedFile("anh.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    resp = client.post(
        reverse("fieldwork:trip_report", args=[approved.pk]), {**report_data(people["plan"]), "attachments": [fake]}
    )
    assert resp.status_code == 200
    assert "không phải ảnh (JPEG, PNG, GIF, WebP) hoặc PDF" in resp.content.decode()
    settings.MAX_ATTACHMENT_BYTES = 50
    big = SimpleUploadedFile("to.pdf", PDF + b"x" * 100, content_type="application/pdf")
    resp = client.post(
        reverse("fieldwork:trip_report", args=[approved.pk]), {**report_data(people["plan"]), "attachments": [big]}
    )
    assert "lớn hơn giới hạn" in resp.content.decode()
    assert not TripAttachment.objects.exists()
    approved.refresh_from_db()
    assert approved.status == Trip.Status.APPROVED


def test_attachment_delete_by_owner_only_until_confirmed(client, people, reported):
    att = TripAttachment.objects.create(
        trip=reported, file="trips/x.png", original_name="x.png", content_type="image/png", size=1
    )
    url = reverse("fieldwork:trip_attachment_delete", args=[reported.pk, att.pk])
    client.force_login(people["head"])
    assert client.post(url).status_code == 403
    client.force_login(people["cadre"])
    assert client.post(url).status_code == 302
    assert not TripAttachment.objects.exists()

"""The registration state machine (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”), transition by transition, through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Notification
from fieldwork.models import ChangeRequest, HistoryEntry, Registration, Trip
from fieldwork.services import change_requests as changes
from fieldwork.services import registrations as service
from tests.factories import make_trip

from .registration_helpers import fast_passwords, inspection_only, line, quarterly_people, registered, submitted  # noqa: F401

pytestmark = pytest.mark.django_db


def test_add_line_creates_a_draft_trip_in_the_quarter(people):
    plan, cadre = people["plan"], people["cadre"]
    reg = service.registration_for(person=cadre, plan=plan, quarter=1)
    trip, warnings = service.add_line(actor=cadre, registration=reg, data=line(plan))
    assert trip.status == Trip.Status.DRAFT
    assert trip.registration == reg
    assert (trip.start, trip.end, trip.days) == (date(2023, 2, 1), date(2023, 2, 3), Decimal("3"))
    assert warnings == []
    reg.refresh_from_db()
    assert reg.status == Registration.Status.DRAFT


def test_registration_for_is_get_or_create(people):
    plan, cadre = people["plan"], people["cadre"]
    a = service.registration_for(person=cadre, plan=plan, quarter=2)
    b = service.registration_for(person=cadre, plan=plan, quarter=2)
    assert a.pk == b.pk
    with pytest.raises(PermissionDenied):  # another organization's plan
        service.registration_for(person=cadre, plan=people["other_plan"], quarter=1)


def test_a_line_starting_in_another_quarter_is_refused_with_a_clear_message(people):
    plan, cadre = people["plan"], people["cadre"]
    reg = service.registration_for(person=cadre, plan=plan, quarter=1)
    with pytest.raises(ValidationError) as exc:
        service.add_line(actor=cadre, registration=reg, data=line(plan, start=date(2023, 4, 3)))
    msg = exc.value.message_dict["start"][0]
    assert "03/04/2023 thuộc quý II" in msg and "quý I" in msg and "hãy đăng ký đợt này ở quý II" in msg
    # A line starting at the end of the quarter and ending in the next is fine: it belongs to its start.
    trip, _ = service.add_line(
        actor=cadre, registration=reg, data=line(plan, start=date(2023, 3, 30), end=date(2023, 4, 2), days="4")
    )
    assert trip.quarter == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"days": "5"}, "days", "Số ngày đi lớn hơn số ngày"),  # DAYS_EXCEED_SPAN: 5 days in 3
        (
            {"start": date(2023, 10, 24), "end": date(2023, 10, 27), "days": "2"},
            "start",
            "nằm trong thời gian của kế hoạch",
        ),
    ],
)
def test_blocking_rules_are_refused(people, kwargs, field, fragment):
    plan, cadre = people["plan"], people["cadre"]
    quarter = 4 if "start" in kwargs else 1
    reg = service.registration_for(person=cadre, plan=plan, quarter=quarter)
    with pytest.raises(ValidationError) as exc:
        service.add_line(actor=cadre, registration=reg, data=line(plan, **kwargs))
    assert fragment in " ".join(exc.value.message_dict[field])
    assert not Trip.objects.filter(person=cadre).exists()


def test_overlap_with_another_trip_is_refused(people):
    plan, cadre = people["plan"], people["cadre"]
    make_trip(plan, cadre, start=date(2023, 2, 1), end=date(2023, 2, 3), days="3", status=Trip.Status.CONFIRMED)
    reg = service.registration_for(person=cadre, plan=plan, quarter=1)
    with pytest.raises(ValidationError) as exc:
        service.add_line(actor=cadre, registration=reg, data=line(plan))
    assert "Trùng thời gian" in exc.value.message_dict["start"][0]


def test_warnings_outside_focus_not_counted_and_short_immersion(people):
    plan, cadre = people["plan"], people["cadre"]
    reg = service.registration_for(person=cadre, plan=plan, quarter=1)
    _, warnings = service.add_line(actor=cadre, registration=reg, data=line(plan, category="1.2"))
    assert any("trọng tâm" in w for w in warnings)  # OUTSIDE_FOCUS for group 2.3 (focus 1.1, 1.5)
    _, warnings = service.add_line(
        actor=cadre, registration=reg, data=line(plan, start=date(2023, 2, 10), immersion=True)
    )
    assert any("ngắn hơn số ngày tối thiểu" in w for w in warnings)  # Tây Ninh: 30 days
    # docs/rules.md “The rules as the documents say them” (docs/domain.md §8): invited attendance is refused, with the reason, not warned about
    moi = plan.categories.get(counts=False).code
    with pytest.raises(ValidationError) as exc:
        service.add_line(actor=cadre, registration=reg, data=line(plan, category=moi, start=date(2023, 2, 20)))
    assert "không được tính là đi cơ sở" in exc.value.message_dict["category"][0]
    assert not reg.trips.filter(category__code=moi).exists()


def test_submit_an_empty_registration_is_refused(people):
    plan, cadre = people["plan"], people["cadre"]
    reg = service.registration_for(person=cadre, plan=plan, quarter=1)
    with pytest.raises(ValidationError) as exc:
        service.submit(actor=cadre, registration=reg, version=reg.version)
    assert "chưa có đợt nào" in exc.value.messages[0]
    reg.refresh_from_db()
    assert reg.status == Registration.Status.DRAFT


def test_submit_sends_to_the_head_with_notification_and_history(people, django_capture_on_commit_callbacks):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    with django_capture_on_commit_callbacks(execute=True):
        reg = submitted(plan, cadre)
    assert reg.status == Registration.Status.SUBMITTED
    assert reg.submitted_at is not None
    assert reg.version == 1
    note = Notification.objects.get(user=head)
    assert "Trần Thị Dung" in note.text and note.url == f"/dang-ky/so/{reg.pk}/"
    assert not Notification.objects.filter(user=people["head2"]).exists()
    assert [m.to for m in mail.outbox] == [["hai@tn.vn"]]
    entry = HistoryEntry.objects.get(object_type="registration", object_id=reg.pk)
    assert (entry.actor, entry.action, entry.from_state, entry.to_state) == (cadre, "submitted", "draft", "submitted")


def test_lines_are_locked_while_submitted(people):
    plan, cadre = people["plan"], people["cadre"]
    reg = submitted(plan, cadre)
    trip = reg.trips.get()
    with pytest.raises(ValidationError):
        service.update_line(actor=cadre, trip=trip, data=line(plan, days="2"))
    with pytest.raises(ValidationError):
        service.add_line(actor=cadre, registration=reg, data=line(plan, start=date(2023, 3, 1)))
    with pytest.raises(ValidationError):
        service.delete_line(actor=cadre, trip=trip)


def test_approve_a_draft_is_refused(people):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    reg = registered(plan, cadre)
    with pytest.raises(ValidationError) as exc:
        service.approve(actor=head, registration=reg, version=reg.version)
    assert "đang chờ phê duyệt" in exc.value.messages[0]


def test_approve_locks_lines_and_keeps_the_plan(people, django_capture_on_commit_callbacks):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    reg = submitted(plan, cadre)
    with django_capture_on_commit_callbacks(execute=True):
        reg = service.approve(actor=head, registration=reg, version=reg.version)
    assert reg.status == Registration.Status.APPROVED and reg.decided_by == head and reg.version == 2
    trip = reg.trips.get()
    assert trip.status == Trip.Status.APPROVED
    assert (trip.planned_start, trip.planned_end, trip.planned_days) == (trip.start, trip.end, trip.days)
    assert Notification.objects.filter(user=cadre, text__contains="đã được phê duyệt").exists()
    assert [m.to for m in mail.outbox] == [["dung@tn.vn"]]
    with pytest.raises(ValidationError) as exc:  # direct edit of an approved line
        service.update_line(actor=cadre, trip=trip, data=line(plan, days="2"))
    assert "đề nghị thay đổi" in exc.value.messages[0]
    trip.refresh_from_db()
    assert trip.days == Decimal("3")


def test_return_needs_a_comment_then_resubmit_works(people):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    reg = submitted(plan, cadre)
    with pytest.raises(ValidationError) as exc:
        service.return_registration(actor=head, registration=reg, version=reg.version, comment="   ")
    assert "lý do trả lại" in exc.value.message_dict["comment"][0]
    reg = service.return_registration(actor=head, registration=reg, version=reg.version, comment="Ghi rõ địa điểm")
    assert reg.status == Registration.Status.RETURNED and reg.comment == "Ghi rõ địa điểm"
    assert Notification.objects.filter(user=cadre, text__contains="Ghi rõ địa điểm").exists()
    trip = reg.trips.get()
    service.update_line(
        actor=cadre, trip=trip, data=line(plan, days="2", location="Chi đoàn ấp 3, Xã Tân Đông, Tỉnh Tây Ninh")
    )
    first_submitted = reg.submitted_at
    reg = service.submit(actor=cadre, registration=reg, version=reg.version)
    assert reg.status == Registration.Status.SUBMITTED and reg.comment == ""
    assert reg.submitted_at == first_submitted  # lateness is judged on the first submission
    reg = service.approve(actor=head, registration=reg, version=reg.version)
    assert reg.trips.get().days == Decimal("2")
    actions = list(
        HistoryEntry.objects.filter(object_type="registration", object_id=reg.pk).values_list("action", "comment")
    )
    assert actions == [("submitted", ""), ("returned", "Ghi rõ địa điểm"), ("submitted", ""), ("approved", "")]


def test_nobody_approves_their_own_and_routing(people):
    plan = people["plan"]
    # head's registration -> a Standing member; not the head himself, not another head
    reg = submitted(plan, people["head"])
    for who in (people["head"], people["head2"], people["cadre"]):
        with pytest.raises(PermissionDenied):
            service.approve(actor=who, registration=reg, version=reg.version)
    assert service.approve(actor=people["deputy"], registration=reg, version=reg.version).status == "approved"
    # a Standing member's -> the Secretary only
    reg = submitted(plan, people["deputy"])
    with pytest.raises(PermissionDenied):
        service.approve(actor=people["deputy"], registration=reg, version=reg.version)
    assert service.approve(actor=people["secretary"], registration=reg, version=reg.version).status == "approved"
    # a cadre of d1 -> not the head of d2
    reg = submitted(plan, people["cadre"])
    with pytest.raises(PermissionDenied):
        service.approve(actor=people["head2"], registration=reg, version=reg.version)
    with pytest.raises(PermissionDenied):
        service.return_registration(actor=people["stranger"], registration=reg, version=reg.version, comment="x")


def test_the_secretary_is_self_certified(people):
    plan, secretary = people["plan"], people["secretary"]
    reg = submitted(plan, secretary)
    assert reg.status == Registration.Status.APPROVED and reg.self_certified and reg.decided_by == secretary
    assert reg.trips.get().status == Trip.Status.APPROVED
    assert HistoryEntry.objects.get(object_type="registration", object_id=reg.pk).action == "self_certified"
    assert not Notification.objects.exists()


def test_submit_without_any_approver_is_refused(people):
    from tests.factories import UserFactory

    plan = people["plan"]
    loner = UserFactory(department=None, organization=people["org"], full_name="Lý Văn Một", email="mot@tn.vn")
    reg = registered(plan, loner)
    with pytest.raises(ValidationError) as exc:
        service.submit(actor=loner, registration=reg, version=reg.version)
    assert "Chưa có người phê duyệt" in exc.value.messages[0]


def test_inspection_committee_changes_nothing_of_others(people):
    """Decision (lead): the Inspection Committee changes nothing of other people; a member who is
    not a cadre under the rule has no registration of their own to change either."""
    plan, inspector = people["plan"], people["inspector"]
    other = submitted(plan, people["cadre"])
    with pytest.raises(PermissionDenied):
        service.approve(actor=inspector, registration=other, version=other.version)
    with pytest.raises(PermissionDenied):
        service.return_registration(actor=inspector, registration=other, version=other.version, comment="x")
    with pytest.raises(PermissionDenied):
        service.add_line(actor=inspector, registration=other, data=line(plan, start=date(2023, 3, 1)))
    watcher = inspection_only(people)
    own = Registration.objects.create(plan=plan, person=watcher, quarter=1)
    with pytest.raises(PermissionDenied):
        service.add_line(actor=watcher, registration=own, data=line(plan))
    other.refresh_from_db()
    assert other.status == Registration.Status.SUBMITTED and other.trips.count() == 1
    assert not own.trips.exists()


def test_an_inspection_member_who_is_a_cadre_registers_own_trips(people):
    """Decision (lead): like any cadre, an Inspection Committee member who is also a cadre under
    the rule registers and submits their own lines; their department's head approves them."""
    plan, inspector, head2 = people["plan"], people["inspector"], people["head2"]
    reg = service.registration_for(person=inspector, plan=plan, quarter=1)
    trip, _warnings = service.add_line(actor=inspector, registration=reg, data=line(plan))
    assert trip.person == inspector and trip.status == Trip.Status.DRAFT
    reg = service.submit(actor=inspector, registration=reg, version=reg.version)
    assert reg.status == Registration.Status.SUBMITTED
    reg = service.approve(actor=head2, registration=reg, version=reg.version)
    assert reg.status == Registration.Status.APPROVED
    trip.refresh_from_db()
    assert trip.status == Trip.Status.APPROVED


def test_concurrent_approval_second_one_is_told_and_nothing_is_lost(people):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    from accounts.models import UserRole
    from tests.factories import UserFactory

    co_head = UserFactory(department=people["d1"], full_name="Phó Ban Một", email="pho@tn.vn", roles=["cadre", "head"])
    assert UserRole.objects.filter(user=co_head, code="head").exists()
    reg = submitted(plan, cadre)
    seen = reg.version  # both approvers opened the page at this version
    service.approve(actor=head, registration=reg, version=seen)
    with pytest.raises(service.StaleVersion) as exc:
        service.return_registration(actor=co_head, registration=reg, version=seen, comment="Sửa lại")
    assert "đã được người khác xử lý" in exc.value.message
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED and reg.decided_by == head and reg.comment == ""


def test_the_update_is_conditional_on_the_version(people, monkeypatch):
    """Even if both pass the read check, only one UPDATE … WHERE version = n succeeds."""
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    reg = submitted(plan, cadre)
    seen = reg.version
    real = service._decidable

    def racing(actor, registration, version):
        fresh = real(actor, registration, version)
        Registration.objects.filter(pk=fresh.pk).update(version=fresh.version + 1)  # the other approver wins here
        return fresh

    monkeypatch.setattr(service, "_decidable", racing)
    with pytest.raises(service.StaleVersion):
        service.approve(actor=head, registration=reg, version=seen)
    assert Trip.objects.get(registration=reg).status == Trip.Status.DRAFT


def test_adding_a_line_to_an_approved_registration_asks_for_that_line_alone(people):
    """docs/domain.md §5: the approved registration stays approved; the new line waits alone
    (the whole story: tests/fieldwork/test_registration_additions.py)."""
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    reg = submitted(plan, cadre)
    reg = service.approve(actor=head, registration=reg, version=reg.version)
    trip, _warnings = service.add_line(actor=cadre, registration=reg, data=line(plan, start=date(2023, 3, 6)))
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED
    assert sorted(reg.trips.values_list("status", flat=True)) == ["approved", "draft"]
    cr = ChangeRequest.objects.get(trip=trip)
    assert (cr.kind, cr.status) == (ChangeRequest.Kind.ADD, ChangeRequest.Status.PENDING)
    changes.decide_change(actor=head, change_request=cr, approve=True)
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED
    assert set(reg.trips.values_list("status", flat=True)) == {"approved"}


def _approved_trip(people):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    reg = submitted(plan, cadre)
    service.approve(actor=head, registration=reg, version=reg.version)
    return Trip.objects.get(registration=reg)


def test_change_request_goes_to_the_approver_and_is_applied_on_approval(people):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    trip = _approved_trip(people)
    Notification.objects.all().delete()
    cr, _ = changes.request_change(
        actor=cadre, trip=trip, data=line(plan, start=date(2023, 2, 6), days="2"), reason="Đổi lịch"
    )
    assert (
        cr.status == ChangeRequest.Status.PENDING
        and cr.proposed["start"] == "2023-02-06"
        and cr.proposed["days"] == "2"
    )
    trip.refresh_from_db()
    assert trip.start == date(2023, 2, 1)  # unchanged until approved
    assert Notification.objects.filter(user=head, text__contains="đề nghị thay đổi").exists()
    with pytest.raises(ValidationError):  # one pending request at a time
        changes.request_cancel(actor=cadre, trip=trip, reason="x")
    with pytest.raises(PermissionDenied):  # not one's own
        changes.decide_change(actor=cadre, change_request=cr, approve=True)
    changes.decide_change(actor=head, change_request=cr, approve=True)
    trip.refresh_from_db()
    assert (trip.start, trip.end, trip.days, trip.status) == (
        date(2023, 2, 6),
        date(2023, 2, 8),
        Decimal("2"),
        "approved",
    )
    assert trip.planned_start == date(2023, 2, 6)
    assert Notification.objects.filter(user=cadre, text__contains="đã được phê duyệt").exists()
    with pytest.raises(service.StaleVersion):  # decided twice
        changes.decide_change(actor=head, change_request=cr, approve=False, comment="Không")


def test_change_request_is_validated_again_when_approved(people):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    trip = _approved_trip(people)
    cr, _ = changes.request_change(
        actor=cadre, trip=trip, data=line(plan, start=date(2023, 2, 6), days="3"), reason="Đổi lịch"
    )
    make_trip(plan, cadre, start=date(2023, 2, 6), end=date(2023, 2, 8), days="3", status=Trip.Status.CONFIRMED)
    with pytest.raises(ValidationError):
        changes.decide_change(actor=head, change_request=cr, approve=True)
    cr.refresh_from_db()
    trip.refresh_from_db()
    assert cr.status == ChangeRequest.Status.PENDING and trip.start == date(2023, 2, 1)


def test_reject_change_needs_a_comment(people):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    trip = _approved_trip(people)
    cr, _ = changes.request_change(actor=cadre, trip=trip, data=line(plan, days="2"), reason="Bớt ngày")
    with pytest.raises(ValidationError):
        changes.decide_change(actor=head, change_request=cr, approve=False, comment="")
    changes.decide_change(actor=head, change_request=cr, approve=False, comment="Giữ nguyên")
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.REJECTED and cr.comment == "Giữ nguyên"


def test_cancel_request_cancels_on_approval(people):
    cadre, head = people["cadre"], people["head"]
    trip = _approved_trip(people)
    with pytest.raises(ValidationError):
        changes.request_cancel(actor=cadre, trip=trip, reason=" ")
    cr = changes.request_cancel(actor=cadre, trip=trip, reason="Ốm")
    changes.decide_change(actor=head, change_request=cr, approve=True)
    trip.refresh_from_db()
    assert trip.status == Trip.Status.CANCELLED and trip.status_comment == "Ốm"
    actions = list(HistoryEntry.objects.filter(object_type="trip", object_id=trip.pk).values_list("action", flat=True))
    assert actions == ["cancel_requested", "cancelled"]
    history = [e.action for e in service.registration_history(trip.registration)]
    assert history == ["submitted", "approved", "cancel_requested", "cancelled"]


def test_only_approved_trips_take_change_requests(people):
    plan, cadre = people["plan"], people["cadre"]
    reg = registered(plan, cadre)
    with pytest.raises(ValidationError):
        changes.request_cancel(actor=cadre, trip=reg.trips.get(), reason="x")


def test_secretary_changes_are_self_certified(people):
    plan, secretary = people["plan"], people["secretary"]
    reg = submitted(plan, secretary)
    trip = reg.trips.get()
    cr = changes.request_cancel(actor=secretary, trip=trip, reason="Trùng lịch họp")
    cr.refresh_from_db()
    trip.refresh_from_db()
    assert cr.status == ChangeRequest.Status.APPROVED and trip.status == Trip.Status.CANCELLED


def test_preview_counts_draft_lines_as_planned(people):
    plan, cadre = people["plan"], people["cadre"]
    make_trip(plan, cadre, start=date(2023, 1, 10), end=date(2023, 1, 14), days="5", status=Trip.Status.CONFIRMED)
    registered(
        plan,
        cadre,
        lines=[line(plan), line(plan, start=date(2023, 2, 10), end=date(2023, 3, 11), days="30", immersion=True)],
    )
    result = service.preview(plan=plan, person=cadre, as_of=date(2023, 1, 31))
    assert result["total_days"] == Decimal("38") and result["required_days"] == 60
    assert (result["immersion_total"], result["immersion_required"]) == (1, 2)
    typed = line(plan, start=date(2023, 3, 13), end=date(2023, 4, 11), days="30", immersion=True)
    result = service.preview(plan=plan, person=cadre, typed=typed, as_of=date(2023, 1, 31))
    assert result["total_days"] == Decimal("68") and result["immersion_total"] == 2

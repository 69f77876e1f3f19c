"""A cadre withdraws their own pending change or cancel request; who approves whom
(fieldwork.services.approvers, shared with results)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Notification
from fieldwork.models import ChangeRequest, HistoryEntry, Trip
from fieldwork.services import approvers
from fieldwork.services import change_requests as changes
from fieldwork.services import registrations as service
from tests.access import assert_access
from tests.factories import UserFactory

from .registration_helpers import fast_passwords, line, quarterly_people, submitted  # noqa: F401

pytestmark = pytest.mark.django_db
INBOX = "/phe-duyet/"


@pytest.fixture
def pending(people):
    """The cadre's approved trip (01–03/02/2023) with a pending change request to 06/02."""
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    reg = submitted(plan, cadre)
    service.approve(actor=head, registration=reg, version=reg.version)
    trip = reg.trips.get()
    cr, _ = changes.request_change(
        actor=cadre, trip=trip, data=line(plan, start=date(2023, 2, 6), days="2"), reason="Trùng lịch họp"
    )
    return cr


def _url(cr):
    return reverse("fieldwork:change_request_withdraw", args=[cr.pk])


def test_url():
    assert reverse("fieldwork:change_request_withdraw", args=[7]) == "/dang-ky/de-nghi/7/rut/"


def test_withdraw_leaves_the_trip_as_approved_and_the_inbox(client, people, pending):
    cadre, head = people["cadre"], people["head"]
    client.force_login(head)
    assert "Trùng lịch họp" in client.get(INBOX).content.decode()
    client.force_login(cadre)
    page = client.get("/dang-ky/quy-1/?year=2023").content.decode()
    assert 'data-testid="withdraw-change"' in page and _url(pending) in page
    resp = client.post(_url(pending), follow=True)
    assert resp.redirect_chain[-1][0] == "/dang-ky/quy-1/?year=2023"
    html = resp.content.decode()
    assert "Đã rút đề nghị. Đợt đi giữ nguyên như đã phê duyệt." in html
    assert 'data-testid="withdraw-change"' not in html and 'data-testid="pending-change"' not in html
    assert "Rút đề nghị" in html.split('data-testid="history"')[1]  # shown in the history
    pending.refresh_from_db()
    assert pending.status == ChangeRequest.Status.WITHDRAWN and pending.decided_at is not None
    trip = pending.trip
    trip.refresh_from_db()
    assert (trip.status, trip.start, trip.days) == (Trip.Status.APPROVED, date(2023, 2, 1), 3)
    entry = HistoryEntry.objects.get(object_type="trip", object_id=trip.pk, action="change_withdrawn")
    assert entry.actor == cadre and entry.comment == "Trùng lịch họp"
    assert Notification.objects.filter(user=head, text__contains="đã rút đề nghị thay đổi").count() == 1
    client.force_login(head)
    html = client.get(INBOX).content.decode()
    assert "Trùng lịch họp" not in html and 'data-testid="count-changes">0<' in html
    # deciding it afterwards (an old inbox tab) changes nothing and says why
    resp = client.post(
        reverse("fieldwork:change_request_decide", args=[pending.pk]), {"action": "approve"}, follow=True
    )
    assert "Đề nghị này đã được xử lý (Đã rút)" in resp.content.decode()
    trip.refresh_from_db()
    assert trip.start == date(2023, 2, 1)
    # and the cadre may send a new request for the same trip
    cr2 = changes.request_cancel(actor=cadre, trip=trip, reason="Không đi nữa")
    assert cr2.status == ChangeRequest.Status.PENDING


def test_only_the_requester_may_withdraw(client, people, pending):
    assert_access(
        client,
        _url(pending),
        method="post",
        # a colleague of the same department, the approver, the Board, the Inspection Committee
        forbidden=[people["cadre2"], people["head"], people["board"], people["inspector"], people["secretary"]],
        not_found=[people["stranger"]],  # another organization
        allowed=[people["cadre"]],
        ok_codes=(302,),
    )
    pending.refresh_from_db()
    assert pending.status == ChangeRequest.Status.WITHDRAWN  # by the cadre, last
    assert HistoryEntry.objects.filter(action="change_withdrawn").count() == 1


def test_forbidden_attempts_change_nothing(client, people, pending):
    for user in (people["cadre2"], people["head"], people["stranger"]):
        client.force_login(user)
        assert client.post(_url(pending)).status_code in (403, 404)
    client.force_login(people["cadre"])
    assert client.get(_url(pending)).status_code == 405  # POST only
    pending.refresh_from_db()
    assert pending.status == ChangeRequest.Status.PENDING
    assert not HistoryEntry.objects.filter(action="change_withdrawn").exists()
    with pytest.raises(PermissionDenied):
        changes.withdraw_change(actor=people["cadre2"], change_request=pending)
    with pytest.raises(PermissionDenied):
        changes.withdraw_change(actor=people["stranger"], change_request=pending)


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_decided_request_cannot_be_withdrawn(client, people, pending, decision):
    head, cadre = people["head"], people["cadre"]
    changes.decide_change(actor=head, change_request=pending, approve=decision == "approve", comment="Ý kiến")
    pending.refresh_from_db()
    before = (pending.status, pending.decided_by_id, pending.decided_at)
    trip = Trip.objects.get(pk=pending.trip_id)
    client.force_login(cadre)
    resp = client.post(_url(pending), follow=True)
    label = "Đã phê duyệt" if decision == "approve" else "Không phê duyệt"
    assert f"Đề nghị này đã được xử lý ({label}) nên không rút được nữa. Không có gì thay đổi." in resp.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by_id, pending.decided_at) == before
    after = Trip.objects.get(pk=trip.pk)
    assert (after.start, after.days, after.version) == (trip.start, trip.days, trip.version)
    assert not HistoryEntry.objects.filter(action="change_withdrawn").exists()
    with pytest.raises(ValidationError):
        changes.withdraw_change(actor=cadre, change_request=pending)


def test_approvers_of_follows_the_rule(people):
    cadre, head, head2 = people["cadre"], people["head"], people["head2"]
    deputy, secretary = people["deputy"], people["secretary"]
    assert approvers.approvers_of(cadre) == [head]
    assert approvers.approvers_of(people["other_cadre"]) == [head2]
    # a head: the Standing Committee, in Vietnamese name order (Lan before Tùng)
    assert approvers.approvers_of(head) == [deputy, secretary]
    assert approvers.approvers_of(deputy) == [secretary]  # a Standing member: the Secretary
    assert approvers.approvers_of(secretary) == []  # self-certified
    co_head = UserFactory(department=people["d1"], full_name="Phan Văn Phó", email="pho@tn.vn", roles=["cadre", "head"])
    UserFactory(department=people["d1"], full_name="Lý Văn Nghỉ", email="nghi@tn.vn", roles=["head"], is_active=False)
    assert set(approvers.approvers_of(cadre)) == {head, co_head}  # not the inactive one
    assert approvers.approvers_of(co_head) == [deputy, secretary]  # a head never approves a co-head
    # one implementation, re-exported where it used to live
    assert service.approvers_of is approvers.approvers_of

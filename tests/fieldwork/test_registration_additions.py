"""A line added to an approved registration is a request for that line alone (docs/domain.md §5;
docs/rules.md "A year in the life"): the registration and its approved lines stay approved, the
approver decides the new line by itself and sees it first, marked as new."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Notification
from fieldwork.models import ChangeRequest, HistoryEntry, Registration, Trip
from fieldwork.quarters import WHOLE_YEAR
from fieldwork.services import change_requests as changes
from fieldwork.services import registrations as service
from reports.mau_forms import mau1
from reports.params import Params
from tests.access import assert_access

from .registration_helpers import fast_passwords, line, line_post, submitted  # noqa: F401

pytestmark = pytest.mark.django_db


def _approved_year(people, n=3):
    """The cadre's annual registration (the Tây Ninh cycle) with `n` lines, approved by the head."""
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    assert plan.registration_cycle == "annual"
    lines = [line(plan, start=date(2023, m, 6)) for m in range(2, 2 + n)]
    reg = submitted(plan, cadre, lines=lines)
    return service.approve(actor=head, registration=reg, version=reg.version)


def _add(people, reg, *, start=date(2023, 9, 11), reason=""):
    trip, _w = service.add_line(
        actor=people["cadre"], registration=reg, data=line(people["plan"], start=start), reason=reason
    )
    return trip, ChangeRequest.objects.get(trip=trip)


def test_the_registration_and_its_approved_lines_stay_approved(people):
    reg = _approved_year(people)
    approved_before = dict(reg.trips.values_list("pk", "version"))
    Notification.objects.all().delete()
    trip, cr = _add(people, reg, reason="Theo kế hoạch kiểm tra quý III")
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED and reg.quarter == WHOLE_YEAR
    # The approved lines are untouched (status and version): nothing to approve again.
    assert dict(reg.trips.exclude(pk=trip.pk).values_list("pk", "version")) == approved_before
    assert set(reg.trips.exclude(pk=trip.pk).values_list("status", flat=True)) == {Trip.Status.APPROVED}
    assert trip.status == Trip.Status.DRAFT
    assert (cr.kind, cr.status, cr.reason) == ("add", "pending", "Theo kế hoạch kiểm tra quý III")
    assert cr.proposed["start"] == "2023-09-11"
    # The head is told, with a link to the registration's page (where the new line is on top).
    note = Notification.objects.get(user=people["head"])
    assert "đề nghị bổ sung một đợt đi cơ sở (11/09/2023)" in note.text
    assert note.url == reverse("fieldwork:registration_review", args=[reg.pk])
    assert HistoryEntry.objects.filter(object_type="trip", object_id=trip.pk, action="add_requested").exists()


def test_the_head_approves_the_new_line_alone(people):
    reg = _approved_year(people)
    trip, cr = _add(people, reg)
    with pytest.raises(PermissionDenied):  # nobody approves their own
        changes.decide_change(actor=people["cadre"], change_request=cr, approve=True)
    with pytest.raises(PermissionDenied):  # another department's head
        changes.decide_change(actor=people["head2"], change_request=cr, approve=True)
    changes.decide_change(actor=people["head"], change_request=cr, approve=True)
    trip.refresh_from_db()
    reg.refresh_from_db()
    assert trip.status == Trip.Status.APPROVED
    assert (trip.planned_start, trip.planned_end, trip.planned_days) == (trip.start, trip.end, trip.days)
    assert reg.status == Registration.Status.APPROVED
    assert Notification.objects.filter(user=people["cadre"], text__contains="bổ sung đợt đi cơ sở").exists()
    entry = HistoryEntry.objects.get(object_type="trip", object_id=trip.pk, action="add_approved")
    assert entry.actor == people["head"]
    assert [e.action for e in service.registration_history(reg)][-2:] == ["add_requested", "add_approved"]


def test_the_signed_form_names_who_approved_the_added_line(people):
    """Mẫu 1 signs under the registration's approver only what that approver approved: a line
    added later and approved by a deputy says so (docs/rules.md “Forms the Board signs”, mẫu 1)."""
    from fieldwork.services.delegations import create_delegation

    reg = _approved_year(people)
    trip, cr = _add(people, reg)

    def text():
        params = Params(organization=people["org"], plan=people["plan"], year=2023, cadre=people["cadre"])
        return " ".join(str(cell) for row in mau1(params, date(2023, 9, 30)).rows for cell in row)

    assert text().count("chờ phê duyệt") == 1  # the new line only
    create_delegation(actor=people["head"], deputy=people["deputy"], start=date.today(), end=date.today())
    changes.decide_change(actor=people["deputy"], change_request=cr, approve=True)
    assert "chờ phê duyệt" not in text() and text().count("do Hồ Thị Lan phê duyệt") == 1


def test_rejecting_the_new_line_needs_a_reason_and_keeps_it_listed_as_not_approved(people):
    reg = _approved_year(people)
    trip, cr = _add(people, reg)
    with pytest.raises(ValidationError):
        changes.decide_change(actor=people["head"], change_request=cr, approve=False, comment="  ")
    changes.decide_change(actor=people["head"], change_request=cr, approve=False, comment="Trùng lịch của Ban.")
    trip.refresh_from_db()
    assert (trip.status, trip.status_comment) == (Trip.Status.REJECTED, "Trùng lịch của Ban.")
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED
    assert reg.trips.filter(status=Trip.Status.APPROVED).count() == 3


def test_withdrawing_the_new_line_removes_it_and_the_history_says_so(people):
    reg = _approved_year(people)
    trip, cr = _add(people, reg)
    with pytest.raises(ValidationError):  # a pending new line is not edited in place
        service.update_line(actor=people["cadre"], trip=trip, data=line(people["plan"], start=date(2023, 9, 12)))
    changes.withdraw_change(actor=people["cadre"], change_request=cr)
    assert not Trip.objects.filter(pk=trip.pk).exists()
    assert reg.trips.count() == 3
    assert [e.action for e in service.registration_history(reg)][-1] == "add_withdrawn"


def test_the_secretarys_addition_is_self_certified(people):
    plan, secretary = people["plan"], people["secretary"]
    reg = submitted(plan, secretary)
    assert reg.status == Registration.Status.APPROVED and reg.self_certified
    trip, _w = service.add_line(actor=secretary, registration=reg, data=line(plan, start=date(2023, 9, 11)))
    trip.refresh_from_db()
    assert trip.status == Trip.Status.APPROVED
    assert ChangeRequest.objects.get(trip=trip).status == ChangeRequest.Status.APPROVED


def test_the_cadre_page_sends_the_line_as_a_request(client, people):
    reg = _approved_year(people)
    client.force_login(people["cadre"])
    url = "/dang-ky/quy-0/?year=2023"
    page = client.get(url).content.decode()
    assert 'data-testid="supplement-note"' in page and "Gửi đề nghị bổ sung" in page
    resp = client.post(
        url, line_post(people["plan"], start="2023-09-11", end="2023-09-13", reason="Bổ sung"), follow=True
    )
    html = resp.content.decode()
    assert "Đã gửi đề nghị bổ sung đợt đi cơ sở" in html
    assert "Đợt bổ sung, đang chờ phê duyệt" in html
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED
    assert ChangeRequest.objects.get(kind="add").reason == "Bổ sung"


def test_the_head_sees_only_what_changed_on_top_and_decides_there(client, people):
    reg = _approved_year(people, n=6)
    trip, cr = _add(people, reg)
    url = reverse("fieldwork:registration_review", args=[reg.pk])
    assert_access(
        client,
        url,
        allowed=[people["head"], people["board"]],
        forbidden=[people["cadre2"], people["head2"]],
        not_found=[people["stranger"]],
    )
    client.force_login(people["head"])
    html = client.get(url).content.decode()
    top, lines = html.split('data-testid="lines"')
    assert top.count('data-testid="change-row"') == 1 and 'data-kind="add"' in top
    assert "Từ ngày 11/9/2023 đến ngày 13/9/2023" in top.split('data-testid="pending-requests"')[1]
    assert 'data-testid="approve-change"' in top and 'data-testid="approve"' not in html  # the year is approved
    assert lines.count('data-new="1"') == 1
    # The inbox lists the new line as an addition, not the whole registration.
    inbox = client.get("/phe-duyet/").content.decode()
    assert 'data-testid="count-registrations">0<' in inbox and 'data-kind="add"' in inbox
    resp = client.post(
        reverse("fieldwork:change_request_decide", args=[cr.pk]), {"action": "approve", "next": "review"}
    )
    assert resp.status_code == 302 and resp["Location"] == url
    trip.refresh_from_db()
    assert trip.status == Trip.Status.APPROVED
    # The Board may read the page but decides nothing.
    trip2, cr2 = _add(people, reg, start=date(2023, 10, 2))
    client.force_login(people["board"])
    assert 'data-testid="approve-change"' not in client.get(url).content.decode()
    assert (
        client.post(reverse("fieldwork:change_request_decide", args=[cr2.pk]), {"action": "approve"}).status_code == 403
    )

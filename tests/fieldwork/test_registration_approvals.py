"""The approver's inbox and review page: routing, permissions, return with comment, concurrency."""

from datetime import date

import pytest
from django.urls import reverse

from fieldwork.models import ChangeRequest, Registration, Trip
from fieldwork.services import change_requests as changes
from fieldwork.services import registrations as service
from tests.access import assert_access
from tests.factories import UserFactory

from .registration_helpers import fast_passwords, line, quarterly_people, submitted  # noqa: F401

pytestmark = pytest.mark.django_db
INBOX = "/phe-duyet/"


def test_inbox_access(client, people):
    assert_access(
        client,
        INBOX,
        allowed=[people["head"], people["deputy"], people["secretary"]],
        forbidden=[people["cadre"], people["inspector"], people["board"]],
    )


def test_inbox_routes_each_registration_to_its_approver(client, people):
    plan = people["plan"]
    cadre_reg = submitted(plan, people["cadre"])
    other_reg = submitted(plan, people["other_cadre"])
    head_reg = submitted(plan, people["head"])
    deputy_reg = submitted(plan, people["deputy"])
    stranger_reg = Registration.objects.create(
        plan=people["other_plan"], person=people["stranger"], quarter=1, status=Registration.Status.SUBMITTED
    )  # another organization

    def listed(user):
        client.force_login(user)
        html = client.get(INBOX).content.decode()
        pks = (cadre_reg.pk, other_reg.pk, head_reg.pk, deputy_reg.pk, stranger_reg.pk)
        return {pk for pk in pks if f"/dang-ky/so/{pk}/" in html}

    assert listed(people["head"]) == {cadre_reg.pk}  # heads: their department's cadres
    assert listed(people["head2"]) == {other_reg.pk}
    assert listed(people["deputy"]) == {head_reg.pk}  # Standing: heads' registrations
    assert listed(people["secretary"]) == {head_reg.pk, deputy_reg.pk}  # the Secretary: Standing members' too


def test_inbox_filters_and_query_budget(client, people, django_assert_max_num_queries):
    plan = people["plan"]
    for i in range(8):
        UserFactory(department=people["d1"], full_name=f"Nguyễn Văn Số{i}", email=f"so{i}@tn.vn")
    from accounts.models import User

    for person in User.objects.filter(email__startswith="so"):
        submitted(plan, person)
    client.force_login(people["head"])
    with django_assert_max_num_queries(15):
        resp = client.get(INBOX)
    assert resp.content.decode().count('data-testid="inbox-row"') == 8
    client.force_login(people["secretary"])
    html = client.get(INBOX, {"department": people["d2"].pk}).content.decode()
    assert html.count('data-testid="inbox-row"') == 0


def test_review_page_access(client, people):
    reg = submitted(people["plan"], people["cadre"])
    url = reverse("fieldwork:registration_review", args=[reg.pk])
    assert_access(
        client,
        url,
        allowed=[people["head"], people["board"], people["inspector"], people["deputy"]],
        forbidden=[people["cadre2"], people["head2"], people["other_cadre"]],
        not_found=[people["stranger"]],
    )
    client.force_login(people["cadre"])
    assert client.get(url)["Location"] == "/dang-ky/quy-1/?year=2023"  # one's own: the editing page
    client.force_login(people["board"])
    assert 'data-testid="approve"' not in client.get(url).content.decode()  # reads, does not approve
    client.force_login(people["head"])
    html = client.get(url).content.decode()
    assert 'data-testid="approve"' in html and "Trần Thị Dung" in html


def test_approve_and_return_permissions(client, people):
    plan = people["plan"]
    reg = submitted(plan, people["cadre"])
    head_reg = submitted(plan, people["head"])
    approve = reverse("fieldwork:registration_approve", args=[reg.pk])
    data = {"version": reg.version, "comment": "Đồng ý"}
    # another department's head, a peer, the Board, the Inspection Committee: 403; another organization: 404
    assert_access(
        client,
        approve,
        method="post",
        data=data,
        forbidden=[people["head2"], people["cadre2"], people["board"], people["inspector"], people["deputy"]],
        not_found=[people["stranger"]],
    )
    # approving one's own: 403 (the head's registration goes to the Standing Committee)
    client.force_login(people["head"])
    own = reverse("fieldwork:registration_approve", args=[head_reg.pk])
    assert client.post(own, {"version": head_reg.version}).status_code == 403
    assert (
        client.post(
            reverse("fieldwork:registration_return", args=[head_reg.pk]), {"version": head_reg.version, "comment": "x"}
        ).status_code
        == 403
    )
    reg.refresh_from_db()
    assert reg.status == Registration.Status.SUBMITTED
    resp = client.post(approve, data)
    assert resp.status_code == 302
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED and reg.decided_by == people["head"] and reg.comment == "Đồng ý"


def test_return_without_comment_is_refused_and_says_why(client, people):
    reg = submitted(people["plan"], people["cadre"])
    client.force_login(people["head"])
    resp = client.post(
        reverse("fieldwork:registration_return", args=[reg.pk]), {"version": reg.version, "comment": "  "}
    )
    assert resp.status_code == 400
    assert "Hãy ghi lý do trả lại" in resp.content.decode()
    reg.refresh_from_db()
    assert reg.status == Registration.Status.SUBMITTED
    resp = client.post(
        reverse("fieldwork:registration_return", args=[reg.pk]), {"version": reg.version, "comment": "Thiếu địa điểm"}
    )
    assert resp.status_code == 302
    reg.refresh_from_db()
    assert reg.status == Registration.Status.RETURNED
    client.force_login(people["cadre"])
    html = client.get("/dang-ky/quy-1/?year=2023").content.decode()
    assert "Thiếu địa điểm" in html and "Gửi lại để phê duyệt" in html


def test_two_approvers_at_once_the_second_is_told_and_keeps_the_comment(client, people):
    plan = people["plan"]
    co_head = UserFactory(department=people["d1"], full_name="Phan Văn Phó", email="pho@tn.vn", roles=["cadre", "head"])
    reg = submitted(plan, people["cadre"])
    seen = reg.version
    client.force_login(people["head"])
    assert client.post(reverse("fieldwork:registration_approve", args=[reg.pk]), {"version": seen}).status_code == 302
    client.force_login(co_head)
    resp = client.post(
        reverse("fieldwork:registration_return", args=[reg.pk]),
        {"version": seen, "comment": "Đề nghị bổ sung đợt tháng 3"},
    )
    assert resp.status_code == 409
    html = resp.content.decode()
    assert "Bản đăng ký đã được người khác xử lý" in html
    assert "Đề nghị bổ sung đợt tháng 3" in html  # nothing the second approver typed is lost
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED and reg.decided_by == people["head"]


def test_change_requests_in_the_inbox(client, people):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    reg = submitted(plan, cadre)
    service.approve(actor=head, registration=reg, version=reg.version)
    trip = reg.trips.get()
    cr, _ = changes.request_change(
        actor=cadre, trip=trip, data=line(plan, start=date(2023, 2, 6), days="2"), reason="Đổi lịch họp"
    )
    client.force_login(head)
    html = client.get(INBOX).content.decode()
    assert "Đổi lịch họp" in html and "06/02/2023 – 08/02/2023" in html
    url = reverse("fieldwork:change_request_decide", args=[cr.pk])
    assert_access(
        client,
        url,
        method="post",
        data={"action": "approve"},
        forbidden=[people["head2"], cadre, people["inspector"]],
        not_found=[people["stranger"]],
        ok_codes=(302,),
    )
    # the last allowed-less run left it pending; now reject without comment, then approve
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.PENDING
    client.force_login(head)
    resp = client.post(url, {"action": "reject", "comment": ""}, follow=True)
    assert "Hãy ghi lý do không phê duyệt" in resp.content.decode()
    client.post(url, {"action": "approve"})
    trip.refresh_from_db()
    assert trip.start == date(2023, 2, 6) and trip.status == Trip.Status.APPROVED


def test_another_organizations_registration_is_a_404_by_id(client, people):
    stranger_reg = Registration.objects.create(
        plan=people["other_plan"], person=people["stranger"], quarter=1, status=Registration.Status.SUBMITTED
    )
    for user in (people["head"], people["deputy"], people["secretary"], people["board"]):
        client.force_login(user)
        assert client.get(reverse("fieldwork:registration_review", args=[stranger_reg.pk])).status_code == 404
        for name in ("fieldwork:registration_approve", "fieldwork:registration_return"):
            resp = client.post(reverse(name, args=[stranger_reg.pk]), {"version": 0, "comment": "x"})
            assert resp.status_code == 404
    stranger_reg.refresh_from_db()
    assert stranger_reg.status == Registration.Status.SUBMITTED

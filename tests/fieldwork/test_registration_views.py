"""The cadre's registration pages (mẫu 1): quarters, lines, live validation, submit, changes."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from fieldwork.models import ChangeRequest, Registration, Trip
from fieldwork.services import registrations as service
from tests.access import assert_access
from tests.factories import make_trip

from .registration_helpers import (  # noqa: F401
    fast_passwords,
    inspection_only,
    line,
    line_post,
    quarterly_people,
    registered,
    submitted,
    tan_dong,
)

pytestmark = pytest.mark.django_db

Q1 = "/dang-ky/quy-1/?year=2023"


def test_urls():
    assert reverse("fieldwork:registrations") == "/dang-ky/"
    assert reverse("fieldwork:registration_detail", args=[1]) == "/dang-ky/quy-1/"
    assert reverse("fieldwork:approvals") == "/phe-duyet/"
    assert reverse("fieldwork:department_plan", args=[3, 2]) == "/ke-hoach-ban/3/quy-2/"


def test_quarter_list_shows_status_of_each_quarter(client, people, django_assert_max_num_queries):
    plan, cadre = people["plan"], people["cadre"]
    submitted(plan, cadre, quarter=1)
    registered(plan, cadre, quarter=2, lines=[line(plan, start=date(2023, 4, 3))])
    assert_access(client, "/dang-ky/?year=2023", allowed=[cadre, people["inspector"], people["head"]])
    client.force_login(cadre)
    with django_assert_max_num_queries(20):
        resp = client.get("/dang-ky/?year=2023")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Đăng ký đi cơ sở năm 2023 (mẫu 1)" in html
    q1 = html.split('data-testid="quarter-1"')[1].split("</tr>")[0]
    assert "Chờ phê duyệt" in q1 and "10/01/2023" in q1
    q2 = html.split('data-testid="quarter-2"')[1].split("</tr>")[0]
    assert "Nháp" in q2 and "10/04/2023" in q2
    q3 = html.split('data-testid="quarter-3"')[1].split("</tr>")[0]
    assert "Chưa đăng ký" in q3
    # with the draft lines counted as planned: 3 + 3 days
    assert "Với kế hoạch này: 6/60 ngày (được tính / phải đi), 0/2 đợt cùng ăn, cùng ở, cùng làm" in html


def test_another_year_can_be_chosen(client, people):
    plan = people["plan"]
    from fieldwork.services.plans import copy_plan_to_year

    copy_plan_to_year(plan, 2024)
    client.force_login(people["cadre"])
    html = client.get("/dang-ky/?year=2024").content.decode()
    assert "năm 2024" in html and 'data-testid="year-switch"' in html
    assert client.get("/dang-ky/quy-1/?year=2030").status_code == 404
    assert client.get("/dang-ky/quy-5/?year=2023").status_code == 404


def test_adding_a_line_stores_codes_and_readable_location(client, people):
    plan, cadre = people["plan"], people["cadre"]
    client.force_login(cadre)
    resp = client.post(Q1, line_post(plan, location_detail="Chi đoàn ấp 3", immersion="on", travel_order="12/CL"))
    assert resp.status_code == 302 and resp["Location"] == Q1
    trip = Trip.objects.get(person=cadre)
    assert trip.status == Trip.Status.DRAFT and trip.registration.quarter == 1
    assert trip.location == "Chi đoàn ấp 3, Xã Tân Đông, Tỉnh Tây Ninh"
    assert (trip.province_code, trip.ward_code) == ("80", tan_dong())
    assert trip.immersion and trip.travel_order == "12/CL" and trip.days == Decimal("3")
    html = client.get(Q1).content.decode()
    assert "Từ ngày 01/2/2023 đến ngày 03/2/2023" in html
    assert "Với kế hoạch này: 3/60 ngày" in html
    # warning shown after saving: a 3-day immersion trip is shorter than 30 days
    assert "ngắn hơn số ngày tối thiểu" in html


def test_a_free_text_union_unit_is_a_location(client, people):
    plan, cadre = people["plan"], people["cadre"]
    client.force_login(cadre)
    resp = client.post(Q1, line_post(plan, province="", ward="", location_detail="Huyện đoàn Châu Thành"))
    assert resp.status_code == 302
    trip = Trip.objects.get(person=cadre)
    assert trip.location == "Huyện đoàn Châu Thành" and trip.province_code == "" and trip.ward_code == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"days": "5"}, "Số ngày đi lớn hơn số ngày của khoảng thời gian"),
        ({"days": "2,3"}, "theo bước nửa ngày"),
        ({"start": "2023-04-03", "end": "2023-04-05"}, "thuộc quý II, còn bản đăng ký này là quý I"),
        ({"end": "2023-01-30"}, "“Đến ngày” phải bằng hoặc sau “Từ ngày”"),
        ({"province": "", "ward": "", "location_detail": ""}, "Hãy chọn xã, phường hoặc ghi tên đơn vị"),
        ({"province": "01"}, "không thuộc tỉnh đã chọn"),
    ],
)
def test_a_rejected_line_keeps_what_was_typed_and_says_what_to_fix(client, people, overrides, message):
    plan, cadre = people["plan"], people["cadre"]
    client.force_login(cadre)
    data = line_post(plan, content="Dự sinh hoạt chi đoàn ấp Bàu Sen", travel_order="99/CL", **overrides)
    resp = client.post(Q1, data)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert message in html
    assert "Chưa lưu được" in html
    assert "Dự sinh hoạt chi đoàn ấp Bàu Sen" in html and 'value="99/CL"' in html
    assert f'value="{data["days"]}"' in html and f'value="{data["start"]}"' in html
    assert not Trip.objects.filter(person=cadre).exists()


def test_overlap_is_refused_in_the_form(client, people):
    plan, cadre = people["plan"], people["cadre"]
    make_trip(plan, cadre, start=date(2023, 2, 2), end=date(2023, 2, 2), days="1", status=Trip.Status.CONFIRMED)
    client.force_login(cadre)
    html = client.post(Q1, line_post(plan)).content.decode()
    assert "Trùng thời gian với đợt khác của bạn" in html


def test_live_validation_shows_errors_warnings_and_the_effect_on_the_standing(client, people):
    plan, cadre = people["plan"], people["cadre"]
    registered(plan, cadre, lines=[line(plan, start=date(2023, 3, 1))])
    client.force_login(cadre)
    url = reverse("fieldwork:registration_validate", args=[1])
    html = client.post(url, line_post(plan, days="5"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="line-errors"' in html and "Số ngày đi lớn hơn" in html
    assert "Với kế hoạch này" not in html
    html = client.post(
        url, line_post(plan, category=str(plan.categories.get(code="1.2").pk)), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Với kế hoạch này: 6/60 ngày (được tính / phải đi), 0/2 đợt cùng ăn, cùng ở, cùng làm" in html
    assert "không thuộc nội dung trọng tâm" in html  # OUTSIDE_FOCUS warning
    # a half-typed form does not shout about empty fields
    html = client.post(url, {"year": 2023, "days": "2"}, HTTP_HX_REQUEST="true").content.decode()
    assert "line-errors" not in html and "Điền đủ" in html
    assert not Trip.objects.filter(person=cadre, start=date(2023, 2, 1)).exists()  # validation saves nothing


def test_live_validation_of_an_edited_line_excludes_itself(client, people):
    plan, cadre = people["plan"], people["cadre"]
    reg = registered(plan, cadre)
    trip = reg.trips.get()
    client.force_login(cadre)
    url = reverse("fieldwork:registration_validate", args=[1])
    html = client.post(url, line_post(plan, days="2", line_pk=trip.pk)).content.decode()
    assert "Trùng thời gian" not in html
    assert "Với kế hoạch này: 2/60 ngày" in html


def test_the_form_is_wired_for_htmx(client, people):
    client.force_login(people["cadre"])
    html = client.get(Q1).content.decode()
    assert 'hx-post="/dang-ky/quy-1/kiem-tra/"' in html and 'hx-trigger="change delay:300ms"' in html
    assert 'hx-get="/dia-ban/xa-phuong/"' in html and 'hx-target="#id_ward"' in html
    assert "Tỉnh Tây Ninh" in html


def test_submit_through_the_page(client, people):
    plan, cadre = people["plan"], people["cadre"]
    client.force_login(cadre)
    reg = service.registration_for(person=cadre, plan=plan, quarter=1)
    resp = client.post(
        reverse("fieldwork:registration_submit", args=[1]) + "?year=2023", {"version": reg.version}, follow=True
    )
    assert "chưa có đợt nào mới để gửi" in resp.content.decode()
    service.add_line(actor=cadre, registration=reg, data=line(plan))
    reg.refresh_from_db()
    resp = client.post(
        reverse("fieldwork:registration_submit", args=[1]) + "?year=2023", {"version": reg.version}, follow=True
    )
    assert "Đã gửi bản đăng ký để phê duyệt" in resp.content.decode()
    reg.refresh_from_db()
    assert reg.status == Registration.Status.SUBMITTED
    html = client.get(Q1).content.decode()
    assert "đang chờ phê duyệt: tạm thời không sửa được" in html and 'data-testid="line-form"' not in html
    assert "Gửi phê duyệt" in html  # history


def test_secretary_page_shows_self_certified(client, people):
    plan, secretary = people["plan"], people["secretary"]
    submitted(plan, secretary)
    client.force_login(secretary)
    html = client.get(Q1).content.decode()
    assert "Tự xác nhận" in html


def test_editing_a_draft_line(client, people):
    plan, cadre = people["plan"], people["cadre"]
    trip = registered(plan, cadre).trips.get()
    client.force_login(cadre)
    url = reverse("fieldwork:registration_line_edit", args=[trip.pk])
    html = client.get(url).content.decode()
    assert 'value="01/02/2023"' in html and f'<option value="{tan_dong()}" selected>Xã Tân Đông</option>' in html
    resp = client.post(url, line_post(plan, days="2", location_detail="Ấp 3"))
    assert resp.status_code == 302
    trip.refresh_from_db()
    assert trip.days == Decimal("2") and trip.location == "Ấp 3, Xã Tân Đông, Tỉnh Tây Ninh"
    resp = client.post(url, line_post(plan, days="9"))
    assert resp.status_code == 200 and "Số ngày đi lớn hơn" in resp.content.decode()


def test_deleting_a_draft_line(client, people):
    plan, cadre = people["plan"], people["cadre"]
    trip = registered(plan, cadre).trips.get()
    client.force_login(cadre)
    resp = client.post(reverse("fieldwork:registration_line_delete", args=[trip.pk]))
    assert resp.status_code == 302 and not Trip.objects.filter(pk=trip.pk).exists()


def _approved(people):
    plan, cadre = people["plan"], people["cadre"]
    reg = submitted(plan, cadre)
    service.approve(actor=people["head"], registration=reg, version=reg.version)
    return reg.trips.get()


def test_editing_an_approved_line_directly_is_refused(client, people):
    plan, cadre = people["plan"], people["cadre"]
    trip = _approved(people)
    client.force_login(cadre)
    url = reverse("fieldwork:registration_line_edit", args=[trip.pk])
    resp = client.post(url, line_post(plan, days="1"))  # a crafted POST
    assert resp.status_code == 302 and resp["Location"] == reverse("fieldwork:trip_change_request", args=[trip.pk])
    trip.refresh_from_db()
    assert trip.days == Decimal("3") and trip.status == Trip.Status.APPROVED
    resp = client.post(reverse("fieldwork:registration_line_delete", args=[trip.pk]), follow=True)
    assert "không sửa trực tiếp được" in resp.content.decode()
    assert Trip.objects.filter(pk=trip.pk).exists()


def test_change_and_cancel_requests_through_the_pages(client, people):
    plan, cadre = people["plan"], people["cadre"]
    trip = _approved(people)
    client.force_login(cadre)
    url = reverse("fieldwork:trip_change_request", args=[trip.pk])
    html = client.get(url).content.decode()
    assert "Đợt đã phê duyệt được khóa" in html
    resp = client.post(url, line_post(plan, days="2"))
    assert resp.status_code == 200 and "Hãy ghi lý do đề nghị thay đổi" in resp.content.decode()
    resp = client.post(url, line_post(plan, days="2", reason="Rút ngắn"))
    assert resp.status_code == 302
    cr = ChangeRequest.objects.get(trip=trip)
    assert cr.kind == "change" and cr.proposed["days"] == "2" and cr.reason == "Rút ngắn"
    html = client.get(Q1).content.decode()
    assert "Đang chờ duyệt đề nghị thay đổi" in html and "Đề nghị thay đổi đợt" in html  # badge + history
    resp = client.post(reverse("fieldwork:trip_cancel_request", args=[trip.pk]), {"reason": "Ốm"})
    assert resp.status_code == 200 and "đã có một đề nghị đang chờ phê duyệt" in resp.content.decode()


def test_lines_of_others_are_out_of_reach(client, people):
    plan = people["plan"]
    trip = registered(plan, people["cadre"]).trips.get()
    stranger_trip = registered(people["other_plan"], people["stranger"], quarter=0).trips.get()  # annual
    for name in ("fieldwork:registration_line_edit", "fieldwork:trip_change_request", "fieldwork:trip_cancel_request"):
        assert_access(
            client,
            reverse(name, args=[trip.pk]),
            allowed=[people["cadre"]],
            forbidden=[people["cadre2"], people["head"]],
            not_found=[people["stranger"]],
        )
        client.force_login(people["cadre"])
        assert client.get(reverse(name, args=[stranger_trip.pk])).status_code == 404
    assert_access(
        client,
        reverse("fieldwork:registration_line_delete", args=[trip.pk]),
        method="post",
        forbidden=[people["cadre2"], people["head"]],
        not_found=[people["stranger"]],
    )
    assert Trip.objects.filter(pk=trip.pk).exists()


def test_the_inspection_committee_changes_nothing_of_others(client, people):
    """Decision (lead): the Inspection Committee reads everything and changes nothing of other
    people or of the organization: approving, consolidating, acting on a cadre's lines are 403."""
    plan = people["plan"]
    inspector = people["inspector"]
    reg = submitted(plan, people["cadre"])
    trip = reg.trips.get()
    urls = [
        reverse("fieldwork:registration_line_edit", args=[trip.pk]),
        reverse("fieldwork:registration_line_delete", args=[trip.pk]),
        reverse("fieldwork:trip_change_request", args=[trip.pk]),
        reverse("fieldwork:trip_cancel_request", args=[trip.pk]),
        reverse("fieldwork:registration_approve", args=[reg.pk]),
        reverse("fieldwork:registration_return", args=[reg.pk]),
        reverse("fieldwork:department_plan_submit", args=[people["d1"].pk, 1]) + "?year=2023",
        reverse("fieldwork:department_plan_decide", args=[people["d1"].pk, 1]) + "?year=2023",
    ]
    client.force_login(inspector)
    for url in urls:
        resp = client.post(url, {**line_post(plan), "version": reg.version, "comment": "x", "reason": "x"})
        assert resp.status_code == 403, url
    reg.refresh_from_db()
    trip.refresh_from_db()
    assert reg.status == Registration.Status.SUBMITTED and reg.trips.count() == 1
    assert trip.days == Decimal("3") and not ChangeRequest.objects.exists()
    # reading is fine
    assert client.get(reverse("fieldwork:registration_review", args=[reg.pk])).status_code == 200


def test_an_inspection_member_who_is_no_cadre_registers_nothing(client, people):
    plan = people["plan"]
    watcher = inspection_only(people)
    client.force_login(watcher)
    for url in (
        Q1,
        reverse("fieldwork:registration_validate", args=[1]),
        reverse("fieldwork:registration_submit", args=[1]),
        reverse("fieldwork:registration_copy_previous", args=[2]),
    ):
        assert client.post(url, {**line_post(plan), "version": 0}).status_code == 403, url
    assert not Trip.objects.filter(person=watcher).exists()
    assert client.get(Q1).status_code == 200


def test_an_inspection_member_who_is_a_cadre_registers_own_trips(client, people):
    """Decision (lead): an Inspection Committee member who is also a cadre under the rule (cadre
    role and a group) registers, submits and asks to change their own trips like any cadre."""
    plan, inspector = people["plan"], people["inspector"]
    client.force_login(inspector)
    assert client.post(reverse("fieldwork:registration_validate", args=[1]), line_post(plan)).status_code == 200
    resp = client.post(Q1, line_post(plan))
    assert resp.status_code == 302
    trip = Trip.objects.get(person=inspector)
    assert trip.status == Trip.Status.DRAFT and trip.days == Decimal("3")
    reg = trip.registration
    resp = client.post(reverse("fieldwork:registration_submit", args=[1]) + "?year=2023", {"version": reg.version})
    assert resp.status_code == 302
    reg.refresh_from_db()
    assert reg.status == Registration.Status.SUBMITTED
    # their department's head approves; the member then asks for a change like any cadre
    service.approve(actor=people["head2"], registration=reg, version=reg.version)
    url = reverse("fieldwork:trip_change_request", args=[trip.pk])
    assert client.post(url, line_post(plan, days="2", reason="Rút ngắn")).status_code == 302
    cr = ChangeRequest.objects.get(trip=trip)
    assert cr.status == ChangeRequest.Status.PENDING and cr.proposed["days"] == "2"
    assert client.post(reverse("fieldwork:change_request_withdraw", args=[cr.pk])).status_code == 302
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.WITHDRAWN

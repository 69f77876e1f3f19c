"""Starting a quarter from the previous one: its lines three months later, as drafts."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fieldwork.models import Registration, Trip
from fieldwork.services import registrations as service
from tests.access import assert_access

from .registration_helpers import fast_passwords, inspection_only, line, quarterly_people, registered, submitted  # noqa: F401

pytestmark = pytest.mark.django_db
COPY_Q2 = "/dang-ky/quy-2/sao-chep-quy-truoc/?year=2023"


def _approved_q1(people):
    plan, cadre = people["plan"], people["cadre"]
    reg = registered(
        plan,
        cadre,
        lines=[
            line(plan),  # 01–03/02, 3 days
            line(plan, start=date(2023, 3, 20), days="2.5", content="Dự sinh hoạt chi đoàn", category="1.5"),
            line(plan, start=date(2023, 1, 10), days="1"),
        ],
    )
    Trip.objects.filter(registration=reg, start=date(2023, 1, 10)).update(travel_order="12/CL")
    reg = service.submit(actor=cadre, registration=reg, version=reg.version)
    reg = service.approve(actor=people["head"], registration=reg, version=reg.version)
    Trip.objects.filter(registration=reg, start=date(2023, 1, 10)).update(status=Trip.Status.CANCELLED)
    return reg


def test_copy_previous_quarter(client, people):
    plan, cadre = people["plan"], people["cadre"]
    _approved_q1(people)
    assert reverse("fieldwork:registration_copy_previous", args=[2]) == "/dang-ky/quy-2/sao-chep-quy-truoc/"
    client.force_login(cadre)
    assert 'data-testid="copy-previous"' in client.get("/dang-ky/quy-2/?year=2023").content.decode()
    assert 'data-testid="copy-previous"' not in client.get("/dang-ky/quy-1/?year=2023").content.decode()
    resp = client.post(COPY_Q2, follow=True)
    html = resp.content.decode()
    assert "Đã sao chép 2 đợt từ quý I (dời 3 tháng)" in html
    reg = Registration.objects.get(plan=plan, person=cadre, quarter=2)
    lines = list(reg.trips.order_by("start").select_related("category"))
    assert [(t.start, t.end, str(t.days), t.category.code, t.status) for t in lines] == [
        (date(2023, 5, 1), date(2023, 5, 3), "3.0", "1.1", Trip.Status.DRAFT),
        (date(2023, 6, 20), date(2023, 6, 22), "2.5", "1.5", Trip.Status.DRAFT),
    ]
    assert lines[1].content == "Dự sinh hoạt chi đoàn" and lines[0].location == "Xã Tân Đông, Tỉnh Tây Ninh"
    assert all(t.travel_order == "" for t in lines)  # a travel order belongs to one trip
    assert reg.status == Registration.Status.DRAFT
    # twice: nothing is duplicated, and the user is told why
    html = client.post(COPY_Q2, follow=True).content.decode()
    assert "Không sao chép được đợt nào." in html and "đã có trong bản đăng ký này" in html
    assert reg.trips.count() == 2


def test_copy_skips_what_breaks_a_rule_and_refuses_quarter_one(people):
    plan, cadre = people["plan"], people["cadre"]
    # Tây Ninh 2023 ends on 25/10: a quarter III line of 20–22/07 becomes 20–22/10 (fits),
    # one of 24–27/07 would end on 27/10 (outside the period).
    registered(
        plan,
        cadre,
        quarter=3,
        lines=[
            line(plan, start=date(2023, 7, 20), days="3"),
            line(plan, start=date(2023, 7, 24), end=date(2023, 7, 27), days="4"),
        ],
    )
    q4 = service.registration_for(person=cadre, plan=plan, quarter=4)
    added, skipped = service.copy_previous_quarter(actor=cadre, registration=q4)
    assert [(t.start, t.end) for t in added] == [(date(2023, 10, 20), date(2023, 10, 22))]
    assert len(skipped) == 1 and skipped[0].startswith("Đợt 24/10/2023 – 27/10/2023: không sao chép được")
    assert "25/10/2023" in skipped[0]
    q1 = service.registration_for(person=cadre, plan=plan, quarter=1)
    with pytest.raises(ValidationError, match="quý đầu tiên"):
        service.copy_previous_quarter(actor=cadre, registration=q1)
    q3 = Registration.objects.get(plan=plan, person=cadre, quarter=3)
    with pytest.raises(ValidationError, match="chưa có đợt nào để sao chép"):
        service.copy_previous_quarter(actor=cadre, registration=q3)  # quarter II is empty


def test_copy_refused_while_waiting_and_for_others(client, people):
    plan, cadre = people["plan"], people["cadre"]
    _approved_q1(people)
    q2 = submitted(plan, cadre, quarter=2, lines=[line(plan, start=date(2023, 4, 10))])
    client.force_login(cadre)
    html = client.post(COPY_Q2, follow=True).content.decode()
    assert "đang chờ phê duyệt nên chưa thêm được" in html
    assert q2.trips.count() == 1
    # an Inspection Committee member who is no cadre: 403; a colleague (an Inspection Committee
    # member who is a cadre too) copies their own (empty) quarter, not the cadre's
    assert_access(
        client,
        COPY_Q2,
        method="post",
        forbidden=[inspection_only(people)],
        allowed=[people["cadre2"], people["inspector"]],
        ok_codes=(302,),
    )
    for colleague in (people["cadre2"], people["inspector"]):
        assert not Registration.objects.filter(person=colleague, quarter=2).exclude(trips=None).exists()
    with pytest.raises(PermissionDenied):
        service.copy_previous_quarter(actor=people["cadre2"], registration=q2)

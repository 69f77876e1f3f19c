"""Standing everywhere (docs/domain.md §5–§7): "my standing" and the table of every cadre's standing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from fieldwork.models import Trip
from fieldwork.selectors import standing_for
from fieldwork.templatetags.standing_extras import panel_info
from fieldwork.views.standing import pick_as_of
from tests.access import assert_access
from tests.factories import DepartmentFactory, UserFactory, make_trip

AS_OF = "2023-06-30"


@pytest.fixture
def known(people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], start=date(2023, 2, 1), end=date(2023, 3, 2), days="30", immersion=True)
    make_trip(plan, people["cadre"], start=date(2023, 4, 1), end=date(2023, 4, 30), days="30", immersion=True)
    make_trip(plan, people["cadre"], category="moi", start=date(2023, 5, 2), days="1", location="Huyện Gò Dầu")
    make_trip(plan, people["cadre2"], start=date(2023, 5, 2), end=date(2023, 5, 11), days="10")
    make_trip(plan, people["cadre2"], category="1.5", start=date(2023, 6, 1), end=date(2023, 6, 2), days="2")
    make_trip(
        plan, people["cadre2"], start=date(2023, 7, 3), end=date(2023, 7, 4), days="2", status=Trip.Status.APPROVED
    )
    make_trip(
        plan, people["other_cadre"], start=date(2023, 3, 20), end=date(2023, 3, 22), days="5", location="Xã Suối Đá"
    )
    people["accountant"] = UserFactory(
        department=people["d2"], full_name="Lý Thị Kế", email="ke@tn.vn", position="Kế toán"
    )
    return people


def test_pick_as_of_defaults_to_today_or_the_period_end(tn_plan):
    assert pick_as_of(tn_plan, None, today=date(2023, 5, 2)) == date(2023, 5, 2)
    assert pick_as_of(tn_plan, None, today=date(2024, 2, 1)) == date(2023, 10, 25)
    assert pick_as_of(tn_plan, "2023-06-30", today=date(2024, 2, 1)) == date(2023, 6, 30)
    assert pick_as_of(tn_plan, "2020-06-30") == date(2023, 1, 1)


def test_panel_figures_what_is_still_needed(known):
    plan = known["plan"]
    s = standing_for(plan, known["cadre2"], date(2023, 6, 30))
    info = panel_info(s, plan, date(2023, 6, 30))
    # 12 done of 60 → 48 to go in the 117 calendar days after 30/06 up to 25/10 (3,8 months) → 12,5 a month.
    assert (info.status, info.pct, info.remaining, info.days_left) == ("at_risk", 20, Decimal("48"), 117)
    assert (info.months_left, info.per_month, info.immersion_needed) == (Decimal("3.8"), Decimal("12.5"), 2)
    assert str(info.label) == "Có nguy cơ không đạt"


def test_my_standing_page(client, known):
    client.force_login(known["cadre"])
    resp = client.get(reverse("fieldwork:my_standing"), {"as_of": AS_OF})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert 'data-testid="standing-status">Đã đạt<' in body
    assert 'data-testid="standing-done">60<' in body and "w-pct-100" in body
    assert "Đã đạt yêu cầu của năm." in body
    # The violation explained in Vietnamese, with the trip it concerns.
    assert "NOT_COUNTED_CATEGORY" not in body and "không được tính vào số ngày đi cơ sở" in body
    assert "Ngày 02/5/2023, Huyện Gò Dầu, 1 ngày" in body
    assert 'style="' not in body.split("<main")[1]


def test_my_standing_at_risk_says_what_is_needed_and_by_when(client, known):
    client.force_login(known["cadre2"])
    body = client.get(reverse("fieldwork:my_standing"), {"as_of": AS_OF}).content.decode()
    assert "Còn cần 48 ngày trước ngày 25/10/2023 (còn 117 ngày lịch)." in body
    assert "Trung bình khoảng 12,5 ngày mỗi tháng còn lại." in body
    assert "Còn cần 2 đợt “cùng ăn, cùng ở, cùng làm” đạt yêu cầu." in body
    assert 'data-testid="standing-planned">2 ngày' in body and "w-pct-20" in body


def test_my_standing_exempt_and_not_subject(client, known):
    client.force_login(known["accountant"])
    body = client.get(reverse("fieldwork:my_standing"), {"as_of": AS_OF}).content.decode()
    assert "Miễn thực hiện" in body and "(lý do: Kế toán)" in body and "standing-bar" not in body
    nobody = UserFactory(department=known["d1"], full_name="Đinh Văn Mới", email="moi@tn.vn", group_code="")
    client.force_login(nobody)
    body = client.get(reverse("fieldwork:my_standing")).content.decode()
    assert 'data-testid="not-subject"' in body


def test_my_standing_access(client, known):
    url = reverse("fieldwork:my_standing")
    assert_access(
        client, url, allowed=[known["cadre"], known["head"], known["board"], known["inspector"], known["stranger"]]
    )
    client.force_login(known["inspector"])
    assert client.post(url).status_code == 403


def test_the_stranger_sees_own_organization_only(client, known):
    client.force_login(known["stranger"])
    body = client.get(reverse("fieldwork:standings"), {"as_of": AS_OF}).content.decode()
    assert "Trần Thị Dung" not in body


# The table -------------------------------------------------------------------------------------
def test_standings_access(client, known):
    url = reverse("fieldwork:standings")
    assert_access(
        client,
        url,
        allowed=[known["board"], known["deputy"], known["inspector"], known["head"]],
        forbidden=[known["cadre"], known["other_cadre"]],
    )
    client.force_login(known["inspector"])
    assert client.post(url).status_code == 403


def names(resp):
    return [r.person.full_name for r in resp.context["page"].object_list]


def test_standings_table_values_and_filters(client, known):
    client.force_login(known["board"])
    url = reverse("fieldwork:standings")
    resp = client.get(url, {"as_of": AS_OF})
    assert names(resp)[:4] == ["Trần Thị Dung", "Phạm Đức", "Lê Văn Em", "Đặng Thu Hà"]  # Vietnamese order
    row = next(r for r in resp.context["page"].object_list if r.person.email == "em@tn.vn")
    assert (row.standing.done_days, row.standing.planned_days, row.pct) == (Decimal("12"), Decimal("2"), 20)
    assert names(client.get(url, {"as_of": AS_OF, "status": "met"})) == ["Trần Thị Dung"]
    assert names(client.get(url, {"as_of": AS_OF, "status": "exempt"})) == ["Lý Thị Kế"]
    assert names(client.get(url, {"as_of": AS_OF, "q": "duc"})) == ["Phạm Đức"]  # without diacritics
    assert set(names(client.get(url, {"as_of": AS_OF, "department": known["d2"].pk}))) == {
        "Phạm Đức",
        "Đặng Thu Hà",
        "Bùi Văn Khoa",
        "Mai Văn Phúc",
        "Lý Thị Kế",
    }
    assert names(client.get(url, {"as_of": AS_OF, "group": "2.1"})) == ["Hồ Thị Lan", "Nguyễn Thanh Tùng"]
    assert names(client.get(url, {"as_of": AS_OF, "sort": "done"}))[:3] == ["Trần Thị Dung", "Lê Văn Em", "Phạm Đức"]
    assert names(client.get(url, {"as_of": AS_OF, "sort": "status"}))[-1] == "Lý Thị Kế"  # exempt last
    body = client.get(url, {"as_of": AS_OF}).content.decode()
    assert "Có nguy cơ không đạt" in body and "nội dung không tính ngày" in body
    assert "NOT_COUNTED_CATEGORY" not in body


def test_standings_head_sees_own_department_only(client, known):
    client.force_login(known["head"])
    resp = client.get(reverse("fieldwork:standings"), {"as_of": AS_OF, "department": known["d2"].pk})
    assert set(names(resp)) == {"Trần Thị Dung", "Lê Văn Em", "Võ Minh Hải"}


def test_standings_as_of_changes_the_figures(client, known):
    client.force_login(known["board"])
    resp = client.get(reverse("fieldwork:standings"), {"as_of": "2023-03-31", "q": "dung"})
    assert resp.context["page"].object_list[0].standing.done_days == Decimal("30")
    assert resp.context["as_of"] == date(2023, 3, 31)


def _cadres(people, n):
    plan = people["plan"]
    for i in range(n):
        d = DepartmentFactory(organization=people["org"], name=f"Ban thử {i % 5}") if i < 5 else None
        u = UserFactory(department=d or people["d1"], full_name=f"Nguyễn Văn Thử {i}", email=f"thu{i}@tn.vn")
        make_trip(plan, u, start=date(2023, 3, 1), end=date(2023, 3, 3), days="3")
        make_trip(plan, u, start=date(2023, 8, 1), end=date(2023, 8, 2), days="2", status=Trip.Status.APPROVED)


def test_standings_query_count_is_constant(client, people, django_assert_max_num_queries, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["board"])
    url = reverse("fieldwork:standings")
    _cadres(people, 3)
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"as_of": AS_OF})
    _cadres_more = 65
    for i in range(_cadres_more):
        u = UserFactory(department=people["d2"], full_name=f"Trần Văn Nhiều {i}", email=f"nhieu{i}@tn.vn")
        make_trip(people["plan"], u, start=date(2023, 4, 1), end=date(2023, 4, 2), days="2")
    with django_assert_max_num_queries(len(small.captured_queries)):
        resp = client.get(url, {"as_of": AS_OF})
    assert resp.context["total"] == 3 + 65 + 9
    with django_assert_max_num_queries(20):
        client.get(url, {"as_of": AS_OF, "page": 2, "sort": "done"})

"""accounts:people — the Board's list of people (Vietnamese order, filters, search, budget)."""

import re

import pytest
from django.urls import reverse

from accounts.models import UserRole
from tests.access import assert_access
from tests.factories import DepartmentFactory, UserFactory

URL = reverse("accounts:people")


def names(resp):
    html = resp.content.decode()
    return [
        re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'<td class="person-name[^"]*">(.*?)</td>', html, re.S)
    ]


@pytest.mark.django_db
def test_access(client, people):
    p = people
    assert_access(
        client,
        URL,
        allowed=[p["board"], p["secretary"], p["deputy"], p["inspector"]],
        forbidden=[p["cadre"], p["head"]],
    )


@pytest.mark.django_db
def test_vietnamese_order_and_scope(client, people):
    client.force_login(people["board"])
    resp = client.get(URL)
    got = names(resp)
    # by given name, then middle, then family; Đ after D; the stranger (another organization) is absent
    assert got == [
        "Trần Thị Dung",
        "Phạm Đức",
        "Lê Văn Em",
        "Đặng Thu Hà",
        "Võ Minh Hải",
        "Bùi Văn Khoa",
        "Hồ Thị Lan",
        "Mai Văn Phúc",
        "Nguyễn Thanh Tùng",
    ]
    assert "Cao Văn Lạ" not in resp.content.decode()


@pytest.mark.django_db
def test_filters(client, people):
    client.force_login(people["board"])
    assert names(client.get(URL, {"department": people["d2"].pk})) == [
        "Phạm Đức",
        "Đặng Thu Hà",
        "Bùi Văn Khoa",
        "Mai Văn Phúc",
    ]
    assert names(client.get(URL, {"group": "2.1"})) == ["Hồ Thị Lan", "Nguyễn Thanh Tùng"]
    assert names(client.get(URL, {"role": "head"})) == ["Đặng Thu Hà", "Võ Minh Hải"]
    # search ignores case and diacritics, by name or email
    assert names(client.get(URL, {"q": "nguyen thanh"})) == ["Nguyễn Thanh Tùng"]
    assert names(client.get(URL, {"q": "ĐỨC"})) == ["Phạm Đức"]
    assert names(client.get(URL, {"q": "em@tn"})) == ["Lê Văn Em"]


@pytest.mark.django_db
def test_inactive_hidden_by_default(client, people):
    people["cadre2"].is_active = False
    people["cadre2"].save()
    client.force_login(people["board"])
    assert "Lê Văn Em" not in names(client.get(URL))
    assert names(client.get(URL, {"status": "inactive"})) == ["Lê Văn Em"]


@pytest.mark.django_db
def test_read_only_viewers_see_no_actions(client, people):
    client.force_login(people["inspector"])
    html = client.get(URL).content.decode()
    assert "Thêm cán bộ" not in html and "Ngừng" not in html
    client.force_login(people["board"])
    html = client.get(URL).content.decode()
    assert "Thêm cán bộ" in html and "Nhập từ Excel" in html


@pytest.mark.django_db
def test_query_budget_and_pagination(client, people, django_assert_max_num_queries):
    dept = DepartmentFactory(organization=people["org"], name="Ban Tuyên giáo")
    for i in range(60):
        u = UserFactory(
            department=dept,
            full_name=f"Nguyễn Văn Số{i:02d}",
            email=f"so{i}@tn.vn",
            roles=["cadre", "head"] if i % 7 == 0 else ["cadre"],
        )
        assert UserRole.objects.filter(user=u).exists()
    client.force_login(people["board"])
    client.get(URL)  # warm caches (session, content types)
    with django_assert_max_num_queries(16):
        resp = client.get(URL)
    assert resp.status_code == 200
    assert len(names(resp)) == 50
    assert "Trang 1/2" in resp.content.decode()
    with django_assert_max_num_queries(16):
        resp = client.get(URL, {"page": 2, "q": "van"})
    assert resp.status_code == 200
    # 69 people in all, 9 on page 2; the filters keep every query constant
    assert len(names(client.get(URL, {"page": 2}))) == 19

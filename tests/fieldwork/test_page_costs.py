"""Pages whose cost does not grow with the organization (issue 11 §2): the exemptions page's
"who is affected" list is paged and agrees with the plan's "affected" page."""

from django.urls import reverse

from fieldwork.selectors import plan_affected, position_holders
from tests.factories import UserFactory


def test_position_holders_agree_with_plan_affected_and_are_paged(client, people):
    plan = people["plan"]
    for i in range(7):
        UserFactory(department=people["d1"], full_name=f"Ngô Thị Kế {i}", email=f"ke{i}@tn.vn", position="Kế toán")
    UserFactory(department=people["d2"], full_name="Lý Văn Thư", email="thu@tn.vn", position="  văn THƯ  lưu trữ")
    UserFactory(full_name="Cựu Kế Toán", email="cu@tn.vn", position="Kế toán", is_active=False)
    full = {r.code: [p.pk for p in holders] for r, holders in plan_affected(plan).position_reasons}
    paged = {x.reason.code: x for x in position_holders(plan, limit=5)}
    assert sorted(paged) == sorted(full)
    for code, x in paged.items():
        assert [p.pk for p in x.holders] == full[code][:5]
        assert x.total == len(full[code])
    assert (paged["ke-toan"].total, paged["ke-toan"].more) == (7, 2)
    assert paged["van-thu"].total == 1  # the position text matched as plan_affected matches it

    client.force_login(people["board"])
    body = client.get(reverse("fieldwork:exemptions")).content.decode()
    assert "Ngô Thị Kế 0" in body and "Lý Văn Thư" in body and "Cựu Kế Toán" not in body

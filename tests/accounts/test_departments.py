"""accounts:departments and its create / rename / deactivate pages."""

import pytest
from django.urls import reverse

from accounts.models import Department
from tests.access import assert_access

LIST = reverse("accounts:departments")
CREATE = reverse("accounts:department_create")


@pytest.mark.django_db
def test_list_access_and_counts(client, people):
    p = people
    assert_access(client, LIST, allowed=[p["board"], p["secretary"], p["inspector"]], forbidden=[p["cadre"], p["head"]])
    client.force_login(p["board"])
    resp = client.get(LIST)
    rows = {d.name: d for d in resp.context["page"]}
    assert set(rows) == {"Ban Phong trào", "Văn phòng"}  # not the other organization's
    assert (rows["Ban Phong trào"].member_count, rows["Ban Phong trào"].head_count) == (3, 1)
    assert (rows["Văn phòng"].member_count, rows["Văn phòng"].head_count) == (4, 1)


@pytest.mark.django_db
def test_create_and_duplicate(client, people):
    p = people
    assert_access(client, CREATE, allowed=[p["board"]], forbidden=[p["secretary"], p["inspector"], p["head"]])
    assert_access(client, CREATE, method="post", data={"name": "Ban X"}, forbidden=[p["inspector"], p["deputy"]])
    assert not Department.objects.filter(name="Ban X").exists()
    client.force_login(p["board"])
    assert client.post(CREATE, {"name": "  Ban   Tuyên giáo "}).status_code == 302
    assert Department.objects.get(organization=p["org"], name="Ban Tuyên giáo")
    resp = client.post(CREATE, {"name": "ban tuyên GIÁO"})
    assert resp.status_code == 200
    assert "Đã có ban tên" in resp.content.decode()


@pytest.mark.django_db
def test_rename(client, people):
    p = people
    url = reverse("accounts:department_edit", args=[p["d1"].pk])
    assert_access(client, url, allowed=[p["board"]], forbidden=[p["head"], p["inspector"]], not_found=[p["stranger"]])
    client.force_login(p["board"])
    assert client.post(url, {"name": "Ban Phong trào Thanh niên", "short_name": "BPT"}).status_code == 302
    p["d1"].refresh_from_db()
    assert (p["d1"].name, p["d1"].short_name) == ("Ban Phong trào Thanh niên", "BPT")
    resp = client.post(url, {"name": "Văn phòng"})
    assert "Đã có ban tên" in resp.content.decode()


@pytest.mark.django_db
def test_deactivate_needs_empty_department(client, people):
    p = people
    url = reverse("accounts:department_toggle", args=[p["d1"].pk])
    assert_access(
        client,
        url,
        method="post",
        data={"active": "0"},
        forbidden=[p["inspector"], p["secretary"]],
        not_found=[p["stranger"]],
    )
    client.force_login(p["board"])
    resp = client.post(url, {"active": "0"}, follow=True)
    assert "còn cán bộ đang hoạt động" in resp.content.decode()
    p["d1"].refresh_from_db()
    assert p["d1"].is_active
    empty = Department.objects.create(organization=p["org"], name="Ban Mặt trận")
    client.post(reverse("accounts:department_toggle", args=[empty.pk]), {"active": "0"})
    empty.refresh_from_db()
    assert not empty.is_active
    client.post(reverse("accounts:department_toggle", args=[empty.pk]), {"active": "1"})
    empty.refresh_from_db()
    assert empty.is_active

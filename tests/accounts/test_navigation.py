"""The menu shows each role its own pages, and marks the page you are on."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _menus(client, user, url=None):
    client.force_login(user)
    resp = client.get(url or reverse("fieldwork:my_standing"))
    assert resp.status_code == 200
    return {m["label"]: [link["label"] for link in m["links"]] for m in resp.context["nav_menus"]}, resp


def test_a_cadre_sees_only_own_pages(client, people):
    menus, _ = _menus(client, people["cadre"])
    assert set(menus) == {"Của tôi", "Báo cáo"}
    assert "Đăng ký đi cơ sở (mẫu 1)" in menus["Của tôi"]


def test_a_head_sees_approvals_and_department(client, people):
    menus, _ = _menus(client, people["head"])
    assert {"Của tôi", "Phê duyệt", "Ban", "Báo cáo"} <= set(menus)
    assert "Quản lý" not in menus and "Toàn cơ quan" not in menus


def test_the_board_manages(client, people):
    menus, resp = _menus(client, people["board"])
    assert "Cán bộ" in menus["Quản lý"] and "Nhập kết quả (mẫu 3)" in menus["Quản lý"]
    assert "Tổng quan" in menus["Toàn cơ quan"]
    assert "Phê duyệt" not in menus
    assert f'href="{reverse("accounts:people")}"' in resp.content.decode()


def test_inspection_reads_but_imports_nothing(client, people):
    menus, _ = _menus(client, people["inspector"])
    assert "Tổng quan" in menus["Toàn cơ quan"]
    assert "Nhập danh sách cán bộ" not in menus.get("Quản lý", [])


def test_the_longest_matching_url_is_the_active_page(client, people):
    _, resp = _menus(client, people["head"], reverse("fieldwork:trips_to_confirm"))
    active = [(m["label"], link["label"]) for m in resp.context["nav_menus"] for link in m["links"] if link["active"]]
    assert active == [("Phê duyệt", "Kết quả chờ xác nhận")]

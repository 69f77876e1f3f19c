"""fieldwork:person_create / person_edit (the person form of accounts, groups from the plan),
accounts:person_deactivate / person_reactivate."""

from datetime import date

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import User
from tests.access import assert_access

CREATE = reverse("fieldwork:person_create")


def form_data(**over):
    data = {
        "full_name": "Ngô  Thị   Mỹ Duyên",
        "email": "Duyen@TN.vn",
        "department": "",
        "position": "Chuyên viên",
        "group_code": "2.3",
        "active_from": "",
        "active_to": "",
        "roles": ["cadre"],
    }
    data.update(over)
    return data


@pytest.mark.django_db
def test_create_access(client, people):
    p = people
    assert_access(
        client, CREATE, allowed=[p["board"]], forbidden=[p["cadre"], p["head"], p["secretary"], p["inspector"]]
    )
    # read-only supervisors cannot post either
    assert_access(client, CREATE, method="post", data=form_data(), forbidden=[p["inspector"], p["deputy"]])
    assert not User.objects.filter(email="duyen@tn.vn").exists()


@pytest.mark.django_db
def test_create_person(client, people):
    client.force_login(people["board"])
    resp = client.post(CREATE, form_data(department=people["d1"].pk, roles=["cadre", "head"]))
    assert resp.status_code == 302
    u = User.objects.get(email="duyen@tn.vn")
    assert u.full_name == "Ngô Thị Mỹ Duyên" and u.organization == people["org"] and u.department == people["d1"]
    assert u.role_codes == {"cadre", "head"}
    assert not u.has_usable_password()  # chooses one from the invitation


@pytest.mark.django_db
def test_create_rejects_and_explains(client, people):
    client.force_login(people["board"])
    resp = client.post(
        CREATE,
        form_data(
            email="DUNG@tn.vn", group_code="9.9", roles=["head"], active_from="2026-05-01", active_to="2026-04-01"
        ),
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Email này đã được dùng cho một tài khoản khác" in html  # case-insensitive uniqueness
    assert "Đối tượng “9.9” không có trong kế hoạch hiện hành" in html  # unknown group
    assert "Lãnh đạo ban phải thuộc một ban" in html
    assert "“Ngày kết thúc công tác” phải sau “Ngày bắt đầu công tác”" in html
    assert 'value="Ngô  Thị   Mỹ Duyên"' in html or "Mỹ Duyên" in html  # what was typed is kept
    assert User.objects.filter(organization=people["org"]).count() == 9


@pytest.mark.django_db
def test_only_admin_grants_admin(client, people):
    client.force_login(people["board"])
    resp = client.post(CREATE, form_data(roles=["cadre", "admin"]))
    assert resp.status_code == 200
    assert "Chỉ quản trị viên mới được cấp hoặc thu hồi vai trò Quản trị" in resp.content.decode()


@pytest.mark.django_db
def test_edit_person(client, people):
    p = people
    url = reverse("fieldwork:person_edit", args=[p["cadre"].pk])
    assert_access(
        client, url, allowed=[p["board"]], forbidden=[p["cadre"], p["head"], p["inspector"]], not_found=[p["stranger"]]
    )
    client.force_login(p["board"])
    resp = client.post(
        url,
        form_data(
            full_name="Trần Thị Dung",
            email="dung@tn.vn",
            department=p["d2"].pk,
            position="Chuyên viên",
            group_code="2.2",
            roles=["cadre", "inspection"],
            reason="Điều động sang Văn phòng",
        ),
    )
    assert resp.status_code == 302
    u = User.objects.get(pk=p["cadre"].pk)
    assert (u.department, u.group_code, u.role_codes) == (p["d2"], "2.2", {"cadre", "inspection"})


@pytest.mark.django_db
def test_board_cannot_remove_own_board_role(client, people):
    board = people["board"]
    client.force_login(board)
    resp = client.post(
        reverse("fieldwork:person_edit", args=[board.pk]),
        form_data(full_name=board.full_name, email=board.email, department=board.department_id, roles=["cadre"]),
    )
    assert resp.status_code == 200
    assert "Bạn không thể tự bỏ vai trò" in resp.content.decode()
    assert board.has_role("board")


@pytest.mark.django_db
def test_other_org_person_is_404_on_every_action(client, people):
    client.force_login(people["board"])
    pk = people["stranger"].pk
    assert client.get(reverse("fieldwork:person_edit", args=[pk])).status_code == 404
    assert client.post(reverse("accounts:person_deactivate", args=[pk])).status_code == 404
    assert client.post(reverse("accounts:person_reactivate", args=[pk])).status_code == 404
    assert client.post(reverse("accounts:person_invite", args=[pk])).status_code == 404
    assert User.objects.get(pk=pk).is_active


@pytest.mark.django_db
def test_deactivate_ends_sessions_and_reactivate(client, people):
    from django.test import Client

    cadre = people["cadre"]
    their = Client()
    their.force_login(cadre)
    assert any(s.get_decoded().get("_auth_user_id") == str(cadre.pk) for s in Session.objects.all())
    url = reverse("accounts:person_deactivate", args=[cadre.pk])
    assert_access(
        client,
        url,
        method="post",
        forbidden=[people["head"], people["inspector"], people["deputy"]],
        not_found=[people["stranger"]],
    )
    client.force_login(people["board"])
    resp = client.post(url, {"active_to": "2023-06-30"})
    assert resp.status_code == 302
    cadre.refresh_from_db()
    assert not cadre.is_active and cadre.active_to == date(2023, 6, 30)
    assert not any(s.get_decoded().get("_auth_user_id") == str(cadre.pk) for s in Session.objects.all())
    # their browser is logged out
    assert their.get(reverse("accounts:notifications")).status_code == 302
    resp = client.post(reverse("accounts:person_reactivate", args=[cadre.pk]))
    assert resp.status_code == 302
    cadre.refresh_from_db()
    assert cadre.is_active


@pytest.mark.django_db
def test_cannot_deactivate_self(client, people):
    client.force_login(people["board"])
    client.post(reverse("accounts:person_deactivate", args=[people["board"].pk]), {})
    people["board"].refresh_from_db()
    assert people["board"].is_active

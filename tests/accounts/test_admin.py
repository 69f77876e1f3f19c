"""Django admin registrations for accounts (technical administration)."""

import pytest
from django.urls import reverse

from accounts.models import User, UserRole


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@example.vn", "Quan-Tri-2026!", full_name="Quản Trị Viên")


@pytest.mark.django_db
def test_admin_pages(client, people, superuser):
    client.force_login(superuser)
    for name in (
        "accounts_user_changelist",
        "accounts_organization_changelist",
        "accounts_department_changelist",
        "accounts_notification_changelist",
        "accounts_user_add",
    ):
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    resp = client.get(reverse("admin:accounts_user_change", args=[people["head"].pk]))
    assert resp.status_code == 200
    assert "Lãnh đạo ban" in resp.content.decode()  # the roles inline


@pytest.mark.django_db
def test_admin_adds_user_with_role(client, people, superuser):
    client.force_login(superuser)
    resp = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Moi@TN.vn",
            "full_name": "Lý Thị Mới",
            "organization": people["org"].pk,
            "department": people["d1"].pk,
            "password1": "Mot-Mat-Khau-Dai-2026",
            "password2": "Mot-Mat-Khau-Dai-2026",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-code": "head",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    u = User.objects.get(email="moi@tn.vn")
    assert list(UserRole.objects.filter(user=u).values_list("code", flat=True)) == ["head"]


@pytest.mark.django_db
def test_board_has_no_admin(client, people):
    client.force_login(people["board"])
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302

"""docs/security.md “Accounts”: a Board member cannot take over an account with more rights than their own
(change its email, then "forgot password"), superusers are in no organization's people list,
and the Django admin is for administrators, each seeing their own organization only."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User, UserRole
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def edit_url(person):
    return reverse("fieldwork:person_edit", args=[person.pk])


def edit_data(person, **over):
    data = {
        "full_name": person.full_name,
        "email": person.email,
        "department": person.department_id or "",
        "position": person.position,
        "group_code": person.group_code,
        "active_from": "",
        "active_to": "",
        "roles": sorted(person.role_codes),
    }
    data.update(over)
    return data


def with_password(user):
    user.set_password("Mat-Khau-Rieng-2026")
    user.save()
    return user


@pytest.fixture
def admin_user(people):
    return UserFactory(
        department=people["d2"], full_name="Quản Trị Tỉnh", email="qt@tn.vn", roles=["cadre", "admin"], is_staff=True
    )


@pytest.fixture
def superuser(people):
    # A superuser attached to the organization by mistake: still not one of its people.
    return User.objects.create_superuser(
        "root@example.vn", "Quan-Tri-2026!", full_name="Siêu Quản Trị", organization=people["org"]
    )


def test_board_cannot_edit_or_deactivate_the_secretary(client, people):
    """The attack of the issue: change the Secretary's email, then ask for a reset link."""
    secretary = with_password(people["secretary"])
    client.force_login(people["board"])
    assert client.get(edit_url(secretary)).status_code == 403
    resp = client.post(edit_url(secretary), edit_data(secretary, email="attacker@evil.vn"))
    assert resp.status_code == 403
    assert client.post(reverse("accounts:person_deactivate", args=[secretary.pk]), {}).status_code == 403
    secretary.refresh_from_db()
    assert (secretary.email, secretary.is_active) == ("tung@tn.vn", True)
    client.logout()
    client.post(reverse("accounts:password_reset"), {"email": "attacker@evil.vn"})
    assert [m.to for m in mail.outbox] == []  # no account has the attacker's address


def test_board_cannot_edit_an_administrator_or_a_superuser(client, people, admin_user, superuser):
    client.force_login(people["board"])
    assert client.post(edit_url(admin_user), edit_data(admin_user, email="x@evil.vn")).status_code == 403
    assert client.post(reverse("accounts:person_deactivate", args=[admin_user.pk]), {}).status_code == 403
    # A superuser is in no organization's people list: a 404, not even a 403.
    assert client.get(edit_url(superuser)).status_code == 404
    assert client.post(reverse("accounts:person_deactivate", args=[superuser.pk]), {}).status_code == 404
    html = client.get(reverse("accounts:people"), {"status": "all"}).content.decode()
    assert "root@example.vn" not in html and "qt@tn.vn" in html
    admin_user.refresh_from_db()
    assert admin_user.email == "qt@tn.vn" and admin_user.is_active


def test_email_change_of_an_account_with_a_password_waits_for_its_owner(
    client, people, django_capture_on_commit_callbacks
):
    cadre = with_password(people["cadre"])
    client.force_login(people["board"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(edit_url(cadre), edit_data(cadre, email="new.dung@evil.vn"))
    assert resp.status_code == 302
    cadre.refresh_from_db()
    assert (cadre.email, cadre.pending_email) == ("dung@tn.vn", "new.dung@evil.vn")
    # The notice goes to the OLD address, which alone can confirm.
    assert [m.to for m in mail.outbox] == [["dung@tn.vn"]]
    assert "new.dung@evil.vn" in mail.outbox[0].body
    # A reset asked for the new address sends nothing.
    client.logout()
    client.post(reverse("accounts:password_reset"), {"email": "new.dung@evil.vn"})
    assert len(mail.outbox) == 1
    # The owner confirms from the link of the notice.
    link = re.search(r"https?://\S+/doi-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/" + path).status_code == 302
    cadre.refresh_from_db()
    assert (cadre.email, cadre.pending_email) == ("new.dung@evil.vn", "")
    assert mail.outbox[-1].to == ["dung@tn.vn"]  # told at the old address that it changed
    # The link works once.
    client.post("/" + path)
    cadre.refresh_from_db()
    assert cadre.email == "new.dung@evil.vn"


def test_a_forged_or_stale_confirmation_link_changes_nothing(client, people):
    from accounts.services import email_change_token

    cadre = with_password(people["cadre"])
    # A token for an address the owner was never asked about (no pending change).
    forged = email_change_token(cadre, "attacker@evil.vn")
    client.post(reverse("accounts:email_confirm", args=[forged]))
    client.post(reverse("accounts:email_confirm", args=["not-a-token"]))
    cadre.refresh_from_db()
    assert cadre.email == "dung@tn.vn"


def test_email_change_without_a_password_applies_and_an_administrator_changes_at_once(
    client, people, admin_user, django_capture_on_commit_callbacks
):
    # No password yet (an invited person): nothing to take over, the Board corrects a typo.
    cadre2 = people["cadre2"]
    cadre2.set_unusable_password()
    cadre2.save()
    client.force_login(people["board"])
    client.post(edit_url(cadre2), edit_data(cadre2, email="em2@tn.vn"))
    cadre2.refresh_from_db()
    assert cadre2.email == "em2@tn.vn"
    # An administrator changes a password holder's email at once; the old address is told.
    cadre = with_password(people["cadre"])
    mail.outbox.clear()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(cadre), edit_data(cadre, email="dung2@tn.vn"))
    cadre.refresh_from_db()
    assert cadre.email == "dung2@tn.vn"
    assert [m.to for m in mail.outbox] == [["dung@tn.vn"]]


def test_invite_all_skips_accounts_above_the_board(client, people):
    secretary = people["secretary"]
    secretary.set_unusable_password()
    secretary.save()
    client.force_login(people["board"])
    assert client.post(reverse("accounts:person_invite", args=[secretary.pk])).status_code == 403
    client.post(reverse("accounts:invite_all"))
    assert "tung@tn.vn" not in [to for m in mail.outbox for to in m.to]


# Django admin --------------------------------------------------------------------------------------
def test_admin_is_for_administrators_only(client, people, admin_user):
    staff_board = people["board"]
    staff_board.is_staff = True  # staff without the administrator role
    staff_board.save()
    client.force_login(staff_board)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302
    client.force_login(admin_user)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_admin_shows_an_administrator_their_own_organization_only(client, people, admin_user, superuser):
    client.force_login(admin_user)
    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "dung@tn.vn" in html
    assert "la@khac.vn" not in html and "root@example.vn" not in html
    assert client.get(reverse("admin:accounts_user_change", args=[people["stranger"].pk])).status_code == 302
    assert client.get(reverse("admin:accounts_user_change", args=[superuser.pk])).status_code == 302
    orgs = client.get(reverse("admin:accounts_organization_changelist")).content.decode()
    assert people["org"].name in orgs and people["other_plan"].organization.name not in orgs
    depts = client.get(reverse("admin:accounts_department_changelist")).content.decode()
    other = reverse("admin:accounts_department_change", args=[people["stranger"].department_id])
    assert "Văn phòng" in depts and other not in depts


def test_admin_cannot_make_anyone_superuser_or_move_them_to_another_organization(client, people, admin_user):
    cadre = people["cadre"]
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[cadre.pk])
    resp = client.post(
        url,
        {
            "email": cadre.email,
            "full_name": cadre.full_name,
            "organization": people["other_plan"].organization.pk,
            "department": people["d1"].pk,
            "position": cadre.position,
            "group_code": "2.3",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    cadre.refresh_from_db()
    assert not cadre.is_superuser and not cadre.is_staff
    assert cadre.organization_id == people["org"].pk
    assert resp.status_code in (200, 302)


def test_superuser_still_sees_every_organization(client, people, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "dung@tn.vn" in html and "la@khac.vn" in html
    assert UserRole.objects.filter(user=superuser).count() == 0


def test_the_people_list_offers_no_edit_link_above_ones_rank(client, people):
    client.force_login(people["board"])
    html = client.get(reverse("accounts:people")).content.decode()
    assert edit_url(people["cadre"]) in html
    assert edit_url(people["secretary"]) not in html
    assert reverse("accounts:person_deactivate", args=[people["deputy"].pk]) not in html


def test_the_pending_email_is_shown_and_an_admin_change_tells_the_old_address(
    client, people, admin_user, django_capture_on_commit_callbacks
):
    cadre = with_password(people["cadre"])
    client.force_login(people["board"])
    client.post(edit_url(cadre), edit_data(cadre, email="moi.dung@tn.vn"))
    html = client.get(edit_url(cadre)).content.decode()
    assert "Email mới moi.dung@tn.vn đang chờ chủ tài khoản xác nhận" in html
    # An administrator's change in the Django admin applies and the old address is told.
    mail.outbox.clear()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("admin:accounts_user_change", args=[cadre.pk]),
            {
                "email": "dung.admin@tn.vn",
                "full_name": cadre.full_name,
                "organization": people["org"].pk,
                "department": people["d1"].pk,
                "position": cadre.position,
                "group_code": "2.3",
                "is_active": "on",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "00:00:00",
                "roles-TOTAL_FORMS": "0",
                "roles-INITIAL_FORMS": "0",
            },
        )
    assert resp.status_code == 302
    cadre.refresh_from_db()
    assert cadre.email == "dung.admin@tn.vn"
    assert [m.to for m in mail.outbox] == [["dung@tn.vn"]]

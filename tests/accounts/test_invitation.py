"""Invitations: the Board emails a first-login link; the person sets a password and is logged in."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.access import assert_access
from tests.factories import UserFactory


@pytest.fixture
def newcomer(people):
    u = UserFactory(department=people["d1"], full_name="Đặng Văn Đức", email="duc.dang@tn.vn")
    u.set_unusable_password()
    u.save()
    return u


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.mark.django_db(transaction=True)
def test_invite_email_and_accept_once(client, people, newcomer):
    url = reverse("accounts:person_invite", args=[newcomer.pk])
    assert_access(
        client, url, method="post", forbidden=[people["inspector"], people["head"]], not_found=[people["stranger"]]
    )
    assert mail.outbox == []
    client.force_login(people["board"])
    client.post(url)
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["duc.dang@tn.vn"]
    assert msg.subject == "Mời đăng nhập hệ thống Đi cơ sở 1+2 – Tỉnh đoàn Tây Ninh"
    assert "Xin chào Đặng Văn Đức" in msg.body and "đặt mật khẩu lần đầu" in msg.body and "duc.dang@tn.vn" in msg.body
    newcomer.refresh_from_db()
    assert newcomer.invited_at is not None
    link = link_in(msg)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    resp = client.get("/" + path, follow=True)
    assert resp.status_code == 200 and "Đặt mật khẩu lần đầu" in resp.content.decode()
    form_url = resp.redirect_chain[-1][0]
    # Django's validators apply
    resp = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert resp.status_code == 200 and "Mật khẩu này quá phổ biến" in resp.content.decode()
    resp = client.post(
        form_url, {"new_password1": "Cay-Xanh-Bon-Mua-2026", "new_password2": "Cay-Xanh-Bon-Mua-2026"}, follow=True
    )
    assert resp.status_code == 200
    assert resp.context["user"].pk == newcomer.pk  # logged in
    newcomer.refresh_from_db()
    assert newcomer.check_password("Cay-Xanh-Bon-Mua-2026")
    # the link works once
    client.logout()
    resp = client.get("/" + path, follow=True)
    assert "Đường dẫn mời không hợp lệ" in resp.content.decode()


@pytest.mark.django_db
def test_wrong_token_refused(client, newcomer):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(newcomer.pk))
    resp = client.get(reverse("accounts:invitation_accept", args=[uid, "abc-0123456789abcdef"]))
    assert "Đường dẫn mời không hợp lệ" in resp.content.decode()
    # a password-reset token is not an invitation
    from django.contrib.auth.tokens import default_token_generator

    resp = client.get(
        reverse("accounts:invitation_accept", args=[uid, default_token_generator.make_token(newcomer)]), follow=True
    )
    assert "Đường dẫn mời không hợp lệ" in resp.content.decode()


@pytest.mark.django_db(transaction=True)
def test_invite_all_not_yet_invited(client, people, newcomer):
    other = UserFactory(department=people["d2"], full_name="Lê Thị Dung", email="dung.le@tn.vn")
    other.set_unusable_password()
    other.save()
    inactive = UserFactory(department=people["d2"], full_name="Trần Văn Em", email="em.tran@tn.vn")
    inactive.set_unusable_password()
    inactive.is_active = False
    inactive.save()
    url = reverse("accounts:invite_all")
    assert_access(client, url, method="post", forbidden=[people["inspector"], people["secretary"]])
    client.force_login(people["board"])
    client.post(url)
    assert sorted(m.to[0] for m in mail.outbox) == ["duc.dang@tn.vn", "dung.le@tn.vn"]
    # a second click invites nobody again
    client.post(url)
    assert len(mail.outbox) == 2
    assert User.objects.filter(invited_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_person_with_password_is_not_invited(client, people):
    client.force_login(people["board"])
    resp = client.post(reverse("accounts:person_invite", args=[people["cadre"].pk]), follow=True)
    assert "đã có mật khẩu" in resp.content.decode()
    assert mail.outbox == []

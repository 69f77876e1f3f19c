"""Internationalization: Vietnamese first, English available (docs/domain.md §9).

The English catalogue translates every project string; the Vietnamese catalogue only fills the
Django/auth/axes messages Django's own Vietnamese catalogue lacks (locale/README.md).
"""

import gettext as gnu_gettext
import importlib.util
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD, UserFactory

LOCALE = Path(settings.BASE_DIR) / "locale"


def _check_module():
    spec = importlib.util.spec_from_file_location(
        "check_translations", Path(settings.BASE_DIR) / "scripts" / "check_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up by name
    spec.loader.exec_module(sys.modules[spec.name])
    module = sys.modules[spec.name]
    return module


def _switch(client, language, next_url):
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return response


# --- the switcher ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default_and_offers_the_switcher(client):
    login = reverse("accounts:login")
    html = client.get(login).content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập</button>" in html
    assert "Quên mật khẩu?" in html
    # the switcher posts to set_language and comes back to the same page
    assert f'action="{reverse("set_language")}"' in html
    assert f'name="next" value="{login}"' in html
    assert 'name="language" value="en"' in html
    assert 'name="language" value="vi"' in html
    assert "<script>" not in html  # CSP: no inline script, one submit button per language


@pytest.mark.django_db
def test_switching_to_english_and_back_on_the_login_page(client):
    login = reverse("accounts:login")
    _switch(client, "en", login)
    html = client.get(login).content.decode()
    assert '<html lang="en">' in html
    assert "Log in</button>" in html
    assert "Forgot your password?" in html
    assert "The system for registering and reporting grassroots fieldwork" in html
    assert "Đăng nhập</button>" not in html

    _switch(client, "vi", login)
    html = client.get(login).content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập</button>" in html
    assert "Log in</button>" not in html


@pytest.mark.django_db
def test_login_error_follows_the_chosen_language(client):
    UserFactory(email="an@tn.vn")
    login = reverse("accounts:login")
    _switch(client, "en", login)
    response = client.post(login, {"username": "an@tn.vn", "password": "wrong"})
    assert response.status_code == 200
    assert "Incorrect email or password." in response.content.decode()


@pytest.mark.django_db
def test_switcher_is_in_the_user_menu_and_keeps_the_language_after_login(client):
    user = UserFactory(email="binh@tn.vn")
    client.force_login(user)
    page = reverse("accounts:password_change")
    html = client.get(page).content.decode()
    assert 'data-testid="language-switcher"' in html
    assert f'name="next" value="{page}"' in html
    assert "Đổi mật khẩu" in html and "Đăng xuất" in html

    _switch(client, "en", page)
    html = client.get(page).content.decode()
    assert "Change password" in html
    assert "Log out" in html
    assert "Đăng xuất" not in html


@pytest.mark.django_db
def test_set_language_refuses_an_outside_next(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


# --- Django's own messages in Vietnamese ---------------------------------------------------


@pytest.mark.django_db
def test_too_short_password_is_explained_in_vietnamese(client):
    user = UserFactory(email="chau@tn.vn")
    client.force_login(user)
    url = reverse("accounts:password_change")
    data = {"old_password": PASSWORD, "new_password1": "Tn#7q", "new_password2": "Tn#7q"}
    html = client.post(url, data).content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in html
    assert "too short" not in html

    _switch(client, "en", url)
    html = client.post(url, data).content.decode()
    assert "This password is too short. It must contain at least 8 characters." in html


@pytest.mark.django_db
def test_password_change_labels_and_mismatch_in_vietnamese(client):
    client.force_login(UserFactory(email="dao@tn.vn"))
    url = reverse("accounts:password_change")
    html = client.post(
        url, {"old_password": "sai-mat-khau", "new_password1": "Mk-moi-2026!", "new_password2": "Khac-2026!"}
    ).content.decode()
    assert "Mật khẩu cũ" in html
    assert "Old password" not in html
    assert "Mật khẩu mới" in html


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Account locked: too many login attempts. Please try again later.", "Tài khoản tạm bị khóa"),
        ("Null characters are not allowed.", "Không được chứa ký tự rỗng (null)."),
        ("CSRF verification failed. Request aborted.", "Không xác minh được CSRF"),
        ("Enter a valid email address.", "Hãy nhập một địa chỉ email hợp lệ."),  # overrides Django
        ("This field is required.", "Trường này là bắt buộc."),  # Django's own catalogue
    ],
)
def test_django_and_axes_messages_in_vietnamese(msgid, expected):
    with translation.override("vi"):
        assert translation.gettext(msgid).startswith(expected)


def test_minimum_length_validator_in_vietnamese_for_one_character():
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        MinimumLengthValidator(min_length=1).validate("")
    assert caught.value.messages == ["Mật khẩu quá ngắn: cần ít nhất 1 ký tự."]


# --- the catalogues ------------------------------------------------------------------------


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    check = _check_module()
    assert check.check(["en"]) == []
    entries = [e for e in check.parse_po(LOCALE / "en/LC_MESSAGES/django.po") if not e.is_header]
    assert len(entries) > 900


def test_vietnamese_catalogue_has_no_fuzzy_entries_and_no_project_strings():
    check = _check_module()
    assert check.check(["vi"]) == []
    for entry in check.parse_po(LOCALE / "vi/LC_MESSAGES/django.po"):
        assert entry.is_header or entry.translated
        # only Django/axes msgids: the project's Vietnamese strings are the source text
        assert all(ref.startswith(("django/", "axes/")) for ref in entry.references), entry.msgid


def test_check_script_reports_untranslated_fuzzy_and_broken_placeholders(tmp_path):
    check = _check_module()
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Lưu"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Đóng"\nmsgstr "Close"\n\n'
        '#, python-format\nmsgid "Đã lưu %(name)s."\nmsgstr "%(nam)s saved."\n\n'
        'msgid "Đã xong"\nmsgstr ""\n"Done."\n',
        encoding="utf-8",
    )
    found = check.problems(po)
    assert len(found) == 3
    assert "untranslated: 'Lưu'" in found[0]
    assert "fuzzy: 'Đóng'" in found[1]
    assert "placeholders differ" in found[2]
    assert check.problems(po, strict=False) == found[1:]  # the source language may leave msgstr empty


@pytest.mark.parametrize("language", ["en", "vi"])
def test_compiled_catalogue_matches_the_po(language):
    """The .mo files are committed (tests and `make run` work without gettext): they must be
    recompiled whenever the .po changes (`manage.py compilemessages --ignore=.venv`)."""
    check = _check_module()
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    for entry in check.parse_po(folder / "django.po"):
        if entry.is_header or not entry.translated or entry.fuzzy:
            continue
        if entry.msgid_plural:
            for n, index in ((1, 0), (2, 1 if language == "en" else 0)):
                assert compiled.ngettext(entry.msgid, entry.msgid_plural, n) == entry.msgstr[index]
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr[0], f"stale django.mo: {entry.msgid!r}"


def test_glossary_in_english():
    with translation.override("en"):
        assert translation.gettext("Ban Tổ chức – Kiểm tra") == "Organization–Inspection Board"
        assert translation.gettext("Thường trực") == "Standing Committee"
        assert translation.gettext("Ủy ban kiểm tra") == "Inspection Committee"
        assert translation.gettext("Đợt đi cơ sở") == "Trips"
        assert translation.gettext("Mẫu 1 – Bản đăng ký") == "Form 1 – Registration"
        assert "“eat, live and work together”" in translation.gettext("Đợt “cùng ăn, cùng ở, cùng làm”")


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_the_user_chooses(client):
    resp = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in resp.content.decode() and resp["Content-Language"] == "vi"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    resp = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="vi")
    assert "Log in" in resp.content.decode() and resp["Content-Language"] == "en"

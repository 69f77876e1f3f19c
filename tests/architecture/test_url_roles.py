"""Every URL of the URL conf says who may open it (`tests/architecture/url_roles.py`), and the
demo organization agrees: each persona opens the routes its entry names and is refused the others.

Routes are GET; a route that answers 405 to GET (an action) is POSTed an empty form, after
every GET of the persona, so that what it changes does not hide a page. Each persona's walk is
rolled back.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.architecture.url_roles import NOT_OPENED_BY_DEMO, PERSONAS, ROLES
from tests.browser.site_pages import routes
from tests.demo_db import demo_loaded
from tests.walk.test_no_server_error import _arguments

# Routes that are Django's, not the project's: the language switch (django.conf.urls.i18n).
NOT_OURS = {"set_language"}


def _route_names() -> dict[str, list[str]]:
    """Namespaced URL name → argument names, for every route outside the admin."""
    return {name: args for name, args in routes() if name not in NOT_OURS}


def test_every_url_says_who_may_open_it():
    names = _route_names()
    missing = sorted(set(names) - set(ROLES))
    stale = sorted(set(ROLES) - set(names))
    assert not missing, f"say who may open these URLs in tests/architecture/url_roles.py: {missing}"
    assert not stale, f"these entries of tests/architecture/url_roles.py name no URL: {stale}"
    assert set(NOT_OPENED_BY_DEMO) <= set(ROLES)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo organizations, loaded once for the module and rolled back after it."""
    with demo_loaded(django_db_blocker):
        yield


def _refused(resp) -> bool:
    login = reverse(settings.LOGIN_URL)
    if resp.status_code in (403, 404):
        return True
    return resp.status_code in (301, 302) and resp["Location"].split("?")[0].endswith(login)


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_each_role_opens_what_the_table_says(demo, db, persona, settings):
    from accounts.models import User

    settings.AXES_ENABLED = False
    email = PERSONAS[persona]
    user = User.objects.get(email=email) if email else None
    owner = user or User.objects.get(email=PERSONAS["cadre"])  # whose objects an anonymous visitor tries
    arguments = _arguments()
    client = Client(raise_request_exception=False)

    def login():
        if user is not None:
            client.force_login(user)  # a POST may have logged the person out

    answers: dict[str, list] = {}
    actions: list[tuple[str, str]] = []
    for name, args in _route_names().items():
        urls = [reverse(name, kwargs=kw) for kw in arguments[name](owner)] if args else [reverse(name)]
        for url in urls:
            login()
            resp = client.get(url)
            if resp.status_code == 405:
                actions.append((name, url))
            else:
                answers.setdefault(name, []).append(resp)
    for name, url in actions:
        login()
        answers.setdefault(name, []).append(client.post(url, {}))

    wrong = []
    for name, responses in answers.items():
        allowed = persona in ROLES[name]
        let_in = [r for r in responses if not _refused(r)]
        if allowed and not let_in and name not in NOT_OPENED_BY_DEMO:
            wrong.append(f"{name}: refused ({[r.status_code for r in responses]}) but the table lets {persona} in")
        if let_in and name in NOT_OPENED_BY_DEMO:
            wrong.append(f"{name}: {persona} opens it now, take it out of NOT_OPENED_BY_DEMO")
        if not allowed and let_in:
            wrong.append(f"{name}: answered {[r.status_code for r in let_in]} but the table refuses {persona}")
    assert not wrong, "\n".join(wrong)

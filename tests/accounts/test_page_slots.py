"""A page shows another app's fragment through a slot, never by its template's name (docs/style.md
“Each app owns its pages”): what fills the slot is what the apps registered (accounts/registry.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory

from accounts import registry
from accounts.registry import Fragment, Menu, MenuItem

INCLUDE = (
    '{% include "reports/_download_buttons.html" with kind="mau3" year=2023 quarter=q department=7 cadre=person %}'
)
SLOT = '{% load page_slots %}{% slot "download_buttons" kind="mau3" year=2023 quarter=q department=7 cadre=person %}'


def _render(source, **values):
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "x" * 64
    return Template(source).render(Context({"request": request, "csrf_token": "t" * 64, **values}))


@pytest.fixture
def saved_registry():
    saved = dict(registry._declared)
    yield
    registry._declared.clear()
    registry._declared.update(saved)
    registry.menus_and_items.cache_clear()
    registry.fragments_at.cache_clear()


def test_a_slot_renders_what_the_reports_app_registered_as_an_include_would():
    html = _render(SLOT, q=2, person=11)
    assert html == _render(INCLUDE, q=2, person=11)
    assert 'data-testid="download-buttons"' in html and 'name="quarter" value="2"' in html
    assert 'name="cadre" value="11"' in html and 'name="department" value="7"' in html
    # The values given to the slot do not leak into the rest of the page.
    assert _render(SLOT + "[{{ kind }}]", q=1, person=None).endswith("[]")


def test_a_slot_no_app_fills_shows_nothing():
    source = '{% load page_slots %}{% slot_filled "nobody" as filled %}[{{ filled }}]{% slot "nobody" kind="x" %}'
    assert _render(source) == "[False]"
    assert _render('{% load page_slots %}{% slot_filled "download_buttons" as filled %}{{ filled }}') == "True"


def test_a_slot_takes_only_key_value_pairs():
    with pytest.raises(TemplateSyntaxError):
        Template('{% load page_slots %}{% slot "download_buttons" kind %}')
    with pytest.raises(TemplateSyntaxError):
        Template("{% load page_slots %}{% slot %}")


def test_registering_again_replaces_and_mistakes_are_refused(saved_registry):
    before = registry.menus_and_items()
    registry.register("reports", **_reports_declarations())
    assert registry.menus_and_items() == before  # ready() twice changes nothing
    registry.register("extra", items=[MenuItem("nowhere", "reports:jobs", "x", bool, 10)])
    with pytest.raises(ImproperlyConfigured, match="nowhere"):
        registry.menus_and_items()
    registry.register("extra", items=[MenuItem("reports", "reports:jobs", "x", bool, 10)])
    with pytest.raises(ImproperlyConfigured, match="same order"):
        registry.menus_and_items()
    registry.register("extra", menus=[Menu("reports", "x", "x", 99)])
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        registry.menus_and_items()
    registry.register("extra", fragments=[Fragment("download_buttons", "reports/_download_buttons.html")])
    assert len(registry.fragments_at("download_buttons")) == 2


def _reports_declarations():
    from reports import navigation

    return {"menus": navigation.MENUS, "items": navigation.ITEMS, "fragments": navigation.FRAGMENTS}

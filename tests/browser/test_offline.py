"""Offline in a real browser (docs/rules.md “Phones, photos, offline, NFC”): the service worker installs, keeps only the offline page and the
static shell (even after pages with data were opened), and shows the offline page when the
network is gone."""

from datetime import date

import pytest

from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, make_trip

CACHED_URLS = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) { out.push(new URL(request.url).pathname); }
  }
  return out.sort();
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_offline_page_and_nothing_else_is_kept_on_the_phone(page, people):
    from config.pwa import precached_urls

    make_trip(people["plan"], people["cadre"], start=date(2023, 3, 1), days="2", location="Ấp Bí Mật Riêng")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, people["cadre"].email, PASSWORD)
    page.goto(page.base_url + "/dot-di/?year=2023")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # installed and active
    # Pages with data opened while the worker runs are not stored.
    for url in ("/dot-di/?year=2023", "/tinh-hinh/cua-toi/?year=2023", "/dang-ky/?year=2023"):
        page.goto(page.base_url + url)
        page.wait_for_load_state("networkidle")
    assert "Ấp Bí Mật Riêng" in page.goto(page.base_url + "/dot-di/?year=2023").text()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    cached = page.evaluate(CACHED_URLS)
    assert cached == sorted(precached_urls()), cached

    page.context.set_offline(True)
    try:
        page.goto(page.base_url + "/dot-di/?year=2023")
        assert page.get_by_test_id("offline-page").is_visible()
        assert "Ấp Bí Mật Riêng" not in page.content()
        assert people["cadre"].full_name not in page.content()
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.navbar')).backgroundColor") == "rgb(13, 110, 253)"
        )
        shot(page, "phone/offline")
    finally:
        page.context.set_offline(False)
    assert page.evaluate(CACHED_URLS) == sorted(precached_urls())

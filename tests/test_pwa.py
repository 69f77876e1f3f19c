"""docs/rules.md “Phones, photos, offline, NFC”: installable (manifest, icons, theme colour) and a plain offline page; the service
worker keeps only the offline page and the static shell — never a page with anyone's data."""

import json
import re

from django.contrib.staticfiles import finders
from django.urls import resolve, reverse
from PIL import Image

from config import pwa
from tests.factories import UserFactory


def _worker_source(client) -> str:
    resp = client.get("/sw.js")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("text/javascript")
    assert resp["Service-Worker-Allowed"] == "/"
    return resp.content.decode()


def test_manifest_names_the_app_its_icons_and_theme(client):
    resp = client.get(reverse("manifest"))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/manifest+json"
    data = json.loads(resp.content)
    assert data["name"] == "Đi cơ sở 1+2" and data["lang"] == "vi"
    assert (data["start_url"], data["scope"], data["display"]) == ("/", "/", "standalone")
    assert data["theme_color"] == "#0d6efd"
    purposes = set()
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon
        width, height = Image.open(path).size
        assert icon["sizes"] == f"{width}x{height}" and icon["type"] == "image/png"
        purposes.add(icon["purpose"])
    assert {"192x192", "512x512"} <= {i["sizes"] for i in data["icons"]}
    assert purposes == {"any", "maskable"}


def test_every_page_links_the_manifest_icons_and_theme_colour(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#0d6efd">' in html
    assert 'rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png"' in html
    assert '<meta name="service-worker" content="/sw.js">' in html


def test_service_worker_caches_only_the_offline_page_and_the_static_shell(client):
    """Read the worker: what it stores is fixed at install, and it never stores anything else."""
    source = _worker_source(client)
    precache = json.loads(re.search(r"^const PRECACHE = (.*);$", source, re.M).group(1))
    offline_url = json.loads(re.search(r"^const OFFLINE_URL = (.*);$", source, re.M).group(1))
    assert offline_url == reverse("offline") == precache[0]
    assert precache == pwa.precached_urls()
    for url in precache[1:]:
        assert url.startswith("/static/"), url  # files of the app, the same for everyone
        assert finders.find(url.removeprefix("/static/")), url
    assert resolve(offline_url).func is pwa.offline
    # The only writes to the Cache API are the install's addAll(PRECACHE) and deleting old caches.
    code = re.sub(r"//[^\n]*", "", source)
    assert code.count("caches.open(") == 1 and "cache.addAll(PRECACHE)" in code
    assert ".put(" not in code and "cache.add(" not in code
    # Pages come from the network; the offline page only when the network fails.
    assert 'request.mode === "navigate"' in code
    assert "fetch(request).catch(() => caches.match(OFFLINE_URL))" in code
    # Other requests (forms sent, other origins) are left to the browser.
    assert 'if (request.method !== "GET") { return; }' in code
    assert "if (url.origin !== self.location.origin) { return; }" in code


def test_cache_name_changes_with_the_shell(client, settings):
    settings.DEBUG = False
    pwa._shell_digest.cache_clear()
    name = re.search(r'^const CACHE = "(fieldwork-shell-[0-9a-f]{12})";$', _worker_source(client), re.M).group(1)
    pwa._shell_digest.cache_clear()
    original = pwa.SHELL
    try:
        pwa.SHELL = original[:-1]
        other = re.search(r'^const CACHE = "(.*)";$', _worker_source(client), re.M).group(1)
    finally:
        pwa.SHELL = original
        pwa._shell_digest.cache_clear()
    assert other != name


def test_offline_page_is_plain_and_holds_no_data(client, db):
    anonymous = client.get(reverse("offline"))
    assert anonymous.status_code == 200
    html = anonymous.content.decode()
    assert "Không có kết nối mạng" in html and 'data-testid="offline-page"' in html
    assert "<script" not in html  # nothing to run, nothing to fetch
    user = UserFactory(full_name="Nguyễn Văn Riêng Tư", email="rieng.tu@tn.vn")
    client.force_login(user)
    signed_in = client.get(reverse("offline")).content.decode()
    assert signed_in == html  # the same page for everyone
    assert "Riêng Tư" not in signed_in and "rieng.tu" not in signed_in and str(user.organization) not in signed_in

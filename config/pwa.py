"""Installable on a phone (docs/rules.md “Phones, photos, offline, NFC”): the web app manifest, a minimal service worker and the
offline page.

The service worker keeps ONLY the offline page and the static shell (CSS, scripts, icons), cached
when it is installed. It never stores a response fetched later, so no page with anyone's data is
ever kept on the device: pages always come from the network, and when the network is gone a
navigation shows the offline page instead (tests/test_pwa.py reads the worker to hold this).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOR = "#0d6efd"  # Bootstrap's primary: the navbar's colour
# The static shell: what the offline page needs, and what every page loads first.
SHELL = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "css/app.css",
    "vendor/htmx/htmx.min.js",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "js/app.js",
    "icons/icon-192.png",
    "icons/favicon-32.png",
)
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/maskable-192.png", "192x192", "maskable"),
    ("icons/maskable-512.png", "512x512", "maskable"),
)


@require_GET
@cache_control(max_age=3600)
def manifest(request):
    data = {
        "name": _("Đi cơ sở 1+2"),
        "short_name": _("Đi cơ sở"),
        "description": _("Đăng ký, báo cáo và theo dõi các đợt đi cơ sở của cán bộ Đoàn theo chủ trương “1+2”."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def precached_urls() -> list[str]:
    """Everything the service worker stores: the offline page and the static shell, nothing else."""
    return [reverse("offline"), *(static(path) for path in SHELL)]


@lru_cache(maxsize=1)
def _shell_digest() -> str:
    """Changes when a shell file or the offline page changes, so phones fetch the new ones."""
    h = hashlib.sha256()
    for path in SHELL:
        found = finders.find(path)
        if found:
            with open(found, "rb") as fh:
                h.update(fh.read())
    h.update(render_to_string("pwa/offline.html").encode())
    return h.hexdigest()[:12]


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    version = _shell_digest.__wrapped__() if settings.DEBUG else _shell_digest()
    body = render_to_string(
        "pwa/sw.js",
        {
            "cache_name": json.dumps(f"fieldwork-shell-{version}"),
            "offline_url": json.dumps(reverse("offline")),
            "precache": json.dumps(precached_urls()),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """Shown by the service worker when the network is gone: no data, no name, the same for everyone."""
    return render(request, "pwa/offline.html")

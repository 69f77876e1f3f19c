from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from reports import views_verify

from . import metrics, pwa, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("ngoai-tuyen/", pwa.offline, name="offline"),
    path("tai-khoan/", include("accounts.urls")),
    # docs/signing.md: the public verification page (no login); the QR code on every PDF page leads here.
    path("xac-minh/", views_verify.verify, name="verify"),
    path("xac-minh/<str:code>/", views_verify.verify, name="verify_code"),
    path("", include("fieldwork.urls")),
    path("bao-cao/", include("reports.urls")),
    path("ngon-ngu/", set_language, name="set_language"),
    path("quan-tri/", admin.site.urls),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

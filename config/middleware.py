from .metrics import metrics_view
from .views import healthz, readyz

OWN = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


class HealthCheckMiddleware:
    """`/healthz`, `/readyz` and `/metrics` answered before host validation and the HTTPS
    redirect: the compose health checks call http://127.0.0.1:8000/… from inside the container and
    a scraper calls the web container by its service name, where neither the public host name
    (ALLOWED_HOSTS) nor the proxy's X-Forwarded-Proto header is present. /metrics checks its own
    access (config.metrics.allowed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = OWN.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)


class NulCharacterMiddleware:
    """A NUL character (0x00) in a query string or a form is refused with a 400 before any view:
    PostgreSQL cannot store or compare it (the driver raises, a 500), and no browser form sends
    one. Forms already refuse it in their fields; this covers the parameters views read directly
    (a search box, a filter)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            from django.http import HttpResponseBadRequest
            from django.template.loader import render_to_string

            return HttpResponseBadRequest(render_to_string("errors/400.html"))
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class PrivateCacheMiddleware:
    """docs/security.md: every response to a signed-in person is `Cache-Control: private, no-store`,
    so that neither a shared proxy nor the browser (its back button, its back-forward cache on a
    shared phone after logout) keeps a copy of one person's pages. Static files are served by
    WhiteNoise before this runs and keep their long, immutable caching; a response that already
    says no-store keeps its own header."""

    VALUE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = self.VALUE
            response.headers.pop("Expires", None)
        return response


class ForwardedHeadersMiddleware:
    """docs/security.md: X-Forwarded-For, X-Forwarded-Proto and their kin are believed only from the
    reverse proxies (settings.TRUSTED_PROXIES). A request that reached gunicorn any other way has
    them removed before anything reads them (the HTTPS redirect, the lockout's client address)."""

    HEADERS = (
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PORT",
        "HTTP_X_REAL_IP",
        "HTTP_FORWARDED",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from accounts.network import is_trusted_proxy

        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in self.HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)

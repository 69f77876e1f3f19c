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

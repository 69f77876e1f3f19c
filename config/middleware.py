from .views import healthz


class HealthCheckMiddleware:
    """`/healthz` answered before host validation and the HTTPS redirect: the compose health
    check calls http://127.0.0.1:8000/healthz from inside the container, where neither the
    public host name (ALLOWED_HOSTS) nor the proxy's X-Forwarded-Proto header is present.
    It says only whether the database answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)

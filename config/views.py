import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import NoReverseMatch, reverse

from accounts import rules

from . import health


@login_required
def home(request):
    """Each role lands on its own page."""
    user = request.user
    for ok, name in (
        (rules.sees_whole_organization(user), "fieldwork:organization_dashboard"),
        (rules.is_head(user), "fieldwork:department_home"),
        (True, "fieldwork:my_standing"),
    ):
        if ok:
            try:
                return redirect(reverse(name))
            except NoReverseMatch:
                continue
    return render(request, "home.html")


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


# The database went away in the middle of the request (restarted, connections cut): a 503 the
# user can act on ("thử lại"), rendered without touching the database; the transaction was rolled
# back with the connection, and the next request opens a new one.
UNAVAILABLE: tuple = (OperationalError, InterfaceError)
try:  # raw cursors (a few bulk reads) raise the driver's own errors, not Django's wrappers
    import psycopg2

    UNAVAILABLE += (psycopg2.OperationalError, psycopg2.InterfaceError)
except ImportError:  # pragma: no cover - SQLite-only installs
    pass


def service_unavailable(request=None) -> HttpResponse:
    response = HttpResponse(loader.render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response


def _caused_by_database(exc) -> bool:
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def server_error(request):
    if _caused_by_database(sys.exc_info()[1]):
        return service_unavailable(request)
    return render(request, "errors/500.html", status=500)


def bad_request(request, exception=None):
    """A session that could not be saved because the database went away (Django reports it as
    "the session was deleted", a 400) is the 503 it really is; any other 400 stays a 400."""
    if _caused_by_database(exception):
        return service_unavailable(request)
    from django.views.defaults import bad_request as default

    return default(request, exception)


def healthz(request):
    """Liveness: the process answers (no dependency is asked: /readyz does that)."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Readiness: database, migrations, and the Redis broker when configured (config.health)."""
    ready, checks = health.readiness()
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)

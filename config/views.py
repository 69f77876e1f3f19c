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
UNAVAILABLE = (OperationalError, InterfaceError)


def service_unavailable(request=None) -> HttpResponse:
    response = HttpResponse(loader.render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        return service_unavailable(request)
    return render(request, "errors/500.html", status=500)


def healthz(request):
    """Liveness: the process answers (no dependency is asked: /readyz does that)."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Readiness: database, migrations, and the Redis broker when configured (config.health)."""
    ready, checks = health.readiness()
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)

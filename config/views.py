from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from accounts import rules


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


def server_error(request):
    return render(request, "errors/500.html", status=500)


def healthz(request):
    """Liveness for the compose health check: the database answers."""
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()
    return JsonResponse({"status": "ok"})

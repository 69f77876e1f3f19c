"""Helpers shared by the views of issue 6 (results, dashboards, calendar)."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from accounts import rules
from fieldwork.models import Plan
from fieldwork.selectors import current_plan

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def org_id(request):
    oid = getattr(request.user, "organization_id", None)
    if oid is None:
        raise Http404
    return oid


def pick_plan(request) -> Plan:
    """?year=YYYY of the user's organization, else its current plan; 404 when there is none."""
    oid = org_id(request)
    year = request.GET.get("year") or request.POST.get("year")
    if year and str(year).isdigit():
        plan = Plan.objects.filter(organization_id=oid, year=int(year)).first()
    else:
        plan = current_plan(oid)
    if plan is None:
        raise Http404
    return plan


def read_page(view):
    """A page that only reads: the Inspection Committee's POSTs are 403 (it changes nothing),
    everybody else's 405."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            if rules.is_read_only(request.user):
                raise PermissionDenied
            return HttpResponseNotAllowed(list(SAFE_METHODS))
        return view(request, *args, **kwargs)

    return wrapper


def template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their field, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def int_param(request, name: str, choices=None, default=None):
    raw = request.GET.get(name, "")
    try:
        value = int(raw)
    except ValueError:
        return default
    if choices is not None and value not in choices:
        return default
    return value

"""Helpers shared by the views of issue 5 (registration, approvals, department plan)."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse

from accounts import rules
from fieldwork.models import Plan
from fieldwork.selectors import current_plan
from fieldwork.services.registrations import plan_quarters

PAGE_SIZE = 25


def org_id(request):
    oid = getattr(request.user, "organization_id", None)
    if oid is None:
        raise Http404
    return oid


def pick_plan(request) -> Plan:
    """?year=YYYY (GET or POST) of the user's organization, else its current plan."""
    oid = org_id(request)
    year = request.GET.get("year") or request.POST.get("year")
    if year and str(year).isdigit():
        plan = Plan.objects.filter(organization_id=oid, year=int(year)).first()
    else:
        plan = current_plan(oid)
    if plan is None:
        raise Http404
    return plan


def plan_years(request) -> list[int]:
    return list(Plan.objects.filter(organization_id=org_id(request)).order_by("-year").values_list("year", flat=True))


def check_quarter(plan: Plan, quarter: int) -> None:
    if quarter not in plan_quarters(plan):
        raise Http404


def write_view(view):
    """A view that changes something: the Inspection Committee changes nothing (403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and rules.is_read_only(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: field errors on their field, the rest on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def error_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def int_or(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def url_exists(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True

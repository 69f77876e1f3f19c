"""Helpers shared by the fieldwork views: the user's organization and plan, query parameters,
service errors on forms, and the Inspection Committee's write guard."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed

from accounts import rules
from fieldwork.cycles import registration_periods
from fieldwork.models import Plan
from fieldwork.quarters import plan_quarters
from fieldwork.selectors import current_plan
from fieldwork.services.transitions import error_messages

PAGE_SIZE = 25
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def org_id(request):
    oid = getattr(request.user, "organization_id", None)
    if oid is None:
        raise Http404
    return oid


def pick_plan(request) -> Plan:
    """?year=YYYY (GET or POST) of the user's organization, else its current plan; 404 when
    there is none."""
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


def check_period(plan: Plan, period: int) -> None:
    """A registration period of the plan's cycle (fieldwork.cycles): 0 for an annual plan, a
    quarter for a quarterly one; any other is a 404."""
    if period not in registration_periods(plan):
        raise Http404


def write_view(view):
    """A view that changes something: the Inspection Committee changes nothing (403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and rules.is_read_only(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def own_work_view(view):
    """A view in which the user changes their OWN registration or trips: allowed to whoever
    rules.can_act_on_own_fieldwork (an Inspection Committee member only when also a cadre under
    the rule); whether the object is theirs is checked by the view and the service."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not rules.can_act_on_own_fieldwork(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


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


def add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: field errors on their field, the rest on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def flash_errors(request, exc: ValidationError) -> None:
    """A service's ValidationError as error messages on the next page."""
    for m in error_messages(exc):
        messages.error(request, m)


def int_or(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def int_param(request, name: str, choices=None, default=None):
    """?name=<int> of the query string, if it is one of `choices` (when given)."""
    value = int_or(request.GET.get(name, ""), default=None)
    if value is None or (choices is not None and value not in choices):
        return default
    return value

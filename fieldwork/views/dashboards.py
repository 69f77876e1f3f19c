"""Dashboards for every role (docs/rules.md “Results and mẫu 3”) and grassroots coverage."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts import rules
from accounts.models import DataAccess, Department, User
from accounts.privacy import record_access
from fieldwork import cycles, standing_terms
from fieldwork.forms.results import AsOfForm
from fieldwork.selectors import coverage as coverage_selector
from fieldwork.selectors import dashboards
from fieldwork.services import quarter_reports

from .common import int_param, org_id, pick_plan, read_page
from .fresh import fresh_coverage, fresh_standings


def _as_of(request, plan):
    as_of = standing_terms.pick_as_of(plan, request.GET.get("as_of"))
    return as_of, AsOfForm(initial={"as_of": as_of})


@login_required
@read_page
def cadre_dashboard(request):
    plan = pick_plan(request)
    person = request.user
    if request.GET.get("person"):
        person = get_object_or_404(
            User.objects.select_related("department"),
            pk=int_param(request, "person", default=0),
            organization_id=org_id(request),
        )
        if not rules.can_view_person(request.user, person):
            raise PermissionDenied
        record_access(viewer=request.user, person=person, what=DataAccess.What.STANDING, object_id=person.pk)
    as_of, as_of_form = _as_of(request, plan)
    data = dashboards.cadre_dashboard(plan, person, as_of)
    return render(
        request,
        "fieldwork/dashboards/cadre.html",
        {
            "d": data,
            "plan": plan,
            "person": person,
            "as_of_form": as_of_form,
            "own": person.pk == request.user.pk,
            "standing": data.standing,
            "panel_trips": data.trips,
            "as_of": as_of,
            "has_standing_panel": True,  # the page shows fieldwork/standing/_panel.html, its own partial
            "status_labels": standing_terms.STATUS_LABELS,
        },
    )


@login_required
@read_page
def department_home(request):
    user = request.user
    plan = pick_plan(request)
    dept_id = int_param(request, "department")
    if dept_id is not None:
        department = get_object_or_404(Department, pk=dept_id, organization_id=org_id(request))
    elif rules.is_head(user):
        department = user.department
    elif rules.sees_whole_organization(user):
        departments = Department.objects.filter(organization_id=org_id(request), is_active=True).order_by("name")
        return render(
            request, "fieldwork/dashboards/department_choose.html", {"departments": departments, "plan": plan}
        )
    else:
        raise PermissionDenied
    if not rules.can_view_department(user, department):
        raise PermissionDenied
    as_of, as_of_form = _as_of(request, plan)
    quarters = quarter_reports.plan_quarters(plan)
    quarter = int_param(request, "quarter", choices=quarters, default=None)
    if quarter is None:
        q = quarter_reports.quarter_of_date(as_of)
        quarter = q if q in quarters else quarters[-1]
    sort = request.GET.get("sort", "name")
    sort = sort if sort in dashboards.SORTS else "name"
    status = request.GET.get("status", "")
    status = status if status in standing_terms.STATUS_LABELS else ""
    fresh_standings(plan, as_of)
    data = dashboards.department_home(plan, department, as_of, quarter, sort=sort, status=status)
    page = dashboards.members_page(data, request.GET.get("page"))
    can_lead = rules.can_lead_department(user, department) and not rules.is_read_only(user)
    return render(
        request,
        "fieldwork/dashboards/department.html",
        {
            "d": data,
            "plan": plan,
            "department": department,
            "page": page,
            "as_of_form": as_of_form,
            "as_of": as_of,
            "quarters": quarters,
            "quarter": quarter,
            "sort": sort,
            "status": status,
            "status_labels": standing_terms.STATUS_LABELS,
            "count_labels": standing_terms.STATUS_COUNT_LABELS,  # docs/rules.md “The rules as the documents say them”: met = "hoàn thành (đủ ngày và đủ đợt)"
            "status_badges": standing_terms.STATUS_BADGES,
            "can_lead": can_lead,
            "overdue": (data.quarter_report is None or data.quarter_report.status != "submitted")
            and cycles.is_late(data.plan, data.deadline, timezone.localdate()),
        },
    )


@login_required
@read_page
def organization_dashboard(request):
    """Board and Standing Committee; the Inspection Committee reads the same page, without actions."""
    user = request.user
    if not rules.sees_whole_organization(user):
        raise PermissionDenied
    plan = pick_plan(request)
    as_of, as_of_form = _as_of(request, plan)
    fresh_standings(plan, as_of)
    data = dashboards.organization_dashboard(plan, as_of, viewer=user)
    page = dashboards.at_risk_page(data, request.GET.get("page"))
    return render(
        request,
        "fieldwork/dashboards/organization.html",
        {
            "d": data,
            "plan": plan,
            "as_of": as_of,
            "as_of_form": as_of_form,
            "page": page,
            "status_labels": standing_terms.STATUS_LABELS,
            "count_labels": standing_terms.STATUS_COUNT_LABELS,  # docs/rules.md “The rules as the documents say them”: met = "hoàn thành (đủ ngày và đủ đợt)"
            "status_badges": standing_terms.STATUS_BADGES,
            "read_only": rules.is_read_only(user),
            "quarter": quarter_reports.quarter_of_date(as_of),
        },
    )


@login_required
@read_page
def coverage(request):
    if not rules.sees_whole_organization(request.user):
        raise PermissionDenied
    plan = pick_plan(request)
    fresh_coverage(plan)
    data = coverage_selector.coverage(plan)
    view = request.GET.get("view", "visited")
    view = view if view in ("visited", "unvisited") else "visited"
    items = data.visited if view == "visited" else data.unvisited
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(request, "fieldwork/dashboards/coverage.html", {"c": data, "plan": plan, "view": view, "page": page})

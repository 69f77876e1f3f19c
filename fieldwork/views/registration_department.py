"""The department's consolidated plan for a quarter (mẫu 2): the head consolidates and submits,
the Standing Committee approves or returns (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import rules
from accounts.models import Department
from fieldwork.cycles import period_bounds, period_label, period_name, period_of, period_title, registration_periods
from fieldwork.forms.registration import ApproveForm, ReturnForm
from fieldwork.models import DepartmentPlan
from fieldwork.services import department_plans as service
from fieldwork.services.history import history_of
from fieldwork.services.transitions import StaleVersion

from .common import (
    add_errors,
    check_period,
    flash_errors,
    int_or,
    org_id,
    pick_plan,
    plan_years,
    write_view,
)

MEMBERS_PAGE_SIZE = 50  # rows of the members' table on one page (department_plan)


def _department(request, pk) -> Department:
    department = get_object_or_404(Department, pk=pk, organization_id=org_id(request))
    if not rules.can_view_department(request.user, department):
        raise PermissionDenied
    return department


def _default_quarter(plan) -> int:
    """The registration period of today (the whole year under the annual cycle)."""
    today = timezone.localdate()
    periods = registration_periods(plan)
    q = period_of(plan, today) if today.year == plan.year else periods[0]
    return q if q in periods else periods[0]


@login_required
@require_GET
def department_plans(request):
    """A head lands on the department's current quarter; the Board, Standing and Inspection see
    every department's mẫu 2 status by quarter."""
    plan = pick_plan(request)
    user = request.user
    if rules.is_head(user) and not rules.sees_whole_organization(user):
        return redirect(_plan_url(plan, user.department_id, _default_quarter(plan)))
    if not rules.sees_whole_organization(user):
        raise PermissionDenied
    departments = list(Department.objects.filter(organization_id=org_id(request), is_active=True).order_by("name"))
    status = {(d.department_id, d.quarter): d for d in DepartmentPlan.objects.filter(plan=plan)}
    quarters = registration_periods(plan)
    rows = [{"department": d, "cells": [(q, status.get((d.pk, q))) for q in quarters]} for d in departments]
    return render(
        request,
        "fieldwork/registration/department_plans.html",
        {
            "plan": plan,
            "rows": rows,
            "quarters": [(q, period_title(q)) for q in quarters],
            "years": plan_years(request),
            # The whole organization's mẫu 2 (docs/domain.md §8), offered where the reports app is.
        },
    )


def _plan_url(plan, department_pk, quarter) -> str:
    from django.urls import reverse

    return reverse("fieldwork:department_plan", args=[department_pk, quarter]) + f"?year={plan.year}"


def _context(
    request, plan, department, quarter, *, return_form=None, approve_form=None, conflict=None, kept_comment=""
):
    user = request.user
    ov = service.overview(plan, department, quarter)
    dp = ov.department_plan
    version = dp.version if dp else 0
    status = dp.status if dp else DepartmentPlan.Status.DRAFT
    writer = not rules.is_read_only(user)
    can_submit = (
        writer
        and rules.can_lead_department(user, department)
        and status in (DepartmentPlan.Status.DRAFT, DepartmentPlan.Status.RETURNED)
    )
    can_decide = (
        writer
        and dp is not None
        and status == DepartmentPlan.Status.SUBMITTED
        and (rules.can_decide_department_plan(user, dp) and dp.submitted_by_id != user.pk)
    )
    start, end = period_bounds(plan, quarter)
    return {
        "plan": plan,
        "department": department,
        "quarter": quarter,
        "quarter_name": period_name(quarter),
        "period_label": period_label(plan.year, quarter),
        "quarter_start": start,
        "quarter_end": end,
        "overview": ov,
        # A department of hundreds: its members' table a page at a time (the counts above it and
        # the submission's checks are over everyone).
        "members_page": Paginator(ov.members, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page")),
        "department_plan": dp,
        "version": version,
        "status_label": service.state_label(dp),
        "can_submit": can_submit,
        "can_decide": can_decide,
        "approve_form": approve_form or ApproveForm(initial={"version": version}),
        "return_form": return_form or ReturnForm(initial={"version": version}),
        "history": list(history_of(dp, "departmentplan")) if dp else [],
        "quarters": [(q, period_title(q)) for q in registration_periods(plan)],
        "years": plan_years(request),
        "conflict": conflict,
        "kept_comment": kept_comment,
        "today": timezone.localdate(),
        **_by_person(ov.lines),
    }


def _by_person(lines) -> dict:
    """Mẫu 2's lines grouped by person (they come in person order), numbered across the form: the
    page shows one collapsed block per person (<details>), short on a phone."""
    groups: list[dict] = []
    for number, t in enumerate(lines, 1):
        t.number = number
        if not groups or groups[-1]["person"].pk != t.person_id:
            groups.append({"person": t.person, "lines": [], "days": Decimal(0)})
        groups[-1]["lines"].append(t)
        groups[-1]["days"] += t.days
    return {"line_groups": groups, "line_days": sum((g["days"] for g in groups), Decimal(0))}


@login_required
@require_GET
def department_plan(request, department_pk, quarter):
    plan = pick_plan(request)
    check_period(plan, quarter)
    department = _department(request, department_pk)
    return render(request, "fieldwork/registration/department_plan.html", _context(request, plan, department, quarter))


@login_required
@write_view
@require_POST
def department_plan_submit(request, department_pk, quarter):
    plan = pick_plan(request)
    check_period(plan, quarter)
    department = _department(request, department_pk)
    if not rules.can_lead_department(request.user, department):
        raise PermissionDenied
    try:
        service.submit(
            actor=request.user,
            plan=plan,
            department=department,
            quarter=quarter,
            version=int_or(request.POST.get("version"), -1),
        )
    except StaleVersion as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Đã gửi kế hoạch của ban (mẫu 2) để Thường trực phê duyệt."))
    return redirect(_plan_url(plan, department.pk, quarter))


@login_required
@write_view
@require_POST
def department_plan_decide(request, department_pk, quarter):
    plan = pick_plan(request)
    check_period(plan, quarter)
    department = get_object_or_404(Department, pk=department_pk, organization_id=org_id(request))
    dp = get_object_or_404(DepartmentPlan, plan=plan, department=department, quarter=quarter)
    if not rules.can_decide_department_plan(request.user, dp) or dp.submitted_by_id == request.user.pk:
        raise PermissionDenied
    approve = request.POST.get("action") == "approve"
    form_class = ApproveForm if approve else ReturnForm
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service.decide(
                actor=request.user,
                department_plan=dp,
                version=form.cleaned_data["version"],
                approve=approve,
                comment=form.cleaned_data["comment"],
            )
        except StaleVersion as exc:
            dp.refresh_from_db()
            kept = form_class(initial={"comment": form.cleaned_data["comment"], "version": dp.version})
            ctx = _context(
                request,
                plan,
                department,
                quarter,
                conflict=exc.message,
                kept_comment=form.cleaned_data["comment"],
                **{"approve_form" if approve else "return_form": kept},
            )
            return render(request, "fieldwork/registration/department_plan.html", ctx, status=409)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if approve:
                messages.success(request, _("Đã phê duyệt kế hoạch của %(d)s.") % {"d": department.name})
            else:
                messages.success(request, _("Đã trả lại kế hoạch của %(d)s kèm ý kiến.") % {"d": department.name})
            return redirect(_plan_url(plan, department.pk, quarter))
    ctx = _context(request, plan, department, quarter, **{"approve_form" if approve else "return_form": form})
    return render(request, "fieldwork/registration/department_plan.html", ctx, status=400)

"""Approving registrations and change requests: the approver's inbox and review page (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import rules
from accounts.models import Department
from accounts.vietnamese import format_date, format_days
from fieldwork import cycles
from fieldwork.forms.registration import ApproveForm, ReturnForm
from fieldwork.models import Category, ChangeRequest, Registration
from fieldwork.selectors.inbox import inbox, pending_requests
from fieldwork.services import change_requests as changes
from fieldwork.services import registrations as service
from fieldwork.services.registration_checks import own_registration_url
from fieldwork.services.transitions import StaleVersion
from fieldwork.trip_fields import parse_payload

from .common import (
    PAGE_SIZE,
    add_errors,
    flash_errors,
    int_or,
    org_id,
    plan_years,
    write_view,
)


def _registration(request, pk) -> Registration:
    """Scoped to the user's organization before the get: another organization's is a 404."""
    reg = get_object_or_404(
        Registration.objects.select_related("plan", "person__department", "decided_by"),
        pk=pk,
        person__organization_id=org_id(request),
    )
    if not rules.can_view_registration(request.user, reg):
        raise PermissionDenied
    return reg


def _review_context(request, reg, *, approve_form=None, return_form=None, conflict=None, kept_comment=""):
    user = request.user
    lines = list(reg.trips.select_related("category").order_by("start", "pk"))
    # What changed since approval (docs/domain.md §5), at the top: the pending requests on its lines.
    pending = pending_requests(lines)
    by_pk = {t.pk: t for t in lines}
    requests = list(pending.values())
    for cr in requests:
        cr.trip = by_pk[cr.trip_id]
        cr.trip.person = reg.person
    if requests:
        cats = {(c.plan_id, c.code): c for c in Category.objects.filter(plan_id=reg.plan_id)}
        for cr in requests:
            cr.readable = _readable(cr, cats)
    for line in lines:
        line.pending_change = pending.get(line.pk)
    can_decide = (
        reg.status == Registration.Status.SUBMITTED
        and rules.can_approve_registration(user, reg)
        and not rules.is_read_only(user)
    )
    return {
        "registration": reg,
        "plan": reg.plan,
        "person": reg.person,
        "lines": lines,
        "quarter_name": cycles.period_name(reg.quarter),
        "period_label": cycles.period_label(reg.plan.year, reg.quarter),
        "quarter_start": cycles.period_bounds(reg.plan, reg.quarter)[0],
        "quarter_end": cycles.period_bounds(reg.plan, reg.quarter)[1],
        "preview": service.preview(plan=reg.plan, person=reg.person),
        "history": list(service.registration_history(reg)),
        "can_decide": can_decide,
        "pending_requests": requests,
        "can_decide_changes": bool(requests)
        and rules.can_approve_for(user, reg.person)
        and not rules.is_read_only(user),
        "approve_form": approve_form or ApproveForm(initial={"version": reg.version}),
        "return_form": return_form or ReturnForm(initial={"version": reg.version}),
        "conflict": conflict,
        "kept_comment": kept_comment,
        "inbox_link": rules.is_approver(user),
    }


@login_required
@require_GET
def registration_review(request, pk):
    reg = _registration(request, pk)
    if reg.person_id == request.user.pk:
        return redirect(own_registration_url(reg))
    return render(request, "fieldwork/registration/review.html", _review_context(request, reg))


def _decide(request, pk, *, approve: bool):
    reg = _registration(request, pk)
    if not rules.can_approve_registration(request.user, reg):
        raise PermissionDenied  # nobody approves their own; heads only their department's cadres
    form_class = ApproveForm if approve else ReturnForm
    form = form_class(request.POST)
    if form.is_valid():
        try:
            if approve:
                service.approve(
                    actor=request.user,
                    registration=reg,
                    version=form.cleaned_data["version"],
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("Đã phê duyệt bản đăng ký của %(n)s.") % {"n": reg.person.full_name})
            else:
                service.return_registration(
                    actor=request.user,
                    registration=reg,
                    version=form.cleaned_data["version"],
                    comment=form.cleaned_data["comment"],
                )
                messages.success(
                    request, _("Đã trả lại bản đăng ký của %(n)s kèm ý kiến.") % {"n": reg.person.full_name}
                )
        except StaleVersion as exc:
            # Lose nothing: the page comes back with the new state and what the user typed.
            reg.refresh_from_db()
            forms = {
                "approve_form" if approve else "return_form": form_class(
                    initial={"comment": form.cleaned_data["comment"], "version": reg.version}
                )
            }
            return render(
                request,
                "fieldwork/registration/review.html",
                _review_context(request, reg, conflict=exc.message, kept_comment=form.cleaned_data["comment"], **forms),
                status=409,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            nxt = request.POST.get("next", "")
            return redirect(
                reverse("fieldwork:approvals")
                if nxt == "approvals"
                else reverse("fieldwork:registration_review", args=[reg.pk])
            )
    forms = {"approve_form" if approve else "return_form": form}
    return render(request, "fieldwork/registration/review.html", _review_context(request, reg, **forms), status=400)


@login_required
@write_view
@require_POST
def registration_approve(request, pk):
    return _decide(request, pk, approve=True)


@login_required
@write_view
@require_POST
def registration_return(request, pk):
    return _decide(request, pk, approve=False)


INBOX_PAGES = {"registrations": "page", "changes": "cr_page", "department_plans": "dp_page"}


@login_required
@require_GET
def approvals(request):
    """Everything waiting for this approver: registrations, change requests, department plans.
    Each list pages on its own (?page=, ?cr_page=, ?dp_page=); the filters apply to all three."""
    user = request.user
    if not rules.is_approver(user):
        raise PermissionDenied
    department = int_or(request.GET.get("department")) if rules.is_standing(user) else None
    year = int_or(request.GET.get("year"))
    quarter = int_or(request.GET.get("quarter"))
    # 0 = the annual cycle's whole-year registrations and department plans (fieldwork.cycles)
    quarter = quarter if quarter in (cycles.WHOLE_YEAR, 1, 2, 3, 4) else None
    regs, crs, dps = inbox(request.user, org_id(request), department=department, year=year, quarter=quarter)
    reg_page = Paginator(regs, PAGE_SIZE).get_page(request.GET.get(INBOX_PAGES["registrations"]))
    cr_page = Paginator(crs, PAGE_SIZE).get_page(request.GET.get(INBOX_PAGES["changes"]))
    dp_page = Paginator(dps, PAGE_SIZE).get_page(request.GET.get(INBOX_PAGES["department_plans"]))
    shown = list(cr_page.object_list)
    cats = {}
    if shown:
        for c in Category.objects.filter(plan_id__in={c.trip.plan_id for c in shown}):
            cats[(c.plan_id, c.code)] = c
    for c in shown:
        c.readable = _readable(c, cats)
    departments = (
        Department.objects.filter(organization_id=org_id(request), is_active=True).order_by("name")
        if rules.is_standing(user)
        else []
    )
    return render(
        request,
        "fieldwork/registration/approvals.html",
        {
            "page": reg_page,
            "cr_page": cr_page,
            "dp_page": dp_page,
            "page_params": INBOX_PAGES,
            "departments": departments,
            "department": department,
            "year": year,
            "years": plan_years(request),
            "quarter": quarter,
            "quarters": [(q, cycles.period_title(q)) for q in (cycles.WHOLE_YEAR, 1, 2, 3, 4)],
            "filtered": bool(department or year or quarter is not None),
            "total": len(regs) + len(crs) + len(dps),
            "show_department_plans": rules.is_standing(user) or bool(dps),
        },
    )


def _readable(cr, cats):
    if not cr.proposed:
        return {}
    p = parse_payload(cr.proposed)
    cat = cats.get((cr.trip.plan_id, p["category"]))
    return {
        "category": str(cat) if cat else p["category"],
        "start": format_date(p["start"]),
        "end": format_date(p["end"]),
        "days": format_days(p["days"]),
        "location": p["location"],
        "content": p["content"],
        "immersion": p["immersion"],
        "travel_order": p["travel_order"],
    }


def _inbox_url(request) -> str:
    """Back to the inbox on the same filters and pages the decider was looking at."""
    back = QueryDict(request.POST.get("back", ""))
    keep = {k: back[k] for k in ("department", "year", "quarter", *INBOX_PAGES.values()) if back.get(k, "").isdigit()}
    url = reverse("fieldwork:approvals")
    return f"{url}?{urlencode(keep)}" if keep else url


@login_required
@write_view
@require_POST
def change_request_decide(request, pk):
    cr = get_object_or_404(
        ChangeRequest.objects.select_related("trip__person"), pk=pk, trip__person__organization_id=org_id(request)
    )
    if not rules.can_approve_for(request.user, cr.trip.person):
        raise PermissionDenied
    action = request.POST.get("action")
    if action not in ("approve", "reject"):
        messages.error(request, _("Hãy chọn phê duyệt hoặc không phê duyệt."))
        if request.POST.get("next") == "review" and cr.trip.registration_id:
            return redirect("fieldwork:registration_review", pk=cr.trip.registration_id)
        return redirect(_inbox_url(request))
    try:
        changes.decide_change(
            actor=request.user, change_request=cr, approve=action == "approve", comment=request.POST.get("comment", "")
        )
    except StaleVersion as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        if action == "approve":
            messages.success(request, _("Đã phê duyệt đề nghị của %(n)s.") % {"n": cr.trip.person.full_name})
        else:
            messages.success(
                request, _("Đã không phê duyệt đề nghị của %(n)s, kèm lý do.") % {"n": cr.trip.person.full_name}
            )
    if request.POST.get("next") == "review" and cr.trip.registration_id:
        return redirect("fieldwork:registration_review", pk=cr.trip.registration_id)
    return redirect(_inbox_url(request))

"""Reminders and delegation pages (docs/rules.md “Reminders, digests and delegation of approval”): the Board's log of what was sent, one's email
preference, delegations of approval."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import rules
from accounts.models import Delegation
from fieldwork.models import Plan
from fieldwork.reminders import selectors
from fieldwork.reminders import services as reminder_services
from fieldwork.reminders.deadlines import plan_deadlines
from fieldwork.reminders.forms import DelegationForm, LogFilterForm, PreferenceForm, ScheduleForm
from fieldwork.services import delegations as delegation_services

from .common import PAGE_SIZE, add_errors, org_id, read_page, write_view


@login_required
@read_page
def reminder_log(request):
    """What was sent to whom and when (the Board), filterable by person, kind and dates."""
    oid = org_id(request)
    if not rules.can_view_reminder_log(request.user):
        raise PermissionDenied
    form = LogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.sent_log(
        oid,
        kind=filters.get("kind") or "",
        q=(filters.get("q") or "").strip(),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "fieldwork/reminders/log.html", {"form": form, "page": page})


@login_required
@write_view
def reminder_preferences(request):
    org_id(request)
    pref = reminder_services.preference_of(request.user)
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=PreferenceForm.initial_from(pref))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        reminder_services.set_preferences(
            actor=request.user,
            deadlines_email=c["email"],
            deadlines_app=c["deadlines_app"],
            digests_email=c["digests_email"],
            digests_app=c["digests_app"],
        )
        if not c["email"] and not c["deadlines_app"]:
            messages.warning(
                request,
                _("Đã lưu. Bạn sẽ không được nhắc hạn nào; hạn sắp tới vẫn hiện ở trang “Tiến độ của tôi”."),
            )
        else:
            messages.success(request, _("Đã lưu tùy chọn nhắc việc."))
        return redirect("fieldwork:reminder_preferences")
    return render(request, "fieldwork/reminders/preferences.html", {"form": form})


@login_required
@write_view
def delegations(request):
    """One's delegations (given and received), a form to name a deputy (heads and Standing
    Committee members), and, for the Board, every delegation in force in the organization."""
    oid = org_id(request)
    user = request.user
    today = timezone.localdate()
    can_delegate = rules.can_delegate(user)
    form = None
    if can_delegate:
        start, end = delegation_services.default_range(today)
        form = DelegationForm(
            request.POST if request.method == "POST" else None, user=user, initial={"start": start, "end": end}
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                delegation_services.create_delegation(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("Đã ủy quyền phê duyệt cho %(n)s.") % {"n": form.cleaned_data["deputy"].full_name}
                )
                return redirect("fieldwork:delegations")
    base = Delegation.objects.filter(organization_id=oid).select_related("delegator", "deputy")
    mine = base.filter(Q(delegator=user) | Q(deputy=user)).filter(end__gte=today).order_by("start", "pk")
    current = None
    if rules.sees_whole_organization(user):
        qs = base.filter(start__lte=today, end__gte=today, ended_at__isnull=True).order_by("end", "pk")
        current = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "fieldwork/reminders/delegations.html",
        {
            "form": form,
            "mine": list(mine[:50]),
            "current": current,
            "today": today,
            "can_end_any": rules.has(user, "board", "admin"),
        },
    )


@login_required
@write_view
@require_POST
def delegation_end(request, pk):
    d = get_object_or_404(
        Delegation.objects.select_related("deputy", "delegator"), pk=pk, organization_id=org_id(request)
    )
    try:
        delegation_services.end_delegation(actor=request.user, delegation=d)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã kết thúc ủy quyền cho %(n)s.") % {"n": d.deputy.full_name})
    return redirect("fieldwork:delegations")


@login_required
@write_view
def plan_reminders(request, pk):
    """When the plan's reminders go out: the Board edits, the Standing and Inspection Committees read."""
    plan = get_object_or_404(Plan, pk=pk, organization_id=org_id(request))
    if not rules.sees_whole_organization(request.user):
        raise PermissionDenied
    can_write = rules.can_manage_plan(request.user)
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    schedule = selectors.schedule_for(plan)
    initial = {
        "enabled": schedule.enabled,
        "days_before": schedule.days_before,
        "days_after": schedule.days_after,
        "results_days": schedule.results_days,
        "waiting_days": schedule.waiting_days,
    }
    form = ScheduleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        reminder_services.save_schedule(actor=request.user, plan=plan, data=form.cleaned_data)
        messages.success(request, _("Đã lưu lịch nhắc việc của kế hoạch năm %(y)s.") % {"y": plan.year})
        return redirect("fieldwork:plan_reminders", pk=plan.pk)
    return render(
        request,
        "fieldwork/reminders/plan_schedule.html",
        {
            "plan": plan,
            "form": form,
            "can_write": can_write,
            "deadlines": [
                (selectors.FORM_LABELS[d.form], selectors.period_label(plan, d.period), d.date)
                for d in plan_deadlines(plan)
            ],
        },
    )

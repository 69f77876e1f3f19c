"""The year's plan (docs/domain.md §5–§7): list, detail, create (from a template or last year's plan),
edit (general fields + groups, categories, exemption reasons), and who each rule affects.

The Board manages plans; the Standing and Inspection Committees may read them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import rules
from fieldwork import cycles
from fieldwork.forms.plans import PlanCreateForm, PlanEditor
from fieldwork.models import Plan
from fieldwork.quarters import plan_quarters
from fieldwork.selectors.plans import next_year, plan_affected
from fieldwork.selectors.stored import latest_refresh, recorded_trips
from fieldwork.services import plans as plan_services
from fieldwork.services.history import history_of
from fieldwork.stored import plan_refresh

from .fresh import fresh_standings

AFFECTED_SHOWN = 20  # people shown per rule; the rest are counted and linked (docs/rules.md “Stored standings”)


def _can_read(user) -> bool:
    return rules.can_manage_plan(user) or rules.sees_whole_organization(user)


def _can_write(user) -> bool:
    return rules.can_manage_plan(user) and not rules.is_read_only(user)


def _plan(request, pk) -> Plan:
    # Scoped to the user's organization before the get: another organization's plan is a 404.
    plan = get_object_or_404(
        Plan.objects.select_related("organization"), pk=pk, organization_id=request.user.organization_id
    )
    if not _can_read(request.user):
        raise PermissionDenied
    return plan


@login_required
def plans(request):
    if not _can_read(request.user):
        raise PermissionDenied
    qs = Plan.objects.filter(organization_id=request.user.organization_id).order_by("-year")
    return render(
        request,
        "fieldwork/plans/list.html",
        {
            "plans": qs,
            "can_write": _can_write(request.user),
            "has_parent": bool(getattr(request.user.organization, "parent_id", None)),
        },
    )


@login_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    fresh_standings(plan)
    trips = recorded_trips(plan)
    return render(
        request,
        "fieldwork/plans/detail.html",
        {
            "plan": plan,
            "groups": plan.groups.all(),
            "categories": plan.categories.all(),
            "reasons": plan.exemption_reasons.all(),
            "trip_count": trips,
            "registration_periods": cycles.schedule(plan),
            "gap_words": cycles.immersion_gap_words(plan),
            "quarter_report_words": [
                (q, cycles.deadline_words(plan, cycles.quarter_report_deadline(plan, q))) for q in plan_quarters(plan)
            ],
            "can_write": _can_write(request.user),
            "history": history_of(plan)[:20],
            "refresh_job": latest_refresh(plan),
        },
    )


@login_required
def plan_edit(request, pk):
    plan = _plan(request, pk)
    if not _can_write(request.user):
        raise PermissionDenied
    editor = PlanEditor(request.POST if request.method == "POST" else None, initial=plan_services.plan_to_dict(plan))
    rule_errors: list[str] = []
    if request.method == "POST" and editor.is_valid():
        try:
            notes = plan_services.save_plan(actor=request.user, plan=plan, data=editor.to_dict())
        except ValidationError as exc:
            rule_errors = exc.messages  # PlanSpec.validate, the same check as load_plan
        else:
            messages.success(request, _("Đã lưu kế hoạch năm %(y)s.") % {"y": plan.year})
            for note in notes:
                messages.warning(request, note)
            return redirect("fieldwork:plan_detail", pk=plan.pk)
    return render(
        request,
        "fieldwork/plans/edit.html",
        {
            "plan": plan,
            "editor": editor,
            "rule_errors": rule_errors,
            "refresh_job": latest_refresh(plan),  # a plan just created (from a template, the parent's)
            "can_write": True,
        },
    )


@login_required
def plan_create(request):
    if not _can_write(request.user):
        raise PermissionDenied
    org = request.user.organization
    form = PlanCreateForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        kind, source = form.cleaned_data["source"]
        try:
            plan = plan_services.create_plan(
                actor=request.user,
                organization=org,
                year=form.cleaned_data["year"],
                template=source if kind == "template" else None,
                source_plan=source if kind == "plan" else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("Đã tạo kế hoạch năm %(y)s. Hãy kiểm tra và sửa các thông số.") % {"y": plan.year}
            )
            return redirect("fieldwork:plan_edit", pk=plan.pk)
    return render(request, "fieldwork/plans/create.html", {"form": form})


@login_required
@require_POST
def plan_open_next(request):
    """The Board opens next year's plan before the year starts (cadres plan January in December),
    as a copy of this year's (create_plan from a plan: dates shifted, document left blank)."""
    if not _can_write(request.user):
        raise PermissionDenied
    info = next_year(request.user.organization_id, timezone.localdate())
    if not info.can_open:
        messages.info(request, _("Kế hoạch năm %(y)s đã được mở.") % {"y": info.year})
        return redirect("fieldwork:plans")
    try:
        plan = plan_services.create_plan(
            actor=request.user, organization=request.user.organization, year=info.year, source_plan=info.source
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("fieldwork:plans")
    messages.success(
        request,
        _(
            "Đã mở kế hoạch năm %(y)s (sao chép từ kế hoạch năm %(s)s). Cán bộ được báo trên trang chủ và có thể "
            "đăng ký ngay. Hãy kiểm tra thời gian, các hạn và số văn bản của kế hoạch năm %(y)s."
        )
        % {"y": plan.year, "s": info.source.year},
    )
    return redirect("fieldwork:plan_edit", pk=plan.pk)


@login_required
def plan_affected_view(request, pk):
    plan = _plan(request, pk)
    # docs/domain.md §6: who holds a sensitive reason (and how many) only for those who may read it.
    hidden = (
        set()
        if rules.sees_every_sensitive_reason(request.user)
        else set(plan.exemption_reasons.filter(sensitive=True).values_list("code", flat=True))
    )
    return render(
        request,
        "fieldwork/plans/affected.html",
        {"plan": plan, "a": plan_affected(plan, limit=AFFECTED_SHOWN), "hidden_reasons": hidden},
    )


@login_required
@require_GET
def standings_refresh_status(request, pk):
    """The htmx partial polled while the plan's standings are recomputed in the background
    (docs/rules.md “Stored standings”): the plan page's progress, or (?v=banner) the dashboards' banner."""
    plan = _plan(request, pk)  # another organization's plan: 404; not a plan reader: 403
    job = latest_refresh(plan)
    if request.GET.get("v") == "banner":
        from fieldwork.templatetags.standings_refresh import banner

        htmx = getattr(request, "htmx", None)
        return render(
            request,
            "fieldwork/standing/_refresh_banner.html",
            {
                "plan": plan,
                "refresh_banner": banner(request.user, plan, job) if job else None,
                # The page to reload once done: the polling page's own path (same origin only).
                "page_url": (htmx.current_url_abs_path if htmx else None) or "",
            },
        )
    return render(
        request,
        "fieldwork/plans/_standings_refresh.html",
        {"plan": plan, "refresh_job": job, "can_write": rules.can_edit_plan(request.user, plan), "just_finished": True},
    )


@login_required
@require_POST
def standings_refresh_retry(request, pk):
    """The Board's "Thử lại" on a failed (or stalled) recomputation of the plan's standings."""
    plan = _plan(request, pk)
    if not rules.can_edit_plan(request.user, plan):
        raise PermissionDenied
    try:
        plan_refresh.retry(user=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("Đang tính lại tình hình thực hiện theo kế hoạch."))
    return redirect("fieldwork:plan_detail", pk=plan.pk)

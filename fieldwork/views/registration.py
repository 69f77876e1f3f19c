"""The cadre's registration (mẫu 1) by registration period (fieldwork.cycles: the whole year
under the annual cycle, each quarter under the quarterly one): the periods, one period with its
add-a-line form, live validation, copying the previous quarter, submitting (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”, docs/rules.md “The seeds' cycle and rules”).
The views of one line live in registration_lines.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import rules
from fieldwork import cycles
from fieldwork.forms.registration import SupplementLineForm, TripLineForm
from fieldwork.models import Plan, Registration, Trip
from fieldwork.quarters import quarter_name
from fieldwork.selectors.inbox import pending_requests
from fieldwork.services import department_plans
from fieldwork.services import registrations as service
from fieldwork.services.registration_checks import quarter_url
from fieldwork.services.transitions import StaleVersion
from fieldwork.services.trips import validate_trip

from .common import (
    add_errors,
    check_period,
    flash_errors,
    int_or,
    own_work_view,
    pick_plan,
    plan_years,
)

EDITABLE = (Registration.Status.DRAFT, Registration.Status.RETURNED, Registration.Status.APPROVED)


@login_required
@require_GET
def registrations(request):
    """The cadre's registration periods of the chosen plan year (the year, or its quarters), each
    with its status and deadline."""
    plan = pick_plan(request)
    regs = {
        r.quarter: r
        for r in Registration.objects.filter(plan=plan, person=request.user).annotate(
            n_lines=Count("trips", filter=~Q(trips__status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])),
            # docs/rules.md “A year in the life”: the row's days are those of counting categories (what the banner counts);
            # the others (e.g. invited attendance) are shown apart, labelled.
            n_days=Sum(
                "trips__days",
                filter=~Q(trips__status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])
                & Q(trips__category__counts=True),
            ),
            n_uncounted=Sum(
                "trips__days",
                filter=~Q(trips__status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])
                & Q(trips__category__counts=False),
            ),
        )
    }
    today = timezone.localdate()
    rows = []
    for q in cycles.registration_periods(plan):
        start, end = cycles.period_bounds(plan, q)
        reg = regs.get(q)
        deadline = cycles.registration_deadline(plan, q)
        rows.append(
            {
                "quarter": q,
                "name": cycles.period_title(q),
                "start": start,
                "end": end,
                "registration": reg,
                "deadline": deadline,
                "late": department_plans.is_late(plan, reg, deadline, today),
                "deadline_words": cycles.deadline_words(plan, deadline),
            }
        )
    return render(
        request,
        "fieldwork/registration/registrations.html",
        {
            "plan": plan,
            "rows": rows,
            "annual": cycles.is_annual(plan),
            "years": plan_years(request),
            "preview": service.preview(plan=plan, person=request.user),
        },
    )


def _other_year_link(plan, form) -> dict | None:
    """A line typed with a start in another year (December planning January): the link to that
    year's registration when its plan is issued (the error itself says what to do otherwise)."""
    if not form.is_bound or "start" not in form.errors:
        return None
    try:
        start = form.fields["start"].to_python(form.data.get(form.add_prefix("start")))
    except ValidationError:
        return None
    if start is None or start.year == plan.year:
        return None
    other = Plan.objects.filter(organization_id=plan.organization_id, year=start.year).first()
    if other is None:
        return None
    return {"year": other.year, "url": reverse("fieldwork:registrations") + f"?year={other.year}"}


def _detail_context(request, plan, quarter, registration, form):
    lines = list(registration.trips.select_related("category").order_by("start", "pk")) if registration else []
    pending = pending_requests(lines)
    for line in lines:
        line.pending_change = pending.get(line.pk)
    start, end = cycles.period_bounds(plan, quarter)
    periods = cycles.registration_periods(plan)
    editable = rules.can_act_on_own_fieldwork(request.user) and (
        registration is None or registration.status in EDITABLE
    )
    return {
        "plan": plan,
        "quarter": quarter,
        "quarter_name": cycles.period_name(quarter),
        "period_label": cycles.period_label(plan.year, quarter),
        "annual": quarter == cycles.WHOLE_YEAR,
        "quarter_start": start,
        "quarter_end": end,
        "registration": registration,
        "lines": lines,
        "draft_lines": [t for t in lines if t.status == Trip.Status.DRAFT],
        "can_edit": editable,
        "form": form,
        "can_submit": editable
        and registration is not None
        and registration.status != Registration.Status.APPROVED
        and any(t.status == Trip.Status.DRAFT for t in lines),
        "preview": service.preview(plan=plan, person=request.user),
        "history": list(service.registration_history(registration)) if registration else [],
        "deadline": cycles.registration_deadline(plan, quarter),
        "deadline_words": cycles.deadline_words(plan, cycles.registration_deadline(plan, quarter)),
        "approver_kind": rules.approver_kind(request.user),
        "years": plan_years(request),
        "action_url": quarter_url(plan, quarter),
        "previous_quarter": quarter_name(quarter - 1) if quarter > periods[0] > 0 else None,
        "validate_url": reverse("fieldwork:registration_validate", args=[quarter]),
        "other_year": _other_year_link(plan, form),
    }


@login_required
@own_work_view
def registration_detail(request, quarter):
    """One quarter of the cadre's registration: the lines, the add-a-line form (POST adds)."""
    plan = pick_plan(request)
    check_period(plan, quarter)
    registration = Registration.objects.filter(plan=plan, person=request.user, quarter=quarter).first()
    bound = registration or Registration(plan=plan, person=request.user, quarter=quarter)
    # A line added to an approved registration is a request for that line alone (docs/domain.md §5).
    supplement = bound.status == Registration.Status.APPROVED
    form_class = SupplementLineForm if supplement else TripLineForm
    form = form_class(request.POST or None, plan=plan, registration=bound)
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = service.registration_for(person=request.user, plan=plan, quarter=quarter)
                trip, warnings = service.add_line(
                    actor=request.user,
                    registration=registration,
                    data=form.trip_input(),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if not supplement:
                    messages.success(request, _("Đã thêm đợt đi cơ sở vào bản đăng ký (chưa gửi)."))
                elif rules.approver_kind(request.user) == "self":
                    messages.success(request, _("Đã bổ sung đợt đi cơ sở vào bản đăng ký (tự xác nhận)."))
                else:
                    messages.success(
                        request,
                        _(
                            "Đã gửi đề nghị bổ sung đợt đi cơ sở. Các đợt đã duyệt giữ nguyên; lãnh đạo chỉ cần "
                            "phê duyệt đợt mới này. Bạn sẽ nhận được thông báo khi có kết quả."
                        ),
                    )
                for w in warnings:
                    messages.warning(request, w)
                return redirect(quarter_url(plan, quarter))
        registration = Registration.objects.filter(plan=plan, person=request.user, quarter=quarter).first()
    return render(
        request, "fieldwork/registration/detail.html", _detail_context(request, plan, quarter, registration, form)
    )


def _labelled(form, errors_by_field) -> list[dict]:
    return [
        {"label": form.fields[name].label if name in form.fields else "", "message": e}
        for name, errs in errors_by_field.items()
        for e in errs
    ]


def _check_panel(request, form, *, plan, exclude_pk=None, with_preview=True):
    """Errors (only of what was typed), warnings and the standing preview of a line being typed."""
    errors, warnings, result = [], [], None
    valid = form.is_valid()
    typed = {}
    for name, errs in form.errors.items():
        raw = form.data.get(form.add_prefix(name), "") if name != "__all__" else "x"
        if name in ("location_detail",) and not (form.data.get("ward") or form.data.get("location_detail")):
            continue  # nothing typed yet
        if not str(raw).strip():
            continue  # not typed yet: no need to shout
        typed[name] = errs
    errors.extend(_labelled(form, typed))
    if valid:
        data = form.trip_input()
        try:
            warnings = validate_trip(plan, request.user, data, exclude_pk=exclude_pk)
        except ValidationError as exc:
            errors.extend(_labelled(form, exc.message_dict))
        else:
            result = with_preview and service.preview(plan=plan, person=request.user, typed=data, exclude_pk=exclude_pk)
    return render(
        request,
        "fieldwork/registration/_line_check.html",
        {
            "errors": errors,
            "warnings": warnings,
            "preview": result,
            "complete": valid,
        },
    )


@login_required
@own_work_view
@require_POST
def registration_validate(request, quarter):
    """htmx: check the line as the user types (hx-trigger="change delay:300ms")."""
    plan = pick_plan(request)
    check_period(plan, quarter)
    registration = Registration.objects.filter(plan=plan, person=request.user, quarter=quarter).first()
    line_pk = int_or(request.POST.get("line_pk"))
    line = None
    if line_pk is not None:
        line = get_object_or_404(Trip, pk=line_pk, person=request.user, registration__isnull=False)
    bound = registration or Registration(plan=plan, person=request.user, quarter=quarter)
    form = TripLineForm(request.POST, plan=plan, registration=bound)
    # An approved line being changed still counts as approved: no "with this plan" figure then.
    return _check_panel(
        request, form, plan=plan, exclude_pk=line_pk, with_preview=line is None or line.status == Trip.Status.DRAFT
    )


@login_required
@own_work_view
@require_POST
def registration_submit(request, quarter):
    plan = pick_plan(request)
    check_period(plan, quarter)
    registration = get_object_or_404(Registration, plan=plan, person=request.user, quarter=quarter)
    try:
        reg = service.submit(
            actor=request.user, registration=registration, version=int_or(request.POST.get("version"), -1)
        )
    except StaleVersion as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        if reg.self_certified:
            messages.success(request, _("Bản đăng ký đã được ghi nhận (tự xác nhận)."))
        else:
            messages.success(request, _("Đã gửi bản đăng ký để phê duyệt. Bạn sẽ nhận được thông báo khi có kết quả."))
    return redirect(quarter_url(plan, quarter))


@login_required
@own_work_view
@require_POST
def registration_copy_previous(request, quarter):
    """Start a quarter from the previous one: its lines three months later, as drafts."""
    plan = pick_plan(request)
    check_period(plan, quarter)
    try:
        registration = service.registration_for(person=request.user, plan=plan, quarter=quarter)
        added, skipped = service.copy_previous_quarter(actor=request.user, registration=registration)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        if added:
            messages.success(
                request,
                _(
                    "Đã sao chép %(n)s đợt từ quý %(p)s (dời 3 tháng) vào bản đăng ký, chưa gửi. "
                    "Hãy xem lại ngày, số ngày và địa điểm trước khi gửi."
                )
                % {"n": len(added), "p": quarter_name(quarter - 1)},
            )
        else:
            messages.warning(request, _("Không sao chép được đợt nào."))
        for m in skipped:
            messages.warning(request, m)
    return redirect(quarter_url(plan, quarter))

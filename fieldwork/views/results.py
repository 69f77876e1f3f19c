"""Reporting trips (docs/rules.md “Results and mẫu 3”) and the quarterly report mẫu 3."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import rules
from accounts.models import DataAccess, Department
from accounts.privacy import record_access
from accounts.signatures import sender_signer
from fieldwork import cycles, uploads
from fieldwork.forms.results import QuarterReportForm, ReturnForm, TripReportForm
from fieldwork.models import Trip, TripAttachment
from fieldwork.quarters import quarter_name
from fieldwork.selectors import quarter_reports as quarter_report_reads
from fieldwork.services import quarter_reports
from fieldwork.services import results as results_service
from fieldwork.services.history import history_of
from fieldwork.standing_terms import IMMERSION_MARK

from .common import add_errors, int_param, org_id, pick_plan, read_page

PAGE_SIZE = 25
MAU3_PAGE_SIZE = 100  # rows of mẫu 3 on one page (quarter_report)


def _trip(request, pk) -> Trip:
    """The trip, scoped to the user's organization first (another organization's is a 404)."""
    trip = get_object_or_404(
        Trip.objects.select_related("person__department", "category", "plan", "confirmed_by", "registration"),
        pk=pk,
        person__organization_id=org_id(request),
    )
    if not rules.can_view_trip(request.user, trip):
        raise PermissionDenied
    return trip


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@read_page
def my_trips(request):
    plan = pick_plan(request)
    qs = Trip.objects.filter(plan=plan, person=request.user).select_related("category").order_by("start", "pk")
    quarter = int_param(request, "quarter", choices=range(1, 5))
    if quarter:
        start, end = quarter_reports.quarter_bounds(plan.year, quarter)
        qs = qs.filter(start__gte=start, start__lte=end)
    status = request.GET.get("status", "")
    if status in Trip.Status.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "fieldwork/results/my_trips.html",
        {
            "plan": plan,
            "page": page,
            "quarter": quarter,
            "status": status,
            "statuses": Trip.Status.choices,
            "quarters": quarter_reports.plan_quarters(plan),
            "reportable": results_service.REPORTABLE,
            "today": timezone.localdate(),
        },
    )


@login_required
@read_page
def trip_detail(request, pk):
    trip = _trip(request, pk)
    user = request.user
    can_decide = (
        trip.status == Trip.Status.REPORTED and rules.can_confirm_trip(user, trip) and not rules.is_read_only(user)
    )
    attachments = list(trip.attachments.order_by("uploaded_at", "pk"))
    if attachments:  # who looked (docs/privacy.md): another person's attachments and their evidence
        record_access(viewer=user, person=trip.person, what=DataAccess.What.TRIP, object_id=trip.pk)
    return render(
        request,
        "fieldwork/results/trip_detail.html",
        {
            "trip": trip,
            "attachments": attachments,
            "show_evidence": rules.can_view_photo_evidence(user, trip),
            "history": list(history_of(trip, "trip")),
            "can_report": rules.can_edit_trip(user, trip) and trip.status in results_service.REPORTABLE,
            "can_edit_attachments": rules.can_edit_trip(user, trip) and trip.status != Trip.Status.CONFIRMED,
            "can_decide": can_decide,
            "return_form": ReturnForm() if can_decide else None,
            "changed": trip.planned_start is not None
            and (trip.planned_start != trip.start or trip.planned_end != trip.end or trip.planned_days != trip.days),
        },
    )


def _report_form_view(request, *, plan, trip=None):
    form = TripReportForm(request.POST or None, request.FILES or None, plan=plan, trip=trip)
    if request.method == "POST" and form.is_valid():
        try:
            saved, warnings = results_service.report_trip(
                actor=request.user,
                plan=plan,
                report=form.report_input(),
                trip=trip,
                files=form.cleaned_data.get("attachments"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if saved.status == Trip.Status.CONFIRMED:
                messages.success(request, _("Đã ghi nhận kết quả đợt đi (tự xác nhận)."))
            else:
                messages.success(request, _("Đã gửi báo cáo kết quả. Đợt đi được tính khi lãnh đạo xác nhận."))
            for w in warnings:
                messages.warning(request, w)
            return redirect("fieldwork:trip_detail", pk=saved.pk)
    return render(request, "fieldwork/results/trip_report.html", {"form": form, "trip": trip, "plan": plan})


@login_required
def trip_report(request, pk):
    trip = _trip(request, pk)
    if not rules.can_edit_trip(request.user, trip):
        raise PermissionDenied
    if trip.status not in results_service.REPORTABLE:
        messages.error(request, _("Đợt ở trạng thái “%(s)s” không thể báo cáo.") % {"s": trip.get_status_display()})
        return redirect("fieldwork:trip_detail", pk=trip.pk)
    return _report_form_view(request, plan=trip.plan, trip=trip)


@login_required
def trip_report_new(request):
    """Report a trip that was not planned (registration=None)."""
    return _report_form_view(request, plan=pick_plan(request))


@login_required
@require_POST
def trip_confirm(request, pk):
    trip = _trip(request, pk)
    try:
        results_service.confirm_trip(actor=request.user, trip=trip, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã xác nhận đợt đi của %(name)s.") % {"name": trip.person.full_name})
    return redirect(_next(request, reverse("fieldwork:trip_detail", args=[trip.pk])))


@login_required
def trip_return(request, pk):
    trip = _trip(request, pk)
    if rules.is_read_only(request.user) or not rules.can_confirm_trip(request.user, trip):
        raise PermissionDenied
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            results_service.return_trip(actor=request.user, trip=trip, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã trả lại báo cáo cho %(name)s.") % {"name": trip.person.full_name})
            return redirect(_next(request, reverse("fieldwork:trip_detail", args=[trip.pk])))
    return render(
        request, "fieldwork/results/trip_return.html", {"trip": trip, "form": form, "next": _next(request, "")}
    )


@login_required
@read_page
def trip_attachment(request, pk, attachment_pk):
    """Attachments are never served from the upload path: only here, after the permission check,
    always as a download with nosniff."""
    trip = _trip(request, pk)
    att = get_object_or_404(TripAttachment, pk=attachment_pk, trip=trip)
    handle = uploads.open_or_404(att.file)
    record_access(viewer=request.user, person=trip.person, what=DataAccess.What.ATTACHMENT, object_id=att.pk)
    return uploads.attachment_response(handle, filename=att.original_name, content_type=att.content_type)


@login_required
@require_POST
def trip_attachment_delete(request, pk, attachment_pk):
    trip = _trip(request, pk)
    att = get_object_or_404(TripAttachment, pk=attachment_pk, trip=trip)
    try:
        results_service.delete_attachment(actor=request.user, attachment=att)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã xóa tệp đính kèm."))
    return redirect("fieldwork:trip_detail", pk=trip.pk)


@login_required
@read_page
def trips_to_confirm(request):
    """Reported trips waiting for this user's confirmation (heads: their members; Standing
    Committee: heads; the Secretary: Standing Committee members)."""
    user = request.user
    if not rules.is_approver(user):
        raise PermissionDenied
    qs = (
        Trip.objects.filter(person__organization_id=org_id(request), status=Trip.Status.REPORTED)
        .exclude(person=user)
        .select_related("person__department", "category", "plan")
        .prefetch_related("person__roles")
        .order_by("reported_at", "pk")
    )
    # a deputy: docs/rules.md “Reminders, digests and delegation of approval”
    if not rules.is_standing(user) and not rules.has_delegation(user):
        qs = qs.filter(person__department_id=user.department_id)
    trips = [t for t in qs if rules.can_confirm_trip(user, t)]
    page = Paginator(trips, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "fieldwork/results/trips_to_confirm.html", {"page": page, "read_only": rules.is_read_only(user)}
    )


# Mẫu 3 -----------------------------------------------------------------------------------
@login_required
def quarter_report(request, department_pk, quarter):
    department = get_object_or_404(Department, pk=department_pk, organization_id=org_id(request))
    user = request.user
    if not rules.can_view_department(user, department):
        raise PermissionDenied
    plan = pick_plan(request)
    if quarter not in quarter_reports.plan_quarters(plan):
        raise Http404
    can_edit = rules.can_lead_department(user, department) and not rules.is_read_only(user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    data = quarter_report_reads.mau3(plan, department, quarter)
    form = QuarterReportForm(request.POST or None, initial={"summary": data.report.summary if data.report else ""})
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            report = quarter_reports.save_quarter_report(
                actor=user,
                plan=plan,
                department=department,
                quarter=quarter,
                summary=form.cleaned_data["summary"],
                submit=submit,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if submit and report.late:
                messages.warning(
                    request,
                    _("Đã gửi báo cáo quý %(q)s — sau hạn %(d)s.")
                    % {"q": quarter_name(quarter), "d": data.deadline.strftime("%d/%m/%Y")},
                )
            elif submit:
                messages.success(
                    request, _("Đã gửi báo cáo quý %(q)s cho Ban Tổ chức – Kiểm tra.") % {"q": quarter_name(quarter)}
                )
            else:
                messages.success(request, _("Đã lưu."))
            return redirect(reverse("fieldwork:quarter_report", args=[department.pk, quarter]) + f"?year={plan.year}")
    today = timezone.localdate()
    # A department of hundreds of cadres has thousands of rows in a quarter: the page shows them
    # MAU3_PAGE_SIZE at a time (numbered on from the page before); the total is the quarter's, and
    # the PDF and XLSX carry the whole form.
    page = Paginator(data.trips, MAU3_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "fieldwork/results/quarter_report.html",
        {
            "m": data,
            "page": page,
            "plan": plan,
            "department": department,
            "quarter": quarter,
            "quarter_label": quarter_name(quarter),
            # The signature the printed page shows: the one the PDF carries (accounts.signatures).
            "signer": sender_signer(department, data.report.submitted_by if data.report else None),
            "immersion_mark": IMMERSION_MARK,
            "form": form,
            "can_edit": can_edit,
            "overdue": not data.submitted and cycles.is_late(plan, data.deadline, today),
            "today": today,
            "quarters": quarter_reports.plan_quarters(plan),
            "history": list(history_of(data.report, "quarterreport")) if data.report else [],
        },
    )


@login_required
@read_page
def quarter_reports_overview(request):
    """Which departments sent their mẫu 3, per quarter: every department for the Board, Standing and
    Inspection Committees; a head's own department (the rule of the mẫu 3 page: can_view_department)."""
    user = request.user
    if not (rules.sees_whole_organization(user) or rules.is_head(user)):
        raise PermissionDenied
    plan = pick_plan(request)
    today = timezone.localdate()
    departments = Department.objects.filter(organization_id=plan.organization_id, is_active=True).order_by("name")
    if not rules.sees_whole_organization(user):
        departments = departments.filter(pk=user.department_id)
    rows = quarter_report_reads.overview(
        plan, today, departments=[d for d in departments if rules.can_view_department(user, d)]
    )
    return render(
        request,
        "fieldwork/results/quarter_reports_overview.html",
        {
            "plan": plan,
            "rows": rows,
            "quarters": quarter_reports.plan_quarters(plan),
            "deadlines": [cycles.quarter_deadline(plan, q) for q in quarter_reports.plan_quarters(plan)],
            "today": today,
            "own_department": None if rules.sees_whole_organization(user) else user.department,
            # The whole organization's mẫu 3 of each quarter (docs/domain.md §8), for the Board.
        },
    )

"""The lines of the cadre's registration (mẫu 1): editing and deleting a draft line, asking
to change or cancel an approved one, withdrawing that request (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”), and the
commune/ward options of the line form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import rules
from fieldwork import locations
from fieldwork.forms.registration import CancelRequestForm, ChangeRequestForm, TripLineForm
from fieldwork.models import ChangeRequest, Trip
from fieldwork.quarters import quarter_name
from fieldwork.services import change_requests as changes
from fieldwork.services import registrations as service
from fieldwork.services.registration_checks import own_registration_url
from fieldwork.services.transitions import StaleVersion

from .common import add_errors, flash_errors, org_id, own_work_view


def _own_line(request, pk) -> Trip:
    trip = get_object_or_404(
        Trip.objects.select_related("plan", "category", "registration__plan", "person"),
        pk=pk,
        person__organization_id=org_id(request),
        registration__isnull=False,
    )
    if not rules.can_edit_trip(request.user, trip):
        raise PermissionDenied
    return trip


@login_required
@own_work_view
def registration_line_edit(request, pk):
    trip = _own_line(request, pk)
    reg = trip.registration
    back = own_registration_url(reg)
    if trip.status != Trip.Status.DRAFT:
        messages.error(request, _("Đợt này đã được phê duyệt nên không sửa trực tiếp được. Hãy gửi đề nghị thay đổi."))
        if trip.status == Trip.Status.APPROVED:
            return redirect("fieldwork:trip_change_request", pk=trip.pk)
        return redirect(back)
    form = TripLineForm(request.POST or None, plan=trip.plan, trip=trip)
    if request.method == "POST" and form.is_valid():
        try:
            warnings = service.update_line(actor=request.user, trip=trip, data=form.trip_input())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi của đợt đi."))
            for w in warnings:
                messages.warning(request, w)
            return redirect(back)
    return render(
        request,
        "fieldwork/registration/line_edit.html",
        {
            "form": form,
            "trip": trip,
            "registration": reg,
            "plan": trip.plan,
            "back": back,
            "quarter_name": quarter_name(reg.quarter),
            "preview": service.preview(plan=trip.plan, person=request.user),
        },
    )


@login_required
@own_work_view
@require_POST
def registration_line_delete(request, pk):
    trip = _own_line(request, pk)
    try:
        service.delete_line(actor=request.user, trip=trip)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Đã xóa đợt đi khỏi bản đăng ký."))
    return redirect(own_registration_url(trip.registration))


def _request_page(request, trip, form, *, kind: str, send, done: dict):
    """The change / cancel request page of an approved line: `send()` asks the service and
    returns the request (and warnings); `done` the message for a self-certified or a sent one."""
    back = own_registration_url(trip.registration)
    if request.method == "POST" and form.is_valid():
        try:
            cr, warnings = send()
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done["self" if cr.status == ChangeRequest.Status.APPROVED else "sent"])
            for w in warnings:
                messages.warning(request, w)
            return redirect(back)
    return render(
        request,
        "fieldwork/registration/change_request.html",
        {
            "form": form,
            "trip": trip,
            "back": back,
            "kind": kind,
            "plan": trip.plan,
            "quarter_name": quarter_name(trip.registration.quarter),
        },
    )


@login_required
@own_work_view
def trip_change_request(request, pk):
    """An approved line is locked: changing it is a request to the same approver."""
    trip = _own_line(request, pk)
    form = ChangeRequestForm(request.POST or None, plan=trip.plan, registration=trip.registration, trip=trip)
    return _request_page(
        request,
        trip,
        form,
        kind="change",
        send=lambda: changes.request_change(
            actor=request.user, trip=trip, data=form.trip_input(), reason=form.cleaned_data["reason"]
        ),
        done={
            "self": _("Đã thay đổi đợt đi (tự xác nhận)."),
            "sent": _("Đã gửi đề nghị thay đổi. Đợt đi giữ nguyên cho đến khi được phê duyệt."),
        },
    )


@login_required
@own_work_view
def trip_cancel_request(request, pk):
    trip = _own_line(request, pk)
    form = CancelRequestForm(request.POST or None)
    return _request_page(
        request,
        trip,
        form,
        kind="cancel",
        send=lambda: (changes.request_cancel(actor=request.user, trip=trip, reason=form.cleaned_data["reason"]), []),
        done={
            "self": _("Đã hủy đợt đi (tự xác nhận)."),
            "sent": _("Đã gửi đề nghị hủy đợt. Đợt đi giữ nguyên cho đến khi được phê duyệt."),
        },
    )


@login_required
@own_work_view
@require_POST
def change_request_withdraw(request, pk):
    """The cadre takes back their own pending change or cancel request."""
    cr = get_object_or_404(
        ChangeRequest.objects.select_related("trip__person", "trip__registration__plan"),
        pk=pk,
        trip__person__organization_id=org_id(request),
    )
    if cr.trip.person_id != request.user.pk:
        raise PermissionDenied  # a colleague or the approver: not theirs to withdraw
    try:
        changes.withdraw_change(actor=request.user, change_request=cr)
    except StaleVersion as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        if cr.kind == ChangeRequest.Kind.ADD:
            messages.success(request, _("Đã rút đề nghị bổ sung; đợt này đã được xóa khỏi bản đăng ký."))
        else:
            messages.success(request, _("Đã rút đề nghị. Đợt đi giữ nguyên như đã phê duyệt."))
    if cr.trip.registration_id:
        return redirect(own_registration_url(cr.trip.registration))
    return redirect("fieldwork:registrations")


@login_required
@require_GET
def wards(request):
    """htmx: the <option>s of a province's communes and wards, filtered by the search box."""
    province = request.GET.get("province", "")
    query = request.GET.get("ward_search", "") or request.GET.get("q", "")
    items = locations.wards(province, query)
    return render(
        request,
        "fieldwork/registration/_ward_options.html",
        {
            "wards": items,
            "province": province,
            "query": query,
            "selected": request.GET.get("ward", ""),
        },
    )

"""The Board's upload of done trips (mẫu 3 layout, docs/domain.md §10 import_trips): preview, then
confirm. Same reader and writer as `manage.py import_trips`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import rules
from fieldwork.forms.plans import TripsUploadForm
from fieldwork.importers.trips import apply_trips, read_trips
from fieldwork.importers.workbook import ImportFailed
from fieldwork.models import Plan
from fieldwork.selectors import current_plan

from .imports_common import stored_upload, upload_preview


def _require(user):
    if not rules.can_import(user) or rules.is_read_only(user):
        raise PermissionDenied


@login_required
def trips_import(request):
    """Upload → preview (views/imports_common.py keeps the file until the Board confirms)."""
    _require(request.user)
    org = request.user.organization
    form = TripsUploadForm(
        request.POST or None, request.FILES or None, organization=org, default_plan=current_plan(org.pk)
    )
    if request.method == "POST" and form.is_valid():
        return upload_preview(
            request,
            form,
            kind="trips",
            read=lambda path, plan: read_trips(path, plan=plan, actor=request.user),
            template="fieldwork/plans/trips_import_preview.html",
        )
    return render(request, "fieldwork/plans/trips_import.html", {"form": form})


@login_required
@require_POST
def trips_import_confirm(request):
    _require(request.user)
    org = request.user.organization
    plan = get_object_or_404(Plan, pk=request.POST.get("plan") or 0, organization=org)
    path = stored_upload(org, "trips", request.POST.get("token", ""))
    try:
        # Read again: the database may have changed since the preview (and re-import dedup applies).
        result = read_trips(str(path), plan=plan, actor=request.user)
        apply_trips(result, actor=request.user)
    except ImportFailed as exc:
        result.errors = exc.errors
        return render(
            request, "fieldwork/plans/trips_import_preview.html", {"result": result, "token": "", "plan": plan}
        )
    finally:
        path.unlink(missing_ok=True)
    messages.success(request, _("Đã nhập kết quả đi cơ sở: %(summary)s") % {"summary": result.summary()})
    return redirect("fieldwork:standings")

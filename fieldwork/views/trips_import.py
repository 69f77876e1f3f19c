"""The Board's upload of done trips (mẫu 3 layout, DOMAIN.md §10 import_trips): preview, then
confirm. Same reader and writer as `manage.py import_trips`."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import rules
from fieldwork.forms.plans import TripsUploadForm
from fieldwork.importers.trips import apply_trips, read_trips
from fieldwork.importers.workbook import ImportFailed
from fieldwork.models import Plan
from fieldwork.selectors import current_plan

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
STALE_SECONDS = 24 * 3600


def _require(user):
    if not rules.can_import(user) or rules.is_read_only(user):
        raise PermissionDenied


def _folder(org) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / org.code


def _stored(org, token: str) -> Path:
    if not TOKEN_RE.match(token or ""):
        raise Http404
    path = _folder(org) / f"trips-{token}.xlsx"
    if not path.exists():
        raise Http404
    return path


@login_required
def trips_import(request):
    """Upload → preview. The file waits under MEDIA_ROOT/imports/<org>/ with a random name until
    the Board confirms (or for a day)."""
    _require(request.user)
    org = request.user.organization
    form = TripsUploadForm(
        request.POST or None, request.FILES or None, organization=org, default_plan=current_plan(org.pk)
    )
    if request.method == "POST" and form.is_valid():
        plan = form.cleaned_data["plan"]
        folder = _folder(org)
        folder.mkdir(parents=True, exist_ok=True)
        cutoff = time.time() - STALE_SECONDS
        for old in folder.glob("trips-*.xlsx"):
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        token = secrets.token_hex(16)
        path = folder / f"trips-{token}.xlsx"
        with path.open("wb") as out:
            for chunk in form.cleaned_data["file"].chunks():
                out.write(chunk)
        result = read_trips(str(path), plan=plan)
        if result.errors or not result.new:
            path.unlink(missing_ok=True)
            token = ""
        return render(
            request,
            "fieldwork/plans/trips_import_preview.html",
            {"result": result, "token": token, "plan": plan, "file_name": form.cleaned_data["file"].name},
        )
    return render(request, "fieldwork/plans/trips_import.html", {"form": form})


@login_required
@require_POST
def trips_import_confirm(request):
    _require(request.user)
    org = request.user.organization
    plan = get_object_or_404(Plan, pk=request.POST.get("plan") or 0, organization=org)
    path = _stored(org, request.POST.get("token", ""))
    try:
        # Read again: the database may have changed since the preview (and re-import dedup applies).
        result = read_trips(str(path), plan=plan)
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

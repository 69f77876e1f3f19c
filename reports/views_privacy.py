"""“Dữ liệu của tôi” (docs/privacy.md, docs/domain.md §10 `privacy export`): everything the organization
keeps about the signed-in person on one page, as JSON and XLSX downloads (reports.privacy.personal_data,
the same function as the command), the request to correct something and the photo evidence consent."""

from __future__ import annotations

import io
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts import rules
from fieldwork.services import privacy as privacy_service

from . import privacy
from .xlsx.personal_data import SECTIONS, build_workbook


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Thông tin cần điều chỉnh"),
        max_length=privacy_service.TEXT_MAX,
        error_messages={"required": gettext_lazy("Hãy ghi rõ thông tin nào cần điều chỉnh và điều chỉnh thế nào.")},
        help_text=gettext_lazy("Ghi rõ thông tin nào chưa đúng và cần sửa thế nào; Ban Tổ chức – Kiểm tra sẽ trả lời."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


def _require(user):
    if not rules.can_view_own_data(user):
        raise PermissionDenied


@login_required
def my_data(request, form=None, status=200):
    user = request.user
    _require(user)
    return render(
        request,
        "reports/my_data.html",
        {"data": privacy.personal_data(user), "form": form or CorrectionForm(), "sections": SECTIONS},
        status=status,
    )


@login_required
@require_GET
def my_data_download(request, fmt):
    user = request.user
    _require(user)
    data = privacy.personal_data(user)
    stem = f"du-lieu-cua-toi-{timezone.localdate():%Y%m%d}"
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2).encode()
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    elif fmt == "xlsx":
        out = io.BytesIO()
        build_workbook(data, out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    else:
        raise PermissionDenied
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def correction_request(request):
    user = request.user
    _require(user)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            privacy_service.request_correction(person=user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error("text", msg)
        else:
            messages.success(request, _("Đã gửi yêu cầu điều chỉnh tới Ban Tổ chức – Kiểm tra."))
            return redirect("reports:my_data")
    return my_data(request, form=form, status=400)

"""Personal data pages of the people area (docs/privacy.md): the Board's list of requests to correct
personal data (a task each, answered on the page) and the administrator's page to anonymize a person
who has left (deletion on request)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import rules
from accounts.models import CorrectionRequest
from accounts.selectors import members
from fieldwork.services import privacy as service

from .common import add_errors

PAGE_SIZE = 25


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Trả lời"),
        max_length=service.TEXT_MAX,
        error_messages={"required": gettext_lazy("Hãy ghi câu trả lời: đã điều chỉnh những gì, hoặc vì sao không.")},
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control form-control-sm"}),
    )


class AnonymizeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        max_length=service.TEXT_MAX,
        error_messages={"required": gettext_lazy("Hãy ghi lý do ẩn danh (ví dụ: theo đơn đề nghị ngày …).")},
        help_text=gettext_lazy("Ví dụ: theo đơn đề nghị xóa dữ liệu ngày 05/01/2027 của người đã nghỉ công tác."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


@login_required
def corrections(request, forms_by_pk=None, status=200):
    """The Board's tasks: requests to correct personal data, open ones first."""
    user = request.user
    if not rules.can_view_corrections(user):
        raise PermissionDenied
    state = request.GET.get("status", "open")
    state = state if state in (*CorrectionRequest.Status.values, "all") else "open"
    qs = CorrectionRequest.objects.filter(organization_id=user.organization_id).select_related(
        "person__department", "answered_by"
    )
    if state != "all":
        qs = qs.filter(status=state)
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    forms_by_pk = forms_by_pk or {}
    for c in page.object_list:
        c.form = forms_by_pk.get(c.pk) or (
            AnswerForm(prefix=f"c{c.pk}") if rules.can_answer_correction(user, c) else None
        )
    return render(
        request,
        "fieldwork/privacy/corrections.html",
        {
            "page": page,
            "state": state,
            "states": [("open", _("Chờ trả lời")), ("answered", _("Đã trả lời")), ("all", _("Tất cả"))],
            "open_count": CorrectionRequest.objects.filter(
                organization_id=user.organization_id, status=CorrectionRequest.Status.OPEN
            ).count(),
        },
        status=status,
    )


@login_required
@require_POST
def correction_answer(request, pk):
    correction = get_object_or_404(CorrectionRequest, pk=pk, organization_id=request.user.organization_id)
    if not rules.can_answer_correction(request.user, correction):
        raise PermissionDenied
    form = AnswerForm(request.POST, prefix=f"c{correction.pk}")
    if form.is_valid():
        try:
            service.answer_correction(actor=request.user, correction=correction, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu câu trả lời và báo cho người yêu cầu."))
            return redirect("fieldwork:corrections")
    return corrections(request, forms_by_pk={correction.pk: form}, status=400)


@login_required
def person_anonymize(request, pk):
    """GET: what anonymizing does, or why this person cannot be anonymized yet; POST: do it."""
    person = get_object_or_404(members(request.user.organization_id).select_related("department"), pk=pk)
    if not rules.can_anonymize_person(request.user, person):
        raise PermissionDenied
    why_not = service.why_not_anonymizable(person, timezone.localdate())
    form = AnonymizeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service.anonymize_on_request(actor=request.user, person=person, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Đã ẩn danh người này; số liệu đi cơ sở được giữ dưới tên ẩn danh."))
                return redirect("accounts:people")
        status = 400
    return render(
        request,
        "fieldwork/privacy/anonymize.html",
        {"person": person, "why_not": why_not, "form": form},
        status=status,
    )

"""Personal data pages of accounts (docs/privacy.md): the notice (read by anyone, confirmed by each
person at their first page and whenever its version changes), the answer to the optional photo
evidence question, and the Inspection Committee's log of who looked at whose data."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import privacy, rules
from .forms import DateInput
from .models import Consent, DataAccess

LOG_PAGE_SIZE = 50


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def notice(request):
    """GET: the notice, for anyone; POST: the signed-in person confirms the current version."""
    user = request.user
    must_confirm = user.is_authenticated and not privacy.has_confirmed_notice(user)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect("accounts:login")
        if must_confirm:
            ask = not privacy.asked_photo_evidence(user)
            privacy.confirm_notice(
                person=user, photo_evidence=(request.POST.get("photo_evidence") == "1") if ask else None
            )
            messages.success(request, _("Cảm ơn bạn đã xác nhận thông báo về xử lý dữ liệu cá nhân."))
        return redirect(_next(request))
    last = (
        Consent.objects.filter(person=user, kind=Consent.Kind.NOTICE).only("at").first()
        if user.is_authenticated
        else None
    )
    return render(
        request,
        "accounts/privacy/notice.html",
        {
            "must_confirm": must_confirm,
            "confirmed_before": bool(user.is_authenticated and user.notice_version),
            "ask_photo_evidence": must_confirm and not privacy.asked_photo_evidence(user),
            "confirmed_at": last.at if last else None,
            "next": _next(request),
            "notice_version": privacy.NOTICE_VERSION,
            "people_years": settings.PRIVACY_PEOPLE_RETENTION_YEARS,
            "file_years": settings.PRIVACY_ATTACHMENT_RETENTION_YEARS,
        },
    )


@login_required
@require_POST
def photo_evidence(request):
    """Agree to, or withdraw, keeping the time and place of one's photos (Dữ liệu của tôi)."""
    if not rules.can_view_own_data(request.user):
        raise PermissionDenied
    given = request.POST.get("given") == "1"
    privacy.set_photo_evidence(person=request.user, given=given)
    if given:
        messages.success(
            request, _("Đã ghi nhận: thời gian, vị trí chụp các ảnh bạn gửi từ nay được lưu làm minh chứng.")
        )
    else:
        messages.success(request, _("Đã rút lại đồng ý: thời gian, vị trí chụp đã lưu được xóa và không lưu nữa."))
    return redirect(_next(request))


class AccessLogFilter(forms.Form):
    viewer = forms.CharField(label=gettext_lazy("Người xem (tên, email)"), required=False, max_length=100)
    person = forms.CharField(label=gettext_lazy("Người được xem (tên, email)"), required=False, max_length=100)
    what = forms.ChoiceField(
        label=gettext_lazy("Dữ liệu"), required=False, choices=[("", gettext_lazy("Tất cả")), *DataAccess.What.choices]
    )
    start = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, widget=DateInput())
    end = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if name == "what" else "form-control form-control-sm"
            )


def _who(prefix: str, text: str) -> Q:
    return Q(**{f"{prefix}__full_name__icontains": text}) | Q(**{f"{prefix}__email__icontains": text})


@login_required
def access_log(request):
    """Who looked at whose personal data, the whole organization (the Inspection Committee)."""
    if not rules.can_read_access_log(request.user):
        raise PermissionDenied
    form = AccessLogFilter(request.GET or None)
    qs = DataAccess.objects.filter(organization_id=request.user.organization_id).select_related(
        "viewer__department", "person__department"
    )
    if form.is_valid():
        f = form.cleaned_data
        if f["viewer"]:
            qs = qs.filter(_who("viewer", f["viewer"].strip()))
        if f["person"]:
            qs = qs.filter(_who("person", f["person"].strip()))
        if f["what"]:
            qs = qs.filter(what=f["what"])
        if f["start"]:
            qs = qs.filter(at__date__gte=f["start"])
        if f["end"]:
            qs = qs.filter(at__date__lte=f["end"])
    page = Paginator(qs.order_by("-at", "-pk"), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/privacy/access_log.html", {"form": form, "page": page})

"""The Board's people pages that need the plan: create/edit a person (the group must be one
of the current plan's) and the cadre import with its preview (docs/domain.md §10 import_cadres).

They live in fieldwork because accounts must not import fieldwork (docs/style.md); the list of
people is accounts:people.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import rules
from accounts import services as people_services
from accounts.forms import PersonForm
from accounts.models import DataAccess
from accounts.privacy import record_access
from accounts.selectors import members
from fieldwork.forms.fields import WorkbookUploadForm
from fieldwork.importers.cadres import apply_cadres, read_cadres
from fieldwork.importers.workbook import ImportFailed
from fieldwork.models import Plan
from fieldwork.selectors import current_plan
from fieldwork.services.history import history_of

from .common import add_errors
from .imports_common import stored_upload, upload_preview


def group_choices(organization_id) -> tuple[list[tuple[str, str]], Plan | None]:
    """The current plan's groups as form choices (accounts' person form takes them as data)."""
    plan = current_plan(organization_id)
    if plan is None:
        return [], None
    return [(g.code, f"{g.code} – {g.name}") for g in plan.groups.all()], plan


def _require_manage(user):
    if not rules.can_manage_people(user):
        raise PermissionDenied


# Create / edit a person ---------------------------------------------------------------------------
@login_required
def person_create(request):
    _require_manage(request.user)
    org = request.user.organization
    choices, plan = group_choices(org.pk)
    form = PersonForm(request.POST or None, organization=org, group_choices=choices, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = people_services.create_person(
                actor=request.user, organization=org, data=form.person_data(), roles=set(form.cleaned_data["roles"])
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Đã thêm %(name)s. Hãy gửi thư mời để người này đặt mật khẩu.") % {"name": person}
            )
            return redirect("fieldwork:person_edit", pk=person.pk)
    return render(
        request, "accounts/person_form.html", {"form": form, "title": _("Thêm cán bộ"), "no_plan": plan is None}
    )


@login_required
def person_edit(request, pk):
    person = get_object_or_404(members(request.user.organization_id).select_related("department"), pk=pk)
    if not rules.can_edit_person(request.user, person):
        raise PermissionDenied
    org = request.user.organization
    choices, plan = group_choices(org.pk)
    form = PersonForm(request.POST or None, organization=org, group_choices=choices, actor=request.user, person=person)
    if request.method == "GET":  # who looked (docs/privacy.md)
        record_access(viewer=request.user, person=person, what=DataAccess.What.PROFILE, object_id=person.pk)
    if request.method == "POST" and form.is_valid():
        try:
            changes = people_services.update_person(
                actor=request.user,
                person=person,
                data=form.person_data(),
                roles=set(form.cleaned_data["roles"]),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if "email_pending" in changes:
                messages.info(
                    request,
                    _(
                        "Email mới %(email)s đang chờ %(name)s xác nhận: một thư đã được gửi đến địa chỉ hiện tại. "
                        "Email đăng nhập chỉ đổi khi người này xác nhận (hoặc khi quản trị viên đổi)."
                    )
                    % {"email": changes["email_pending"][1], "name": person},
                )
            if set(changes) - {"email_pending"}:
                messages.success(request, _("Đã lưu thay đổi của %(name)s.") % {"name": person})
            elif not changes:
                messages.info(request, _("Không có gì thay đổi."))
            return redirect("accounts:people")
    return render(
        request,
        "accounts/person_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Sửa thông tin: %(name)s") % {"name": person},
            "no_plan": plan is None,
            "can_anonymize": rules.can_anonymize_person(request.user, person) and person.anonymized_at is None,
            "history": history_of(person, "user"),
        },
    )


# Import ------------------------------------------------------------------------------------------
class UploadForm(WorkbookUploadForm):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        help_text=gettext_lazy(
            "Trang tính đầu tiên; dòng tiêu đề là dòng đầu tiên có ô “Họ và tên”. Cột bắt buộc: Họ và tên, Email, Ban, "
            "Chức vụ, Đối tượng. Cột không bắt buộc: Lý do miễn, Miễn từ ngày, Miễn đến ngày, Ngày bắt đầu, Ngày kết thúc, Vai trò."
        ),
    )
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Kế hoạch (đối tượng và lý do miễn theo kế hoạch này)"),
        queryset=Plan.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, default_plan=current_plan(organization.pk), **kwargs)


@login_required
def people_import(request):
    """Upload → preview (views/imports_common.py keeps the file until the Board confirms)."""
    if not rules.can_import(request.user):
        raise PermissionDenied
    org = request.user.organization
    form = UploadForm(request.POST or None, request.FILES or None, organization=org)
    if request.method == "POST" and form.is_valid():
        return upload_preview(
            request,
            form,
            kind="cadres",
            read=lambda path, plan: read_cadres(path, organization=org, plan=plan, actor=request.user),
            template="fieldwork/people/import_preview.html",
        )
    return render(request, "fieldwork/people/import.html", {"form": form})


@login_required
@require_POST
def people_import_confirm(request):
    if not rules.can_import(request.user):
        raise PermissionDenied
    org = request.user.organization
    path = stored_upload(org, "cadres", request.POST.get("token", ""))
    plan = get_object_or_404(Plan, pk=request.POST.get("plan") or 0, organization=org)
    # Read again: the database may have changed since the preview; apply what the file says now.
    result = read_cadres(str(path), organization=org, plan=plan, actor=request.user)
    try:
        apply_cadres(result, actor=request.user)
    except ImportFailed as exc:
        result.errors = exc.errors
        return render(request, "fieldwork/people/import_preview.html", {"result": result, "token": "", "plan": plan})
    finally:
        path.unlink(missing_ok=True)
    messages.success(request, _("Đã nhập danh sách cán bộ: %(summary)s") % {"summary": result.summary()})
    return redirect("accounts:people")

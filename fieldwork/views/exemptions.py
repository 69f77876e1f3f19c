"""Exemptions (docs/domain.md §5–§7): the list (individual decisions, filterable, and position exemptions
read-only), proposing (Board), deciding (Standing Committee), revoking, the document download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import rules
from accounts.models import DataAccess
from accounts.privacy import record_access
from fieldwork import uploads
from fieldwork.forms.exemptions import DecisionForm, ExemptionFilterForm, ExemptionProposeForm
from fieldwork.models import Exemption
from fieldwork.privacy import reason_label
from fieldwork.selectors.plans import position_holders
from fieldwork.services import exemptions as service
from fieldwork.services.history import history_of

from .common import add_errors, pick_plan

PAGE_SIZE = 25


def _can_list(user) -> bool:
    return rules.sees_whole_organization(user)


def _exemption(request, pk) -> Exemption:
    ex = get_object_or_404(
        Exemption.objects.select_related("person__department", "reason__plan", "proposed_by", "decided_by"),
        pk=pk,
        person__organization_id=request.user.organization_id,
    )
    if not rules.can_view_exemption(request.user, ex):
        raise PermissionDenied
    return ex


@login_required
def exemptions(request):
    if not _can_list(request.user):
        raise PermissionDenied
    plan = pick_plan(request)
    user = request.user
    # §6: whoever may not read sensitive reasons can neither see nor filter by them.
    form = ExemptionFilterForm(request.GET or None, plan=plan, sensitive=rules.sees_every_sensitive_reason(user))
    qs = (
        Exemption.objects.filter(reason__plan=plan, person__organization_id=request.user.organization_id)
        .select_related("person__department", "reason", "proposed_by", "decided_by")
        .order_by("-created_at", "-pk")
    )
    if form.is_valid():
        f = form.cleaned_data
        if f["status"]:
            qs = qs.filter(status=f["status"])
        if f["reason"]:
            qs = qs.filter(reason__code=f["reason"])
        if f["q"]:
            q = f["q"].strip()
            qs = qs.filter(Q(person__full_name__icontains=q) | Q(person__email__icontains=q))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for ex in page.object_list:
        ex.reason_text = reason_label(ex.reason, viewer=user, person=ex.person)
    return render(
        request,
        "fieldwork/exemptions/list.html",
        {
            "plan": plan,
            "form": form,
            "page": page,
            "positions": position_holders(plan),
            "can_propose": rules.can_propose_exemption(user) and not rules.is_read_only(user),
            "pending": Exemption.objects.filter(reason__plan=plan, status=Exemption.Status.PROPOSED).count()
            if rules.is_standing(user)
            else 0,
        },
    )


@login_required
def exemption_propose(request):
    user = request.user
    if not rules.can_propose_exemption(user) or rules.is_read_only(user):
        raise PermissionDenied
    plan = pick_plan(request)
    form = ExemptionProposeForm(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            ex = service.propose(actor=user, data=form.exemption_input())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã gửi đề nghị miễn cho %(name)s; Thường trực sẽ phê duyệt.") % {"name": ex.person.full_name},
            )
            return redirect("fieldwork:exemption_detail", pk=ex.pk)
    return render(request, "fieldwork/exemptions/propose.html", {"form": form, "plan": plan})


def _detail_context(user, ex) -> dict:
    """What the page shows of the reason, its note and document (docs/domain.md §6); viewing
    another person's exemption is recorded (who looked)."""
    if ex.person_id != user.pk:
        record_access(viewer=user, person=ex.person, what=DataAccess.What.EXEMPTION, object_id=ex.pk)
    return {
        "reason_text": reason_label(ex.reason, viewer=user, person=ex.person),
        "reveals": rules.can_view_exemption_document(user, ex),
    }


@login_required
def exemption_detail(request, pk):
    ex = _exemption(request, pk)
    user = request.user
    return render(
        request,
        "fieldwork/exemptions/detail.html",
        {
            **_detail_context(user, ex),
            "ex": ex,
            "history": history_of(ex),
            "form": DecisionForm(),
            "can_decide": ex.status == Exemption.Status.PROPOSED
            and rules.can_decide_exemption(user, ex)
            and ex.person_id != user.pk,
            "can_revoke": ex.status == Exemption.Status.APPROVED and rules.can_revoke_exemption(user, ex),
        },
    )


def _post_decision(request, pk, action):
    ex = _exemption(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if action == "approve":
            service.approve(actor=request.user, exemption=ex, comment=comment)
            messages.success(request, _("Đã phê duyệt miễn cho %(name)s.") % {"name": ex.person.full_name})
        elif action == "reject":
            service.reject(actor=request.user, exemption=ex, comment=comment)
            messages.success(
                request, _("Đã không phê duyệt đề nghị miễn cho %(name)s.") % {"name": ex.person.full_name}
            )
        else:
            service.revoke(actor=request.user, exemption=ex, comment=comment)
            messages.success(request, _("Đã thu hồi quyết định miễn của %(name)s.") % {"name": ex.person.full_name})
    except ValidationError as exc:
        add_errors(form, exc)
        return render(
            request,
            "fieldwork/exemptions/detail.html",
            {
                **_detail_context(request.user, ex),
                "ex": ex,
                "history": history_of(ex),
                "form": form,
                "action": action,
                "can_decide": action != "revoke",
                "can_revoke": action == "revoke",
            },
        )
    return redirect("fieldwork:exemption_detail", pk=ex.pk)


@login_required
@require_POST
def exemption_approve(request, pk):
    return _post_decision(request, pk, "approve")


@login_required
@require_POST
def exemption_reject(request, pk):
    return _post_decision(request, pk, "reject")


@login_required
@require_POST
def exemption_revoke(request, pk):
    return _post_decision(request, pk, "revoke")


@login_required
def exemption_document(request, pk):
    """Never served from the upload path: only here, after the permission check, as a download."""
    ex = _exemption(request, pk)
    if not rules.can_view_exemption_document(request.user, ex):
        raise PermissionDenied
    handle = uploads.open_or_404(ex.document)
    if ex.person_id != request.user.pk:
        record_access(viewer=request.user, person=ex.person, what=DataAccess.What.EXEMPTION_DOCUMENT, object_id=ex.pk)
    ext = "." + ex.document.name.rsplit(".", 1)[-1].lower() if "." in ex.document.name else ""
    return uploads.attachment_response(
        handle, filename=f"mien-{ex.pk}{ext}", content_type=uploads.content_type_of(ex.document.name)
    )

"""Creating the year's plan from the parent organization's plan (docs/rules.md “Organizations in a tree and the roll-up”): the Board of an
attached Union picks a year the parent has planned; the copy opens in the plan editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import rules
from fieldwork.services.plan_from_parent import create_plan_from_parent, parent_plan_years


@login_required
def plan_from_parent(request):
    user = request.user
    if not rules.can_manage_plan(user) or rules.is_read_only(user):
        raise PermissionDenied
    org = user.organization
    if org is None:
        raise PermissionDenied
    years = parent_plan_years(org)
    error = ""
    typed = request.POST.get("year", "")
    if request.method == "POST":
        try:
            year = int(typed)
        except ValueError:
            error = _("Hãy chọn năm của kế hoạch.")
        else:
            try:
                plan = create_plan_from_parent(actor=user, organization=org, year=year)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Đã tạo kế hoạch năm %(y)s căn cứ kế hoạch của %(p)s. Hãy kiểm tra và sửa các thông số.")
                    % {"y": year, "p": org.parent.name},
                )
                return redirect("fieldwork:plan_edit", pk=plan.pk)
    return render(
        request,
        "fieldwork/plans/from_parent.html",
        {"parent": org.parent, "years": years, "error": error, "typed": typed},
        status=400 if error else 200,
    )

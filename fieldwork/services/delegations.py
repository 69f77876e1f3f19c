"""Delegation of approval (docs/rules.md “Reminders, digests and delegation of approval”): a head or a Standing Committee member names a deputy of
the same organization for a date range. Rules: accounts/rules.py (can_delegate, acting_for)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.delegations import refresh_deputy_hint
from accounts.models import Delegation, User
from accounts.text import END_BEFORE_START
from accounts.vietnamese import format_date
from fieldwork.services.history import notify, record

MAX_DAYS = 366


def create_delegation(
    *, actor: User, deputy: User, start: date, end: date, note: str = "", today: date | None = None
) -> Delegation:
    today = today or timezone.localdate()
    if not rules.can_delegate(actor):
        raise PermissionDenied
    errors = {}
    if deputy is None or deputy.organization_id != actor.organization_id or not deputy.is_active:
        errors["deputy"] = [_("Người được ủy quyền phải là cán bộ đang hoạt động của cùng cơ quan.")]
    elif deputy.pk == actor.pk:
        errors["deputy"] = [_("Không thể tự ủy quyền cho chính mình.")]
    elif not rules.can_be_deputy(deputy, actor):
        errors["deputy"] = [
            _(
                "%(n)s không phải là người có thể phê duyệt thay bạn. Hãy chọn lãnh đạo của ban "
                "(Trưởng, Phó ban) hoặc một đồng chí Thường trực."
            )
            % {"n": deputy.full_name}
        ]
    if start and end and end < start:
        errors["end"] = [str(END_BEFORE_START)]
    elif end and end < today:
        errors["end"] = [_("Khoảng thời gian ủy quyền đã qua.")]
    elif start and end and (end - start).days + 1 > MAX_DAYS:
        errors["end"] = [_("Mỗi lần ủy quyền tối đa %(n)s ngày.") % {"n": MAX_DAYS}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One deputy at a time: a delegator's ranges never overlap (docs/rules.md “Reminders, digests and delegation of approval”).
        clash = (
            Delegation.objects.select_for_update()
            .filter(delegator=actor, ended_at__isnull=True, start__lte=end, end__gte=start)
            .first()
        )
        if clash:
            raise ValidationError(
                {
                    "start": [
                        _("Đã có ủy quyền cho %(n)s từ %(s)s đến %(e)s trùng khoảng thời gian này.")
                        % {"n": clash.deputy.full_name, "s": format_date(clash.start), "e": format_date(clash.end)}
                    ]
                }
            )
        delegation = Delegation.objects.create(
            organization_id=actor.organization_id,
            delegator=actor,
            deputy=deputy,
            start=start,
            end=end,
            note=(note or "").strip(),
            created_by=actor,
        )
        record(
            delegation,
            actor=actor,
            action="created",
            comment=f"{deputy.full_name}: {format_date(start)} – {format_date(end)}",
            object_type="delegation",
            organization_id=actor.organization_id,
        )
        notify(
            [deputy],
            _("%(a)s ủy quyền phê duyệt cho bạn từ %(s)s đến %(e)s.")
            % {"a": actor.full_name, "s": format_date(start), "e": format_date(end)},
            reverse("fieldwork:approvals"),
        )
        refresh_deputy_hint(deputy)
    return delegation


def end_delegation(*, actor: User, delegation: Delegation, now=None) -> Delegation:
    """End a delegation early (its delegator, or the Board); it ends by itself with its range."""
    now = now or timezone.now()
    if not rules.can_end_delegation(actor, delegation):
        raise PermissionDenied
    with transaction.atomic():
        d = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if d.ended_at is not None or d.end < timezone.localdate(now):
            raise ValidationError(_("Ủy quyền này đã kết thúc."))
        d.ended_at = now
        d.save(update_fields=["ended_at"])
        record(d, actor=actor, action="revoked", object_type="delegation", organization_id=d.organization_id)
        notify([d.deputy], _("Ủy quyền phê duyệt của %(a)s cho bạn đã kết thúc.") % {"a": d.delegator.full_name})
        refresh_deputy_hint(d.deputy)
    delegation.deputy.deputy_until = d.deputy.deputy_until
    return d


def default_range(today: date) -> tuple[date, date]:
    return today, today + timedelta(days=6)

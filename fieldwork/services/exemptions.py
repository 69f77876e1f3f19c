"""Individual exemptions (docs/domain.md §6): the Board proposes, the Standing Committee approves
or rejects (never their own), the Board or the Standing Committee revokes.

Position exemptions are not records: everyone holding the position is exempt while holding it
(selectors.position_reasons); they are listed read-only.
"""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import Role, User
from accounts.selectors import people_with_role
from accounts.text import END_BEFORE_START
from accounts.vietnamese import format_date, format_days
from core.storage import saving_files
from fieldwork import uploads
from fieldwork.models import Exemption, ExemptionReason
from fieldwork.services.history import notify, record


def months_later(d: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31/08 + 6 → 29/02 or 28/02)."""
    m0 = d.month - 1 + months
    year, month = d.year + m0 // 12, m0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def min_length_error(reason: ExemptionReason, start: date, end: date) -> str | None:
    """docs/domain.md §6: a reason may carry a minimum length (Tây Ninh study: "06 tháng trở
    lên"). The range, both days included, must last at least `min_months` months: from 01/03 it
    must reach 31/08 for 6 months. None when the range is long enough or the reason has no minimum."""
    months = reason.min_months
    if not months or end < start:
        return None
    needed = months_later(start, months) - timedelta(days=1)
    if end >= needed:
        return None
    return _(
        "Lý do “%(r)s” chỉ áp dụng khi thời gian miễn từ %(n)s tháng trở lên: từ %(s)s phải kéo dài ít nhất "
        "đến ngày %(e)s (hiện đến %(end)s)."
    ) % {"r": reason.name, "n": months, "s": format_date(start), "e": format_date(needed), "end": format_date(end)}


def check_document(upload) -> str:
    """The extension to store an acceptable document under; a Vietnamese ValidationError otherwise."""
    _content_type, ext = uploads.check_upload(
        upload,
        signatures=uploads.DOCUMENT_SIGNATURES,
        too_large_message=_("Văn bản lớn hơn giới hạn %(mb)s MB: hãy quét lại với độ phân giải thấp hơn.")
        % {"mb": format_days(settings.MAX_ATTACHMENT_BYTES // (1024 * 1024))},
        wrong_type_message=_("Văn bản kèm theo phải là tệp PDF, ảnh JPEG hoặc PNG."),
    )
    return ext


@dataclass
class ExemptionInput:
    person: User
    reason: ExemptionReason
    start: date
    end: date
    note: str = ""
    document: object | None = None  # an UploadedFile


def _standing_members(organization_id, exclude=()):
    return list(people_with_role(organization_id, Role.STANDING, exclude=exclude))


def _url(exemption: Exemption) -> str:
    return reverse("fieldwork:exemption_detail", args=[exemption.pk])


def _describe(ex: Exemption) -> str:
    return _("%(reason)s, từ %(s)s đến %(e)s") % {
        "reason": ex.reason.name,
        "s": format_date(ex.start),
        "e": format_date(ex.end),
    }


def _active_overlaps(person, start, end, exclude_pk=None):
    return Exemption.objects.filter(
        person=person, status__in=[Exemption.Status.PROPOSED, Exemption.Status.APPROVED], start__lte=end, end__gte=start
    ).exclude(pk=exclude_pk)


@transaction.atomic
def propose(*, actor, data: ExemptionInput) -> Exemption:
    if not rules.can_propose_exemption(actor) or rules.is_read_only(actor):
        raise PermissionDenied
    person, reason = data.person, data.reason
    if not rules.same_org(actor, person.organization_id) or reason.plan.organization_id != person.organization_id:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not reason.grantable:
        errors.setdefault("reason", []).append(
            _("Lý do theo chức danh không cần quyết định: người giữ chức danh được miễn.")
        )
    if data.end < data.start:
        errors.setdefault("end", []).append(str(END_BEFORE_START))
    else:
        short = min_length_error(reason, data.start, data.end)
        if short:
            errors.setdefault("end", []).append(short)
        other = _active_overlaps(person, data.start, data.end).select_related("reason").first()
        if other is not None:
            errors.setdefault("start", []).append(
                _("Trùng thời gian với quyết định miễn khác của người này (%(d)s).") % {"d": _describe(other)}
            )
    ext = None
    if data.document:
        try:
            ext = check_document(data.document)
        except ValidationError as exc:
            errors.setdefault("document", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    ex = Exemption(
        person=person,
        reason=reason,
        start=data.start,
        end=data.end,
        note=(data.note or "").strip(),
        status=Exemption.Status.PROPOSED,
        proposed_by=actor,
    )
    with saving_files() as saved:
        if ext:
            data.document.seek(0)
            # A random name: the uploaded name is kept nowhere and never reaches a path.
            ex.document.save(f"mien-{secrets.token_hex(8)}{ext}", ContentFile(data.document.read()), save=False)
            saved.add(ex.document)
        ex.save()
    record(ex, actor=actor, action="proposed", to_state=ex.status, comment=ex.note)
    notify_proposal(ex, actor=actor)
    return ex


def notify_proposal(ex: Exemption, *, actor) -> None:
    """The cadre and the Standing Committee (except the proposer) hear of a proposal."""
    person = ex.person
    text = _("Ban Tổ chức – Kiểm tra đề nghị miễn đi cơ sở cho %(name)s: %(d)s.") % {
        "name": person.full_name,
        "d": _describe(ex),
    }
    notify([person, *_standing_members(person.organization_id, exclude=[person, actor])], text, _url(ex))


def _decide(*, actor, exemption: Exemption, to: str, comment: str, action: str) -> Exemption:
    exemption = Exemption.objects.select_for_update().select_related("person", "reason").get(pk=exemption.pk)
    if not rules.can_decide_exemption(actor, exemption) or exemption.person_id == actor.pk:
        raise PermissionDenied  # docs/domain.md §2 spirit: nobody decides on their own exemption
    if exemption.proposed_by_id == actor.pk:
        raise PermissionDenied  # docs/security.md: whoever proposes an exemption never decides it
    if exemption.status != Exemption.Status.PROPOSED:
        raise ValidationError(_("Đề nghị này đã được quyết định (%(s)s).") % {"s": exemption.get_status_display()})
    if to == Exemption.Status.REJECTED and not (comment or "").strip():
        raise ValidationError({"comment": [_("Hãy ghi lý do không phê duyệt.")]})
    if to == Exemption.Status.APPROVED:
        # checked again at the decision: the reason's minimum may have been set after the proposal
        short = min_length_error(exemption.reason, exemption.start, exemption.end)
        if short:
            raise ValidationError(short)
    old = exemption.status
    exemption.status, exemption.decided_by, exemption.decided_at = to, actor, timezone.now()
    exemption.save(update_fields=["status", "decided_by", "decided_at"])
    record(exemption, actor=actor, action=action, from_state=old, to_state=to, comment=comment)
    return exemption


@transaction.atomic
def approve(*, actor, exemption: Exemption, comment: str = "") -> Exemption:
    ex = _decide(actor=actor, exemption=exemption, to=Exemption.Status.APPROVED, comment=comment, action="approved")
    text = _("Thường trực đã phê duyệt miễn đi cơ sở cho %(name)s: %(d)s.") % {
        "name": ex.person.full_name,
        "d": _describe(ex),
    }
    notify([ex.person, ex.proposed_by if ex.proposed_by_id != ex.person_id else None], text, _url(ex))
    return ex


@transaction.atomic
def reject(*, actor, exemption: Exemption, comment: str) -> Exemption:
    ex = _decide(actor=actor, exemption=exemption, to=Exemption.Status.REJECTED, comment=comment, action="rejected")
    text = _("Thường trực không phê duyệt đề nghị miễn đi cơ sở cho %(name)s (%(d)s): %(c)s") % {
        "name": ex.person.full_name,
        "d": _describe(ex),
        "c": comment,
    }
    notify([ex.person, ex.proposed_by if ex.proposed_by_id != ex.person_id else None], text, _url(ex))
    return ex


@transaction.atomic
def revoke(*, actor, exemption: Exemption, comment: str) -> Exemption:
    """An approved exemption withdrawn (the cadre is back at work): the requirement comes back."""
    exemption = Exemption.objects.select_for_update().select_related("person", "reason").get(pk=exemption.pk)
    if not rules.can_revoke_exemption(actor, exemption):
        raise PermissionDenied
    if exemption.status != Exemption.Status.APPROVED:
        raise ValidationError(_("Chỉ thu hồi được quyết định miễn đã phê duyệt."))
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("Hãy ghi lý do thu hồi.")]})
    old = exemption.status
    exemption.status = Exemption.Status.REVOKED
    exemption.save(update_fields=["status"])
    record(exemption, actor=actor, action="revoked", from_state=old, to_state=exemption.status, comment=comment)
    text = _("Quyết định miễn đi cơ sở của %(name)s (%(d)s) đã được thu hồi: %(c)s") % {
        "name": exemption.person.full_name,
        "d": _describe(exemption),
        "c": comment,
    }
    notify([exemption.person], text, _url(exemption))
    return exemption

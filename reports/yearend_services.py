"""Writes of the year-end pages (docs/rules.md “Year-end report and sheet”): the Board's text of the year-end report and the
approvers' remarks on cadres. Keyword-only arguments, the acting user, one transaction, history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import User
from accounts.vietnamese import nfc
from fieldwork.models import Plan
from fieldwork.services.history import record

from .models import CadreRemark, YearEndText

MAX_TEXT = 20_000
MAX_REMARK = 2_000


def _clean(text: str, limit: int, what: str) -> str:
    text = nfc(text or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ValidationError(
            _("%(what)s dài quá %(n)s ký tự (hiện có %(len)s).") % {"what": what, "n": limit, "len": len(text)}
        )
    return text


def save_year_end_text(*, user: User, plan: Plan, limitations: str, proposals: str, strengths: str = "") -> YearEndText:
    if not rules.same_org(user, plan.organization_id) or not rules.can_edit_year_end_text(user):
        raise PermissionDenied(_("Chỉ Ban Tổ chức – Kiểm tra được soạn nội dung này."))
    strengths = _clean(strengths, MAX_TEXT, _("Phần mặt được"))
    limitations = _clean(limitations, MAX_TEXT, _("Phần hạn chế"))
    proposals = _clean(proposals, MAX_TEXT, _("Phần đề xuất, kiến nghị"))
    with transaction.atomic():
        text, _created = YearEndText.objects.select_for_update().get_or_create(plan=plan)
        text.strengths, text.limitations, text.proposals = strengths, limitations, proposals
        text.updated_by = user
        text.save()
        record(
            text, actor=user, action="year_end_text", object_type="year_end_text", organization_id=plan.organization_id
        )
    return text


def save_remark(*, user: User, plan: Plan, person: User, text: str) -> CadreRemark:
    if not rules.same_org(user, plan.organization_id) or person.organization_id != plan.organization_id:
        raise PermissionDenied
    if not rules.can_write_remark(user, person):
        raise PermissionDenied(_("Chỉ lãnh đạo trực tiếp phê duyệt của cán bộ được ghi nhận xét."))
    text = _clean(text, MAX_REMARK, _("Nhận xét"))
    with transaction.atomic():
        remark, _created = CadreRemark.objects.select_for_update().get_or_create(plan=plan, person=person)
        writer = remark.written_by if remark.written_by_id else None
        if not rules.can_change_remark(user, person, writer):
            raise PermissionDenied(
                _("Nhận xét này do %(name)s ghi: chỉ người đó (hoặc người được ủy quyền thay) sửa được.")
                % {"name": writer.full_name}
            )
        remark.text, remark.written_by = text, user
        remark.save()
        record(remark, actor=user, action="remark", object_type="cadre_remark")
    return remark

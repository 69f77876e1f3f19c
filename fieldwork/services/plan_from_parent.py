"""A child organization's plan created from its parent's plan of the year (docs/rules.md “Organizations in a tree and the roll-up”, docs/domain.md
§10 `parent`): "căn cứ kế hoạch này, xây dựng kế hoạch …" — the attached Union starts from the
level above's rules and then edits its own copy (plan_edit). Nothing else of the parent is read:
no people, trips or reports, only the rule set (groups, categories, exemption reasons, deadlines).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import Organization
from fieldwork.models import Plan
from fieldwork.services.history import record
from fieldwork.services.plans import load_plan, organization_dict, plan_to_dict
from fieldwork.stored.changes import batched

# Plan fields that plan_to_dict may not carry (the shared contract of fd3485b): copied as they are.
# The document number and date are the parent's own document, never the child's: left blank.
EXTRA_FIELDS = ("registration_cycle", "registration_quarter_day", "immersion_categories")


def parent_plan_of(organization: Organization, year: int) -> Plan | None:
    if not organization.parent_id:
        return None
    return Plan.objects.filter(organization_id=organization.parent_id, year=year).first()


def parent_plan_years(organization: Organization) -> list[int]:
    """Years for which the parent has a plan and the organization has none yet."""
    if not organization.parent_id:
        return []
    own = set(Plan.objects.filter(organization=organization).values_list("year", flat=True))
    years = Plan.objects.filter(organization_id=organization.parent_id).values_list("year", flat=True)
    return sorted({y for y in years if y not in own}, reverse=True)


@transaction.atomic
@batched  # docs/rules.md “Stored standings”: the plan's stored standings refreshed once (a background job when large)
def create_plan_from_parent(*, actor, organization: Organization, year: int) -> Plan:
    if not (rules.can_manage_plan(actor) and rules.same_org(actor, organization.pk)) or rules.is_read_only(actor):
        raise PermissionDenied
    if not organization.parent_id:
        raise ValidationError(_("Tổ chức chưa thuộc tổ chức cấp trên nào."))
    if Plan.objects.filter(organization=organization, year=year).exists():
        raise ValidationError(_("Đã có kế hoạch năm %(year)s: hãy mở và sửa kế hoạch đó.") % {"year": year})
    source = parent_plan_of(organization, year)
    if source is None:
        raise ValidationError(
            _("%(parent)s chưa có kế hoạch năm %(year)s.") % {"parent": organization.parent.name, "year": year}
        )
    data = plan_to_dict(source)
    data["organization"] = organization_dict(organization)
    data["template_code"] = source.template_code
    plan, _created = load_plan(data)
    for name in EXTRA_FIELDS:
        setattr(plan, name, getattr(source, name))
    plan.document_number, plan.document_date = "", None
    plan.save(update_fields=[*EXTRA_FIELDS, "document_number", "document_date"])
    record(
        plan,
        actor=actor,
        action="created",
        to_state=str(year),
        comment=_("Căn cứ kế hoạch năm %(y)s của %(parent)s") % {"y": year, "parent": organization.parent.name},
        organization_id=organization.pk,
    )
    return plan

"""Who each rule of a plan affects (issue 4): per group, per position reason, per individual
reason; the exemptions page's paged "who is affected" list (issue 11 §2)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from accounts.models import User
from fieldwork.models import Exemption, ExemptionReason, Plan

from .standing import _norm, cadre_people, position_reasons


# Issue 4: who each rule of the plan affects --------------------------------------------------------
@dataclass
class PlanAffected:
    groups: list  # (Group, [User])
    position_reasons: list  # (ExemptionReason, [User])
    individual_reasons: list  # (ExemptionReason, [Exemption])
    without_group: list  # people subject to no group of the plan (unknown group code)


def plan_affected(plan: Plan) -> PlanAffected:
    """Per group the cadres in it, per position reason the cadres holding the position, per
    individual reason the approved exemptions overlapping the period. Five queries."""
    groups = list(plan.groups.all())
    reasons = list(plan.exemption_reasons.all())
    people = list(cadre_people(plan))
    by_group = defaultdict(list)
    for p in people:
        by_group[p.group_code].append(p)
    known = {g.code for g in groups}
    holders = defaultdict(list)
    pos = position_reasons(plan)
    active = (
        User.objects.filter(organization_id=plan.organization_id, is_active=True)
        .exclude(position="")
        .select_related("department")
        .order_by("sort_key", "email")
    )
    for p in active:
        code = pos.get(_norm(p.position))
        if code:
            holders[code].append(p)
    exemptions = defaultdict(list)
    for ex in (
        Exemption.objects.filter(
            reason__plan=plan, status=Exemption.Status.APPROVED, start__lte=plan.period_end, end__gte=plan.period_start
        )
        .select_related("person__department")
        .order_by("person__sort_key", "start")
    ):
        exemptions[ex.reason_id].append(ex)
    return PlanAffected(
        groups=[(g, by_group.get(g.code, [])) for g in groups],
        position_reasons=[(r, holders.get(r.code, [])) for r in reasons if r.scope == ExemptionReason.Scope.POSITION],
        individual_reasons=[
            (r, exemptions.get(r.pk, [])) for r in reasons if r.scope == ExemptionReason.Scope.INDIVIDUAL
        ],
        without_group=[p for p in people if p.group_code not in known],
    )


@dataclass
class PositionHolders:
    reason: ExemptionReason
    holders: list  # the first `limit`, in Vietnamese name order
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.holders)


def position_holders(plan: Plan, limit: int = 20) -> list[PositionHolders]:
    """Per position reason of the plan, who holds the position (active people of the
    organization): the first `limit` and how many in all (issue 11 §2: the exemptions page pages
    its "who is affected" list; the plan's "affected" page lists everyone). The positions are
    matched as `plan_affected` matches them, over the DISTINCT position texts (a few hundred at
    most), so the cost does not grow with the number of people: 2 queries per reason + 2."""
    reasons = [r for r in plan.exemption_reasons.all() if r.scope == ExemptionReason.Scope.POSITION]
    if not reasons:
        return []
    pos = position_reasons(plan)
    active = User.objects.filter(organization_id=plan.organization_id, is_active=True).exclude(position="")
    texts = defaultdict(list)  # reason code -> raw position texts
    for raw in active.values_list("position", flat=True).distinct():
        code = pos.get(_norm(raw))
        if code:
            texts[code].append(raw)
    out = []
    for r in reasons:
        raw = texts.get(r.code, [])
        if not raw:
            out.append(PositionHolders(reason=r, holders=[], total=0))
            continue
        qs = active.filter(position__in=raw)
        out.append(
            PositionHolders(
                reason=r,
                holders=list(qs.select_related("department").order_by("sort_key", "email")[:limit]),
                total=qs.count(),
            )
        )
    return out

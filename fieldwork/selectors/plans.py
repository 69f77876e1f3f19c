"""Who each rule of a plan affects (docs/domain.md §5–§7): per group, per position reason, per individual
reason; the exemptions page's paged "who is affected" list (docs/rules.md “Stored standings”)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from accounts.models import User
from fieldwork.models import Exemption, ExemptionReason, Plan

from .standing import _norm, cadre_people, position_reasons


# docs/domain.md §5–§7: who each rule of the plan affects --------------------------------------------------------
class Listed(list):
    """The first `limit` people (or exemptions) of a list, in Vietnamese name order, and how many
    there are in all: the plan's "affected" page shows a bounded number per rule (docs/rules.md “Stored standings”)."""

    def __init__(self, items, total: int):
        super().__init__(items)
        self.total = total

    @property
    def more(self) -> int:
        return self.total - len(self)


@dataclass
class PlanAffected:
    groups: list  # (Group, Listed[User])
    position_reasons: list  # (ExemptionReason, Listed[User])
    individual_reasons: list  # (ExemptionReason, Listed[Exemption])
    without_group: Listed  # people subject to no group of the plan (unknown group code)
    limit: int | None = None


def _first_per(qs, key: str, order: list[str], limit: int | None) -> dict:
    """key value -> Listed: the first `limit` rows of each `key` partition of `qs` and the
    partition's size: a count per partition, then one LIMIT query per partition (groups and
    reasons of a plan: a handful, whatever the number of people; each an index range scan)."""
    totals = dict(qs.order_by().values_list(key).annotate(n=Count("pk")))
    out = {}
    for k, n in totals.items():
        part = qs.filter(**{key: k}).order_by(*order)
        out[k] = Listed(list(part if limit is None else part[:limit]), n)
    return out


def plan_affected(plan: Plan, limit: int | None = None) -> PlanAffected:
    """Per group the cadres in it, per position reason the cadres holding the position, per
    individual reason the approved exemptions overlapping the period; with `limit`, the first
    `limit` of each and how many in all (the page), else everyone (tests, comparisons). A number
    of queries that does not depend on the number of people."""
    groups = list(plan.groups.all())
    reasons = list(plan.exemption_reasons.all())
    known = [g.code for g in groups]
    people = cadre_people(plan)
    by_group = _first_per(people.filter(group_code__in=known), "group_code", ["sort_key", "email"], limit)
    outside = people.exclude(group_code__in=known)
    shown = list(outside if limit is None else outside[:limit])
    without = Listed(shown, len(shown) if limit is None or len(shown) < limit else outside.count())
    exemptions = _first_per(
        Exemption.objects.filter(
            reason__plan=plan, status=Exemption.Status.APPROVED, start__lte=plan.period_end, end__gte=plan.period_start
        ).select_related("person__department"),
        "reason_id",
        ["person__sort_key", "start", "pk"],
        limit,
    )
    holders = {h.reason.pk: Listed(h.holders, h.total) for h in position_holders(plan, limit)}
    return PlanAffected(
        groups=[(g, by_group.get(g.code, Listed([], 0))) for g in groups],
        position_reasons=[(r, holders.get(r.pk, Listed([], 0))) for r in reasons if r.by_position],
        individual_reasons=[(r, exemptions.get(r.pk, Listed([], 0))) for r in reasons if r.grantable],
        without_group=without,
        limit=limit,
    )


@dataclass
class PositionHolders:
    reason: ExemptionReason
    holders: list  # the first `limit`, in Vietnamese name order
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.holders)


def position_holders(plan: Plan, limit: int | None = 20) -> list[PositionHolders]:
    """Per position reason of the plan, who holds the position (active people of the
    organization): the first `limit` and how many in all (docs/rules.md “Stored standings”: the exemptions page pages
    its "who is affected" list; the plan's "affected" page lists everyone). The positions are
    matched as `plan_affected` matches them, over the DISTINCT position texts (a few hundred at
    most), so the cost does not grow with the number of people: 2 queries per reason + 2."""
    reasons = [r for r in plan.exemption_reasons.all() if r.by_position]
    if not reasons:
        return []
    pos = position_reasons(plan)
    active = User.objects.filter(organization_id=plan.organization_id, is_active=True).exclude(position="")
    texts = defaultdict(list)  # reason code -> raw position texts
    # order_by(): without it the model's default order joins the DISTINCT (one row per person).
    for raw in active.values_list("position", flat=True).order_by().distinct():
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


# A year in the life: next year's plan, opened by the Board before the year starts -------------------
# From the first day of the year's last quarter the Board is reminded that next year's plan is not
# open yet (cadres plan January in December; docs/rules.md "A year in the life").
OPEN_NEXT_YEAR_FROM = (10, 1)


@dataclass
class NextYear:
    year: int
    plan: Plan | None  # next year's plan, once the Board has opened it
    source: Plan | None  # the plan it is copied from: this year's (else the latest)

    @property
    def can_open(self) -> bool:
        return self.plan is None and self.source is not None


def next_year(organization_id, today) -> NextYear:
    """Next year's plan of the organization (relative to `today`) and the plan it would be copied
    from (two small queries at most)."""
    plans = list(Plan.objects.filter(organization_id=organization_id, year__lte=today.year + 1).order_by("-year")[:2])
    plan = next((p for p in plans if p.year == today.year + 1), None)
    source = next((p for p in plans if p.year <= today.year), None)
    return NextYear(year=today.year + 1, plan=plan, source=source)


def next_year_registration_open(person, today, info: NextYear | None = None):
    """The plan of next year when it is issued and `person` (who owes fieldwork: a group) has not
    sent their registration for it yet: the notice on their home page; else None. `info`: the
    next_year() already read for this page (no second query)."""
    if not getattr(person, "group_code", "") or person.organization_id is None:
        return None
    info = info or next_year(person.organization_id, today)
    if info.plan is None:
        return None
    from fieldwork.models import Registration

    sent = Registration.objects.filter(plan=info.plan, person=person, submitted_at__isnull=False).exists()
    return None if sent else info.plan

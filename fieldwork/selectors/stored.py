"""Reads of the stored figures (docs/rules.md “Stored standings”): the rows of `StoredStanding` as
the engine's standings, in a page's order, summed per month, and the state of a plan's background
recomputation. Pure reads: the rows are written by fieldwork/stored/ (in the transaction of the
change, or by the background job); a page that reads today's rows has them made fresh first, in
its view (fieldwork.views.fresh), never here.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Sum, Value, When
from django.utils import timezone

from fieldwork.models import Plan, StandingsRefresh, StoredStanding
from fieldwork.quota import engine
from fieldwork.selectors.standing import StandingRow
from fieldwork.standing_terms import STATUS_ORDER, default_as_of

# The date the stored rows are computed at: the pages' default date (fieldwork.standing_terms).
stored_as_of = default_as_of


def month_ends(plan: Plan) -> list[date]:
    """Every month's last day within the period, the period's end last."""
    out = []
    y, m = plan.period_start.year, plan.period_start.month
    while True:
        end = date(y, m, calendar.monthrange(y, m)[1])
        if end >= plan.period_end:
            out.append(plan.period_end)
            return out
        out.append(end)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def deserialize(key, d: dict) -> engine.Standing:
    """A stored row's `data` as the engine's Standing (fieldwork.stored.standings.serialize)."""
    return engine.Standing(
        key=key,
        status=d["status"],
        required_days=d["required_days"],
        done_days=Decimal(d["done_days"]),
        planned_days=Decimal(d["planned_days"]),
        immersion_required=d["immersion_required"],
        immersion_done=d["immersion_done"],
        immersion_planned=d["immersion_planned"],
        exemption=d["exemption"],
        violations=tuple(engine.Violation(c, k, t) for c, k, t in d["violations"]),
        days_left=d["days_left"],
        available_days=d["available_days"],
        immersion_keys=tuple(d["immersion_keys"]),
        pending_days=Decimal(d["pending_days"]),
        immersion_pending=d["immersion_pending"],
    )


def rows_of(qs) -> list[StandingRow]:
    """StoredStanding rows (a queryset or list, select_related person__department) as the
    selectors' StandingRow, in their order."""
    return [StandingRow(person=r.person, standing=deserialize(r.person_id, r.data)) for r in qs]


def monthly_totals(plan: Plan, ends) -> dict[date, Decimal]:
    """Month end -> done days of the plan's cadres not exempt at that month's end (their stored
    month_N), summed in the database: one query."""
    if not ends:
        return {}
    sums = (
        StoredStanding.objects.filter(plan=plan)
        .exclude(status="exempt")
        .aggregate(**{f"month_{d.month}": Sum(f"month_{d.month}") for d in ends})
    )
    return {d: Decimal(sums[f"month_{d.month}"] or 0) for d in ends}


def recorded_trips(plan: Plan) -> int:
    """Trips recorded under the plan by the cadres subject to it (not cancelled or rejected,
    drafts included): the plan page's figure, summed from the stored rows (docs/rules.md “Stored standings”)."""
    return StoredStanding.objects.filter(plan=plan).aggregate(n=Sum("trips"))["n"] or 0


def ordered(qs, sort: str):
    """Stored rows in a page's order, ties in Vietnamese name order: "name", "done" (most done
    first), "remaining" (most still needed first), "status" (worst first: standing_terms.STATUS_ORDER)."""
    if sort == "done":
        return qs.order_by("-done_days", "sort_key", "email")
    if sort == "remaining":
        return qs.order_by("-remaining_days", "sort_key", "email")
    if sort == "status":
        rank = Case(
            *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)], default=Value(len(STATUS_ORDER))
        )
        return qs.annotate(rank=rank).order_by("rank", "sort_key", "email")
    return qs.order_by("sort_key", "email")


# The background recomputation of a whole plan (fieldwork.stored.plan_refresh) --------------------
def stalled_before():
    """A running job started before this lost its worker (past the task's hard time limit)."""
    return timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def active_refreshes(plan_id):
    return StandingsRefresh.objects.filter(plan_id=plan_id, status__in=StandingsRefresh.ACTIVE)


def refresh_in_progress(plan: Plan) -> bool:
    """A job is queued or running for the plan (and not stalled: a job whose worker was lost
    no longer keeps the pages' safety net from healing the rows)."""
    running = StandingsRefresh.Status.RUNNING
    return active_refreshes(plan.pk).exclude(status=running, started_at__lt=stalled_before()).exists()


def latest_refresh(plan: Plan) -> StandingsRefresh | None:
    return StandingsRefresh.objects.filter(plan=plan).order_by("-created_at", "-pk").first()

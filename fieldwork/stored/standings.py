"""Stored standings (docs/rules.md “Stored standings”): the engine's standing of every cadre under every plan, kept in
`StoredStanding` so that pages read today's standings at a cost independent of the number of
cadres. The engine (fieldwork.quota.engine, via fieldwork.selectors.standing_inputs) stays the one
source of every figure: a stored row is its output, serialized; fieldwork.selectors.stored reads
it back.

When a row is refreshed:
- in the same transaction as any change to the cadre's trips, exemptions, dates, position,
  group or department (fieldwork.stored.changes: signals for saves and deletes, `trips_changed`
  after the services' queryset updates and bulk inserts, which send no signal);
- for the whole plan when the plan, its groups, categories or exemption reasons change: in the
  same transaction up to `settings.STANDINGS_SYNC_LIMIT` cadres, above by a background job with
  progress (fieldwork.stored.plan_refresh, created in the transaction, run after the commit);
- daily (beat: `fieldwork.tasks.refresh_stale_standings`) for what depends on the date;
- and, as a safety net, when a page is about to read the plan's rows and finds them stale
  (another as_of) or their number different from the cadres subject to the plan (`ensure_fresh`,
  called by the view: fieldwork.views.fresh) — unless a background job is recomputing the plan
  (the page then reads the rows as they are, with a banner).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Min

from accounts.models import User
from accounts.vietnamese import strip_diacritics
from fieldwork.models import Plan, StoredStanding
from fieldwork.quota import engine
from fieldwork.selectors import cadre_people, standing_inputs
from fieldwork.selectors.standing import gc_paused
from fieldwork.selectors.stored import month_ends, refresh_in_progress, stored_as_of
from fieldwork.stored import coverage

ZERO = Decimal(0)


# (de)serialization ---------------------------------------------------------------------------
def serialize(s: engine.Standing) -> dict:
    """The engine's Standing as a stored row's `data` (read back: fieldwork.selectors.stored.deserialize)."""
    return {
        "status": s.status,
        "required_days": s.required_days,
        "done_days": str(s.done_days),
        "planned_days": str(s.planned_days),
        "immersion_required": s.immersion_required,
        "immersion_done": s.immersion_done,
        "immersion_planned": s.immersion_planned,
        "exemption": s.exemption,
        "violations": [[v.code, v.trip_key, v.detail] for v in s.violations],
        "days_left": s.days_left,
        "available_days": s.available_days,
        "immersion_keys": list(s.immersion_keys),
        "pending_days": str(s.pending_days),
        "immersion_pending": s.immersion_pending,
    }


def search_text(person: User) -> str:
    return f"{strip_diacritics(person.full_name or '').casefold()}\n{person.email.lower()}"


# writing ---------------------------------------------------------------------------------------
@gc_paused
def refresh(plan: Plan, person_ids=None, *, today: date | None = None) -> int:
    """Recompute and store the standings of the plan's cadres (all, or those of `person_ids`);
    rows of people no longer subject to the plan go. Returns the number of rows written."""
    as_of = stored_as_of(plan, today)
    people = None
    if person_ids is not None:
        person_ids = list(person_ids)
        people = cadre_people(plan).filter(pk__in=person_ids)
    if people is not None and not people.exists():  # no longer (or never) subject to the plan
        rules, people_list, inputs, results = None, [], [], []
    else:
        rules, people_list, inputs = standing_inputs(plan, people=people)
        results = engine.compute_all(rules, inputs, as_of)
    ends = month_ends(plan)
    objs = []
    for p, (_cadre, trips), s in zip(people_list, inputs, results, strict=True):
        done = Decimal(s.done_days)
        objs.append(
            StoredStanding(
                plan=plan,
                person_id=p.pk,
                as_of=as_of,
                status=s.status,
                department_id=p.department_id,
                group_code=p.group_code,
                sort_key=p.sort_key,
                email=p.email,
                search=search_text(p),
                done_days=done,
                required_days=s.required_days,
                remaining_days=max(ZERO, Decimal(s.required_days) - done),
                planned_days=s.planned_days,
                pending_days=s.pending_days,
                immersion_required=s.immersion_required,
                immersion_done=s.immersion_done,
                trips=sum(1 for t in trips if t.status not in ("cancelled", "rejected")),
                exemption=s.exemption or "",
                data=serialize(s),
                **{
                    f"month_{e.month}": v
                    for e, v in zip(ends, engine.done_days_series(rules, trips, ends), strict=True)
                },
            )
        )
    written = [o.person_id for o in objs]
    with transaction.atomic():
        # An upsert, not delete-then-insert: two transactions refreshing the same cadre at once
        # (two trips confirmed together) must not collide on the (plan, person) constraint.
        StoredStanding.objects.bulk_create(
            objs,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["plan", "person"],
            update_fields=list(_STORED_FIELDS),
        )
        if person_ids is not None:
            StoredStanding.objects.filter(plan=plan, person_id__in=person_ids).exclude(person_id__in=written).delete()
        else:
            remove_gone(plan)
        coverage.refresh(plan, person_ids)  # the coverage page's figures, with the same trips
    return len(objs)


def remove_gone(plan: Plan) -> int:
    """Delete the rows of people no longer subject to the plan; returns how many went."""
    gone = StoredStanding.objects.filter(plan=plan).exclude(person_id__in=cadre_people(plan).values("pk"))
    return gone.delete()[0]


MONTH_FIELDS = tuple(f"month_{m}" for m in range(1, 13))
_STORED_FIELDS = (
    "as_of",
    "status",
    "department",
    "group_code",
    "sort_key",
    "email",
    "search",
    "done_days",
    "required_days",
    "remaining_days",
    "planned_days",
    "pending_days",
    "immersion_required",
    "immersion_done",
    "trips",
    "exemption",
    "data",
    *MONTH_FIELDS,
    "updated_at",
)


def refresh_organization(organization_id=None, *, today: date | None = None) -> int:
    """Every plan (of one organization): the `refresh_standings` command and the daily job."""
    plans = Plan.objects.all() if organization_id is None else Plan.objects.filter(organization_id=organization_id)
    return sum(refresh(plan, today=today) for plan in plans.order_by("pk"))


def refresh_stale(today: date | None = None) -> int:
    """Plans whose rows were computed at another as_of than today's (the date moved on)."""
    n = 0
    for plan in Plan.objects.order_by("pk"):
        if StoredStanding.objects.filter(plan=plan).exclude(as_of=stored_as_of(plan, today)).exists():
            n += refresh(plan, today=today)
    return n


def ensure_fresh(plan: Plan) -> date:
    """The safety net of the pages, called by a view before it reads today's rows: rows at another as_of than today's (the daily job has not
    run yet), or not one per cadre subject to the plan (a change that bypassed the hooks), are
    recomputed first. Two cheap queries when nothing is stale (the oldest and newest as_of come
    from the (plan, as_of) index). Returns the as_of."""
    as_of = stored_as_of(plan)
    seen = StoredStanding.objects.filter(plan=plan).aggregate(lo=Min("as_of"), hi=Max("as_of"), n=Count("pk"))
    stale = seen["n"] and (seen["lo"] != as_of or seen["hi"] != as_of) or seen["n"] != cadre_people(plan).count()
    # A background job is recomputing the whole plan: a page must not do it again, in the
    # request (what the job exists to avoid); it reads the rows as they are meanwhile.
    if stale and not refresh_in_progress(plan):
        refresh(plan)
    return as_of

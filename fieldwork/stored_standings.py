"""Stored standings (docs/rules.md “Stored standings”): the engine's standing of every cadre under every plan, kept in
`StoredStanding` so that pages read today's standings at a cost independent of the number of
cadres. The engine (fieldwork.quota.engine, via fieldwork.selectors.standing_inputs) stays the one
source of every figure: a stored row is its output, serialized.

When a row is refreshed:
- in the same transaction as any change to the cadre's trips, exemptions, dates, position,
  group or department (signals below for saves and deletes; `trips_changed` after the services'
  queryset updates and bulk inserts, which send no signal);
- for the whole plan when the plan, its groups, categories or exemption reasons change: in the
  same transaction up to `settings.STANDINGS_SYNC_LIMIT` cadres, above by a background job with
  progress (fieldwork.standings_refresh, created in the transaction, run after the commit);
- daily (beat: `fieldwork.tasks.refresh_stale_standings`) for what depends on the date;
- and, as a safety net, when a page finds the plan's rows stale (another as_of) or their number
  different from the cadres subject to the plan (`ensure_fresh`) — unless a background job is
  recomputing the plan (the page then reads the rows as they are, with a banner).

Several changes in one service call are refreshed once with `batch()`.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import wraps

from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.signals import post_delete, post_save

from accounts.models import User, UserRole
from accounts.vietnamese import strip_diacritics
from fieldwork.models import Category, Exemption, ExemptionReason, Group, Plan, QuarterReport, StoredStanding, Trip
from fieldwork.quota import engine
from fieldwork.selectors import StandingRow, cadre_people, standing_inputs
from fieldwork.selectors.standing import gc_paused
from fieldwork.standing_terms import default_as_of as stored_as_of  # the pages' default date

ZERO = Decimal(0)


def month_ends(plan: Plan) -> list[date]:
    """Every month's last day within the period, the period's end last."""
    import calendar

    out = []
    y, m = plan.period_start.year, plan.period_start.month
    while True:
        end = date(y, m, calendar.monthrange(y, m)[1])
        if end >= plan.period_end:
            out.append(plan.period_end)
            return out
        out.append(end)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


# (de)serialization ---------------------------------------------------------------------------
def serialize(s: engine.Standing) -> dict:
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


def deserialize(key, d: dict) -> engine.Standing:
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
        from fieldwork import stored_coverage  # the coverage page's figures, with the same trips

        stored_coverage.refresh(plan, person_ids)
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
    """The safety net of the pages: rows at another as_of than today's (the daily job has not
    run yet), or not one per cadre subject to the plan (a change that bypassed the hooks), are
    recomputed first. Two cheap queries when nothing is stale (the oldest and newest as_of come
    from the (plan, as_of) index). Returns the as_of."""
    as_of = stored_as_of(plan)
    seen = StoredStanding.objects.filter(plan=plan).aggregate(lo=Min("as_of"), hi=Max("as_of"), n=Count("pk"))
    if seen["n"] and (seen["lo"] != as_of or seen["hi"] != as_of) or seen["n"] != cadre_people(plan).count():
        from fieldwork.standings_refresh import in_progress

        # A background job is recomputing the whole plan: a page must not do it again, in the
        # request (what the job exists to avoid); it reads the rows as they are meanwhile.
        if not in_progress(plan):
            refresh(plan)
    return as_of


# reading ---------------------------------------------------------------------------------------
def rows_of(qs) -> list[StandingRow]:
    """StoredStanding rows (a queryset or list, select_related person__department) as the
    selectors' StandingRow, in their order."""
    return [StandingRow(person=r.person, standing=deserialize(r.person_id, r.data)) for r in qs]


def monthly_totals(plan: Plan, ends) -> dict[date, Decimal]:
    """Month end -> done days of the plan's cadres not exempt at that month's end (their stored
    month_N), summed in the database: one query (call `ensure_fresh` first)."""
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
    ensure_fresh(plan)
    return StoredStanding.objects.filter(plan=plan).aggregate(n=Sum("trips"))["n"] or 0


def ordered(qs, sort: str):
    """Stored rows in a page's order, ties in Vietnamese name order: "name", "done" (most done
    first), "remaining" (most still needed first), "status" (worst first: standing_terms.STATUS_ORDER)."""
    from django.db.models import Case, Value, When

    from fieldwork.standing_terms import STATUS_ORDER

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


# batching and hooks ------------------------------------------------------------------------------
_state = threading.local()


def _pending():
    if not hasattr(_state, "depth"):
        _state.depth = 0
        _state.plans = set()
        _state.people = set()  # (organization_id, person_id, plan_id | None)
    return _state


@contextmanager
def batch(actor=None):
    """Changes inside are refreshed once, at the end (still inside the caller's transaction).
    `actor`: who made them, recorded on a background recomputation of a plan (requested_by)."""
    st = _pending()
    st.depth += 1
    outer_actor = getattr(st, "actor", None)
    if outer_actor is None and actor is not None:
        st.actor = actor
    ok = False
    try:
        yield
        ok = True
    finally:
        st.depth -= 1
        try:
            if st.depth == 0:
                plans, people = st.plans, st.people
                st.plans, st.people = set(), set()
                if ok:
                    _flush(plans, people)
        finally:
            st.actor = outer_actor


@contextmanager
def suspended():
    """Changes inside mark nothing: for bulk loads followed by `refresh_standings`
    (load_demo, bench/orgs.py)."""
    st = _pending()
    st.suspended = getattr(st, "suspended", 0) + 1
    try:
        yield
    finally:
        st.suspended -= 1


def batched(func):
    """The service's changes refreshed once, at its end; its `actor` keyword argument, if any, is
    the requester of a background recomputation."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with batch(actor=kwargs.get("actor")):
            return func(*args, **kwargs)

    return wrapper


def _flush(plans: set, people: set) -> None:
    from fieldwork.standings_refresh import refresh_later

    for plan in Plan.objects.filter(pk__in=plans).order_by("pk"):
        # A large plan: a background job, created now, started after the commit (it covers the
        # people changed with the plan too: they are skipped below).
        if not refresh_later(plan, requested_by=getattr(_state, "actor", None)):
            refresh(plan)
    by_plan: dict = {}
    orgs: dict = {}
    for org_id, person_id, plan_id in people:
        if plan_id is not None:
            if plan_id not in plans:
                by_plan.setdefault(plan_id, set()).add(person_id)
        else:
            orgs.setdefault(org_id, set()).add(person_id)
    if orgs:
        for plan in Plan.objects.filter(organization_id__in=list(orgs)).exclude(pk__in=plans):
            by_plan.setdefault(plan.pk, set()).update(orgs[plan.organization_id])
    for plan in Plan.objects.filter(pk__in=list(by_plan)).order_by("pk"):
        refresh(plan, by_plan[plan.pk])


def plan_changed(plan_id) -> None:
    st = _pending()
    if getattr(st, "suspended", 0):
        return
    st.plans.add(plan_id)
    if st.depth == 0:
        _flush(*_take(st))


def person_changed(organization_id, person_id, plan_id=None) -> None:
    """The person's standing under `plan_id` (None: under every plan of the organization)."""
    if organization_id is None and plan_id is None:
        return
    st = _pending()
    if getattr(st, "suspended", 0):
        return
    st.people.add((organization_id, person_id, plan_id))
    if st.depth == 0:
        _flush(*_take(st))


def trips_changed(plan_id, person_ids) -> None:
    """After a queryset update or bulk insert of trips (no signal is sent for those)."""
    with batch():
        for pid in set(person_ids):
            person_changed(None, pid, plan_id)


def _take(st):
    plans, people = st.plans, st.people
    st.plans, st.people = set(), set()
    return plans, people


# Fields of a person that the standing or the stored columns depend on.
_PERSON_FIELDS = {
    "group_code",
    "department",
    "department_id",
    "active_from",
    "active_to",
    "is_active",
    "position",
    "full_name",
    "sort_key",
    "email",
    "organization",
    "organization_id",
}


def _skip(kwargs) -> bool:
    """Fixtures (raw) and deletes cascading from a person, a plan or an organization being
    deleted: their rows go with them (CASCADE); recomputing would insert rows the deletion
    did not collect."""
    if kwargs.get("raw"):
        return True
    origin = kwargs.get("origin")
    if origin is None:
        return False
    model = getattr(origin, "model", None) or type(origin)
    from accounts.models import Department, Organization

    return model in (User, Plan, Organization, Department)


def _on_trip(sender, instance, **kwargs):
    if _skip(kwargs):
        return
    person_changed(None, instance.person_id, instance.plan_id)


def _on_exemption(sender, instance, **kwargs):
    if _skip(kwargs):
        return
    org_id = User.objects.filter(pk=instance.person_id).values_list("organization_id", flat=True).first()
    person_changed(org_id, instance.person_id)


def _on_user(sender, instance, update_fields=None, **kwargs):
    if _skip(kwargs):
        return
    if update_fields is not None and not (set(update_fields) & _PERSON_FIELDS):
        return  # last_login, password, invitations…
    if instance.organization_id is None:
        return
    if kwargs.get("signal") is post_delete:
        return  # the rows go with the person (CASCADE)
    person_changed(instance.organization_id, instance.pk)


def _on_role(sender, instance, **kwargs):
    """Becoming (or ceasing to be) a department's head moves LATE_REPORT onto (or off) the person's
    standing (docs/domain.md §7.9): recompute the person, only when the role is `head`."""
    if _skip(kwargs) or instance.code != "head":
        return
    org_id = User.objects.filter(pk=instance.user_id).values_list("organization_id", flat=True).first()
    if org_id is not None:
        person_changed(org_id, instance.user_id)


def _on_plan_part(sender, instance, **kwargs):
    if _skip(kwargs):
        return
    plan_id = instance.pk if sender is Plan else instance.plan_id
    if sender is Plan and kwargs.get("signal") is post_delete:
        return
    if not Plan.objects.filter(pk=plan_id).exists():
        return  # the plan itself is being deleted
    plan_changed(plan_id)


def _on_quarter_report(sender, instance, **kwargs):
    """A late mẫu 3 puts LATE_REPORT on its department head's standing (docs/domain.md §7.9)."""
    if _skip(kwargs):
        return
    ids = list(cadre_people(instance.plan).filter(department_id=instance.department_id).values_list("pk", flat=True))
    if ids:
        trips_changed(instance.plan_id, ids)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_on_trip, sender=Trip, dispatch_uid=f"stored-trip-{signal}")
        signal.connect(_on_exemption, sender=Exemption, dispatch_uid=f"stored-exemption-{signal}")
        signal.connect(_on_user, sender=User, dispatch_uid=f"stored-user-{signal}")
        signal.connect(_on_quarter_report, sender=QuarterReport, dispatch_uid=f"stored-qr-{signal}")
        signal.connect(_on_role, sender=UserRole, dispatch_uid=f"stored-role-{signal}")
        for model in (Plan, Group, Category, ExemptionReason):
            signal.connect(_on_plan_part, sender=model, dispatch_uid=f"stored-{model.__name__}-{signal}")

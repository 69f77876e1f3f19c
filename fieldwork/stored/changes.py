"""What a change marks to be refreshed in the stored figures (docs/rules.md “Stored standings”),
and the refresh once per batch, still inside the change's transaction.

The signals below cover saves and deletes of trips, exemptions, people, department heads' roles,
quarter reports, and of the plan and its parts; the services call `trips_changed` after queryset
updates and bulk inserts (which send no signal), wrap a service in `batched` (several changes
refreshed once), and bulk loads run inside `suspended` followed by `refresh_standings`.

A person's change recomputes their rows (fieldwork.stored.standings.refresh, with the coverage);
a plan's change recomputes the whole plan, or schedules the background job above
`settings.STANDINGS_SYNC_LIMIT` cadres (fieldwork.stored.plan_refresh). A change of an
organization's province rebuilds its plans' coverage figures.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import wraps

from django.db.models.signals import post_delete, post_save, pre_delete

from accounts.models import Department, Organization, User, UserRole
from fieldwork.models import Category, Exemption, ExemptionReason, Group, Plan, QuarterReport, Trip
from fieldwork.selectors import cadre_people
from fieldwork.stored import coverage, plan_refresh
from fieldwork.stored.standings import refresh

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
    for plan in Plan.objects.filter(pk__in=plans).order_by("pk"):
        # A large plan: a background job, created now, started after the commit (it covers the
        # people changed with the plan too: they are skipped below).
        if not plan_refresh.refresh_later(plan, requested_by=getattr(_state, "actor", None)):
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


# A person deleted: the trips go by CASCADE without a refresh (`_skip`), so do the person's
# coverage visits; the places they were counted in are summed again after the deletion.
_deleting = threading.local()


def _origin_is_organization(kwargs) -> bool:
    origin = kwargs.get("origin")
    model = getattr(origin, "model", None) or type(origin)
    return origin is not None and model is Organization  # the plans go too


def _before_person_deleted(sender, instance, **kwargs):
    if kwargs.get("raw") or _origin_is_organization(kwargs) or getattr(_pending(), "suspended", 0):
        return
    pairs = coverage.places_of(instance.pk)
    if pairs:
        if not hasattr(_deleting, "pairs"):
            _deleting.pairs = {}
        _deleting.pairs[instance.pk] = pairs


def _after_person_deleted(sender, instance, **kwargs):
    pairs = getattr(_deleting, "pairs", {}).pop(instance.pk, None)
    if pairs:
        coverage.recount(pairs)


def _on_organization(sender, instance, update_fields=None, **kwargs):
    """The organization's province is read from its place and name: when it changes, the coverage
    figures of its plans, resolved against the province's communes/wards, are rebuilt."""
    if kwargs.get("raw") or getattr(_pending(), "suspended", 0):
        return
    if update_fields is not None and not ({"place", "name"} & set(update_fields)):
        return
    coverage.rebuild_if_province_changed(instance)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_on_trip, sender=Trip, dispatch_uid=f"stored-trip-{signal}")
        signal.connect(_on_exemption, sender=Exemption, dispatch_uid=f"stored-exemption-{signal}")
        signal.connect(_on_user, sender=User, dispatch_uid=f"stored-user-{signal}")
        signal.connect(_on_quarter_report, sender=QuarterReport, dispatch_uid=f"stored-qr-{signal}")
        signal.connect(_on_role, sender=UserRole, dispatch_uid=f"stored-role-{signal}")
        for model in (Plan, Group, Category, ExemptionReason):
            signal.connect(_on_plan_part, sender=model, dispatch_uid=f"stored-{model.__name__}-{signal}")
    pre_delete.connect(_before_person_deleted, sender=User, dispatch_uid="stored-coverage-user-pre")
    post_delete.connect(_after_person_deleted, sender=User, dispatch_uid="stored-coverage-user-post")
    post_save.connect(_on_organization, sender=Organization, dispatch_uid="stored-coverage-organization")

"""What waits for an approver (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”, docs/rules.md “Reminders, digests and delegation of approval”'s deputies): submitted registrations, pending
change requests and submitted department plans of the organization, filtered by department, year
and quarter. Who may decide what is accounts.rules' (docs/domain.md §2)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import OuterRef, Subquery

from accounts import rules
from fieldwork import cycles
from fieldwork.models import ChangeRequest, DepartmentPlan, HistoryEntry, Registration


def last_submitted(qs):
    """Registrations annotated with `last_submitted_at`: the latest "submitted" of their history
    (a registration returned and re-sent today was sent today). `submitted_at` stays the first
    submission, on which lateness is judged (docs/domain.md §5)."""
    latest = HistoryEntry.objects.filter(
        object_type="registration", object_id=OuterRef("pk"), action="submitted"
    ).order_by("-at", "-id")
    return qs.annotate(last_submitted_at=Subquery(latest.values("at")[:1]))


def resent(registration) -> bool:
    """Sent again after a return: the latest submission is not the first."""
    first, last = registration.submitted_at, getattr(registration, "last_submitted_at", None)
    return bool(first and last and last - first > timedelta(minutes=1))


def _quarter_months(quarter: int) -> tuple[int, int]:
    return 3 * quarter - 2, 3 * quarter


def inbox(user, oid, *, department=None, year=None, quarter=None):
    """The three lists waiting for this approver, filtered; each list is complete (the rule of
    who approves whom is applied in Python: docs/domain.md §2 tells the Secretary by position)."""
    regs = last_submitted(
        Registration.objects.filter(person__organization_id=oid, status=Registration.Status.SUBMITTED)
        .select_related("plan", "person__department")
        .prefetch_related("person__roles")
        .order_by("submitted_at", "pk")
    )
    crs = (
        ChangeRequest.objects.filter(trip__person__organization_id=oid, status=ChangeRequest.Status.PENDING)
        .select_related(
            "trip__person__department",
            "trip__category",
            "trip__plan",
            "trip__registration",
            "requested_by",
        )
        .prefetch_related("trip__person__roles")
        .order_by("requested_at", "pk")
    )
    # A head approves only the department's cadres; a deputy (docs/rules.md “Reminders, digests and delegation of approval”) what the rule lets through.
    if not rules.is_standing(user) and not rules.has_delegation(user):
        regs = regs.filter(person__department_id=user.department_id)
        crs = crs.filter(trip__person__department_id=user.department_id)
    if department:
        regs = regs.filter(person__department_id=department)
        crs = crs.filter(trip__person__department_id=department)
    if year:
        regs = regs.filter(plan__year=year)
        crs = crs.filter(trip__plan__year=year)
    if quarter == cycles.WHOLE_YEAR:
        regs = regs.filter(quarter=quarter)
        crs = crs.filter(trip__registration__quarter=quarter)
    elif quarter:
        first, last = _quarter_months(quarter)
        regs = regs.filter(quarter=quarter)
        # docs/domain.md §7.7: a trip belongs to the quarter in which it starts.
        crs = crs.filter(trip__start__month__gte=first, trip__start__month__lte=last)
    regs = [r for r in regs if rules.can_approve_registration(user, r)]
    for r in regs:
        r.resent = resent(r)
    crs = [c for c in crs if rules.can_approve_for(user, c.trip.person)]
    dps = []
    if rules.is_standing(user) or rules.has_delegation(user):
        qs = (
            DepartmentPlan.objects.filter(department__organization_id=oid, status=DepartmentPlan.Status.SUBMITTED)
            .exclude(submitted_by=user)  # nobody approves their own
            .select_related("department", "plan", "submitted_by")
            .order_by("submitted_at", "pk")
        )
        if department:
            qs = qs.filter(department_id=department)
        if year:
            qs = qs.filter(plan__year=year)
        if quarter is not None:
            qs = qs.filter(quarter=quarter)
        dps = [dp for dp in qs if rules.can_decide_department_plan(user, dp)]
    return regs, crs, dps


def pending_requests(trips) -> dict:
    """The pending request (change, cancel, add) of each of these trips, by trip id (one query;
    one pending request per trip at a time)."""
    trips = list(trips)
    if not trips:
        return {}
    return {
        cr.trip_id: cr
        for cr in ChangeRequest.objects.filter(trip__in=trips, status=ChangeRequest.Status.PENDING).order_by(
            "requested_at", "pk"
        )
    }

"""Reads of the reports app: which jobs a user sees (the same rule as
accounts.rules.can_view_report_job, as a queryset)."""

from __future__ import annotations

from django.db.models import Q

from accounts import rules
from accounts.models import Role

from .models import ReportJob, ScheduledRun


def visible_jobs(user):
    """Own jobs; the Board (and admin) sees every job of its organization; the Standing and
    Inspection Committees also see the compliance reports."""
    qs = ReportJob.objects.filter(organization_id=user.organization_id).select_related("requested_by")
    if rules.has(user, Role.BOARD, Role.ADMIN):
        return qs
    if rules.sees_whole_organization(user):
        return qs.filter(Q(requested_by=user) | Q(kind__in=rules.SHARED_REPORT_KINDS))
    return qs.filter(requested_by=user)


def quarter_reports(organization_id, year: int) -> dict[int, dict]:
    """Compliance reports of a year by quarter: every version (newest first) and the
    scheduled run of the quarter, in two queries."""
    out = {q: {"jobs": [], "run": None} for q in range(1, 5)}
    jobs = (
        ReportJob.objects.filter(organization_id=organization_id, kind=ReportJob.Kind.COMPLIANCE, params__year=year)
        .select_related("requested_by")
        .order_by("-created_at")
    )
    for job in jobs:
        q = job.params.get("quarter")
        if q in out:
            out[q]["jobs"].append(job)
    for run in ScheduledRun.objects.filter(organization_id=organization_id, year=year):
        if run.quarter in out:
            out[run.quarter]["run"] = run
    return out

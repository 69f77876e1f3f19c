"""Every page of the site a person can open, found from the URL conf (so a new page is not
forgotten): the routes without arguments as they are, the routes with arguments filled from the
person's own data by `ARGUMENTS`. A route with arguments that is neither filled nor listed in
`NOT_PAGES` is reported, so whoever adds a page also says how to open it.

A URL is one of the person's pages when the test client, logged in as them, gets a whole HTML
document (200, text/html, `<!doctype html>`): 403/404/405, redirects, downloads, feeds and htmx
fragments are not pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Routes that are never a page to look at: actions (POST only), downloads, feeds, fragments,
# links from an email (one-time tokens), the admin.
NOT_PAGES = {
    "accounts:logout",
    "accounts:password_reset_confirm",
    "accounts:invitation_accept",
    "accounts:person_deactivate",
    "accounts:person_reactivate",
    "accounts:person_invite",
    "accounts:department_toggle",
    "fieldwork:exemption_approve",
    "fieldwork:exemption_reject",
    "fieldwork:exemption_revoke",
    "fieldwork:exemption_document",
    "fieldwork:registration_validate",
    "fieldwork:registration_copy_previous",
    "fieldwork:registration_submit",
    "fieldwork:registration_line_delete",
    "fieldwork:change_request_withdraw",
    "fieldwork:registration_approve",
    "fieldwork:registration_return",
    "fieldwork:change_request_decide",
    "fieldwork:department_plan_submit",
    "fieldwork:department_plan_decide",
    "fieldwork:trip_confirm",
    "fieldwork:trip_attachment",
    "fieldwork:trip_attachment_delete",
    "fieldwork:ical_feed",
    "reports:job_status",
    "reports:download",
    "reports:retry",
    "set_language",
    "healthz",
    "accounts:email_confirm",  # a link from an email, with its signed token
    "fieldwork:delegation_end",  # POST
    "reports:remark_save",  # POST (htmx)
    "reports:rollup_submission_download",  # a file
    "fieldwork:standings_refresh_status",  # htmx fragment (docs/rules.md “Stored standings”)
    "fieldwork:standings_refresh_retry",  # POST
    "accounts:photo_evidence",  # POST (docs/privacy.md)
    "fieldwork:correction_answer",  # POST
    "reports:correction_request",  # POST
    "reports:my_data_download",  # a file
    "reports:sign",  # POST (docs/signing.md: "Ký số")
}


def routes() -> Iterator[tuple[str, list[str]]]:
    """(namespaced URL name, argument names) of every named route outside the admin."""

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), list(p.pattern.converters)

    for name, args in walk(get_resolver().url_patterns, None):
        if not name.startswith("admin:"):
            yield name, args


def _first(qs) -> list[dict]:
    obj = qs.first()
    return [{"pk": obj.pk}] if obj is not None else []


def _dept_quarters(user) -> list[dict]:
    from fieldwork.models import Plan
    from fieldwork.quarters import quarter_of

    if not user.department_id:
        return []
    plan = Plan.objects.filter(organization_id=user.organization_id).order_by("-year").first()
    if plan is None:
        return []
    last = quarter_of(plan.period_end)  # the last quarter, and the one before (with its rows)
    return [{"department_pk": user.department_id, "quarter": q} for q in (last, last - 1) if q >= 1]


def _dept_periods(user) -> list[dict]:
    """The department's mẫu 2 pages: the year's under the annual cycle, else the last quarters."""
    from fieldwork.cycles import registration_periods
    from fieldwork.models import Plan

    plan = Plan.objects.filter(organization_id=user.organization_id).order_by("-year").first()
    if plan is None or not user.department_id:
        return []
    periods = registration_periods(plan)
    if periods == [0]:
        return [{"department_pk": user.department_id, "quarter": 0}]
    return _dept_quarters(user)


def _arguments() -> dict[str, Callable]:
    from accounts.models import Organization, User
    from fieldwork.models import Exemption, Plan, Registration, Trip
    from reports.models import IssuedDocument, ReportJob, RollupSubmission

    def own_trips(user):
        out = []
        for status in ("reported", "returned", "confirmed"):
            out += _first(Trip.objects.filter(person=user, status=status).order_by("-start"))
        return out

    def member_trip(user):
        return _first(
            Trip.objects.filter(person__department_id=user.department_id, status="reported")
            .exclude(person=user)
            .order_by("-start")
        )

    return {
        "fieldwork:trip_detail": lambda u: own_trips(u) + member_trip(u),
        "fieldwork:trip_report": lambda u: _first(
            Trip.objects.filter(person=u, status__in=["approved", "returned"]).order_by("-start")
        ),
        "fieldwork:trip_return": member_trip,
        "fieldwork:registration_detail": lambda u: [
            {"quarter": q}
            for q in Registration.objects.filter(person=u).order_by("-quarter").values_list("quarter", flat=True)[:1]
        ],
        "fieldwork:registration_line_edit": lambda u: _first(
            Trip.objects.filter(person=u, status="draft").order_by("start")
        ),
        "fieldwork:trip_change_request": lambda u: _first(
            Trip.objects.filter(person=u, status="approved").order_by("start")
        ),
        "fieldwork:trip_cancel_request": lambda u: _first(
            Trip.objects.filter(person=u, status="approved").order_by("start")
        ),
        "fieldwork:registration_review": lambda u: _first(
            Registration.objects.filter(person__department_id=u.department_id, status="submitted").exclude(person=u)
        ),
        "fieldwork:department_plan": _dept_periods,
        "fieldwork:quarter_report": _dept_quarters,
        "fieldwork:exemption_detail": lambda u: _first(Exemption.objects.filter(person__organization=u.organization)),
        "fieldwork:plan_detail": lambda u: _first(Plan.objects.filter(organization=u.organization).order_by("-year")),
        "fieldwork:plan_edit": lambda u: _first(Plan.objects.filter(organization=u.organization).order_by("-year")),
        "fieldwork:plan_affected": lambda u: _first(Plan.objects.filter(organization=u.organization).order_by("-year")),
        "fieldwork:person_edit": lambda u: [{"pk": u.pk}],
        # An administrator's page about someone else (docs/privacy.md: deletion on request).
        "fieldwork:person_anonymize": lambda u: _first(
            User.objects.filter(organization_id=u.organization_id, is_superuser=False).exclude(pk=u.pk)
        ),
        "accounts:department_edit": lambda u: [{"pk": u.department_id}] if u.department_id else [],
        "reports:job_detail": lambda u: _first(ReportJob.objects.filter(requested_by=u)),
        "fieldwork:plan_reminders": lambda u: _first(
            Plan.objects.filter(organization=u.organization).order_by("-year")
        ),
        "reports:rollup_node": lambda u: _first(Organization.objects.filter(parent_id=u.organization_id)),
        # docs/signing.md: the public verification page of one of the organization's issued documents.
        "verify_code": lambda u: [
            {"code": c}
            for c in IssuedDocument.objects.filter(organization_id=u.organization_id).values_list("code", flat=True)[:1]
        ],
        "reports:rollup_submission": lambda u: _first(
            RollupSubmission.objects.filter(organization_id=u.organization_id).order_by("-submitted_at")
        ),
    }


def candidate_urls(user) -> tuple[list[tuple[str, str]], list[str]]:
    """([(URL name, URL)], [route names with arguments nobody knows how to fill])."""
    arguments = _arguments()
    urls, unknown = [], []
    for name, args in routes():
        if name in NOT_PAGES:
            continue
        if not args:
            urls.append((name, reverse(name)))
        elif name in arguments:
            urls += [(name, reverse(name, kwargs=kw)) for kw in arguments[name](user)]
        else:
            unknown.append(name)
    return urls, unknown


def pages_of(user) -> tuple[list[tuple[str, str]], list[str]]:
    """The person's own pages (see the module docstring) and the unknown routes."""
    client = Client()
    client.force_login(user)
    urls, unknown = candidate_urls(user)
    out = []
    for name, url in urls:
        resp = client.get(url)
        if (
            resp.status_code == 200
            and resp.get("Content-Type", "").startswith("text/html")
            and not getattr(resp, "streaming", False)
            and resp.content.lstrip()[:15].lower() == b"<!doctype html>"
        ):
            out.append((name, url))
    return out, unknown

"""No server error anywhere: every route of the URL conf (the admin's index and each model's
list and add pages included), as every demo login of both demo organizations, with GET, GET
with garbage query parameters (pages that answered), and where there is something to post to (a
form on the page, or a POST-only route) POST with an empty form and POST with a garbage form
(every field the page shows, filled with hostile values). Never a 5xx.

URL arguments are taken from the demo data of the person's own organization (`ARGUMENTS`): a
route with arguments that is missing there fails the test, so a new route is walked too.
The demo data is loaded once per module inside a transaction; each person's walk is rolled back.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.browser.site_pages import routes
from tests.demo_db import demo_loaded

pytestmark = pytest.mark.walk

DEMO_EMAILS = [
    "tung.nt@tayninh.test",
    "nhung.lth@tayninh.test",
    "anh.dn@tayninh.test",
    "duyen.ntm@tayninh.test",
    "son.tv@tayninh.test",
    "tri.cm@tayninh.test",
    "xuan.mt@tayninh.test",
    "thanh.tv@danang.test",
    "hoa.lt@danang.test",
    "minh.pq@danang.test",
    "thu.vt@danang.test",
]
GARBAGE = ["'\"><script>alert(1)</script>", "-1", "99999999999999999999999", "2023-02-30", "abc\x00def", "", "１２"]
GARBAGE_QUERY = (
    "?year=abc&quarter=9&page=-3&as_of=2023-02-30&department=x&sort=%27&q=%00&status=zzz&kind=zz"
    "&format=zz&cadre=x&org=x&month=13&next=//evil.example&person=-1&plan=0&fmt=exe&week=99"
)
# The same garbage under names that POST-only routes read (their GET answers 405: no form to read).
ACTION_FIELDS = ["comment", "reason", "text", "quarter", "year", "decision", "action", "email", "note", "kind"]
POST_FORM_RE = re.compile(rb'<form[^>]*method="post"', re.I)
NAME_RE = re.compile(rb'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.I)
TYPE_FILE_RE = re.compile(rb'<input[^>]*type="file"[^>]*name="([^"]+)"|<input[^>]*name="([^"]+)"[^>]*type="file"', re.I)


def _pk(qs) -> list[dict]:
    obj = qs.order_by("pk").first()
    return [{"pk": obj.pk}] if obj is not None else []


def _arguments() -> dict[str, Callable]:
    """route name → (person → list of kwargs), from the person's organization."""
    from accounts.models import CorrectionRequest, Delegation, Department, Organization, User
    from fieldwork.models import (
        ChangeRequest,
        DepartmentPlan,
        Exemption,
        Plan,
        QuarterReport,
        Registration,
        StandingsRefresh,
        Trip,
        TripAttachment,
    )
    from reports.models import IssuedDocument, ReportJob, RollupSubmission

    def org(u):
        return u.organization_id

    def plan(u):
        return _pk(Plan.objects.filter(organization_id=org(u)).order_by("-year"))

    def person(u):
        return _pk(User.objects.filter(organization_id=org(u)).exclude(pk=u.pk))

    def exemption(u):
        return _pk(Exemption.objects.filter(person__organization_id=org(u)))

    def trip(u, **f):
        return _pk(Trip.objects.filter(person__organization_id=org(u), **f))

    def own_trip(u, **f):
        return _pk(Trip.objects.filter(person=u, **f)) or trip(u, **f)

    def registration(u):
        return _pk(Registration.objects.filter(person__organization_id=org(u)))

    def quarter(u):
        reg = Registration.objects.filter(person=u).order_by("-quarter").first()
        return [{"quarter": reg.quarter if reg else 1}]

    def dept_quarter(u):
        dp = DepartmentPlan.objects.filter(department__organization_id=org(u)).first()
        dept = u.department_id or Department.objects.filter(organization_id=org(u)).values_list("pk", flat=True).first()
        out = [{"department_pk": dept, "quarter": 1}] if dept else []
        if dp is not None:
            out.append({"department_pk": dp.department_id, "quarter": dp.quarter})
        return out

    def dept_report(u):
        qr = QuarterReport.objects.filter(department__organization_id=org(u)).first()
        dept = u.department_id or Department.objects.filter(organization_id=org(u)).values_list("pk", flat=True).first()
        out = [{"department_pk": dept, "quarter": 1}] if dept else []
        if qr is not None:
            out.append({"department_pk": qr.department_id, "quarter": qr.quarter})
        return out

    def attachment(u):
        a = TripAttachment.objects.filter(trip__person__organization_id=org(u)).order_by("pk").first()
        if a is not None:
            return [{"pk": a.trip_id, "attachment_pk": a.pk}]
        t = Trip.objects.filter(person__organization_id=org(u)).order_by("pk").first()
        return [{"pk": t.pk, "attachment_pk": 999999}] if t else []

    def job(u):
        return _pk(ReportJob.objects.filter(organization_id=org(u))) or [{"pk": "00000000-0000-0000-0000-000000000000"}]

    def refresh(u):
        return _pk(StandingsRefresh.objects.filter(plan__organization_id=org(u))) or plan(u)

    def submission(u):
        return _pk(RollupSubmission.objects.filter(organization_id=org(u))) or [{"pk": 999999}]

    return {
        "accounts:password_reset_confirm": lambda u: [{"uidb64": "MQ", "token": "set-password"}],
        "accounts:invitation_accept": lambda u: [{"uidb64": "MQ", "token": "abc-123"}],
        "accounts:email_confirm": lambda u: [{"token": "not-a-signed-token"}],
        "accounts:person_deactivate": person,
        "accounts:person_reactivate": person,
        "accounts:person_invite": person,
        "accounts:department_edit": lambda u: _pk(Department.objects.filter(organization_id=org(u))),
        "accounts:department_toggle": lambda u: _pk(Department.objects.filter(organization_id=org(u))),
        "fieldwork:plan_detail": plan,
        "fieldwork:plan_edit": plan,
        "fieldwork:plan_affected": plan,
        "fieldwork:plan_reminders": plan,
        "fieldwork:standings_refresh_status": refresh,
        "fieldwork:standings_refresh_retry": plan,
        "fieldwork:exemption_detail": exemption,
        "fieldwork:exemption_approve": exemption,
        "fieldwork:exemption_reject": exemption,
        "fieldwork:exemption_revoke": exemption,
        "fieldwork:exemption_document": exemption,
        "fieldwork:registration_detail": quarter,
        "fieldwork:registration_validate": quarter,
        "fieldwork:registration_copy_previous": quarter,
        "fieldwork:registration_submit": quarter,
        "fieldwork:registration_line_edit": lambda u: own_trip(u, status="draft"),
        "fieldwork:registration_line_delete": lambda u: own_trip(u, status="draft"),
        "fieldwork:trip_change_request": lambda u: own_trip(u, status="approved"),
        "fieldwork:trip_cancel_request": lambda u: own_trip(u, status="approved"),
        "fieldwork:change_request_withdraw": lambda u: (
            _pk(ChangeRequest.objects.filter(trip__person__organization_id=org(u))) or [{"pk": 999999}]
        ),
        "fieldwork:change_request_decide": lambda u: (
            _pk(ChangeRequest.objects.filter(trip__person__organization_id=org(u))) or [{"pk": 999999}]
        ),
        "fieldwork:registration_review": registration,
        "fieldwork:registration_approve": registration,
        "fieldwork:registration_return": registration,
        "fieldwork:department_plan": dept_quarter,
        "fieldwork:department_plan_submit": dept_quarter,
        "fieldwork:department_plan_decide": dept_quarter,
        "fieldwork:quarter_report": dept_report,
        "fieldwork:trip_detail": lambda u: own_trip(u) + trip(u, status="reported"),
        "fieldwork:trip_report": lambda u: own_trip(u, status="approved"),
        "fieldwork:trip_confirm": lambda u: trip(u, status="reported"),
        "fieldwork:trip_return": lambda u: trip(u, status="reported"),
        "fieldwork:trip_attachment": attachment,
        "fieldwork:trip_attachment_delete": attachment,
        "fieldwork:ical_feed": lambda u: [{"token": f"{u.pk}-notarealtoken"}],
        "fieldwork:person_edit": lambda u: [{"pk": u.pk}] + person(u),
        "fieldwork:delegation_end": lambda u: (
            _pk(Delegation.objects.filter(delegator__organization_id=org(u))) or [{"pk": 999999}]
        ),
        "reports:remark_save": lambda u: [{"person_id": p["pk"]} for p in person(u)],
        "reports:job_detail": job,
        "reports:job_status": job,
        "reports:download": job,
        "reports:retry": job,
        "reports:rollup_node": lambda u: _pk(Organization.objects.exclude(pk=org(u))),
        "reports:rollup_submission": submission,
        "reports:rollup_submission_download": lambda u: [{**s, "fmt": "pdf"} for s in submission(u)],
        "fieldwork:person_anonymize": person,
        "fieldwork:correction_answer": lambda u: (
            _pk(CorrectionRequest.objects.filter(organization_id=org(u))) or [{"pk": 999999}]
        ),
        "reports:my_data_download": lambda u: [{"fmt": "json"}, {"fmt": "xlsx"}, {"fmt": "exe"}],
        "reports:sign": job,
        "verify_code": lambda u: (
            [
                {"code": c}
                for c in IssuedDocument.objects.filter(organization_id=org(u)).values_list("code", flat=True)[:1]
            ]
            + [{"code": "KHONG-CO-MA"}]
        ),
    }


def admin_urls() -> list[str]:
    from django.contrib import admin

    out = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            with contextlib.suppress(NoReverseMatch):
                out.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}"))
    return out


def urls_for(user) -> list[tuple[str, str]]:
    arguments = _arguments()
    out, unknown = [], []
    for name, args in routes():
        if not args:
            out.append((name, reverse(name)))
        elif name in arguments:
            for kwargs in arguments[name](user):
                out.append((name, reverse(name, kwargs=kwargs)))
        else:
            unknown.append(name)
    assert not unknown, f"say how to fill these routes' arguments in ARGUMENTS: {unknown}"
    return out + [("admin", u) for u in admin_urls()]


def garbage_form(page: bytes, seed: int) -> dict:
    files = {a or b for a, b in TYPE_FILE_RE.findall(page)}
    names = [n for n in dict.fromkeys(NAME_RE.findall(page)) if n not in files and n != b"csrfmiddlewaretoken"]
    return {n.decode(): GARBAGE[(seed + i) % len(GARBAGE)] for i, n in enumerate(names)}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The two demo organizations, loaded once for the module and rolled back after it."""
    with demo_loaded(django_db_blocker):
        yield


@pytest.mark.parametrize("email", DEMO_EMAILS)
def test_no_url_answers_a_server_error(demo, db, email, settings):
    from accounts.models import User

    settings.AXES_ENABLED = False
    user = User.objects.get(email=email)
    client = Client(raise_request_exception=False)
    errors = []

    def check(method, url, resp, data=None):
        if resp.status_code >= 500:
            errors.append(f"{method} {url} {data!r:.200} → {resp.status_code}")

    for i, (_name, url) in enumerate(urls_for(user)):
        client.force_login(user)  # a POST may have logged the person out
        resp = client.get(url)
        check("GET", url, resp)
        page = resp.content if resp.status_code == 200 and not getattr(resp, "streaming", False) else b""
        if resp.status_code == 200:  # the page reads its query string: garbage in it
            check("GET", url + GARBAGE_QUERY, client.get(url + GARBAGE_QUERY))
        # POST where there is something to post to: a form on the page, or a POST-only route.
        if resp.status_code != 405 and not POST_FORM_RE.search(page):
            continue
        client.force_login(user)
        check("POST", url, client.post(url, {}), {})
        form = (
            garbage_form(page, i) if page else {f: GARBAGE[(i + j) % len(GARBAGE)] for j, f in enumerate(ACTION_FIELDS)}
        )
        client.force_login(user)
        check("POST", url, client.post(url, form), form)
    assert not errors, "\n".join(errors)

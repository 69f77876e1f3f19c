"""The report request form offers only what the person may request, and the offer and the check are
one rule (accounts.rules.can_request_report): every user × kind × department × cadre is accepted by
the form exactly when the rule allows it. A refused choice keeps the form with a clear message (403
with the page, never a bare error page) (docs/rules.md "A year in the life")."""

import itertools

import pytest
from django.urls import reverse

from accounts import rules
from accounts.models import Department
from reports.forms import ReportRequestForm
from reports.models import ReportJob

pytestmark = pytest.mark.django_db
URL = "/bao-cao/tao/"


def _offered(form):
    return [k for k, _label in form.fields["kind"].choices]


def test_each_role_is_offered_what_it_may_request(people):
    assert _offered(ReportRequestForm(user=people["cadre"])) == ["mau1"]
    assert _offered(ReportRequestForm(user=people["head"])) == ["mau1", "mau2", "mau3", "yearsheet"]
    board = ReportRequestForm(user=people["board"])
    # Every kind but the roll-up: this organization has no children.
    assert _offered(board) == ["mau1", "mau2", "mau3", "compliance", "yearend", "yearsheet"]
    assert list(board.fields["department"].queryset) == [people["d1"], people["d2"]]
    head = ReportRequestForm(user=people["head"])
    assert list(head.fields["department"].queryset) == [people["d1"]] and head.can_choose_cadre
    cadre = ReportRequestForm(user=people["cadre"])
    assert "department" not in cadre.fields and not cadre.can_choose_cadre


def test_the_offer_and_the_check_agree_for_every_choice(people):
    """What the form accepts (offered and valid) is exactly what can_request_report allows."""
    departments = [None, people["d1"], people["d2"], people["other_plan"].organization.departments.first()]
    cadres = [people["cadre"], people["cadre2"], people["other_cadre"]]
    users = ["cadre", "head", "board", "deputy", "inspector", "secretary"]
    checked = 0
    for who, kind in itertools.product(users, rules.REPORT_KINDS):
        user = people[who]
        for department, cadre in itertools.product(departments, cadres if kind == "mau1" else [None]):
            data = {"kind": kind, "format": "pdf", "year": 2023, "quarter": 1}
            if department is not None:
                data["department"] = department.pk
            if cadre is not None:
                data["cadre"] = cadre.pk
            form = ReportRequestForm(data, user=user)
            if "department" not in form.fields:  # nobody to choose (a cadre): a posted one is ignored
                department = None
            same_org = department is None or department.organization_id == user.organization_id
            complete = not (kind in ("mau2", "mau3") and department is None)
            offered = department is None or bool(rules.report_departments(user, [department]))
            allowed = (
                same_org
                and offered
                and complete
                and rules.can_request_report(user, kind, department=department, cadre=cadre)
                and (kind != "rollup" or rules.sees_descendants(user))
            )
            if not complete:
                continue  # the service says what is missing (tests/reports/test_views.py)
            assert form.is_valid() == allowed, (who, kind, department, cadre, form.errors)
            # Refused inside the organization: the form says so (403); another organization's id: 400.
            kind_offered = kind in _offered(form)
            assert form.refused == (not allowed and (same_org or not kind_offered)), (who, kind, department, cadre)
            checked += 1
    assert checked > 100


def test_a_refused_choice_keeps_the_form_with_a_clear_message(client, people):
    client.force_login(people["cadre"])
    page = client.get(URL).content.decode()
    assert 'data-testid="own-only"' in page and 'id="cadre-search"' not in page
    assert '<option value="compliance"' not in page and 'name="department"' not in page
    # Another cadre's mẫu 1: refused on the cadre field, what was typed kept.
    resp = client.post(URL, {"kind": "mau1", "format": "xlsx", "year": 2023, "cadre": people["cadre2"].pk})
    html = resp.content.decode()
    assert resp.status_code == 403 and "Bạn không được tạo mẫu 1 của cán bộ này" in html
    assert '<option value="xlsx" selected>XLSX</option>' in html and 'name="year" value="2023"' in html
    # Their own mẫu 1 is made (no department is asked of them).
    resp = client.post(URL, {"kind": "mau1", "format": "pdf", "year": 2023, "cadre": people["cadre"].pk})
    own = ReportJob.objects.get()
    assert resp.status_code == 302 and own.params == {"year": 2023, "cadre_id": people["cadre"].pk}
    own.delete()
    # A head: another department's mẫu 2 is not offered, and refused with the reason.
    client.force_login(people["head"])
    resp = client.post(URL, {"kind": "mau2", "format": "pdf", "year": 2023, "department": people["d2"].pk})
    assert resp.status_code == 403 and "Bạn không được tạo báo cáo của ban này" in resp.content.decode()
    resp = client.post(URL, {"kind": "yearsheet", "format": "pdf", "year": 2023})
    assert resp.status_code == 403 and "Hãy chọn ban bạn phụ trách" in resp.content.decode()
    assert not ReportJob.objects.exists()
    assert Department.objects.filter(organization=people["org"]).count() == 2
    # Allowed: the job is created.
    resp = client.post(URL, {"kind": "mau2", "format": "pdf", "year": 2023, "department": people["d1"].pk})
    job = ReportJob.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("reports:job_detail", args=[job.pk]) + "?tai=1"

"""Sensitive exemption reasons (docs/domain.md §6): the person, their approver, the Board and the
Standing Committee read "Nghỉ thai sản"; everyone else — the Inspection Committee included
(docs/rules.md, "Personal data") — reads "Miễn theo quyết định", on every page and in every file,
through one function (fieldwork.privacy.reason_label)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import rules
from fieldwork.models import ExemptionReason, Plan
from fieldwork.privacy import MASKED_REASON, Audience, reason_label
from fieldwork.services.plans import load_plan, plan_to_dict, read_plan_source
from reports.models import ReportJob
from reports.services import request_report
from tests.access import assert_access
from tests.privacy.conftest import MATERNITY_NOTE, response_text

pytestmark = pytest.mark.django_db
REASON = "Nghỉ thai sản"
MASK = str(MASKED_REASON)


# The plan key ------------------------------------------------------------------------------------
def test_both_templates_mark_maternity_and_serious_illness_sensitive(db):
    for template, codes in (("tay-ninh-2023", {"thai-san"}), ("da-nang-2023", {"thai-san", "benh-nang"})):
        data = read_plan_source(template)
        marked = {r["code"] for r in data["exemption_reasons"] if r.get("sensitive")}
        assert marked == codes, template
        plan, _ = load_plan(data)
        assert set(plan.exemption_reasons.filter(sensitive=True).values_list("code", flat=True)) == codes


def test_the_key_round_trips_and_a_wrong_value_is_refused(tn_plan):
    out = plan_to_dict(tn_plan)
    thai_san = next(r for r in out["exemption_reasons"] if r["code"] == "thai-san")
    study = next(r for r in out["exemption_reasons"] if r["code"] == "hoc-tap")
    assert thai_san["sensitive"] is True and "sensitive" not in study  # absent means false (§10)
    thai_san["sensitive"] = False
    study["sensitive"] = True
    load_plan(json.loads(json.dumps(out)))
    reasons = {r.code: r.sensitive for r in ExemptionReason.objects.filter(plan=tn_plan)}
    assert (reasons["thai-san"], reasons["hoc-tap"]) == (False, True)
    study["sensitive"] = "yes"
    with pytest.raises(ValidationError, match="sensitive"):
        load_plan(out)


def test_the_plan_pages_show_and_edit_the_key(client, people):
    plan = people["plan"]
    client.force_login(people["board"])
    html = client.get(reverse("fieldwork:plan_detail", args=[plan.pk])).content.decode()
    assert html.count('data-testid="reason-sensitive"><span class="badge') == 1  # thai-san only
    html = client.get(reverse("fieldwork:plan_edit", args=[plan.pk])).content.decode()
    i = list(plan.exemption_reasons.values_list("code", flat=True)).index("thai-san")
    assert re.search(rf'name="reasons-{i}-sensitive"[^>]*checked', html)
    assert not re.search(rf'name="reasons-{i + 1}-sensitive"[^>]*checked', html)


# One function ----------------------------------------------------------------------------------------
def test_who_reads_a_sensitive_reason(people, maternity):
    reason, dung = maternity.reason, people["cadre"]
    readers = {
        k: reason_label(reason, viewer=people[k], person=dung)
        for k in people
        if k.startswith(("cadre", "head", "board", "secretary", "deputy", "inspector", "stranger", "other_cadre"))
    }
    assert readers == {
        "cadre": REASON,  # herself
        "cadre2": MASK,
        "other_cadre": MASK,
        "head": REASON,  # her approver
        "head2": MASK,  # another department's head
        "board": REASON,
        "secretary": REASON,
        "deputy": REASON,
        "inspector": MASK,  # docs/rules.md: not in §6's list
        "stranger": MASK,  # another organization, whatever their roles
    }
    assert reason_label(reason, viewer=Audience.LEADERSHIP) == REASON
    assert reason_label(reason, viewer=Audience.OUTSIDE) == MASK and reason_label(reason, viewer=None) == MASK
    plain = ExemptionReason.objects.get(plan=people["plan"], code="hoc-tap")
    assert reason_label(plain, viewer=people["inspector"], person=dung) == plain.name


def test_pages_agree_with_the_function(client, people, maternity):
    dung = people["cadre"]
    detail = reverse("fieldwork:exemption_detail", args=[maternity.pk])
    listing = reverse("fieldwork:exemptions") + "?year=2023"
    panel = reverse("fieldwork:cadre_dashboard") + f"?year=2023&person={dung.pk}"
    cell = {detail: '"reason">{}<', listing: '"reason">{}<', panel: "lý do: {})"}
    for key, shown in (("board", True), ("secretary", True), ("inspector", False)):
        client.force_login(people[key])
        for url in (detail, listing, panel):
            html = client.get(url).content.decode()
            assert (REASON in html) is shown, (key, url)
            assert cell[url].format(REASON if shown else MASK) in html, (key, url)
            assert (MATERNITY_NOTE in html) is (shown and url == detail), (key, url)
    client.force_login(people["head"])  # the approver reads it on her standing
    assert REASON in client.get(panel).content.decode()
    client.force_login(dung)
    assert REASON in client.get(reverse("fieldwork:cadre_dashboard") + "?year=2023").content.decode()
    # The Inspection Committee cannot filter by it either (it would name her).
    client.force_login(people["inspector"])
    html = client.get(listing + "&reason=thai-san").content.decode()
    assert 'value="thai-san"' not in html


def test_the_organization_dashboard_counts_it_under_the_mask(client, people, maternity):
    url = reverse("fieldwork:organization_dashboard") + "?year=2023&as_of=2023-06-30"
    client.force_login(people["board"])
    assert REASON in client.get(url).content.decode()
    client.force_login(people["inspector"])
    html = client.get(url).content.decode()
    assert REASON not in html and MASK in html


def test_the_plans_affected_page_hides_who_holds_it(client, people, maternity):
    url = reverse("fieldwork:plan_affected", args=[people["plan"].pk])

    def card(html):
        return re.search(r'data-testid="reason-thai-san">(.*?)</div></div>', html, re.S).group(1)

    client.force_login(people["board"])
    assert people["cadre"].full_name in card(client.get(url).content.decode())
    client.force_login(people["inspector"])
    html = card(client.get(url).content.decode())
    assert people["cadre"].full_name not in html and 'data-testid="withheld"' in html
    assert 'data-testid="total"' not in html  # not even how many


def test_the_note_and_document_are_withheld_from_the_inspection_committee(client, people, maternity):
    url = reverse("fieldwork:exemption_document", args=[maternity.pk])
    assert_access(
        client,
        url,
        allowed=[people["board"], people["deputy"], people["cadre"]],
        forbidden=[people["inspector"], people["cadre2"], people["head"]],
        not_found=[people["stranger"]],
    )


# Files -----------------------------------------------------------------------------------------------
def _file(client, user, job) -> str:
    job.refresh_from_db()
    client.force_login(user)
    return response_text(client.get(reverse("reports:download", args=[job.pk])))


@pytest.mark.parametrize("kind", ["compliance", "yearend", "yearsheet"])
def test_files_show_what_their_requester_may_read(client, people, maternity, run_jobs, kind):
    with run_jobs():
        board_job = request_report(user=people["board"], kind=kind, fmt="xlsx", year=2023, quarter=None)
        inspection_job = request_report(user=people["inspector"], kind=kind, fmt="xlsx", year=2023, quarter=None)
    board_text = _file(client, people["board"], board_job)
    assert REASON in board_text and board_job.params["shows_sensitive"] is True
    inspection_text = _file(client, people["inspector"], inspection_job)
    assert REASON not in inspection_text and MASK in inspection_text
    assert not inspection_job.params.get("shows_sensitive")
    # The Board's file is not handed to the Inspection Committee (403), nor offered on the page.
    client.force_login(people["inspector"])
    assert client.get(reverse("reports:download", args=[board_job.pk])).status_code == 403
    html = client.get(reverse("reports:job_detail", args=[board_job.pk])).content.decode()
    assert 'data-testid="withheld"' in html and reverse("reports:download", args=[board_job.pk]) not in html
    # The Standing Committee may read it.
    client.force_login(people["deputy"])
    assert client.get(reverse("reports:download", args=[board_job.pk])).status_code == 200


def test_the_heads_year_sheet_shows_his_own_cadres_reason(client, people, maternity, run_jobs):
    with run_jobs():
        job = request_report(user=people["head"], kind="yearsheet", fmt="xlsx", year=2023, department=people["d1"])
    assert REASON in _file(client, people["head"], job)


def test_scheduled_files_are_the_boards(people, maternity, run_jobs, client):
    job = ReportJob.objects.create(
        organization=people["org"], kind="compliance", format="xlsx", params={"year": 2023}, scheduled=True
    )
    from reports.services import produce

    produce(job.pk, today=date(2023, 11, 1))
    assert REASON in _file(client, people["secretary"], job)
    client.force_login(people["inspector"])
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 403


# Nothing prints a reason's name but the function ------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
# Where a reason's name is the plan's own data (the rule set), or the Board's import of its own file.
ALLOWED = {
    "templates/fieldwork/plans/detail.html",
    "templates/fieldwork/plans/affected.html",
    "templates/fieldwork/exemptions/list.html",  # the position reasons' table (never sensitive: position scope)
    "templates/fieldwork/people/import_preview.html",  # the Board's own import preview
    "fieldwork/management/commands/import_cadres.py",  # the same, on the command line
    "fieldwork/importers/cadre_rows.py",  # the import's errors, to the Board
    # Messages to the Board (a proposal too short) and notifications to the person and the Standing
    # Committee, who may read it.
    "fieldwork/services/exemptions.py",
    "reports/privacy.py",  # the person's own export
}


def test_no_template_or_builder_prints_a_reason_name_itself():
    offenders = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("reports/**/*.py"), *ROOT.glob("fieldwork/**/*.py")]:
        rel = str(path.relative_to(ROOT))
        if rel in ALLOWED or "/migrations/" in rel or rel == "fieldwork/privacy.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"reason\.name|r\.name for r in plan\.exemption_reasons|(?<!\w)reasons\.get\(", text):
            offenders.append(rel)
    assert offenders == [], "print reasons through fieldwork.privacy.reason_label: " + ", ".join(offenders)


def test_rule_of_another_organization(people, maternity):
    assert not rules.can_see_sensitive_reason(people["stranger"], people["cadre"])
    assert rules.can_see_sensitive_reason(people["board"], None) and not rules.can_see_sensitive_reason(
        people["inspector"], None
    )
    assert Plan.objects.filter(exemption_reasons__sensitive=True).exists()

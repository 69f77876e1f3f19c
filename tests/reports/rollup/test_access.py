"""Who reads what in the tree (docs/rules.md “Organizations in a tree and the roll-up”), every role on every roll-up URL (tests/access.py):
- a parent (any ancestor) reads its descendants' submissions and summaries, nothing else of theirs;
- a child reads nothing of its parent or its siblings."""

from datetime import date

import pytest
from django.urls import reverse

from fieldwork.models import Plan
from reports.models import ReportJob
from reports.rollup_services import submit_rollup
from tests.access import assert_access
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def t(tree, run_jobs):
    admin = UserFactory(department=tree["d2"], full_name="Quản Văn Trị", email="tri@tn.vn", roles=["admin"])
    khoi_cadre = tree["khoi_cadre"]
    with run_jobs():
        s = submit_rollup(actor=tree["khoi_board"], year=2023, quarter=1, today=date(2023, 3, 20))
        s_yte = submit_rollup(actor=tree["yte_board"], year=2023, quarter=1, today=date(2023, 3, 20))
        s_dn = submit_rollup(actor=tree["dn_board"], year=2023, quarter=1, today=date(2023, 3, 20))
        s_tn = submit_rollup(actor=tree["board"], year=2023, quarter=1, today=date(2023, 3, 31))
    return {**tree, "admin": admin, "khoi_cadre": khoi_cadre, "s": s, "s_yte": s_yte, "s_dn": s_dn, "s_tn": s_tn}


def tn_whole(t):
    return [t["board"], t["secretary"], t["deputy"], t["inspector"], t["admin"]]


def tn_others(t):
    return [t["cadre"], t["head"]]


def test_rollup_page_every_role(client, t):
    url = reverse("reports:rollup") + "?year=2023&quarter=1"
    assert_access(client, url, allowed=[*tn_whole(t), t["tw_board"], t["khoi_board"]], forbidden=tn_others(t))


def test_descendant_node(client, t):
    url = reverse("reports:rollup_node", args=[t["khoi"].pk]) + "?year=2023&quarter=1"
    assert_access(
        client,
        url,
        allowed=[*tn_whole(t), t["tw_board"]],  # the parent and the grandparent
        forbidden=tn_others(t),
        # itself (not its own descendant), its child, its sibling, another province
        not_found=[t["khoi_board"], t["khoi_cadre"], t["yte_board"], t["dn_board"], t["stranger"]],
    )
    # A child reads nothing of its parent: Tây Ninh's node from below, and the top from anywhere below.
    for url in (reverse("reports:rollup_node", args=[t["tn"].pk]), reverse("reports:rollup_node", args=[t["tw"].pk])):
        assert_access(client, url, not_found=[t["khoi_board"], t["yte_board"], t["dn_board"], t["board"]])


def test_submission_detail_and_files(client, t):
    s = t["s"]
    urls = [
        reverse("reports:rollup_submission", args=[s.pk]),
        reverse("reports:rollup_submission_download", args=[s.pk, "pdf"]),
        reverse("reports:rollup_submission_download", args=[s.pk, "xlsx"]),
    ]
    for url in urls:
        assert_access(
            client,
            url,
            allowed=[*tn_whole(t), t["tw_board"], t["khoi_board"], t["khoi_standing"]],
            forbidden=[*tn_others(t), t["khoi_cadre"]],
            not_found=[t["yte_board"], t["dn_board"], t["stranger"]],
        )
    # The parent's own submission (to the Central Committee) is not for its children.
    url = reverse("reports:rollup_submission", args=[t["s_tn"].pk])
    assert_access(client, url, allowed=[t["board"], t["tw_board"]], not_found=[t["khoi_board"], t["yte_board"]])
    assert client.get(reverse("reports:rollup_submission_download", args=[s.pk, "doc"])).status_code == 302
    client.force_login(t["board"])
    assert client.get(reverse("reports:rollup_submission_download", args=[s.pk, "doc"])).status_code == 404


def test_nothing_else_of_a_child(client, t):
    """The submission's own job, the child's plan and people stay the child's (404 to the parent)."""
    s, khoi_plan = t["s"], t["khoi_plan"]
    for url in (
        reverse("reports:job_detail", args=[s.pdf_job_id]),
        reverse("reports:download", args=[s.pdf_job_id]),
        reverse("fieldwork:plan_detail", args=[khoi_plan.pk]),
        reverse("accounts:person_deactivate", args=[t["khoi_cadre"].pk]),
    ):
        assert_access(client, url, not_found=[t["board"], t["secretary"], t["inspector"], t["tw_board"]])
    client.force_login(t["board"])
    people = client.get(reverse("accounts:people") + "?status=all").content.decode()
    assert "Đinh Văn Cường" not in people
    page = client.get(reverse("reports:rollup_node", args=[t["khoi"].pk]) + "?year=2023&quarter=1").content.decode()
    assert "Đinh Văn Cường" not in page  # figures, never people


def test_nothing_of_the_parent(client, t, run_jobs):
    client.force_login(t["secretary"])
    with run_jobs():
        client.post(reverse("reports:rollup_request"), {"year": 2023, "quarter": 1, "format": "pdf"})
    job = ReportJob.objects.get(kind="rollup")
    tn_plan = Plan.objects.get(organization=t["tn"], year=2023)
    for url in (
        reverse("reports:job_detail", args=[job.pk]),
        reverse("reports:download", args=[job.pk]),
        reverse("fieldwork:plan_detail", args=[tn_plan.pk]),
        reverse("reports:rollup_submission", args=[t["s_dn"].pk]),  # a sibling's submission
    ):
        assert_access(client, url, not_found=[t["khoi_board"], t["khoi_standing"], t["yte_board"]])
    client.force_login(t["khoi_board"])
    assert "rollup" not in [j.kind for j in ReportJob.objects.filter(organization=t["khoi"])]
    jobs = client.get(reverse("reports:jobs")).content.decode()
    assert str(job.pk) not in jobs


def test_rollup_request_and_child_pages(client, t):
    url = reverse("reports:rollup_request")
    data = {"year": 2023, "quarter": 1, "format": "xlsx"}
    assert_access(client, url, method="post", data=data, allowed=tn_whole(t), forbidden=tn_others(t), ok_codes=(302,))
    url = reverse("reports:rollup_submissions") + "?year=2023"
    assert_access(
        client,
        url,
        allowed=[t["khoi_board"], t["khoi_standing"], t["board"], t["tw_board"]],
        forbidden=[t["khoi_cadre"], *tn_others(t)],
    )
    url = reverse("reports:rollup_submit")
    assert_access(
        client,
        url,
        method="post",
        data={"year": 2023, "quarter": 1, "note": "Điều chỉnh"},
        allowed=[t["khoi_board"], t["board"], t["admin"]],
        forbidden=[t["khoi_standing"], t["khoi_cadre"], t["inspector"], t["secretary"], t["tw_board"]],
        ok_codes=(302,),
    )

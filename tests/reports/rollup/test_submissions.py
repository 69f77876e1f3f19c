"""Reporting up (docs/rules.md “Organizations in a tree and the roll-up”): freezing, resubmission, lateness, and the figures' one source."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fieldwork.models import HistoryEntry
from reports.compliance import compliance
from reports.models import ReportJob, RollupSubmission
from reports.params import Params
from reports.rollup import SUBMITTED, organization_figures, rollup_tree
from reports.rollup_services import submit_rollup
from tests.factories import UserFactory, make_trip
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db
ON_TIME = date(2023, 3, 20)  # Tây Ninh's (the parent's) quarter I deadline: 27/03/2023


def submit(t, run_jobs, actor="khoi_board", today=ON_TIME, **kw):
    with run_jobs():
        return submit_rollup(actor=t[actor], year=2023, quarter=1, today=today, **kw)


def test_figures_are_the_compliance_reports(tree):
    """One source: what a child sends is what its own quarterly report says."""
    plan = tree["plan"]  # Tây Ninh: 10 people, the accountant exempt, Dung and Em went in quarter I
    f = organization_figures(plan, 1, date(2023, 4, 15))
    doc = compliance(Params(organization=plan.organization, plan=plan, year=2023, quarter=1), date(2023, 4, 15))
    counts = {code: n for code, _label, n in doc.status_counts}
    assert {k: f[k] for k in ("met", "on_track", "at_risk", "not_met", "exempt")} == counts
    summary = dict(doc.summary)
    assert summary["Cán bộ thuộc diện phải đi cơ sở / tổng số cán bộ"] == f"{f['subject']}/{f['total']}"
    assert summary["Cán bộ đã đi cơ sở trong quý"].startswith(f"{f['went']}/{f['subject']} ")
    assert (f["total"], f["subject"], f["exempt"], f["went"], f["at_risk"]) == (10, 9, 1, 2, 9)
    assert (f["quarter_days"], f["done_days"], f["as_of"]) == ("34.5", "34.5", "2023-03-31")
    assert f["late_forms"] == 2  # d1 sent its mẫu 3 late, d2 never sent it


def test_submission_freezes_figures_and_files(tree, run_jobs, client, tmp_path):
    s = submit(tree, run_jobs, note="Báo cáo quý I")
    assert (s.version, s.late, s.deadline, s.as_of) == (1, False, date(2023, 3, 27), ON_TIME)
    assert s.parent == tree["tn"] and s.organization == tree["khoi"]
    assert {k: s.figures[k] for k in ("total", "subject", "went", "at_risk")} == {
        "total": 3,
        "subject": 3,
        "went": 1,
        "at_risk": 3,
    }
    assert s.pdf_job.kind == ReportJob.Kind.COMPLIANCE and s.pdf_job.params["today"] == "2023-03-20"
    s.pdf_job.refresh_from_db()
    s.xlsx_job.refresh_from_db()
    assert (s.pdf_job.status, s.xlsx_job.status) == ("done", "done")
    # The child corrects its data afterwards: a new cadre and a new trip in quarter I.
    late_comer = UserFactory(department=tree["khoi_cadre"].department, full_name="Hà Văn Muộn", email="muon@khoi.vn")
    make_trip(tree["khoi_plan"], late_comer, start=date(2023, 3, 22), end=date(2023, 3, 23), days="2")
    s.refresh_from_db()
    assert (s.figures["subject"], s.figures["went"]) == (3, 1)
    node = next(n for n in rollup_tree(tree["tn"], 2023, 1, date(2023, 4, 15)).nodes if n.org == tree["khoi"])
    assert node.source == SUBMITTED and (node.value("subject"), node.value("went")) == (3, 1)
    live = organization_figures(tree["khoi_plan"], 1, date(2023, 4, 15))
    assert (live["subject"], live["went"]) == (4, 2)
    # The parent downloads the file as it was sent: the figures of that day (3 cadres, not the
    # later 4), and nobody's name — the copy sent up is figures only (docs/domain.md §6).
    client.force_login(tree["board"])
    resp = client.get(f"/bao-cao/tong-hop/bao-cao/{s.pk}/tai-ve/pdf/")
    assert resp.status_code == 200
    sent = tmp_path / "sent.pdf"
    sent.write_bytes(b"".join(resp.streaming_content))
    text = pdf_text(sent)
    assert "3/3" in text and "4/4" not in text and "20/3/2023" in text
    assert "Đinh Văn Cường" not in text and "Hà Văn Muộn" not in text and "cuong@khoi.vn" not in text
    assert HistoryEntry.objects.filter(object_type="rollupsubmission", object_id=s.pk, action="submitted").exists()


def test_resubmission_is_a_new_version_and_both_are_kept(tree, run_jobs):
    first = submit(tree, run_jobs, today=date(2023, 3, 29))  # after 27/03: late
    assert first.late
    with pytest.raises(ValidationError, match="hãy ghi rõ nội dung điều chỉnh"):
        submit(tree, run_jobs, today=date(2023, 3, 30))
    newcomer = UserFactory(department=tree["khoi_cadre"].department, full_name="Lục Văn Mới", email="moi@khoi.vn")
    make_trip(tree["khoi_plan"], newcomer, start=date(2023, 3, 1), end=date(2023, 3, 2), days="2")
    second = submit(tree, run_jobs, today=date(2023, 3, 30), note="Bổ sung cán bộ Lục Văn Mới")
    assert second.version == 2 and second.late  # a correction keeps the first submission's flag
    assert RollupSubmission.objects.filter(organization=tree["khoi"], year=2023, quarter=1).count() == 2
    first.refresh_from_db()
    assert (first.figures["subject"], second.figures["subject"]) == (3, 4)
    assert first.pdf_job_id != second.pdf_job_id
    node = next(n for n in rollup_tree(tree["tn"], 2023, 1, date(2023, 4, 15)).nodes if n.org == tree["khoi"])
    assert node.submission == second and node.versions == 2 and node.value("subject") == 4
    assert "lần 2" in node.submitted_text(date(2023, 3, 31)) and "muộn" in node.submitted_text(date(2023, 3, 31))


def test_deadline_is_the_parents(tree, run_jobs):
    # The child's own plan says day 5; the parent's (Tây Ninh) says 27: the parent's counts.
    tree["khoi_plan"].quarter_report_day = 5
    tree["khoi_plan"].save()
    assert not submit(tree, run_jobs, today=date(2023, 3, 27)).late
    tn_plan = tree["plan"]
    tn_plan.quarter_report_day = 10
    tn_plan.save()
    with run_jobs():
        s = submit_rollup(actor=tree["dn_board"], year=2023, quarter=1, today=date(2023, 3, 11))
    assert (s.deadline, s.late) == (date(2023, 3, 10), True)
    # A parent without a plan of the year: the quarter's last day (Tây Ninh under the Central
    # Committee, which has no plan).
    with run_jobs():
        s = submit_rollup(actor=tree["board"], year=2023, quarter=1, today=date(2023, 3, 31))
    assert (s.deadline, s.late, s.parent) == (date(2023, 3, 31), False, tree["tw"])


def test_refusals(tree, run_jobs):
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        submit_rollup(actor=tree["khoi_board"], year=2023, quarter=2, today=ON_TIME)
    with pytest.raises(ValidationError, match="chưa có kế hoạch năm 2024"):
        submit_rollup(actor=tree["khoi_board"], year=2024, quarter=1, today=date(2024, 2, 1))
    with pytest.raises(PermissionDenied):  # Standing Committee: the Board sends
        submit_rollup(actor=tree["khoi_standing"], year=2023, quarter=1, today=ON_TIME)
    with pytest.raises(PermissionDenied):  # the top has no parent
        submit_rollup(actor=tree["tw_board"], year=2023, quarter=1, today=ON_TIME)
    with pytest.raises(ValidationError, match="Ghi chú dài quá"):
        submit_rollup(actor=tree["khoi_board"], year=2023, quarter=1, today=ON_TIME, note="x" * 2001)
    assert not RollupSubmission.objects.exists()


def test_tree_totals_per_level(tree, run_jobs):
    submit(tree, run_jobs)
    r = rollup_tree(tree["tw"], 2023, 1, date(2023, 4, 15))
    names = [(n.level, n.org.name) for n in r.nodes]
    assert names == [
        (1, "Tỉnh đoàn khac"),
        (1, "Tỉnh đoàn Tây Ninh"),
        (2, "Đoàn Khối các cơ quan tỉnh"),
        (3, "Chi đoàn Sở Y tế"),
        (2, "Đoàn Khối doanh nghiệp"),
    ]
    by = {n.org.code: n for n in r.nodes}
    assert [by[c].source for c in ("khac", "tay-ninh", "khoi-cq", "so-y-te", "khoi-dn")] == [
        "live",
        "live",
        "submitted",
        "live",
        "live",
    ]
    assert [(lt.level, lt.count, lt.submitted, lt.totals["subject"]) for lt in r.levels] == [
        (1, 2, 0, 1 + 9),
        (2, 2, 1, 3 + 1),
        (3, 1, 0, 1),
    ]
    assert r.total["subject"] == 15 and r.total["went"] == 3 and r.submitted == 1
    assert by["tay-ninh"].subtree["subject"] == 9 + 3 + 1 + 1 and by["tay-ninh"].subtree_count == 3
    assert by["khoi-cq"].subtree["subject"] == 4
    # A child with no plan of the year is listed, marked, and counts nothing.
    by_code = rollup_tree(tree["tw"], 2024, 1, date(2024, 4, 15)).nodes
    assert {n.source for n in by_code} == {"no_plan"}


def test_units_in_vietnamese_order_numbers_as_numbers():
    from reports.rollup import org_sort_key

    names = ["Đoàn trực thuộc số 10", "Đoàn Khối", "Đoàn trực thuộc số 2", "Chi đoàn Sở Y tế", "Đoàn Bến Tre"]
    assert sorted(names, key=org_sort_key) == [
        "Chi đoàn Sở Y tế",
        "Đoàn Bến Tre",
        "Đoàn Khối",
        "Đoàn trực thuộc số 2",
        "Đoàn trực thuộc số 10",
    ]

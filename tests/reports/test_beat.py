"""Celery beat's quarterly production (docs/domain.md §8), with a fixed clock."""

from datetime import date

import pytest

from accounts.models import Notification
from reports import services
from reports.models import ReportJob, ScheduledRun
from reports.tasks import produce_due_compliance_reports

pytestmark = pytest.mark.django_db


def test_runs_once_per_quarter_after_the_deadline(report_data, run_jobs):
    p = report_data
    # Tây Ninh: mẫu 3 due on the 27th of the quarter's last month. On 27/3 quarter I is not yet due.
    with run_jobs():
        assert services.produce_due_compliance_reports(today=date(2023, 3, 27)) == []
    with run_jobs():
        jobs = services.produce_due_compliance_reports(today=date(2023, 3, 28))
    # Both organizations with a plan (Tây Ninh and the stranger's) get quarter I, PDF and XLSX.
    mine = [j for j in jobs if j.organization_id == p["org"].pk]
    assert sorted(j.format for j in mine) == ["pdf", "xlsx"] and all(j.scheduled for j in mine)
    assert ScheduledRun.objects.filter(organization=p["org"]).count() == 1
    for job in mine:
        job.refresh_from_db()
        assert job.status == "done" and job.params == {"year": 2023, "quarter": 1} and job.requested_by is None
    # The Board is notified with a link to the quarter page; a cadre is not.
    note = Notification.objects.get(user=p["board"])
    assert "quý I năm 2023" in note.text and note.url == "/bao-cao/quy/?year=2023"
    assert not Notification.objects.filter(user=p["cadre"]).exists()
    # A second firing (the same day, or the task again) produces nothing new.
    with run_jobs():
        assert produce_due_compliance_reports.apply(kwargs={"today": "2023-03-28"}).get() == []
    assert ScheduledRun.objects.filter(organization=p["org"]).count() == 1
    assert ReportJob.objects.filter(organization=p["org"]).count() == 2


def test_catches_up_every_past_quarter(report_data, run_jobs):
    with run_jobs():
        services.produce_due_compliance_reports(today=date(2024, 1, 5))
    runs = ScheduledRun.objects.filter(organization=report_data["org"])
    assert sorted(runs.values_list("quarter", flat=True)) == [1, 2, 3, 4]
    assert ReportJob.objects.filter(organization=report_data["org"], scheduled=True).count() == 8


def test_plan_without_report_day_uses_quarter_end(report_data, run_jobs):
    plan = report_data["plan"]
    plan.quarter_report_day = None
    plan.save()
    with run_jobs():
        services.produce_due_compliance_reports(today=date(2023, 3, 31))
    assert not ScheduledRun.objects.filter(organization=report_data["org"]).exists()
    with run_jobs():
        services.produce_due_compliance_reports(today=date(2023, 4, 1))
    assert ScheduledRun.objects.filter(organization=report_data["org"], quarter=1).exists()

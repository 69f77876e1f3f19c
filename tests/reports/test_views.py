"""Report pages: access cases (tests/access.py), the jobs list and its query budget, htmx
status polling, the permission-checked download, retry, the Board's quarter page."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from fieldwork.models import Plan
from reports import services
from reports.models import ReportJob
from tests.access import assert_access

pytestmark = pytest.mark.django_db


def make_job(p, user, run_jobs, **kw):
    kw.setdefault("kind", "mau1")
    kw.setdefault("fmt", "xlsx")
    kw.setdefault("year", 2023)
    if kw["kind"] == "mau1":
        kw.setdefault("cadre", user)
    with run_jobs():
        job = services.request_report(user=user, **kw)
    job.refresh_from_db()
    return job


def test_download_access(report_data, run_jobs, client):
    p = report_data
    job = make_job(p, p["cadre"], run_jobs)
    url = reverse("reports:download", args=[job.pk])
    # Own job, and the Board (sees all of its organization's jobs); another cadre: 403;
    # another organization (even with every role): 404.
    assert_access(
        client, url, allowed=[p["cadre"], p["board"]], forbidden=[p["cadre2"], p["head2"]], not_found=[p["stranger"]]
    )
    client.force_login(p["cadre"])
    resp = client.get(url)
    assert (
        resp["Content-Disposition"].startswith("attachment;")
        and "mau1-tran-thi-dung-2023.xlsx" in resp["Content-Disposition"]
    )
    assert b"".join(resp.streaming_content) == (Path(settings.MEDIA_ROOT) / job.file_path).read_bytes()


def test_unknown_job_and_media_paths_are_404(report_data, run_jobs, client):
    p = report_data
    job = make_job(p, p["cadre"], run_jobs)
    client.force_login(p["cadre"])
    assert client.get(reverse("reports:download", args=[uuid.uuid4()])).status_code == 404
    # The file is never served from a public URL.
    assert client.get(f"/media-not-served/{job.file_path}").status_code == 404
    assert client.get(f"/media/{job.file_path}").status_code == 404


def test_download_of_unfinished_job_is_404(report_data, client):
    job = ReportJob.objects.create(
        organization=report_data["org"],
        kind="mau1",
        format="pdf",
        params={"year": 2023, "cadre_id": report_data["cadre"].pk},
        requested_by=report_data["cadre"],
    )
    client.force_login(report_data["cadre"])
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404
    # A job marked done whose file_path points outside MEDIA_ROOT/reports is not served either.
    ReportJob.objects.filter(pk=job.pk).update(status="done", file_path="../config/settings.py")
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404


def test_request_view(report_data, run_jobs, client):
    p = report_data
    url = reverse("reports:request")
    client.force_login(p["cadre"])
    # A cadre asking for the compliance report: 403, the form kept with the reason.
    resp = client.post(url, {"kind": "compliance", "format": "pdf", "year": 2023, "quarter": 1})
    assert resp.status_code == 403 and "Bạn không được tạo loại báo cáo này." in resp.content.decode()
    assert 'name="kind"' in resp.content.decode()
    # Missing quarter: the form comes back with the Vietnamese reason, what was typed kept.
    client.force_login(p["board"])
    resp = client.post(url, {"kind": "mau3", "format": "xlsx", "year": 2023, "department": p["d1"].pk})
    assert resp.status_code == 400 and "Cần chọn quý cho báo cáo này." in resp.content.decode()
    assert 'value="2023"' in resp.content.decode()
    with run_jobs():
        resp = client.post(url, {"kind": "mau3", "format": "pdf", "year": 2023, "quarter": 1, "department": p["d1"].pk})
    job = ReportJob.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("reports:job_detail", args=[job.pk]) + "?tai=1"
    assert job.requested_by == p["board"] and job.params == {"year": 2023, "quarter": 1, "department_id": p["d1"].pk}
    # Another organization's department id is not a choice.
    resp = client.post(
        url,
        {
            "kind": "mau3",
            "format": "pdf",
            "year": 2023,
            "quarter": 1,
            "department": p["other_plan"].organization.departments.first().pk,
        },
    )
    assert resp.status_code == 400
    assert client.get(url).status_code == 200


def test_job_detail_polls_until_done(report_data, run_jobs, client):
    p = report_data
    job = ReportJob.objects.create(
        organization=p["org"],
        kind="compliance",
        format="pdf",
        params={"year": 2023, "quarter": 1},
        requested_by=p["board"],
        progress=40,
        status="running",
    )
    status_url = reverse("reports:job_status", args=[job.pk])
    assert_access(
        client,
        reverse("reports:job_detail", args=[job.pk]),
        allowed=[p["board"], p["deputy"], p["inspector"]],
        forbidden=[p["cadre"], p["head"]],
        not_found=[p["stranger"]],
    )
    client.force_login(p["board"])
    html = client.get(status_url).content.decode()
    assert f'hx-get="{status_url}"' in html and 'hx-trigger="every 1s"' in html and "w-pct-40" in html
    services.produce(job.pk)
    html = client.get(status_url).content.decode()
    assert "hx-trigger" not in html and reverse("reports:download", args=[job.pk]) in html
    ReportJob.objects.filter(pk=job.pk).update(status="failed", error="Lỗi thử")
    html = client.get(status_url).content.decode()
    assert "hx-trigger" not in html and "Lỗi thử" in html and reverse("reports:retry", args=[job.pk]) in html


def test_a_job_just_requested_shows_one_state_and_downloads_by_itself(report_data, client):
    """?tai=1 (the redirect after a request): the polling keeps it; once done the partial carries
    the download URL for static/js/download.js and keeps the link as the fallback; one state only."""
    p = report_data
    job = ReportJob.objects.create(
        organization=p["org"],
        kind="compliance",
        format="pdf",
        params={"year": 2023, "quarter": 1},
        requested_by=p["board"],
        progress=40,
        status="running",
    )
    client.force_login(p["board"])
    status_url = reverse("reports:job_status", args=[job.pk])
    html = client.get(reverse("reports:job_detail", args=[job.pk]) + "?tai=1").content.decode()
    assert f'hx-get="{status_url}?tai=1"' in html and "Đang tạo báo cáo… 40%" in html
    assert "Tệp sẽ tự tải về khi xong." in html and "sẵn sàng" not in html and "data-autodownload" not in html
    assert "js/download.js" in html
    services.produce(job.pk)
    html = client.get(status_url + "?tai=1").content.decode()
    download = reverse("reports:download", args=[job.pk])
    assert f'data-autodownload="{download}"' in html and f'href="{download}"' in html
    assert "đang được tải về" in html and "Đang tạo" not in html and "hx-trigger" not in html
    # Opened later (the jobs list, a bookmark): no automatic download.
    assert "data-autodownload" not in client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()


def test_retry_view(report_data, run_jobs, client):
    p = report_data
    job = make_job(p, p["cadre"], run_jobs)
    ReportJob.objects.filter(pk=job.pk).update(status="failed", file_path="", error="x")
    url = reverse("reports:retry", args=[job.pk])
    assert_access(client, url, method="post", forbidden=[p["cadre2"]], not_found=[p["stranger"]])
    client.force_login(p["cadre"])
    with run_jobs():
        resp = client.post(url)
    assert resp.status_code == 302
    job.refresh_from_db()
    assert job.status == "done"


def test_jobs_list_scope_filters_and_queries(report_data, run_jobs, client, django_assert_max_num_queries):
    p = report_data
    for _ in range(3):
        ReportJob.objects.create(
            organization=p["org"], kind="mau1", format="pdf", params={"year": 2023}, requested_by=p["cadre"]
        )
    ReportJob.objects.create(
        organization=p["org"],
        kind="compliance",
        format="xlsx",
        params={"year": 2023, "quarter": 1},
        requested_by=p["board"],
        status="done",
    )
    ReportJob.objects.create(
        organization=p["other_plan"].organization,
        kind="compliance",
        format="xlsx",
        params={"year": 2023, "quarter": 1},
        requested_by=p["stranger"],
    )
    for _ in range(30):
        ReportJob.objects.create(
            organization=p["org"],
            kind="mau2",
            format="xlsx",
            params={"year": 2023, "quarter": 1},
            requested_by=p["head"],
        )
    url = reverse("reports:jobs")
    client.force_login(p["cadre"])
    assert len(client.get(url).context["page"].object_list) == 3
    client.force_login(p["deputy"])  # Standing: own + compliance reports
    assert [j.kind for j in client.get(url).context["page"].object_list] == ["compliance"]
    client.force_login(p["board"])
    with django_assert_max_num_queries(12):
        resp = client.get(url)
    assert resp.context["page"].paginator.count == 34 and len(resp.context["page"].object_list) == 25
    assert client.get(url, {"kind": "mau1"}).context["page"].paginator.count == 3
    assert client.get(url, {"status": "done"}).context["page"].paginator.count == 1
    assert client.get(url, {"page": 2}).context["page"].number == 2


def test_quarter_page_and_regenerate(report_data, run_jobs, client):
    p = report_data
    url = reverse("reports:quarter")
    assert_access(
        client, url + "?year=2023", allowed=[p["board"], p["deputy"], p["inspector"]], forbidden=[p["cadre"], p["head"]]
    )
    regen = reverse("reports:regenerate")
    assert_access(
        client,
        regen,
        method="post",
        data={"year": 2023, "quarter": 1},
        forbidden=[p["cadre"], p["inspector"]],
        ok_codes=(302,),
    )
    client.force_login(p["board"])
    with run_jobs():
        client.post(regen, {"year": 2023, "quarter": 1})
    jobs = ReportJob.objects.filter(kind="compliance", organization=p["org"])
    # Two POSTs above by the deputy/board in assert_access (allowed list is empty) -> only ours + the access one.
    assert jobs.filter(status="done").count() == jobs.count() >= 2
    html = client.get(url, {"year": 2023}).content.decode()
    assert html.count(reverse("reports:download", args=[jobs.first().pk])) == 1
    assert "Tạo lại" in html
    page_jobs = client.get(url, {"year": 2023}).context["rows"][0]["jobs"]
    assert len(page_jobs) == jobs.count()
    # The stranger's organization sees none of these.
    client.force_login(p["stranger"])
    assert client.get(url, {"year": 2023}).context["rows"][0]["jobs"] == []


def test_download_buttons_include(report_data, rf):
    from django.template.loader import render_to_string

    html = render_to_string(
        "reports/_download_buttons.html", {"kind": "mau3", "year": 2023, "quarter": 1, "department": report_data["d1"]}
    )
    assert html.count(f'action="{reverse("reports:request")}"') == 2
    assert f'name="department" value="{report_data["d1"].pk}"' in html
    assert 'value="pdf"' in html and 'value="xlsx"' in html


def test_quarter_page_of_a_plan_that_names_no_mau3_deadline(report_data, client):
    """Đà Nẵng's plan names no mẫu 3 deadline (docs/domain.md §5): the Board's quarter page says
    so for a past quarter with no report, instead of answering 500."""
    p = report_data
    Plan.objects.filter(pk=p["plan"].pk).update(quarter_report_day=None)
    client.force_login(p["board"])
    resp = client.get(reverse("reports:quarter"), {"year": 2023})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Chưa có báo cáo nào của quý này (kế hoạch không quy định hạn gửi mẫu 3)." in html
    assert "hạn gửi mẫu 3 đã qua ngày" not in html

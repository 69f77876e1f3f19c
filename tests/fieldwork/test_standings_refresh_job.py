"""A change to a large plan recomputes its stored standings in a background job with progress
(docs/rules.md “Stored standings”, fieldwork.standings_refresh): one job per change burst, run after the commit, the
rows then equal a fresh computation; a failed job says why and can be retried; no change is lost."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.urls import reverse

from fieldwork import standings_refresh
from fieldwork.models import Plan, StandingsRefresh, StoredStanding
from fieldwork.selectors import cadre_people
from fieldwork.services.plans import plan_to_dict, save_plan
from fieldwork.stored_standings import ensure_fresh, refresh
from tests.access import assert_access
from tests.factories import make_trip

from .test_plans import edit_post
from .test_stored_standings import assert_stored_equals_fresh as _assert_stored_equals_fresh

Status = StandingsRefresh.Status


@pytest.fixture
def big(people, settings):
    """The Tây Ninh fixture with the limit lowered below its 9 cadres: every plan change is a job."""
    settings.STANDINGS_SYNC_LIMIT = 3
    settings.STANDINGS_REFRESH_CHUNK = 2
    plan = people["plan"]
    make_trip(plan, people["cadre"], end=date(2023, 3, 30), days="30")
    make_trip(plan, people["cadre2"], start=date(2023, 4, 3), end=date(2023, 4, 12), days="10")
    refresh(plan)
    assert StoredStanding.objects.get(plan=plan, person=people["cadre"]).required_days == 60
    return people


def assert_stored_equals_fresh(plan):
    _assert_stored_equals_fresh(Plan.objects.get(pk=plan.pk))  # the plan as saved, not a stale instance


def _min_days(n):
    def mutate(d):
        d["min_days"] = n

    return mutate


def _edit(client, people, mutate):
    client.force_login(people["board"])
    resp = client.post(reverse("fieldwork:plan_edit", args=[people["plan"].pk]), edit_post(people["plan"], mutate))
    assert resp.status_code == 302, resp.context and resp.context["rule_errors"]
    return resp


def _save(people, n):
    plan = Plan.objects.get(pk=people["plan"].pk)
    data = plan_to_dict(plan)
    data["min_days"] = n
    save_plan(actor=people["board"], plan=plan, data=data)


def _required(people, key="cadre"):
    return StoredStanding.objects.get(plan=people["plan"], person=people[key]).required_days


def test_a_plan_edit_above_the_limit_is_a_job_run_after_the_commit(
    client, big, monkeypatch, django_capture_on_commit_callbacks
):
    plan = big["plan"]
    total = cadre_people(plan).count()
    assert total == 9
    with django_capture_on_commit_callbacks() as callbacks:
        resp = _edit(client, big, _min_days(40))
    # In the request: one job, queued; the rows still the old plan's (nothing recomputed).
    job = StandingsRefresh.objects.get(plan=plan)
    assert (job.status, job.requested_by, job.total, job.done) == (Status.QUEUED, big["board"], total, 0)
    assert _required(big) == 60
    assert len(callbacks) == 1
    # The plan page shows its progress, polling the status partial.
    page = client.get(resp["Location"])
    html = page.content.decode()
    assert "Đang tính lại tình hình thực hiện theo kế hoạch mới: 0/9 cán bộ" in html
    assert f'hx-get="{reverse("fieldwork:standings_refresh_status", args=[plan.pk])}"' in html
    # The worker: chunks of 2 cadres, the progress written after each.
    seen = []
    real = standings_refresh.refresh_chunk

    def spy(plan, ids, **kw):
        seen.append((StandingsRefresh.objects.get(pk=job.pk).done, len(ids)))
        return real(plan, ids, **kw)

    monkeypatch.setattr(standings_refresh, "refresh_chunk", spy)
    callbacks[0]()
    assert seen == [(0, 2), (2, 2), (4, 2), (6, 2), (8, 1)]
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.attempts, job.error) == (Status.DONE, 9, 9, 1, "")
    assert job.started_at <= job.finished_at
    assert _required(big) == 40
    assert_stored_equals_fresh(plan)
    # The partial, polled now, says it is over and stops polling.
    part = client.get(reverse("fieldwork:standings_refresh_status", args=[plan.pk])).content.decode()
    assert "Đã tính lại xong tình hình thực hiện của 9 cán bộ theo kế hoạch mới" in part
    assert "hx-get" not in part


def test_progress_figures_use_vietnamese_grouping(client, big):
    job = StandingsRefresh.objects.create(plan=big["plan"], status=Status.RUNNING, done=4500, total=10000)
    client.force_login(big["board"])
    html = client.get(reverse("fieldwork:plan_detail", args=[big["plan"].pk])).content.decode()
    assert "Đang tính lại tình hình thực hiện theo kế hoạch mới: 4.500/10.000 cán bộ" in html
    assert "w-pct-45" in html
    job.delete()


def test_small_plans_and_per_person_changes_stay_in_the_request(client, people, big, settings):
    plan = people["plan"]
    # A trip is a per-person change: refreshed in the same transaction even above the limit.
    make_trip(plan, people["cadre2"], start=date(2023, 5, 2), end=date(2023, 5, 6), days="5")
    assert StoredStanding.objects.get(plan=plan, person=people["cadre2"]).done_days == Decimal(15)
    assert not StandingsRefresh.objects.exists()
    # Up to the limit, the plan itself is refreshed in the request as before.
    settings.STANDINGS_SYNC_LIMIT = 9
    _edit(client, people, _min_days(45))
    assert not StandingsRefresh.objects.exists()
    assert _required(people) == 45
    assert_stored_equals_fresh(plan)


def test_a_failed_job_says_why_and_retry_runs_it_again(client, big, monkeypatch, django_capture_on_commit_callbacks):
    plan = big["plan"]
    real = standings_refresh.refresh_chunk
    calls = []

    def broken(plan, ids, **kw):
        calls.append(ids)
        if len(calls) == 2:
            raise RuntimeError("chunk exploded")
        return real(plan, ids, **kw)

    monkeypatch.setattr(standings_refresh, "refresh_chunk", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _edit(client, big, _min_days(40))
    job = StandingsRefresh.objects.get(plan=plan)
    assert (job.status, job.done, job.attempts) == (Status.FAILED, 2, 1)
    assert "RuntimeError" in job.error and "Thử lại" in job.error
    assert "chunk exploded" not in job.error  # no internals beyond the error's kind
    html = client.get(reverse("fieldwork:plan_detail", args=[plan.pk])).content.decode()
    assert job.error in html
    assert 'data-testid="standings-refresh-retry"' in html
    assert "hx-get" not in html.split('id="standings-refresh"')[1].split(">")[0]
    # The dashboards warn that their figures may be the old plan's.
    board_page = client.get(reverse("fieldwork:organization_dashboard"), {"year": 2023}).content.decode()
    assert "Chưa tính lại được số liệu theo kế hoạch mới" in board_page
    # Retry: the same job, queued again and run.
    monkeypatch.setattr(standings_refresh, "refresh_chunk", real)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("fieldwork:standings_refresh_retry", args=[plan.pk]))
    assert resp.status_code == 302 and resp["Location"] == reverse("fieldwork:plan_detail", args=[plan.pk])
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.attempts, job.error) == (Status.DONE, 9, 9, 2, "")
    assert StandingsRefresh.objects.count() == 1
    assert_stored_equals_fresh(plan)
    # A job that is done is not retried.
    resp = client.post(reverse("fieldwork:standings_refresh_retry", args=[plan.pk]), follow=True)
    assert "Chỉ thử lại được lần tính lại bị lỗi." in resp.content.decode()
    assert StandingsRefresh.objects.get().attempts == 2


def test_transient_database_errors_are_retried_by_the_task(big, monkeypatch, django_capture_on_commit_callbacks):

    plan = big["plan"]
    real = standings_refresh.refresh_chunk
    calls = []

    def flaky(plan, ids, **kw):
        calls.append(ids)
        if len(calls) == 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(plan, ids, **kw)

    monkeypatch.setattr(standings_refresh, "refresh_chunk", flaky)
    from core import jobs

    waits = []
    monkeypatch.setattr(jobs, "backoff", lambda n: waits.append(n) or 0)
    with django_capture_on_commit_callbacks(execute=True):
        _save(big, 40)
    job = StandingsRefresh.objects.get(plan=plan)
    assert (job.status, job.attempts, job.done, job.total) == (Status.DONE, 2, 9, 9)
    assert waits == [0]
    assert_stored_equals_fresh(plan)


def test_a_transient_error_every_time_fails_the_job_after_the_retries(
    big, monkeypatch, django_capture_on_commit_callbacks
):
    from core import jobs
    from fieldwork import tasks

    def down(plan, ids, **kw):
        raise OperationalError("could not connect")

    monkeypatch.setattr(standings_refresh, "refresh_chunk", down)
    monkeypatch.setattr(jobs, "backoff", lambda n: 0)
    with django_capture_on_commit_callbacks(execute=True):
        _save(big, 40)
    job = StandingsRefresh.objects.get()
    assert (job.status, job.attempts) == (Status.FAILED, tasks.MAX_RETRIES + 1)
    assert "Cơ sở dữ liệu tạm thời không phản hồi" in job.error


def test_two_quick_changes_while_queued_are_one_job_with_the_second(big, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _save(big, 40)
        _save(big, 35)
    assert StandingsRefresh.objects.count() == 1
    assert len(callbacks) == 1  # the second change joined the queued job
    callbacks[0]()
    assert StandingsRefresh.objects.get().status == Status.DONE
    assert _required(big) == 35
    assert_stored_equals_fresh(big["plan"])


def test_a_change_while_the_job_runs_makes_it_go_over_the_plan_again(
    big, monkeypatch, django_capture_on_commit_callbacks
):
    plan = big["plan"]
    real = standings_refresh.refresh_chunk
    calls = []

    def change_midway(plan, ids, **kw):
        calls.append(ids)
        if len(calls) == 2:  # the Board saves the plan again while the job is at its second chunk
            _save(big, 30)
            assert StandingsRefresh.objects.get().restart is True
        return real(plan, ids, **kw)

    monkeypatch.setattr(standings_refresh, "refresh_chunk", change_midway)
    with django_capture_on_commit_callbacks(execute=True):
        _save(big, 40)
    job = StandingsRefresh.objects.get()
    assert (job.status, job.restart, job.done, job.total) == (Status.DONE, False, 9, 9)
    assert len(calls) == 10  # two passes of 5 chunks
    assert _required(big) == 30
    assert_stored_equals_fresh(plan)
    # A change after the job is done is a new job.
    monkeypatch.setattr(standings_refresh, "refresh_chunk", real)
    with django_capture_on_commit_callbacks(execute=True):
        _save(big, 50)
    assert list(StandingsRefresh.objects.order_by("pk").values_list("status", flat=True)) == [Status.DONE] * 2
    assert _required(big) == 50
    assert_stored_equals_fresh(plan)


def test_the_task_is_idempotent(big, django_capture_on_commit_callbacks):
    from fieldwork.tasks import refresh_plan_standings

    with django_capture_on_commit_callbacks(execute=True):
        _save(big, 40)
    job = StandingsRefresh.objects.get()
    finished = job.finished_at
    assert refresh_plan_standings.apply(args=[job.pk]).get() == {"job": job.pk, "status": Status.DONE}
    job.refresh_from_db()
    assert (job.attempts, job.finished_at) == (1, finished)  # a redelivered message changes nothing
    # A job redelivered while "running" (its worker was killed) is run again from the start.
    StandingsRefresh.objects.filter(pk=job.pk).update(status=Status.RUNNING, done=3)
    StoredStanding.objects.filter(plan=big["plan"], person=big["cadre"]).update(required_days=1)
    refresh_plan_standings.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts, job.done) == (Status.DONE, 2, 9)
    assert_stored_equals_fresh(big["plan"])


def test_pages_do_not_recompute_the_plan_while_a_job_runs(client, big, django_capture_on_commit_callbacks):
    plan = big["plan"]
    with django_capture_on_commit_callbacks() as callbacks:
        _save(big, 40)
    # A row gone (the safety net would recompute the whole plan in the request): not now.
    StoredStanding.objects.filter(plan=plan, person=big["cadre2"]).delete()
    client.force_login(big["board"])
    for url in (reverse("fieldwork:organization_dashboard"), reverse("fieldwork:standings")):
        html = client.get(url, {"year": 2023}).content.decode()
        assert "Số liệu đang được tính lại theo kế hoạch mới…" in html, url
        assert f"{reverse('fieldwork:standings_refresh_status', args=[plan.pk])}?v=banner" in html
    assert not StoredStanding.objects.filter(plan=plan, person=big["cadre2"]).exists()
    assert _required(big) == 60
    # The banner's partial, once the job is done, offers to reload the polling page.
    callbacks[0]()
    part = client.get(
        reverse("fieldwork:standings_refresh_status", args=[plan.pk]),
        {"v": "banner"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/tinh-hinh/?year=2023",
    ).content.decode()
    assert "Đã tính lại xong số liệu theo kế hoạch mới." in part and 'href="/tinh-hinh/?year=2023"' in part
    assert "hx-get" not in part
    html = client.get(reverse("fieldwork:standings"), {"year": 2023}).content.decode()
    assert "standings-refresh-banner" not in html
    assert_stored_equals_fresh(plan)


def test_a_stalled_job_no_longer_holds_back_the_safety_net_and_a_change_restarts_it(
    big, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    plan = big["plan"]
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    job = StandingsRefresh.objects.create(plan=plan, status=Status.RUNNING, started_at=long_ago, total=9)
    StoredStanding.objects.filter(plan=plan, person=big["cadre2"]).delete()
    ensure_fresh(plan)  # the worker was lost: the page heals the rows itself
    assert StoredStanding.objects.filter(plan=plan, person=big["cadre2"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        _save(big, 40)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 1)
    assert StandingsRefresh.objects.count() == 1
    assert _required(big) == 40


def test_creating_a_large_plan_is_a_job_too(client, big, django_capture_on_commit_callbacks):
    client.force_login(big["board"])
    with django_capture_on_commit_callbacks() as callbacks:
        resp = client.post(reverse("fieldwork:plan_create"), {"year": 2024, "source": f"plan:{big['plan'].pk}"})
    assert resp.status_code == 302, resp.context and resp.context["form"].errors
    new = Plan.objects.get(organization=big["org"], year=2024)
    job = StandingsRefresh.objects.get(plan=new)
    assert (job.status, job.requested_by) == (Status.QUEUED, big["board"])
    assert "Đang tính lại tình hình thực hiện theo kế hoạch mới" in client.get(resp["Location"]).content.decode()
    for cb in callbacks:
        cb()
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert_stored_equals_fresh(new)


def test_access_to_the_progress_and_the_retry(client, big):
    plan = big["plan"]
    StandingsRefresh.objects.create(plan=plan, status=Status.FAILED, error="x")
    status_url = reverse("fieldwork:standings_refresh_status", args=[plan.pk])
    retry_url = reverse("fieldwork:standings_refresh_retry", args=[plan.pk])
    assert_access(
        client,
        status_url,
        allowed=[big["board"], big["secretary"], big["inspector"]],
        forbidden=[big["cadre"], big["head"]],
        not_found=[big["stranger"]],  # another organization's Board member
    )
    assert_access(
        client,
        retry_url,
        method="post",
        forbidden=[big["cadre"], big["head"], big["secretary"], big["inspector"]],
        not_found=[big["stranger"]],
    )
    assert StandingsRefresh.objects.get().status == Status.FAILED  # nobody above retried it
    client.force_login(big["board"])
    assert client.get(retry_url).status_code == 405  # POST only
    resp = client.post(retry_url)
    assert resp.status_code == 302
    assert StandingsRefresh.objects.get().status == Status.QUEUED


def test_the_retry_needs_the_csrf_token(big):
    from django.test import Client

    StandingsRefresh.objects.create(plan=big["plan"], status=Status.FAILED, error="x")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(big["board"])
    assert csrf_client.post(reverse("fieldwork:standings_refresh_retry", args=[big["plan"].pk])).status_code == 403
    assert StandingsRefresh.objects.get().status == Status.FAILED


def test_a_head_sees_the_banner_without_polling(client, big):
    StandingsRefresh.objects.create(plan=big["plan"], status=Status.RUNNING, done=2, total=9)
    client.force_login(big["head"])
    html = client.get(reverse("fieldwork:standings"), {"year": 2023}).content.decode()
    assert "Số liệu đang được tính lại theo kế hoạch mới…" in html and "(2/9 cán bộ)" in html
    assert "?v=banner" not in html  # the status partial is the plan readers' (403 for a head)
    # A past date is computed, not read from the stored rows: no banner.
    client.force_login(big["board"])
    html = client.get(reverse("fieldwork:standings"), {"year": 2023, "as_of": "2023-05-01"}).content.decode()
    assert "standings-refresh-banner" not in html

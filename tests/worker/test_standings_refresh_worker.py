"""A change to a large plan recomputed by a real Celery worker on Redis and PostgreSQL (docs/rules.md “Stored standings”, make test-worker): the request only creates the job; the worker runs it in chunks and the
stored rows then equal a fresh computation."""

import time
from datetime import date

import pytest

from .test_celery_worker import worker  # noqa: F401 - the worker process fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setenv("STANDINGS_REFRESH_CHUNK", "2")  # read by the worker process's settings


def test_worker_recomputes_a_large_plan(people, settings, small_chunks, worker):  # noqa: F811
    from fieldwork.models import Plan, StandingsRefresh, StoredStanding
    from fieldwork.services.plans import plan_to_dict, save_plan
    from fieldwork.stored.standings import refresh
    from tests.factories import make_trip
    from tests.fieldwork.test_stored_standings import assert_stored_equals_fresh

    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    settings.STANDINGS_SYNC_LIMIT = 3  # the fixture's 9 cadres are a large plan
    plan = people["plan"]
    make_trip(plan, people["cadre"], end=date(2023, 3, 30), days="30")
    refresh(plan)
    data = plan_to_dict(plan)
    data["min_days"] = 40
    save_plan(actor=people["board"], plan=plan, data=data)  # commits: the job is enqueued
    job = StandingsRefresh.objects.get(plan=plan)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (StandingsRefresh.Status.DONE, StandingsRefresh.Status.FAILED) or worker.poll() is not None:
            break
        time.sleep(0.3)
    assert worker.poll() is None, "the worker died"
    assert (job.status, job.done, job.total, job.attempts) == (StandingsRefresh.Status.DONE, 9, 9, 1), job.error
    assert StoredStanding.objects.get(plan=plan, person=people["cadre"]).required_days == 40
    assert_stored_equals_fresh(Plan.objects.get(pk=plan.pk))

"""PostgreSQL connections cut under load (`pg_terminate_backend`), through gunicorn as the compose
file runs it (persistent connections, health checks): cadres report their trips (a write of the
trip, its history entry and the approver's notification in one transaction) and read their pages
while every backend of the database is terminated again and again. A request caught in flight
gets the Vietnamese 503 page (never a 500, never a dropped connection); the next requests succeed;
no trip is half-written: each one is either untouched or reported with exactly one history entry
and one notification; a 302 always means saved; a 503'd report sent again is saved."""

import http.client
import random
import re
import threading
import time
from datetime import date, timedelta

import psycopg2
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_trip
from tests.faults.conftest import app_env, free_port, start, stop, tail, wait_for
from tests.fieldwork.test_results_report import report_data as report_form
from tests.worker.test_celery_worker import database_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

TRIPS_EACH = 12
REPORTERS = ("cadre", "cadre2", "other_cadre", "head", "board", "inspector")


def gunicorn_argv(port):
    from bench.load import gunicorn_argv as from_compose  # the compose file's own command

    return from_compose(port)


def post(port, path, cookie, data):
    from urllib.parse import urlencode

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        body = urlencode(data)
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1"},
        )
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def get(port, path, cookie):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


CSRF = "a" * 32  # a CSRF secret of the test's own: the cookie and the form field carry it


def with_csrf(cookie: str) -> str:
    return f"{cookie}; {settings.CSRF_COOKIE_NAME}={CSRF}"


def terminate_backends(exclude_pid: int) -> int:
    name = settings.DATABASES["default"]["NAME"]
    conn = psycopg2.connect(database_url().rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                (name, exclude_pid),
            )
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_connections_cut_under_load(people, tmp_path):
    from django.db import connection

    from accounts.models import Notification
    from fieldwork.models import HistoryEntry, Trip

    plan = people["plan"]
    trips = {}
    for role in REPORTERS:
        person = people[role]
        trips[role] = [
            make_trip(plan, person, start=date(2023, 1, 2) + timedelta(days=3 * i), days="1", status="approved")
            for i in range(TRIPS_EACH)
        ]
    cookies = {}
    for role in REPORTERS:
        c = Client()
        c.force_login(people[role])
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={c.cookies[settings.SESSION_COOKIE_NAME].value}"
    form_base = report_form(plan)

    port = free_port()
    env = app_env(
        DJANGO_DEBUG=0,
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT=0,
        SESSION_COOKIE_SECURE=0,
        CSRF_COOKIE_SECURE=0,
        CONN_MAX_AGE=60,
        CELERY_BROKER_URL="",
    )
    server = start(gunicorn_argv(port), tmp_path / "gunicorn.log", env, "gunicorn")
    try:
        wait_for(lambda: _answers(port), "gunicorn to answer", procs=[server])
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            mine = cur.fetchone()[0]

        results = []  # (role, trip pk or None, status)
        pages_503 = []
        lock = threading.Lock()
        stop_at = time.monotonic() + 120
        done = threading.Event()
        caught = threading.Event()  # enough cuts, and a request caught in flight (a 503)

        def reporter(role):
            rnd = random.Random(role)
            for trip in trips[role]:
                if time.monotonic() > stop_at:
                    return
                day = trip.start.isoformat()
                data = {**form_base, "start": day, "end": day, "days": "1", "results": f"Kết quả {trip.pk}"}
                data["csrfmiddlewaretoken"] = CSRF
                status, body = post(
                    port, reverse("fieldwork:trip_report", args=[trip.pk]), with_csrf(cookies[role]), data
                )
                with lock:
                    results.append((role, trip.pk, status))
                    if status == 503:
                        pages_503.append(body.decode())
                read_a_page(role, rnd)
            # Pages got faster: the reports may all be sent before enough cuts. Reading goes on
            # until the storm has caught a request in flight (or the time is up).
            while not caught.is_set() and time.monotonic() < stop_at:
                read_a_page(role, rnd)

        def read_a_page(role, rnd):
            page = rnd.choice([reverse("fieldwork:my_standing"), reverse("fieldwork:my_trips")])
            status, _body = get(port, page, cookies[role])
            with lock:
                results.append((role, None, status))

        threads = [threading.Thread(target=reporter, args=(r,), daemon=True) for r in REPORTERS]
        for th in threads:
            th.start()
        cuts = 0

        def cutter():
            nonlocal cuts
            while not done.is_set():
                time.sleep(random.uniform(0.3, 0.9))
                cuts += terminate_backends(mine) > 0
                with lock:
                    if cuts >= 6 and any(r[2] == 503 for r in results):
                        caught.set()

        killer = threading.Thread(target=cutter, daemon=True)
        killer.start()
        for th in threads:
            th.join(timeout=150)
        done.set()
        killer.join(timeout=10)
        assert server.poll() is None, tail(server)

        statuses = [r[2] for r in results]
        assert all(s in (200, 302, 503) for s in statuses), sorted(set(statuses))
        unavailable = [r for r in results if r[2] == 503]
        assert cuts >= 5 and unavailable, f"{cuts} cuts, no request caught in flight: the test proves nothing"

        assert all("tạm thời không kết nối được cơ sở dữ liệu" in page for page in pages_503)
        # After the storm: every page answers.
        for role in REPORTERS:
            assert get(port, reverse("fieldwork:my_standing"), cookies[role])[0] == 200

        # No half-written trip; a 302 always means saved.
        saved_by_response = {pk for _role, pk, status in results if pk and status == 302}
        for role in REPORTERS:
            for trip in trips[role]:
                trip.refresh_from_db()
                history = HistoryEntry.objects.filter(object_type="trip", object_id=trip.pk, action="reported").count()
                notes = Notification.objects.filter(url=reverse("fieldwork:trip_detail", args=[trip.pk])).count()
                if trip.status == Trip.Status.REPORTED:
                    assert history == 1 and trip.results == f"Kết quả {trip.pk}", trip.pk
                    assert notes >= 1, trip.pk
                else:
                    assert trip.status == Trip.Status.APPROVED and history == 0 and trip.results == "", trip.pk
                    assert trip.pk not in saved_by_response

        # A report answered 503 and not saved, sent again, is saved.
        retried = 0
        for role, pk, _status in unavailable:
            if pk is None or Trip.objects.get(pk=pk).status == Trip.Status.REPORTED:
                continue
            trip = Trip.objects.get(pk=pk)
            day = trip.start.isoformat()
            data = {**form_base, "start": day, "end": day, "days": "1", "results": f"Kết quả {trip.pk}"}
            data["csrfmiddlewaretoken"] = CSRF
            assert post(port, reverse("fieldwork:trip_report", args=[pk]), with_csrf(cookies[role]), data)[0] == 302
            assert Trip.objects.get(pk=pk).status == Trip.Status.REPORTED
            retried += 1
        # gunicorn's access lines carry the same request and user ids as the application's lines.
        access = server.log_path.read_text(errors="replace")
        assert re.search(
            r'"POST /dot-di/\d+/bao-cao/ HTTP/1.1" (302|503) .* request_id=[0-9a-f]{32} user_id=\d+', access
        )
        print(f"{len(results)} requests, {cuts} cuts, {len(unavailable)} answered 503, {retried} reports sent again")
    finally:
        stop(server)
        log = server.log_path.read_text(errors="replace")
        print(
            "\n".join(
                line[-2500:] for line in log.splitlines() if '"ERROR"' in line and "Service Unavailable" not in line
            )
        )


def _answers(port) -> bool:
    try:
        return get(port, "/healthz", "")[0] == 200
    except OSError:
        return False

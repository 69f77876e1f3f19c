"""The deadline day (15/02): N cadres (default 500) submit their mẫu 1 within a few minutes through
gunicorn on PostgreSQL while their department heads approve or return them and the Board reads
its dashboard. Bounded in time; 127.0.0.1 only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fieldwork_bench_surge .venv/bin/python bench/surge.py --port 8100

The organization: the Tây Ninh plan (annual cycle) for this year, N cadres in 10 departments,
each with a draft registration of two lines; a head per department, the Secretary (approves the
heads), two Board members. Served with the compose file's gunicorn command (3 workers), production
settings (DJANGO_DEBUG=0, hashed static files collected into a temporary folder, persistent
connections), tasks in-process.

Each cadre arrives at a random moment within --minutes (uniformly), opens the registration page
and submits (the version the page shows, the form's CSRF token). Each head polls the approval inbox
and decides every submitted registration of the department (returns one in ten, with a comment)
after opening it. The Board reads the dashboard in a loop; /healthz is sampled all along.

Checked afterwards, in the database: every registration submitted once and decided exactly once
(approved or returned), its history complete (one "submitted", one decision), the approved ones'
lines approved and the returned ones' still drafts, one notification to the approver per
submission and one to the cadre per decision. Printed: p50/p95 per page beside /healthz's; the
target is p95 ≤ 2× /healthz's p95 with no error. With --check the exit status says whether the
writes held (no error, nothing lost or doubled); the latency ratio is printed, not enforced.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database (make bench-surge creates one).")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from load import percentile, start_production_server  # noqa: E402
from orgs import notice_read  # noqa: E402

from accounts.models import Department, Notification, Organization, User, UserRole  # noqa: E402
from accounts.vietnamese import name_sort_key  # noqa: E402
from fieldwork.models import Category, HistoryEntry, Registration, Trip, place_parts_key  # noqa: E402
from fieldwork.services.plans import load_plan, read_plan_source  # noqa: E402
from fieldwork.stored.changes import suspended  # noqa: E402

HOST = "127.0.0.1"
CSRF = "s" * 32
CODE = "surge"
DEPARTMENTS = 10


def build(n: int) -> dict:
    """The organization (rebuilt from scratch)."""
    year = timezone.localdate().year
    Organization.objects.filter(code=CODE).delete()
    data = read_plan_source("tay-ninh-2023")
    data["organization"] = {**data["organization"], "code": CODE, "name": "Tỉnh đoàn Hạn chót"}
    data["year"] = year
    data["period"] = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    data["deadlines"] = {**data.get("deadlines", {}), "registration": f"{year}-02-15", "consolidation": f"{year}-02-20"}
    with transaction.atomic(), suspended():
        plan, _ = load_plan(data)
        org = plan.organization
        cat = Category.objects.get(plan=plan, code="1.1")
        depts = [Department.objects.create(organization=org, name=f"Ban {i + 1}") for i in range(DEPARTMENTS)]

        def person(email, name, dept, position, group, roles=()):
            u = User(
                email=email,
                full_name=name,
                organization=org,
                department=dept,
                position=position,
                group_code=group,
                password="!",
            )
            u.sort_key = name_sort_key(name)
            return u, roles

        specs = [
            person(f"c{i}@{CODE}.vn", f"Trần Văn Cán {i}", depts[i % DEPARTMENTS], "Chuyên viên", "2.3")
            for i in range(n)
        ]
        specs += [
            person(f"head{i}@{CODE}.vn", f"Lê Thị Trưởng {i}", d, "Trưởng Ban", "2.2", ["cadre", "head"])
            for i, d in enumerate(depts)
        ]
        specs += [
            person(f"secretary@{CODE}.vn", "Nguyễn Bí Thư", None, "Bí thư", "2.1", ["cadre", "standing", "secretary"]),
            person(f"board1@{CODE}.vn", "Phạm Ban Một", depts[0], "Chuyên viên", "2.3", ["cadre", "board"]),
            person(f"board2@{CODE}.vn", "Phạm Ban Hai", depts[1], "Chuyên viên", "2.3", ["cadre", "board"]),
        ]
        User.objects.bulk_create([u for u, _r in specs], batch_size=2000)
        by_email = {u.email: u for u in User.objects.filter(organization=org)}
        UserRole.objects.bulk_create(
            [UserRole(user=by_email[u.email], code=r) for u, roles in specs for r in roles], batch_size=2000
        )
        notice_read(org)  # the privacy notice read: no page answers its 302
        cadres = [by_email[f"c{i}@{CODE}.vn"] for i in range(n)]
        regs = Registration.objects.bulk_create(
            [Registration(plan=plan, person=c, quarter=0) for c in cadres], batch_size=2000
        )
        trips = []
        for reg in regs:
            for k, (start, days) in enumerate(((date(year, 3, 2), 30), (date(year, 6, 1), 30))):
                trips.append(
                    Trip(
                        plan=plan,
                        person_id=reg.person_id,
                        registration=reg,
                        category=cat,
                        start=start,
                        end=start + timedelta(days=days - 1),
                        days=Decimal(days),
                        location="Xã Tân Đông, huyện Tân Châu",
                        location_key=place_parts_key("Xã Tân Đông, huyện Tân Châu"),
                        content="Hỗ trợ cơ sở",
                        immersion=k == 0,
                        status=Trip.Status.DRAFT,
                    )
                )
        Trip.objects.bulk_create(trips, batch_size=5000)
    call_command("refresh_standings", org=CODE, verbosity=0)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {
        "plan": plan,
        "cadres": cadres,
        "heads": [by_email[f"head{i}@{CODE}.vn"] for i in range(DEPARTMENTS)],
        "boards": [by_email[f"board{i}@{CODE}.vn"] for i in (1, 2)],
    }


def session_cookie(user) -> str:
    c = Client()
    c.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={c.cookies[settings.SESSION_COOKIE_NAME].value}; {settings.CSRF_COOKIE_NAME}={CSRF}"


class Recorder:
    def __init__(self):
        self.timings = defaultdict(list)
        self.errors = defaultdict(list)
        self.lock = threading.Lock()

    def request(self, port, label, method, path, cookie, data=None, ok=(200,)):
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        headers = {"Cookie": cookie, "Host": HOST, "X-Forwarded-Proto": "https"}
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": CSRF})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{HOST}{path}"
        t = time.perf_counter()
        status, content = 0, b""
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            content = resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException) as exc:
            content = repr(exc).encode()
        finally:
            conn.close()
        elapsed = time.perf_counter() - t
        with self.lock:
            self.timings[label].append(elapsed)
            if status not in ok:
                self.errors[label].append((status, path, content[:200]))
        return status, content


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8100)
    ap.add_argument("--cadres", type=int, default=500)
    ap.add_argument("--minutes", type=float, default=3.0, help="the cadres arrive within this time")
    ap.add_argument("--concurrency", type=int, default=30, help="cadres submitting at the same moment at most")
    ap.add_argument("--grace", type=float, default=900, help="seconds after the last arrival for the heads to finish")
    ap.add_argument("--check", action="store_true", help="exit 1 if a write was lost or doubled or a request failed")
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    o = build(args.cadres)
    print(f"organization of {args.cadres} cadres built in {time.perf_counter() - t:.1f} s", flush=True)
    year = o["plan"].year
    cookies = {u.pk: session_cookie(u) for u in [*o["cadres"], *o["heads"], *o["boards"]]}

    work = Path(tempfile.mkdtemp(prefix="fieldwork-surge-"))
    server, log = start_production_server(args.port, work, EMAIL_URL="dummymail://", LOG_LEVEL="ERROR")
    rec = Recorder()
    try:
        rnd = random.Random(15022)
        span = args.minutes * 60
        arrivals = sorted((rnd.uniform(0, span), c) for c in o["cadres"])
        started = time.monotonic()
        stop_at = started + span + args.grace
        submitted = threading.Event()
        slots = threading.Semaphore(args.concurrency)
        reg_of = dict(Registration.objects.filter(plan=o["plan"]).values_list("person_id", "pk"))
        page = f"/dang-ky/quy-0/?year={year}"
        version_re = re.compile(rb'name="version" value="(\d+)"')

        def cadre(at, person):
            time.sleep(max(0.0, started + at - time.monotonic()))
            with slots:
                status, content = rec.request(args.port, "cadre: mẫu 1 page", "GET", page, cookies[person.pk])
                m = version_re.search(content)
                version = m.group(1).decode() if m else "-1"
                rec.request(
                    args.port,
                    "cadre: submit",
                    "POST",
                    f"/dang-ky/quy-0/gui/?year={year}",
                    cookies[person.pk],
                    {"version": version},
                    ok=(302,),
                )

        def head(person):
            r = random.Random(person.pk)
            while time.monotonic() < stop_at:
                rec.request(args.port, "head: approvals inbox", "GET", "/phe-duyet/", cookies[person.pk])
                waiting = list(
                    Registration.objects.filter(
                        plan=o["plan"], person__department_id=person.department_id, status="submitted"
                    ).values_list("pk", "version")[:10]
                )
                for pk, version in waiting:
                    rec.request(args.port, "head: review", "GET", f"/dang-ky/so/{pk}/", cookies[person.pk])
                    if r.random() < 0.1:
                        rec.request(
                            args.port,
                            "head: return",
                            "POST",
                            f"/dang-ky/so/{pk}/tra-lai/",
                            cookies[person.pk],
                            {"version": version, "comment": "Bổ sung nội dung đợt 2", "next": "approvals"},
                            ok=(302,),
                        )
                    else:
                        rec.request(
                            args.port,
                            "head: approve",
                            "POST",
                            f"/dang-ky/so/{pk}/phe-duyet/",
                            cookies[person.pk],
                            {"version": version, "comment": "", "next": "approvals"},
                            ok=(302,),
                        )
                if not waiting:
                    if submitted.is_set():
                        return
                    time.sleep(1.0)

        def board(person):
            while time.monotonic() < stop_at and not (submitted.is_set() and decided()):
                rec.request(
                    args.port, "board: dashboard", "GET", f"/tong-quan/co-quan/?year={year}", cookies[person.pk]
                )
                time.sleep(0.5)

        def decided():
            return not Registration.objects.filter(plan=o["plan"]).exclude(status__in=["approved", "returned"]).exists()

        def health():
            while time.monotonic() < stop_at and not (submitted.is_set() and decided()):
                rec.request(args.port, "/healthz", "GET", "/healthz", "")
                time.sleep(0.25)

        cadre_threads = [threading.Thread(target=cadre, args=a, daemon=True) for a in arrivals]
        others = [threading.Thread(target=head, args=(h,), daemon=True) for h in o["heads"]]
        others += [threading.Thread(target=board, args=(b,), daemon=True) for b in o["boards"]]
        others.append(threading.Thread(target=health, daemon=True))
        for th in [*cadre_threads, *others]:
            th.start()
        for th in cadre_threads:
            th.join(timeout=max(1.0, stop_at - time.monotonic()))
        submitted.set()
        for th in others:
            th.join(timeout=max(1.0, stop_at - time.monotonic()))
        wall = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()
        server_errors = [line for line in (work / "gunicorn.log").read_text().splitlines() if '"ERROR"' in line]
        shutil.rmtree(work, ignore_errors=True)

    problems = check_writes(o, reg_of)
    total = sum(len(v) for v in rec.timings.values())
    n_errors = sum(len(v) for v in rec.errors.values())
    print(f"\n{args.cadres} cadres within {args.minutes:g} min; {total} requests in {wall:.0f} s; errors: {n_errors}")
    h95 = percentile(rec.timings["/healthz"], 95) if rec.timings["/healthz"] else float("nan")
    print(f"{'page':<24} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p95/healthz':>11} {'err':>4}")
    missed = []
    for label in sorted(rec.timings, key=lambda k: (k != "/healthz", k)):
        v = rec.timings[label]
        p95 = percentile(v, 95)
        ratio = p95 / h95 if h95 else float("inf")
        flag = "" if label == "/healthz" or ratio <= 2 else "  over 2×"
        if flag:
            missed.append(label)
        print(
            f"{label:<24} {len(v):>5} {statistics.median(v) * 1000:>8.0f} {p95 * 1000:>8.0f} {ratio:>11.1f} {len(rec.errors[label]):>4}{flag}"
        )
    for label, errs in rec.errors.items():
        for status, path, content in errs[:3]:
            print(f"  error {label}: {status} {path} {content!r}")
    for line in server_errors[:5]:
        print("  server:", line[:400])
    print(json.dumps({"writes": "ok" if not problems else problems[:10], "pages_over_2x": missed}, ensure_ascii=False))
    if args.check and (problems or n_errors or server_errors):
        sys.exit(1)


def check_writes(o, reg_of) -> list[str]:
    """Every submission decided exactly once, its history complete, nothing lost or doubled."""
    problems = []
    regs = {r.pk: r for r in Registration.objects.filter(plan=o["plan"])}
    history = defaultdict(list)
    for obj, action in HistoryEntry.objects.filter(object_type="registration", object_id__in=list(regs)).values_list(
        "object_id", "action"
    ):
        history[obj].append(action)
    lines = defaultdict(set)
    for reg_id, status in Trip.objects.filter(registration_id__in=list(regs)).values_list("registration_id", "status"):
        lines[reg_id].add(status)
    for pk, reg in regs.items():
        actions = sorted(history[pk])
        if reg.status == "approved":
            if actions != ["approved", "submitted"] or lines[pk] != {"approved"}:
                problems.append(f"registration {pk}: approved, history {actions}, lines {sorted(lines[pk])}")
        elif reg.status == "returned":
            if actions != ["returned", "submitted"] or lines[pk] != {"draft"}:
                problems.append(f"registration {pk}: returned, history {actions}, lines {sorted(lines[pk])}")
        else:
            problems.append(f"registration {pk}: still {reg.status} (history {actions})")
    heads = {h.pk for h in o["heads"]}
    to_heads = Notification.objects.filter(user_id__in=heads, url__startswith="/dang-ky/so/").count()
    to_cadres = Notification.objects.filter(user__in=o["cadres"]).count()
    if to_heads != len(regs):
        problems.append(f"{to_heads} notifications to heads for {len(regs)} submissions")
    decided = sum(1 for r in regs.values() if r.status in ("approved", "returned"))
    if to_cadres != decided:
        problems.append(f"{to_cadres} notifications to cadres for {decided} decisions")
    approved = sum(1 for r in regs.values() if r.status == "approved")
    print(f"registrations: {approved} approved, {decided - approved} returned, {len(regs) - decided} undecided")
    return problems


if __name__ == "__main__":
    main()

"""Page benchmark: every Board, Standing Committee and head page (and the cadre's own), single
user through Django's test client, for a 10,000-cadre organization (20 trips each) beside a
25-cadre one. Per page: the median of 5 warm requests (a page over 10 s: one) and the number
of queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fieldwork_bench .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --cadres 2000 --keep     # smaller; keep the organizations

Uses a temporary SQLite file unless DATABASE_URL is set. With PostgreSQL the organizations are
built once (bulk_create) and deleted at the end unless --keep (bench/load.py reuses kept ones).
Targets (docs/rules.md “Stored standings”): every Board page at 10,000 cadres ≤ 3× its time at 25 cadres and < 300 ms;
queries constant in the number of cadres.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
_tmp = None
if not os.environ.get("DATABASE_URL"):
    _tmp = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")  # plain static storage, no HTTPS redirect
os.environ.setdefault("CONN_MAX_AGE", "60")  # as in production: no reconnection per request

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from orgs import build_org, delete_org, org_code  # noqa: E402

RUNS = 5
SLOW = 10.0


def pages(o: dict) -> list[tuple[str, str, str]]:
    """(role, label, url) of every list/overview page a role reads, for organization `o`."""
    plan, head = o["plan"], o["head"]
    board = [
        ("board", "dashboard", reverse("fieldwork:organization_dashboard")),
        ("board", "standings", reverse("fieldwork:standings")),
        ("board", "standings p.3", reverse("fieldwork:standings") + "?page=3"),
        ("board", "coverage", reverse("fieldwork:coverage")),
        ("board", "exemptions", reverse("fieldwork:exemptions")),
        ("board", "plans", reverse("fieldwork:plans")),
        ("board", "plan detail", reverse("fieldwork:plan_detail", args=[plan.pk])),
        ("board", "plan affected", reverse("fieldwork:plan_affected", args=[plan.pk])),
        ("board", "people", reverse("accounts:people")),
        ("board", "departments", reverse("accounts:departments")),
        ("board", "department plans", reverse("fieldwork:department_plans")),
        ("board", "quarter reports", reverse("fieldwork:quarter_reports_overview")),
        ("board", "report jobs", reverse("reports:jobs")),
        ("board", "report quarter", reverse("reports:quarter")),
        ("board", "report request", reverse("reports:request")),
        ("board", "calendar", reverse("fieldwork:calendar")),
        ("board", "notifications", reverse("accounts:notifications")),
    ]
    standing = [
        ("secretary", "dashboard", reverse("fieldwork:organization_dashboard")),
        ("secretary", "standings", reverse("fieldwork:standings")),
        ("secretary", "approvals", reverse("fieldwork:approvals")),
        ("secretary", "exemptions", reverse("fieldwork:exemptions")),
        ("secretary", "department plans", reverse("fieldwork:department_plans")),
        ("secretary", "coverage", reverse("fieldwork:coverage")),
    ]
    heads = [
        ("head", "department home", reverse("fieldwork:department_home")),
        ("head", "approvals", reverse("fieldwork:approvals")),
        ("head", "trips to confirm", reverse("fieldwork:trips_to_confirm")),
        ("head", "standings", reverse("fieldwork:standings")),
        ("head", "department plans", reverse("fieldwork:department_plans")),
        ("head", "quarter report", reverse("fieldwork:quarter_report", args=[head.department_id, 2])),
        ("head", "registrations", reverse("fieldwork:registrations")),
    ]
    cadre = [
        ("cadre", "my standing", reverse("fieldwork:my_standing")),
        ("cadre", "dashboard", reverse("fieldwork:cadre_dashboard")),
        ("cadre", "my trips", reverse("fieldwork:my_trips")),
        ("cadre", "registrations", reverse("fieldwork:registrations")),
    ]
    return board + standing + heads + cadre


def measure(o: dict, verbose: bool = False, only: str = "") -> dict:
    clients = {}
    for role in ("board", "secretary", "head", "cadre"):
        c = Client()
        c.force_login(o[role])
        clients[role] = c
    out = {}
    for role, label, url in pages(o):
        if only and only not in label:
            continue
        c = clients[role]
        resp = c.get(url, follow=True)  # warm; a page that redirects (one department's plan) is timed where it lands
        if resp.redirect_chain:
            url = resp.redirect_chain[-1][0]
        status = resp.status_code
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            c.get(url)
            times = [time.perf_counter() - t]
        queries = len(ctx.captured_queries)  # now: the next request start empties the log
        for _ in range(RUNS - 1 if times[0] < SLOW else 0):  # a page over SLOW seconds is timed once
            t = time.perf_counter()
            c.get(url)
            times.append(time.perf_counter() - t)
        out[(role, label)] = (statistics.median(times), queries, status, len(resp.content))
        if verbose:
            print(f"    {role:<10} {label:<18} {out[(role, label)][0] * 1000:>9.1f} ms", flush=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cadres", type=int, default=10_000)
    ap.add_argument("--small", type=int, default=25)
    ap.add_argument("--trips", type=int, default=20)
    ap.add_argument("-v", "--verbose", action="store_true", help="print each page as it is measured")
    ap.add_argument("--keep", action="store_true", help="keep the organizations (PostgreSQL) for bench/load.py")
    ap.add_argument("--only", default="", help="only the pages whose label contains this text (e.g. dashboard)")
    args = ap.parse_args()
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; {args.small} and {args.cadres} cadres × {args.trips} trips")
    results = {}
    codes = []
    for n in (args.small, args.cadres):
        code = org_code(n, "pages")
        codes.append(code)
        t = time.perf_counter()
        o = build_org(code, n, args.trips)
        print(f"  organization {code}: ready in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        results[n] = measure(o, verbose=args.verbose, only=args.only)
        print(f"  measured in {time.perf_counter() - t:.1f} s", flush=True)

    small, big = results[args.small], results[args.cadres]
    print()
    print(
        f"{'role':<10} {'page':<18} {'ms@' + str(args.small):>8} {'q':>4} {'ms@' + str(args.cadres):>9} {'q':>5} {'ratio':>6}  target"
    )
    missed = 0
    for key in small:
        role, label = key
        s_t, s_q, s_st, _ = small[key]
        b_t, b_q, b_st, _ = big[key]
        ratio = b_t / s_t if s_t else float("inf")
        note = ""
        if role in ("board", "secretary"):
            ok = ratio <= 3 and b_t < 0.300 and b_q == s_q
            note = "ok" if ok else "MISSED"
            missed += not ok
        if s_st != 200 or b_st != 200:
            note += f" status {s_st}/{b_st}"
        print(f"{role:<10} {label:<18} {s_t * 1000:>8.1f} {s_q:>4} {b_t * 1000:>9.1f} {b_q:>5} {ratio:>6.1f}  {note}")
    print()
    print(f"Board/Standing pages missing the target (≤ 3× and < 300 ms, queries constant): {missed}")
    if connection.vendor != "sqlite" and not args.keep:
        for code in codes:
            delete_org(code)
    if _tmp:
        _tmp.unlink()


if __name__ == "__main__":
    main()

"""Quota benchmark from the database: an organization of 10,000 cadres with 20 trips each.

Prints the time and peak memory of computing every standing — the engine alone (inputs
built beforehand) and from the database through fieldwork.selectors.standings — and the
number of queries, for two organization sizes so you can see it does not grow.

    .venv/bin/python bench/quota.py [--cadres 10000] [--trips 20]

Uses a temporary SQLite file unless DATABASE_URL is set (e.g. to a scratch PostgreSQL
database: the script creates its own organization and deletes it at the end).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = None
if not os.environ.get("DATABASE_URL"):
    _tmp = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Department, Organization, User  # noqa: E402
from accounts.vietnamese import name_sort_key  # noqa: E402
from fieldwork import selectors  # noqa: E402
from fieldwork.models import Category, Plan, Trip, place_parts_key  # noqa: E402
from fieldwork.quota import engine  # noqa: E402
from fieldwork.services.plans import load_plan, read_plan_source  # noqa: E402

STATUSES = [Trip.Status.CONFIRMED] * 14 + [Trip.Status.APPROVED] * 4 + [Trip.Status.DRAFT, Trip.Status.CANCELLED]


def build(code: str, n_cadres: int, n_trips: int, seed: int = 7) -> Plan:
    data = read_plan_source("tay-ninh-2023")
    data["organization"] = {**data["organization"], "code": code, "name": f"Bench {code}"}
    plan, _ = load_plan(data)
    org = plan.organization
    cats = list(Category.objects.filter(plan=plan))
    depts = [Department.objects.create(organization=org, name=f"Ban {i}") for i in range(12)]
    rnd = random.Random(seed)
    users = [
        User(
            email=f"c{i}@{code}.vn",
            full_name=f"Nguyễn Văn Cán {i}",
            organization=org,
            department=depts[i % 12],
            position="Kế toán" if i % 50 == 0 else "Chuyên viên",
            group_code=rnd.choice(["2.1", "2.2", "2.3"]),
            calendar_token=f"{code}-{i}",
            password="!",
        )
        for i in range(n_cadres)
    ]
    for u in users:
        u.sort_key = name_sort_key(u.full_name)
    User.objects.bulk_create(users, batch_size=2000)
    ids = list(User.objects.filter(organization=org).values_list("pk", flat=True))
    trips = []
    for pid in ids:
        day = plan.period_start
        for _k in range(n_trips):
            # Trips one after another with a few overlaps, as people really register them.
            day += timedelta(days=rnd.randrange(2, 9) if rnd.random() > 0.05 else -1)
            length = rnd.randrange(1, 8)
            if day + timedelta(days=length) > plan.period_end:
                break
            trips.append(
                Trip(
                    plan=plan,
                    person_id=pid,
                    category=rnd.choice(cats),
                    start=day,
                    end=day + timedelta(days=length - 1),
                    days=Decimal(rnd.randrange(max(1, length), 2 * length + 1)) / 2,
                    location="Xã Tân Đông",
                    status=rnd.choice(STATUSES),
                    immersion=rnd.random() < 0.05,
                )
            )
            day += timedelta(days=length - 1)
    for t in trips:  # bulk_create calls no save() (docs/rules.md “Stored standings”: the coverage page reads it)
        t.location_key = place_parts_key(t.location)
    Trip.objects.bulk_create(trips, batch_size=5000)
    return plan


def delete_org(code: str) -> None:
    """The benchmark's organization and everything in it (people and plans are protected from a
    plain cascade: the order matters)."""
    from fieldwork.models import Exemption
    from fieldwork.stored.changes import suspended

    org = Organization.objects.filter(code=code).first()
    if org is None:
        return
    with transaction.atomic(), suspended():
        Trip.objects.filter(plan__organization=org).delete()
        Exemption.objects.filter(person__organization=org).delete()
        Plan.objects.filter(organization=org).delete()
        User.objects.filter(organization=org).delete()
        Department.objects.filter(organization=org).delete()
        org.delete()


def measure(plan: Plan, as_of: date):
    # Engine alone: inputs built beforehand (the selector's own read), then only compute_all timed.
    rules, _people, inputs = selectors.standing_inputs(plan)
    engine_s = float("inf")
    for _ in range(3):  # best of three: the machine is shared
        t = time.perf_counter()
        engine.compute_all(rules, inputs, as_of)
        engine_s = min(engine_s, time.perf_counter() - t)
    tracemalloc.start()
    engine.compute_all(rules, inputs, as_of)
    engine_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del inputs

    reset_queries()
    db_s = float("inf")
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            result = selectors.standings(plan, as_of)
            db_s = min(db_s, time.perf_counter() - t)
    queries = len(ctx.captured_queries)
    tracemalloc.start()
    selectors.standings(plan, as_of)
    db_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    statuses = {}
    for r in result:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    # The `quota` command (docs/domain.md §10) as a user runs it: the same selector, then JSON.
    t = time.perf_counter()
    call_command(
        "quota",
        org=plan.organization.code,
        year=plan.year,
        as_of=as_of.isoformat(),
        format="json",
        stdout=io.StringIO(),
    )
    command_s = time.perf_counter() - t
    return len(result), engine_s, engine_peak, db_s, db_peak, queries, statuses, command_s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cadres", type=int, default=10_000)
    ap.add_argument("--trips", type=int, default=20)
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    as_of = date(2023, 8, 31)
    print(
        f"{'cadres':>8} {'trips':>8} {'engine s':>9} {'engine MB':>9} {'db s':>7} {'db MB':>7} {'queries':>7}  statuses"
    )
    for n in (args.cadres // 10, args.cadres):
        code = f"bench-{n}-{os.getpid()}"
        t = time.perf_counter()
        plan = build(code, n, args.trips)
        build_s = time.perf_counter() - t
        count, e_s, e_peak, d_s, d_peak, q, st, cmd_s = measure(plan, as_of)
        print(
            f"{count:>8} {count * args.trips:>8} {e_s:>9.3f} {e_peak / 1e6:>9.1f} {d_s:>7.3f} {d_peak / 1e6:>7.1f} {q:>7}  {st}  (built in {build_s:.1f} s; quota command {cmd_s:.2f} s)"
        )
        if connection.vendor != "sqlite":
            delete_org(code)
    print(
        "targets: engine < 1 s; from the database < 5 s (docs/rules.md “Stored standings”: < 2 s on PostgreSQL, the quota command too), "
        "queries constant, peak memory < 500 MB"
    )
    if _tmp:
        _tmp.unlink()


if __name__ == "__main__":
    main()

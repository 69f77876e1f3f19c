"""Roll-up benchmark (docs/rules.md “Organizations in a tree and the roll-up”): a national tree of 34 provinces × 40 attached Unions (about 1,400
organizations, 50,000 cadres), every organization's quarter I figures computed by the real code
(reports.rollup.organization_figures, the child's compliance report) and stored as submissions;
then the top's roll-up page and its report (XLSX, PDF, through the report job) from those stored
figures. Prints the figures.

    .venv/bin/python bench/rollup.py [--provinces 34] [--attached 40] [--cadres 50000] [--trips 4]

Uses a temporary SQLite file unless DATABASE_URL is set, e.g.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fieldwork_bench_tree .venv/bin/python bench/rollup.py
(a PostgreSQL database whose name contains "bench" is created if missing and emptied first).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="bench-rollup-"))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(TMP / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")


def ensure_postgres_database(url: str) -> None:
    """Create the bench database when it does not exist (PostgreSQL only, names with "bench")."""
    from urllib.parse import urlparse

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgres") or "bench" not in name:
        return
    import psycopg2

    conn = psycopg2.connect(parts._replace(path="/postgres").geturl())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not cur.fetchone():
                cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


ensure_postgres_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Department, Organization, User, UserRole  # noqa: E402
from accounts.tree import rebuild_paths  # noqa: E402
from accounts.vietnamese import name_sort_key  # noqa: E402
from fieldwork.models import Category, ExemptionReason, Group, Plan, Trip  # noqa: E402
from fieldwork.services.plans import load_plan, read_plan_source  # noqa: E402
from reports import services as report_services  # noqa: E402
from reports.models import ReportJob, RollupSubmission  # noqa: E402
from reports.rollup import organization_figures, rollup_tree  # noqa: E402

YEAR, QUARTER = 2023, 1
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hữu", "Đức", "Thu", "Quốc", "Hoài"]
GIVEN = ["An", "Bình", "Châu", "Dung", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Khoa", "Lan", "Minh", "Nam"]
PROVINCES = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
    "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Thành phố Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp",
    "Cà Mau", "An Giang",
]  # fmt: skip
STATUSES = [Trip.Status.CONFIRMED] * 7 + [Trip.Status.APPROVED] * 2 + [Trip.Status.DRAFT]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(n_provinces: int, n_attached: int, n_cadres: int, n_trips: int, seed: int = 13):
    rnd = random.Random(seed)
    template = read_plan_source("tay-ninh-2023")
    template["organization"] = {"code": "bench-model", "name": "Mẫu", "place": "Hà Nội"}
    model_plan, _ = load_plan(template)
    top = Organization.objects.create(code="bench-tw", name="Trung ương Đoàn", place="Hà Nội", level="central")
    provinces = Organization.objects.bulk_create(
        [
            Organization(code=f"bench-p{i}", name=f"Tỉnh đoàn {PROVINCES[i % len(PROVINCES)]}", place="X", parent=top)
            for i in range(n_provinces)
        ]
    )
    attached = Organization.objects.bulk_create(
        [
            Organization(code=f"bench-p{i}-{j}", name=f"Đoàn trực thuộc số {j + 1}", place="X", parent=p)
            for i, p in enumerate(provinces)
            for j in range(n_attached)
        ],
        batch_size=2000,
    )
    rebuild_paths()
    orgs = [*provinces, *attached]
    # One plan per organization, the model's rules copied row by row (bulk).
    plans = Plan.objects.bulk_create(
        [
            Plan(
                organization=o,
                year=YEAR,
                title=model_plan.title,
                period_start=model_plan.period_start,
                period_end=model_plan.period_end,
                min_days=model_plan.min_days,
                exemption_policy=model_plan.exemption_policy,
                quarter_report_day=model_plan.quarter_report_day,
            )
            for o in orgs
        ],
        batch_size=2000,
    )
    groups = list(model_plan.groups.all())
    cats = list(model_plan.categories.all())
    reasons = list(model_plan.exemption_reasons.all())
    Group.objects.bulk_create(
        [
            Group(
                plan=p, code=g.code, name=g.name, focus=g.focus, immersion_trips=g.immersion_trips,
                immersion_min_days=g.immersion_min_days, immersion_max_days=g.immersion_max_days,
            )
            for p in plans
            for g in groups
        ],
        batch_size=5000,
    )  # fmt: skip
    Category.objects.bulk_create(
        [Category(plan=p, code=c.code, name=c.name, counts=c.counts, order=c.order) for p in plans for c in cats],
        batch_size=5000,
    )
    ExemptionReason.objects.bulk_create(
        [
            ExemptionReason(plan=p, code=r.code, name=r.name, scope=r.scope, positions=r.positions)
            for p in plans
            for r in reasons
        ],
        batch_size=5000,
    )
    depts = Department.objects.bulk_create(
        [Department(organization=o, name=name) for o in orgs for name in ("Văn phòng", "Ban Phong trào")],
        batch_size=5000,
    )
    depts_of = {}
    for d in depts:
        depts_of.setdefault(d.organization_id, []).append(d)
    users = []
    for i in range(n_cadres):
        o = orgs[i % len(orgs)]
        name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
        users.append(
            User(
                email=f"c{i}@bench.vn",
                full_name=name,
                sort_key=name_sort_key(name),
                organization=o,
                department=depts_of[o.pk][i % 2],
                position="Kế toán" if i % 40 == 0 else "Chuyên viên",
                group_code=rnd.choice(["2.1", "2.2", "2.3", "2.3"]),
                calendar_token=f"bench-{i}",
                password="!",
            )
        )
    User.objects.bulk_create(users, batch_size=5000)
    cat_ids = {
        (pid, code): pk
        for pid, code, pk in Category.objects.filter(plan__in=plans).values_list("plan_id", "code", "pk")
    }
    plan_of = {p.organization_id: p.pk for p in plans}
    codes = [c.code for c in cats if c.counts]
    trips = []
    for pid, org_id in User.objects.filter(organization_id__in=plan_of).values_list("pk", "organization_id"):
        day = date(YEAR, 1, 2)
        for _k in range(n_trips):
            day += timedelta(days=rnd.randrange(3, 25))
            length = rnd.randrange(1, 6)
            trips.append(
                Trip(
                    plan_id=plan_of[org_id],
                    person_id=pid,
                    category_id=cat_ids[(plan_of[org_id], rnd.choice(codes))],
                    start=day,
                    end=day + timedelta(days=length - 1),
                    days=Decimal(length),
                    location="Xã Tân Đông",
                    status=rnd.choice(STATUSES),
                    immersion=rnd.random() < 0.1,
                )
            )
            day += timedelta(days=length)
        # Profiles, so the figures are a mix: some cadres have already met the rule in quarter I
        # (two 30-day immersion trips done), some have it planned (on track), the rest are at risk.
        profile = rnd.random()
        if profile < 0.5:
            status = Trip.Status.CONFIRMED if profile < 0.15 else Trip.Status.APPROVED
            spans = [(date(YEAR, 1, 3), date(YEAR, 2, 1)), (date(YEAR, 2, 10), date(YEAR, 3, 11))]
            if status == Trip.Status.APPROVED:
                spans = [(date(YEAR, 5, 3), date(YEAR, 6, 1)), (date(YEAR, 7, 1), date(YEAR, 7, 30))]
            for start, end in spans:
                trips.append(
                    Trip(
                        plan_id=plan_of[org_id],
                        person_id=pid,
                        category_id=cat_ids[(plan_of[org_id], "1.1")],
                        start=start,
                        end=end,
                        days=Decimal(30),
                        location="Xã Tân Đông",
                        status=status,
                        immersion=True,
                    )
                )
    Trip.objects.bulk_create(trips, batch_size=10000)
    board = User.objects.create(
        email="board@bench-tw.vn", full_name="Ban Tổ chức Trung ương", organization=top, password="!"
    )
    UserRole.objects.create(user=board, code="board")
    return top, plans, board, len(orgs) + 1, len(users), len(trips)


def submit_all(plans) -> float:
    """Every organization's figures by the real code, stored as its quarter I submission (bulk:
    the files are the submission service's business and are not timed here)."""
    t = time.perf_counter()
    rows = []
    today = date(YEAR, 3, 26)
    plans = Plan.objects.filter(pk__in=[p.pk for p in plans]).select_related("organization")
    for p in plans:
        f = organization_figures(p, QUARTER, today)
        rows.append(
            RollupSubmission(
                organization_id=p.organization_id,
                parent_id=p.organization.parent_id,
                year=YEAR,
                quarter=QUARTER,
                figures=f,
                as_of=today,
                deadline=date(YEAR, 3, 27),
            )
        )
    RollupSubmission.objects.bulk_create(rows, batch_size=2000)
    analyze()
    return time.perf_counter() - t


def analyze() -> None:
    """What autovacuum does after a bulk load: without statistics PostgreSQL plans for empty tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def best_of(n, fn):
    best, result = float("inf"), None
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--provinces", type=int, default=34)
    ap.add_argument("--attached", type=int, default=40)
    ap.add_argument("--cadres", type=int, default=50_000)
    ap.add_argument("--trips", type=int, default=4)
    args = ap.parse_args()
    if connection.vendor == "postgresql" and "bench" in connection.settings_dict["NAME"]:
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    t = time.perf_counter()
    top, plans, board, n_orgs, n_cadres, n_trips = build(args.provinces, args.attached, args.cadres, args.trips)
    analyze()
    print(
        f"tree: {n_orgs} organizations, {n_cadres} cadres, {n_trips} trips (built in {time.perf_counter() - t:.1f} s)"
    )
    submit_s = submit_all(plans)
    print(
        f"figures of every organization by the real code (organization_figures) and stored: {submit_s:.1f} s "
        f"({1000 * submit_s / len(plans):.0f} ms per organization)"
    )

    today = date(YEAR, 4, 15)
    tree_s, r = best_of(3, lambda: rollup_tree(top, YEAR, QUARTER, today))
    with CaptureQueriesContext(connection) as ctx:
        rollup_tree(top, YEAR, QUARTER, today)
    print(
        f"rollup_tree of the top from stored figures: {tree_s:.3f} s, {len(ctx.captured_queries)} queries; "
        f"{r.count} organizations, {r.submitted} submitted; levels "
        + "; ".join(f"{lt.level}: {lt.count} units, subject {lt.totals['subject']}" for lt in r.levels)
    )
    t_ = r.total
    print(
        f"  national totals: subject {t_['subject']}, went {t_['went']}, met {t_['met']}, at risk {t_['at_risk']}, "
        f"not met {t_['not_met']}, exempt {t_['exempt']}, on track {t_['on_track']}"
    )

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(board)
    url = f"/bao-cao/tong-hop/?year={YEAR}&quarter={QUARTER}"
    page_s, resp = best_of(3, lambda: client.get(url))
    assert resp.status_code == 200, resp.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    print(f"roll-up page of the top (GET {url}): {page_s:.3f} s, {len(ctx.captured_queries)} queries")
    node = Organization.objects.get(code="bench-p0")
    node_s, resp = best_of(3, lambda: client.get(f"/bao-cao/tong-hop/don-vi/{node.pk}/?year={YEAR}&quarter=1"))
    print(f"a province's node page: {node_s:.3f} s")

    for fmt in ("xlsx", "pdf"):
        job = ReportJob.objects.create(
            organization=top, kind="rollup", format=fmt, params={"year": YEAR, "quarter": QUARTER}
        )
        before = rss_mb()
        t = time.perf_counter()
        job = report_services.produce(job.pk, today=today)
        took = time.perf_counter() - t
        print(
            f"roll-up report {fmt.upper()} (report job, {r.count} rows): {took:.1f} s, {job.file_size / 1024:.0f} KiB, "
            f"peak RSS of the process {rss_mb():.0f} MB (build included; +{rss_mb() - before:.0f})"
        )
    print("targets: page < 2 s with a constant number of queries; XLSX < 15 s; PDF < 60 s")


if __name__ == "__main__":
    main()

"""Report benchmark: the quarterly compliance report of an organization of 1,000 and 10,000
cadres (~20 trips each), in XLSX and PDF. Prints time and peak memory of each build.

    .venv/bin/python bench/reports.py [--sizes 1000 10000] [--pdf-max 1000]

Targets (docs/domain.md §8): XLSX at 10,000 cadres < 15 s and < 500 MB; PDF at 1,000 cadres < 30 s.
Each build runs in a forked child process; "peak" is the child's maximum resident set size
(ru_maxrss, includes Python, Django and the data already loaded) and "+" its growth during
the build. Uses a temporary SQLite file unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="bench-reports-"))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(TMP / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Department, Organization, User  # noqa: E402
from accounts.vietnamese import name_sort_key  # noqa: E402
from fieldwork.models import Category, Trip  # noqa: E402
from fieldwork.services.plans import load_plan, read_plan_source  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hữu", "Đức", "Thu", "Quốc", "Hoài"]
GIVEN = [
    "An",
    "Ánh",
    "Bình",
    "Châu",
    "Dung",
    "Dũng",
    "Đạt",
    "Em",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Khoa",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Oanh",
    "Phúc",
    "Quỳnh",
    "Sơn",
    "Tâm",
    "Thảo",
    "Tùng",
    "Uyên",
    "Vy",
    "Xuân",
    "Yến",
]
PLACES = [
    "Xã Tân Đông, huyện Tân Châu",
    "Xã Suối Đá, huyện Dương Minh Châu",
    "Phường 3, thành phố Tây Ninh",
    "Xã Long Thuận, huyện Bến Cầu",
    "Huyện đoàn Gò Dầu",
]


def build_org(n: int, trips_per: int = 20):
    data = read_plan_source("tay-ninh-2023")
    data["organization"] = {**data["organization"], "code": f"bench-{n}", "name": f"Tỉnh đoàn Bench {n}"}
    plan, _ = load_plan(data)
    org = plan.organization
    cats = list(Category.objects.filter(plan=plan, counts=True))
    depts = Department.objects.bulk_create(
        [Department(organization=org, name=f"Ban số {i + 1:02d}") for i in range(20)]
    )
    users = []
    for i in range(n):
        name = f"{FAMILY[i % len(FAMILY)]} {MIDDLE[(i // 7) % len(MIDDLE)]} {GIVEN[(i * 7) % len(GIVEN)]}"
        users.append(
            User(
                email=f"cb{i}@bench{n}.vn",
                full_name=name,
                sort_key=name_sort_key(name),
                organization=org,
                department=depts[i % len(depts)],
                position="Kế toán" if i % 50 == 0 else "Chuyên viên",
                group_code="2.3" if i % 5 else "2.2",
                password="!",
            )
        )
    User.objects.bulk_create(users, batch_size=2000)
    ids = list(User.objects.filter(organization=org).values_list("pk", flat=True))
    trips = []
    for k, pid in enumerate(ids):
        for t in range(trips_per):
            start = date(2023, 1, 2) + timedelta(days=14 * t + k % 3)
            span = 1 + (k + t) % 5
            immersion = t in (3, 9) and k % 2 == 0
            if immersion:
                span = 30
                start = date(2023, 1, 2) + timedelta(days=14 * t)
            end = start + timedelta(days=span - 1)
            if end > date(2023, 10, 25):
                continue
            trips.append(
                Trip(
                    plan=plan,
                    person_id=pid,
                    category=cats[(k + t) % len(cats)],
                    start=start,
                    end=end,
                    days=Decimal(span) - (Decimal("0.5") if span > 1 and t % 4 == 0 else 0),
                    location=PLACES[t % len(PLACES)],
                    content="Phối hợp tổ chức hoạt động tại cơ sở",
                    immersion=immersion,
                    status=Trip.Status.CONFIRMED if t % 6 else Trip.Status.APPROVED,
                )
            )
        if len(trips) > 20000:
            Trip.objects.bulk_create(trips, batch_size=5000)
            trips = []
    Trip.objects.bulk_create(trips, batch_size=5000)
    return org, plan


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _child(org_id, fmt, queue):
    connection.close()  # a fresh connection in the child
    from reports.builders import gather
    from reports.params import resolve
    from reports.services import build_file

    org = Organization.objects.get(pk=org_id)
    base = _rss_kib()
    t0 = time.perf_counter()
    doc = gather("compliance", resolve(org, {"year": 2023, "quarter": 2}), date(2023, 7, 15))
    t1 = time.perf_counter()
    path = TMP / f"compliance-{org_id}.{fmt}"
    build_file(doc, fmt, path, lambda pct: None)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((t1 - t0, t2 - t1, peak, peak - base, path.stat().st_size, len(doc.cadres)))


def measure(org, fmt):
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    connection.close()
    p = ctx.Process(target=_child, args=(org.pk, fmt, q))
    p.start()
    result = q.get()
    p.join()
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--pdf-max", type=int, default=1000, help="largest organization to build the PDF for")
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; compliance report, quarter II 2023")
    print(
        f"{'cadres':>7} {'trips':>7} {'fmt':>4} {'data s':>7} {'build s':>8} {'total s':>8} {'peak MB':>8} {'+MB':>6} {'file KB':>8}"
    )
    for n in args.sizes:
        t0 = time.perf_counter()
        org, plan = build_org(n)
        trips = Trip.objects.filter(plan=plan).count()
        print(f"  (built {n} cadres, {trips} trips in {time.perf_counter() - t0:.1f} s)")
        for fmt in ("xlsx", "pdf"):
            if fmt == "pdf" and n > args.pdf_max:
                print(f"{n:>7} {trips:>7} {fmt:>4}  skipped (--pdf-max {args.pdf_max})")
                continue
            data_s, build_s, peak, grow, size, rows = measure(org, fmt)
            assert rows == n
            print(
                f"{n:>7} {trips:>7} {fmt:>4} {data_s:>7.2f} {build_s:>8.2f} {data_s + build_s:>8.2f} "
                f"{peak / 1024:>8.0f} {grow / 1024:>6.0f} {size / 1024:>8.0f}"
            )


if __name__ == "__main__":
    main()

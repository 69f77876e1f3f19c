"""Time of a backup and a restore of the 10,000-cadre benchmark organization (PostgreSQL), as the
operator runs them (`manage.py backup`, `manage.py restore` into a new database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fieldwork_bench .venv/bin/python bench/backup.py

The organization is bench/pages.py's (reused when `make bench-pages` kept it, built otherwise).
Prints the size of the backup, the two times, and whether every table's row count came back.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to the PostgreSQL benchmark database (make bench-backup).")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from orgs import build_org, org_code  # noqa: E402

from config.backup import table_counts  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cadres", type=int, default=10_000)
    ap.add_argument("--trips", type=int, default=20)
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    build_org(org_code(args.cadres, "pages"), args.cadres, args.trips)
    print(f"organization of {args.cadres} cadres ready in {time.perf_counter() - t:.1f} s", flush=True)
    counts = table_counts()
    work = Path(tempfile.mkdtemp(prefix="fieldwork-bench-backup-"))
    url = os.environ["DATABASE_URL"]
    base = url.rsplit("/", 1)[0]
    name = f"fieldwork_bench_restore_{uuid.uuid4().hex[:6]}"
    env = {**os.environ, "MEDIA_ROOT": str(work / "media")}
    try:
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "backup", "--output", str(work / "bk")], cwd=ROOT, env=env, check=True
        )
        backup_s = time.perf_counter() - t
        manifest = json.loads((work / "bk" / "manifest.json").read_text())
        size = sum(f["size"] for f in manifest["files"].values())
        subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "restore", "--input", str(work / "bk")],
            cwd=ROOT,
            env={**env, "DATABASE_URL": f"{base}/{name}", "MEDIA_ROOT": str(work / "media-restored")},
            check=True,
        )
        restore_s = time.perf_counter() - t
        rows = sum(counts.values())
        same = manifest["tables"] == counts
        print(
            f"\nbackup: {backup_s:.1f} s, {size / 1024 / 1024:.1f} MB ({len(counts)} tables, {rows:,} rows); "
            f"restore into a new database: {restore_s:.1f} s; row counts {'equal' if same else 'DIFFER'}"
        )
    finally:
        subprocess.run(
            ["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False
        )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

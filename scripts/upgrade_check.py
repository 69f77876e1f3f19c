"""Upgrades lose nothing (docs/operations.md "Upgrade"): a database made by an older commit's code
is migrated by this code, and every row and figure is unchanged.

    .venv/bin/python scripts/upgrade_check.py [BASE_REF] [--database-server postgres://postgres@127.0.0.1:5432]

BASE_REF: the argument; else the ref recorded in .ci/upgrade-base (the last landed commit);
else the merge-base of HEAD with origin/main, then with main.

1. `git worktree add` BASE_REF into a temporary folder; its code runs with this venv when its
   requirements are the same, else with a venv of its own made there;
2. a fresh PostgreSQL database: the old code migrates it and loads both demo organizations
   (`load_demo`), then records every table (row count and a digest of its rows) and every
   organization's `quota --format json` answers;
3. this code migrates the same database (`migrate`), then `makemigrations --check --dry-run`;
4. every table the old code had: the same rows (the digest is compared for tables whose columns
   did not change; the count for every table); every quota answer the same.
Exit status 0 when everything held; the database and the worktree are removed either way.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_FILE = ROOT / ".ci" / "upgrade-base"
AS_OF = "2026-06-30"


def git(*args, cwd=ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def base_ref(arg: str | None) -> str:
    if arg:
        return arg
    if BASE_FILE.exists():
        ref = BASE_FILE.read_text().split("#")[0].strip()
        if ref:
            return ref
    for upstream in ("origin/main", "main"):
        try:
            return git("merge-base", "HEAD", upstream)
        except subprocess.CalledProcessError:
            continue
    sys.exit("no base ref: give one, or record it in .ci/upgrade-base")


def run(python, cwd, args, env, timeout=900) -> str:
    proc = subprocess.run(
        [python, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"{cwd.name}: manage.py {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
        )
    return proc.stdout


def _pins(path: Path) -> set[str]:
    lines = path.read_text().splitlines() if path.exists() else []
    return {line.split("#")[0].strip() for line in lines if line.split("#")[0].strip() and not line.startswith("-r")}


def requirements_met(old: Path) -> bool:
    """The old code runs in this venv when every package it pins is pinned the same here."""
    return all(_pins(old / f) <= _pins(ROOT / f) for f in ("requirements.txt", "requirements-dev.txt"))


def snapshot(url: str) -> dict:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(url)
    out = {}
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            for (table,) in cur.fetchall():
                cur.execute(
                    "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY column_name) "
                    "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s",
                    (table,),
                )
                columns = cur.fetchone()[0]
                cur.execute(
                    sql.SQL(
                        "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
                    ).format(sql.Identifier(table))
                )
                rows, digest = cur.fetchone()
                out[table] = {"columns": columns, "rows": rows, "digest": digest}
    finally:
        conn.close()
    return out


# Tables that new migrations add rows to by design; they may grow, never shrink.
GROWS = {"django_migrations", "django_content_type", "auth_permission"}
# Data migrations that change data on purpose, each with what it may change and why. They are
# allowed only when the upgrade itself applies them (a base that already has them compares as usual).
INTENDED = {
    "fieldwork.0016_plans_from_templates_as_the_seeds_say": {
        "why": "plans made from the seeds' templates take the rules as the documents say them "
        "(docs/rules.md “The rules as the documents say them”: Đà Nẵng's one clear day between immersion "
        "trips instead of 30, no invented mẫu 3 deadline, duty reasons for a named person, a “khác” reason)",
        "tables": {"fieldwork_plan", "fieldwork_category", "fieldwork_exemptionreason"},
        "quota": ("da-nang/",),
    },
}


def applied_migrations(url: str) -> set[str]:
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT app || '.' || name FROM django_migrations")
            return {name for (name,) in cur.fetchall()}
    finally:
        conn.close()


def quota_answers(python, cwd, env) -> dict:
    orgs = json.loads(
        run(
            python,
            cwd,
            [
                "shell",
                "-c",
                "import json; from fieldwork.models import Plan; "
                "print(json.dumps(sorted({(p.organization.code, p.year) for p in Plan.objects.select_related('organization')})))",
            ],
            env,
        )
        .strip()
        .splitlines()[-1]
    )
    out = {}
    for code, year in orgs:
        text = run(
            python, cwd, ["quota", "--org", code, "--year", str(year), "--as-of", AS_OF, "--format", "json"], env
        )
        out[f"{code}/{year}"] = json.loads(text)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base", nargs="?", help="the older commit (default: .ci/upgrade-base, else the merge-base)")
    ap.add_argument("--database-server", default="postgres://postgres@127.0.0.1:5432")
    args = ap.parse_args()
    ref = base_ref(args.base)
    sha = git("rev-parse", f"{ref}^{{commit}}")
    head = git("rev-parse", "HEAD")
    print(f"upgrade check: {sha[:10]} → {head[:10]} (working tree)", flush=True)

    import psycopg2

    name = f"fieldwork_upgrade_{uuid.uuid4().hex[:8]}"
    url = f"{args.database_server.rstrip('/')}/{name}"
    work = Path(tempfile.mkdtemp(prefix="fieldwork-upgrade-"))
    old = work / "old"
    admin = psycopg2.connect(f"{args.database_server.rstrip('/')}/postgres")
    admin.autocommit = True
    failures: list[str] = []
    try:
        git("worktree", "add", "--detach", str(old), sha)
        python = sys.executable
        if not requirements_met(old):
            print("the old commit's requirements differ: a venv of its own", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
            python = str(work / "venv" / "bin" / "python")
            subprocess.run([python, "-m", "pip", "install", "-q", "-r", str(old / "requirements.txt")], check=True)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_", "PYTEST", "MEDIA_", "CONN_"))
        }
        env.update(
            DATABASE_URL=url,
            DJANGO_TESTING="1",
            DJANGO_SETTINGS_MODULE="config.settings",
            MEDIA_ROOT=str(work / "media"),
            CELERY_BROKER_URL="",
        )
        admin.cursor().execute(f'CREATE DATABASE "{name}"')

        run(python, old, ["migrate", "--no-input", "-v0"], env)
        run(python, old, ["load_demo"], env)
        before, quota_before = snapshot(url), quota_answers(python, old, env)
        applied_before = applied_migrations(url)
        print(f"old code: {len(before)} tables, {sum(t['rows'] for t in before.values())} rows", flush=True)

        run(sys.executable, ROOT, ["migrate", "--no-input", "-v0"], {**env, "PATH": os.environ.get("PATH", "")})
        after, quota_after = snapshot(url), quota_answers(sys.executable, ROOT, env)
        print(f"new code: {len(after)} tables ({len(set(after) - set(before))} new)", flush=True)
        intended = [INTENDED[m] | {"name": m} for m in applied_migrations(url) - applied_before if m in INTENDED]
        for i in intended:
            print(f"intended data changes ({i['name']}): {i['why']}", flush=True)
        may_change = {t for i in intended for t in i["tables"]}
        may_change_quota = tuple(q for i in intended for q in i["quota"])
        for table, was in before.items():
            now = after.get(table)
            if now is None:
                failures.append(f"{table}: dropped by the new migrations ({was['rows']} rows)")
            elif table in may_change and now["rows"] >= was["rows"]:
                if (now["rows"], now["digest"]) != (was["rows"], was["digest"]):
                    print(f"  {table}: changed as intended ({was['rows']} → {now['rows']} rows)", flush=True)
                continue
            elif table in GROWS and now["rows"] >= was["rows"]:
                continue  # Django's own records of the new migrations, models and their permissions
            elif now["rows"] != was["rows"]:
                failures.append(f"{table}: {was['rows']} rows before, {now['rows']} after")
            elif now["columns"] == was["columns"] and now["digest"] != was["digest"]:
                failures.append(f"{table}: the same columns, different rows")
        for key in sorted(set(quota_before) | set(quota_after)):
            if quota_before.get(key) != quota_after.get(key):
                if key.startswith(may_change_quota) and may_change_quota:
                    print(f"  quota {key}: figures changed as intended", flush=True)
                    continue
                failures.append(f"quota {key}: the figures changed")
        proc = subprocess.run(
            [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            failures.append(f"makemigrations --check: models changed without a migration:\n{proc.stdout}{proc.stderr}")
        checked = sum(1 for t in before if t in after)
        print(f"{checked} tables checked, {len(quota_before)} quota answers compared", flush=True)
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)
    if failures:
        print("UPGRADE CHECK FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("upgrade check passed: nothing lost, figures unchanged, no missing migration")
    return 0


if __name__ == "__main__":
    sys.exit(main())

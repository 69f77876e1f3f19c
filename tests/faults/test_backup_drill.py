"""The backup drill on PostgreSQL (docs/operations.md "Restore"): a populated database (both demo
organizations, trip attachments, produced reports) → `manage.py backup` → `manage.py restore`
into a new database and an empty media folder, both as the operator runs them → every table's
rows, every `quota --format json` answer and every media file equal."""

import json
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from psycopg2 import sql

from tests.faults.conftest import ROOT, app_env
from tests.worker.test_celery_worker import database_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def manage(*args, env) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def table_digests(url: str) -> dict[str, tuple[int, str]]:
    """Every table: (rows, md5 of its rows as text in a fixed order)."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            out = {}
            for (table,) in cur.fetchall():
                cur.execute(
                    sql.SQL(
                        "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
                    ).format(sql.Identifier(table))
                )
                out[table] = cur.fetchone()
            return out
    finally:
        conn.close()


def populate(tmp_path):
    from accounts.models import Organization, User
    from fieldwork.models import Trip
    from fieldwork.services import results
    from reports import services as reports

    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    # Attachments through the service (stored like an upload) and a produced report file.
    for trip in Trip.objects.filter(status="reported").select_related("person", "plan")[:3]:
        results._store_attachments(trip, [SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff" + uuid.uuid4().bytes * 50)])
    board = User.objects.get(email="duyen.ntm@tayninh.test")
    job = reports.request_report(user=board, kind="compliance", fmt="xlsx", year=2026, quarter=1)
    reports.produce(job.pk)
    return [o.code for o in Organization.objects.order_by("code")]


def test_backup_restored_into_a_new_database_is_the_same(tmp_path):
    orgs = populate(tmp_path)
    media = Path(settings.MEDIA_ROOT)
    files = sorted(p.relative_to(media) for p in media.rglob("*") if p.is_file())
    assert len(files) >= 4
    source = app_env()
    out = tmp_path / "backup"
    manage("backup", "--output", str(out), env=source)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"] == "postgresql" and (out / "database.dump").read_bytes()[:5] == b"PGDMP"

    name = f"fieldwork_restore_{uuid.uuid4().hex[:8]}"
    base = database_url().rsplit("/", 1)[0]
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    admin.cursor().execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        target = {**source, "DATABASE_URL": f"{base}/{name}", "MEDIA_ROOT": str(tmp_path / "media-restored")}
        manage("restore", "--input", str(out), env=target)

        before, after = table_digests(database_url()), table_digests(f"{base}/{name}")
        assert set(before) == set(after) and len(before) >= 40
        differ = [t for t in before if before[t] != after[t]]
        assert not differ, differ
        assert {t: n for t, (n, _digest) in after.items()} == manifest["tables"]
        for code in orgs:
            args = ("quota", "--org", code, "--year", "2026", "--as-of", "2026-06-30", "--format", "json")
            mine, theirs = manage(*args, env=source).stdout, manage(*args, env=target).stdout
            assert json.loads(mine) == json.loads(theirs) and json.loads(mine)
        restored = tmp_path / "media-restored"
        assert sorted(p.relative_to(restored) for p in restored.rglob("*") if p.is_file()) == files
        for rel in files:
            assert (restored / rel).read_bytes() == (media / rel).read_bytes()
        # A second restore into the now full database is refused, nothing changed.
        again = subprocess.run(
            [sys.executable, "manage.py", "restore", "--input", str(out)],
            cwd=ROOT,
            env={**target, "MEDIA_ROOT": str(tmp_path / "media-3")},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode != 0 and "không trống" in again.stderr
        assert table_digests(f"{base}/{name}") == after
    finally:
        admin.cursor().execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()

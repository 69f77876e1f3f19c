"""`backup` and `restore` (docs/domain.md §10) on SQLite, in `make test`: the manifest describes
the copy, a restore into an empty database and media folder gives back every row and file, and a
non-empty target or a damaged or incomplete backup is refused with a clear error, nothing changed.
The PostgreSQL drill (pg_dump → pg_restore into a new database, quota answers compared) is
tests/faults/test_backup_drill.py."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from config import backup

ROOT = Path(__file__).resolve().parents[2]
sqlite_only = pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"], reason="the SQLite path; PostgreSQL: the drill"
)


def _media(settings):
    root = Path(settings.MEDIA_ROOT)
    (root / "trips" / "1" / "7").mkdir(parents=True)
    (root / "trips" / "1" / "7" / "anh.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(3000))
    (root / "reports" / "1" / "x").mkdir(parents=True)
    (root / "reports" / "1" / "x" / "bao-cao.xlsx").write_bytes(b"PK" + os.urandom(500))
    (root / "reports" / "1" / "x" / ".bao-cao.xlsx.abc.part").write_bytes(b"half")  # being written: not copied
    return root


def rows_of(cur, table):
    cur.execute(f'SELECT * FROM "{table}"')
    return sorted(map(repr, cur.fetchall()))


def restore_in_subprocess(folder, db_file, media):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_file}",
        "MEDIA_ROOT": str(media),
        "DJANGO_TESTING": "1",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", "--input", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_back_every_row_and_file(people, settings, tmp_path):
    media = _media(settings)
    out = tmp_path / "bk"
    call_command("backup", "--output", str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"] == "sqlite" and manifest["database_file"] == "database.sqlite3"
    assert manifest["tables"] == backup.table_counts()
    from accounts.models import User

    assert manifest["tables"]["accounts_user"] == User.objects.count() >= 10
    assert set(manifest["files"]) == {
        "database.sqlite3",
        "media/trips/1/7/anh.jpg",
        "media/reports/1/x/bao-cao.xlsx",
    }
    for rel, facts in manifest["files"].items():
        assert backup.sha256_of(out / rel) == facts["sha256"] and (out / rel).stat().st_size == facts["size"]
    assert not list(tmp_path.glob(".bk.partial-*"))

    target, target_media = tmp_path / "restored.sqlite3", tmp_path / "media2"
    proc = restore_in_subprocess(out, target, target_media)
    assert proc.returncode == 0, proc.stderr
    assert "Đã khôi phục" in proc.stdout
    restored = sqlite3.connect(target, detect_types=sqlite3.PARSE_DECLTYPES)  # as Django reads them
    with connection.cursor() as cur:
        for table in manifest["tables"]:
            assert sorted(map(repr, restored.execute(f'SELECT * FROM "{table}"').fetchall())) == rows_of(cur, table)
    for rel in ("trips/1/7/anh.jpg", "reports/1/x/bao-cao.xlsx"):
        assert (target_media / rel).read_bytes() == (media / rel).read_bytes()
    assert not (target_media / "reports/1/x/.bao-cao.xlsx.abc.part").exists()

    # A second restore into the same (now full) database is refused, nothing changed.
    before = target.read_bytes()
    again = restore_in_subprocess(out, target, tmp_path / "media3")
    assert again.returncode != 0 and "không trống" in again.stderr
    assert target.read_bytes() == before and not (tmp_path / "media3").exists()


@pytest.mark.django_db(transaction=True)  # SQLite's backup API waits on a connection in a transaction
@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda out: (out / "media/trips/1/7/anh.jpg").write_bytes(b"changed"), "kích thước khác"),
        (lambda out: _flip_byte(_database_file(out)), "SHA-256 khác"),
        (lambda out: (out / "media/trips/1/7/anh.jpg").unlink(), "thiếu tệp"),
        (lambda out: (out / "manifest.json").unlink(), "thiếu manifest.json"),
        (lambda out: (out / "manifest.json").write_text("{not json"), "bị hỏng"),
    ],
    ids=["resized", "flipped", "missing-file", "missing-manifest", "bad-manifest"],
)
def test_a_damaged_or_incomplete_backup_is_refused_and_nothing_changes(people, settings, tmp_path, damage, message):
    _media(settings)
    out = tmp_path / "bk"
    call_command("backup", "--output", str(out))
    damage(out)
    counts = backup.table_counts()
    settings.MEDIA_ROOT = tmp_path / "media2"
    # The backup is checked before the target: the error names the damage, nothing is touched.
    with pytest.raises(CommandError, match=message):
        call_command("restore", "--input", str(out))
    assert backup.table_counts() == counts
    assert not (tmp_path / "media2").exists()


def _database_file(out: Path) -> Path:
    """The backup's database: database.sqlite3 on SQLite, database.dump (pg_dump) on PostgreSQL."""
    return out / (backup.PG_FILE if connection.vendor == "postgresql" else backup.SQLITE_FILE)


def _flip_byte(path: Path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path, settings):
    """The test database is migrated: refused before anything is read into it."""
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    out = tmp_path / "bk"
    call_command("backup", "--output", str(out))
    with pytest.raises(CommandError, match="không trống"):
        call_command("restore", "--input", str(out))


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_a_folder_that_has_files_and_one_inside_media(tmp_path, settings):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(CommandError, match="không trống"):
        call_command("backup", "--output", str(tmp_path / "full"))
    with pytest.raises(CommandError, match="MEDIA_ROOT"):
        call_command("backup", "--output", str(Path(settings.MEDIA_ROOT) / "bk"))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_backup_of_newer_code(tmp_path, settings):
    out = tmp_path / "bk"
    call_command("backup", "--output", str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["migrations"]["fieldwork"].append("9999_from_the_future")
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(backup.BackupError, match="9999_from_the_future"):
        backup.restore_backup(out)


def _fake(root: Path, when: datetime) -> Path:
    path = root / backup.backup_name(when)
    path.mkdir(parents=True)
    (path / "manifest.json").write_text("{}")
    return path


def test_rotation_keeps_seven_days_and_four_weeks(tmp_path, settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    now = timezone.make_aware(datetime(2026, 12, 6, 1, 30))  # a Sunday
    made = [_fake(tmp_path, now - timedelta(days=d)) for d in range(60)]
    extra_today = _fake(tmp_path, now - timedelta(hours=1))  # a manual one earlier the same night
    old_partial = tmp_path / ".fieldwork-20261101-013000.partial-abcd"
    old_partial.mkdir()
    os.utime(old_partial, (0, 0))
    removed = backup.rotate(tmp_path, daily=7, weekly=4, now=now)
    kept = sorted(p.name for p in tmp_path.iterdir())
    # The last 7 days (newest of each), plus the newest of each of the 3 weeks before this one.
    expected_days = {backup.backup_name(now - timedelta(days=d)) for d in range(7)}
    expected_weeks = {backup.backup_name(now - timedelta(days=d)) for d in (7, 14, 21)}  # Sundays: newest of a week
    assert set(kept) == expected_days | expected_weeks
    assert extra_today in removed and old_partial in removed
    assert len(removed) == len(made) + 2 - len(kept)
    assert backup.last_backup(tmp_path).path == made[0]


def test_beat_runs_the_backup_daily_and_the_watchdog():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["daily-backup"]["task"] == "config.tasks.daily_backup"
    assert schedule["watchdog"]["task"] == "config.tasks.watchdog"
    assert (settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY) == (7, 4)


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_writes_a_backup_and_rotates(tmp_path, settings):
    from config.tasks import daily_backup

    settings.BACKUP_DIR = tmp_path / "backups"
    old = _fake(settings.BACKUP_DIR, timezone.now() - timedelta(days=35))  # 5 weeks ago: removed
    weeks = [_fake(settings.BACKUP_DIR, timezone.now() - timedelta(days=d)) for d in (7, 14, 21)]
    result = daily_backup.delay().get()
    names = sorted(p.name for p in settings.BACKUP_DIR.iterdir())
    assert names == sorted([result["backup"], *(w.name for w in weeks)])
    assert result["removed"] == [old.name]
    assert backup.read_manifest(settings.BACKUP_DIR / result["backup"])["engine"] in ("sqlite", "postgresql")

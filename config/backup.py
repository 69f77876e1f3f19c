"""Backups that restore (docs/domain.md §10 `backup`, `restore`; docs/operations.md).

A backup is one folder:

    manifest.json        what is in it: row counts per table, SHA-256 and size per file
    database.dump        PostgreSQL: `pg_dump --format=custom` (or database.sqlite3: SQLite's
                         online backup API)
    media/...            every media file (uploads, produced reports), as under MEDIA_ROOT

The folder is written under a hidden temporary name beside its final one and renamed only when
the manifest is written: a backup that has its final name is whole. On PostgreSQL the row counts
and the dump read the same snapshot (`pg_export_snapshot()` → `pg_dump --snapshot`), so the
manifest describes exactly what the dump holds; the media files are copied after the snapshot
was taken (a file is written before the row that names it commits, so every row's file is there).

`restore` checks everything before it changes anything: the manifest, every file's size and
SHA-256, the engine, that the backup was not made by newer code (migrations the code does not
know), that the target database has no table and the media folder is empty. Then it copies the
media files (removed again if what follows fails) and loads the database in one transaction
(`pg_restore --single-transaction`; SQLite: the backup API), and compares the row counts with
the manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "fieldwork-backup"
VERSION = 1
MANIFEST = "manifest.json"
PG_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA = "media"
CHUNK = 1024 * 1024
# Scheduled backups: BACKUP_DIR/fieldwork-YYYYMMDD-HHMMSS (local time).
NAME_RE = re.compile(r"^fieldwork-(\d{8})-(\d{6})$")


class BackupError(Exception):
    """A clear reason why a backup or a restore was refused or failed (nothing was changed)."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())


# Helpers --------------------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _copy_hashing(src: Path, dst: Path) -> dict:
    """Copy src to dst (new file), returning its size and SHA-256 as read."""
    h = hashlib.sha256()
    size = 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as fin, open(dst, "xb") as fout:
        while chunk := fin.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    shutil.copystat(src, dst)
    return {"sha256": h.hexdigest(), "size": size}


def _is_temporary(name: str) -> bool:
    """A report being written (reports.services.produce: `.<name>.<hex>.part`): not a media file yet."""
    return name.startswith(".") and name.endswith(".part")


def media_files(root: Path) -> list[Path]:
    """Every regular media file under root, relative, sorted (symbolic links are not followed)."""
    out = []
    if not root.is_dir():
        return out
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            path = Path(folder) / name
            if _is_temporary(name) or path.is_symlink() or not path.is_file():
                continue
            out.append(path.relative_to(root))
    return sorted(out)


def _engine(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(_("Không hỗ trợ sao lưu cơ sở dữ liệu %(v)s.") % {"v": vendor})
    return vendor


def _pg_env(using: str) -> dict:
    db = settings.DATABASES[using]
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGCONNECT_TIMEOUT": "10"}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _client_major(program: str) -> int:
    try:
        out = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackupError(
            _("Không chạy được %(p)s (%(e)s): hãy cài gói postgresql-client đúng phiên bản máy chủ.")
            % {"p": program, "e": exc}
        ) from exc
    m = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(m.group(1)) if m else 0


def _check_client(program: str, server_major: int) -> None:
    """pg_dump and pg_restore must be at least the server's major version (docs/operations.md)."""
    major = _client_major(program)
    if major < server_major:
        raise BackupError(
            _(
                "%(p)s phiên bản %(c)s cũ hơn máy chủ PostgreSQL %(s)s: hãy cài postgresql-client-%(s)s "
                "(hoặc đặt PG_DUMP / PG_RESTORE trỏ tới công cụ đúng phiên bản)."
            )
            % {"p": program, "c": major, "s": server_major}
        )


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# The database -----------------------------------------------------------------------------------
def _pg_tables(cur) -> list[str]:
    cur.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
    )
    return [r[0] for r in cur.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_connect(using: str):
    import psycopg2

    db = settings.DATABASES[using]
    return psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        connect_timeout=10,
    )


def _backup_postgres(using: str, target: Path) -> tuple[dict, str]:
    from psycopg2 import extensions

    conn = _pg_connect(using)
    try:
        server_major = conn.server_version // 10000
        _check_client(settings.PG_DUMP, server_major)
        conn.set_session(isolation_level=extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cur.fetchone()
            tables = _pg_tables(cur)
            counts = {}
            for table in tables:
                cur.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608 - a table name, quoted
                counts[table] = cur.fetchone()[0]
            # The snapshot lives as long as this transaction: pg_dump reads the same data.
            proc = subprocess.run(
                [settings.PG_DUMP, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", "--no-password"],
                env=_pg_env(using),
                capture_output=True,
                text=True,
                timeout=settings.BACKUP_TIMEOUT,
            )
            if proc.returncode != 0:
                raise BackupError(_("pg_dump thất bại: %(e)s") % {"e": proc.stderr.strip()[-2000:]})
        conn.rollback()
    finally:
        conn.close()
    return counts, server_version


def _backup_sqlite(using: str, target: Path) -> tuple[dict, str]:
    conn = connections[using]
    conn.ensure_connection()
    dst = sqlite3.connect(target)
    try:
        conn.connection.backup(dst)  # the online backup API: a consistent copy while others write
        counts = _sqlite_counts(dst)
    finally:
        dst.close()
    return counts, sqlite3.sqlite_version


def _sqlite_tables(conn) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [r[0] for r in rows.fetchall()]


def _sqlite_counts(conn) -> dict:
    return {t: conn.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0] for t in _sqlite_tables(conn)}  # noqa: S608


def _applied_migrations(using: str) -> dict:
    from django.db.migrations.recorder import MigrationRecorder

    out: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[using]).migration_qs.values_list("app", "name"):
        out.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(out.items())}


def table_counts(using: str = "default") -> dict:
    """Rows per table of the live database (what a manifest records)."""
    conn = connections[using]
    with conn.cursor() as cur:
        tables = conn.introspection.table_names(cur)
        return {t: _count(cur, t) for t in sorted(tables)}


def _count(cur, table: str) -> int:
    cur.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608 - a table name, quoted
    return cur.fetchone()[0]


# Backup ---------------------------------------------------------------------------------------
def _check_output(output: Path, media_root: Path) -> None:
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(_("%(p)s đã có và không trống: hãy chọn một thư mục mới cho bản sao lưu.") % {"p": output})
    resolved = output.resolve()
    media = media_root.resolve()
    if resolved == media or media in resolved.parents:
        raise BackupError(_("Không đặt bản sao lưu trong thư mục tệp tải lên (MEDIA_ROOT): %(p)s.") % {"p": output})


def create_backup(output, *, using: str = "default", media_root=None) -> dict:
    """Write a whole backup into `output` (a new or empty folder); return its manifest."""
    output = Path(output)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    _check_output(output, media_root)
    engine = _engine(using)
    output.parent.mkdir(parents=True, exist_ok=True)
    work = output.parent / f".{output.name}.partial-{uuid.uuid4().hex[:8]}"
    work.mkdir()
    started = time.monotonic()
    try:
        db_file = PG_FILE if engine == "postgresql" else SQLITE_FILE
        if engine == "postgresql":
            counts, server_version = _backup_postgres(using, work / db_file)
        else:
            counts, server_version = _backup_sqlite(using, work / db_file)
        files = {db_file: {"sha256": sha256_of(work / db_file), "size": (work / db_file).stat().st_size}}
        for rel in media_files(media_root):
            try:
                files[f"{MEDIA}/{rel.as_posix()}"] = _copy_hashing(media_root / rel, work / MEDIA / rel)
            except FileNotFoundError:
                continue  # deleted since it was listed (an attachment removed meanwhile)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "engine": engine,
            "server_version": server_version,
            "database_file": db_file,
            "migrations": _applied_migrations(using),
            "tables": counts,
            "files": files,
            "duration_seconds": round(time.monotonic() - started, 2),
        }
        with open(work / MANIFEST, "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        _fsync_dir(work)
        if output.exists():
            output.rmdir()  # an empty folder given by the operator
        os.replace(work, output)
        _fsync_dir(output.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


# Restore --------------------------------------------------------------------------------------
def read_manifest(folder) -> dict:
    """The backup's manifest after checking every file it lists (size and SHA-256) and that the
    database file is there; BackupError with every problem otherwise."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(_("Không tìm thấy thư mục sao lưu %(p)s.") % {"p": folder})
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            _("Bản sao lưu không đầy đủ: thiếu %(m)s trong %(p)s.") % {"m": MANIFEST, "p": folder}
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(_("Tệp %(m)s bị hỏng: %(e)s") % {"m": MANIFEST, "e": exc}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(p)s không phải bản sao lưu của hệ thống này.") % {"p": folder})
    if manifest.get("version") != VERSION:
        raise BackupError(_("Không đọc được bản sao lưu phiên bản %(v)s.") % {"v": manifest.get("version")})
    files = manifest.get("files")
    db_file = manifest.get("database_file")
    if not isinstance(files, dict) or db_file not in files or not isinstance(manifest.get("tables"), dict):
        raise BackupError(_("Tệp %(m)s bị hỏng: thiếu danh sách tệp hoặc bảng.") % {"m": MANIFEST})
    problems = []
    root = folder.resolve()
    for rel, facts in sorted(files.items()):
        path = (folder / rel).resolve()
        if root not in path.parents:
            problems.append(_("%(f)s: đường dẫn nằm ngoài bản sao lưu") % {"f": rel})
            continue
        if not path.is_file():
            problems.append(_("%(f)s: thiếu tệp") % {"f": rel})
        elif path.stat().st_size != facts.get("size"):
            problems.append(_("%(f)s: kích thước khác với bản kê") % {"f": rel})
        elif sha256_of(path) != facts.get("sha256"):
            problems.append(_("%(f)s: nội dung bị hỏng (SHA-256 khác)") % {"f": rel})
    if problems:
        shown = problems[:20] + ([_("… và %(n)s lỗi khác") % {"n": len(problems) - 20}] if len(problems) > 20 else [])
        raise BackupError(_("Bản sao lưu bị hỏng hoặc không đầy đủ:") + "\n  " + "\n  ".join(shown))
    return manifest


def _check_migrations(manifest: dict) -> None:
    """Refuse a backup made by newer code: it has migrations this code does not know."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in (manifest.get("migrations") or {}).items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            _(
                "Bản sao lưu được tạo bởi phiên bản mới hơn của hệ thống (migration chưa có: %(m)s): hãy cài phiên bản đó."
            )
            % {"m": ", ".join(unknown[:5])}
        )


def _check_empty_target(using: str, media_root: Path) -> None:
    conn = connections[using]
    with conn.cursor() as cur:
        tables = conn.introspection.table_names(cur)
    if tables:
        raise BackupError(
            _(
                "Cơ sở dữ liệu đích không trống (%(n)s bảng, ví dụ %(t)s): chỉ khôi phục vào một cơ sở dữ liệu "
                "mới tạo, chưa chạy migrate."
            )
            % {"n": len(tables), "t": sorted(tables)[0]}
        )
    if media_root.exists() and (not media_root.is_dir() or any(media_root.iterdir())):
        raise BackupError(
            _("Thư mục tệp (MEDIA_ROOT) %(p)s không trống: chỉ khôi phục vào thư mục trống.") % {"p": media_root}
        )


def _restore_postgres(using: str, dump: Path) -> None:
    conn = _pg_connect(using)
    try:
        server_major = conn.server_version // 10000
    finally:
        conn.close()
    _check_client(settings.PG_RESTORE, server_major)
    connections[using].close()
    proc = subprocess.run(
        [
            settings.PG_RESTORE,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            f"--dbname={settings.DATABASES[using]['NAME']}",
            str(dump),
        ],
        env=_pg_env(using),
        capture_output=True,
        text=True,
        timeout=settings.BACKUP_TIMEOUT,
    )
    if proc.returncode != 0:
        raise BackupError(_("pg_restore thất bại (không thay đổi gì): %(e)s") % {"e": proc.stderr.strip()[-2000:]})


def _restore_sqlite(using: str, db_file: Path) -> None:
    conn = connections[using]
    conn.ensure_connection()
    src = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        src.backup(conn.connection)
    finally:
        src.close()


def restore_backup(folder, *, using: str = "default", media_root=None) -> dict:
    """Load a backup into an empty database and media folder; return its manifest."""
    folder = Path(folder)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = read_manifest(folder)
    engine = _engine(using)
    if manifest.get("engine") != engine:
        raise BackupError(
            _("Bản sao lưu của %(b)s không khôi phục được vào %(t)s.") % {"b": manifest.get("engine"), "t": engine}
        )
    _check_migrations(manifest)
    _check_empty_target(using, media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    copied: list[Path] = []
    try:
        for rel in sorted(manifest["files"]):
            if not rel.startswith(f"{MEDIA}/"):
                continue
            dst = media_root / rel[len(MEDIA) + 1 :]
            facts = _copy_hashing(folder / rel, dst)
            copied.append(dst)
            if facts["sha256"] != manifest["files"][rel]["sha256"]:
                raise BackupError(_("%(f)s: nội dung bị hỏng khi đọc lại") % {"f": rel})
        db_file = folder / manifest["database_file"]
        if engine == "postgresql":
            _restore_postgres(using, db_file)
        else:
            _restore_sqlite(using, db_file)
    except BaseException:
        for path in copied:
            with contextlib.suppress(OSError):
                path.unlink()
        for sub in sorted((p for p in media_root.rglob("*") if p.is_dir()), reverse=True):
            with contextlib.suppress(OSError):
                sub.rmdir()
        raise
    counts = table_counts(using)
    differ = sorted(t for t, n in manifest["tables"].items() if counts.get(t) != n)
    if differ:
        raise BackupError(_("Số dòng sau khi khôi phục khác bản kê ở các bảng: %(t)s") % {"t": ", ".join(differ)})
    return manifest


# Scheduled backups and rotation ---------------------------------------------------------------
def backup_name(now: datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return now.strftime("fieldwork-%Y%m%d-%H%M%S")


def list_backups(root=None) -> list[BackupInfo]:
    """The complete backups under BACKUP_DIR (a manifest and the scheduled name), newest first."""
    root = Path(root or settings.BACKUP_DIR)
    out = []
    if not root.is_dir():
        return out
    for entry in root.iterdir():
        m = NAME_RE.match(entry.name)
        if not m or not (entry / MANIFEST).is_file():
            continue
        created = timezone.make_aware(datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S"))
        out.append(BackupInfo(entry, created))
    return sorted(out, key=lambda b: b.created_at, reverse=True)


def to_keep(backups: list[BackupInfo], *, daily: int, weekly: int, now: datetime | None = None) -> set[Path]:
    """The newest backup of each of the last `daily` calendar days (today included) and of each of
    the last `weekly` ISO weeks (this one included), in local time; the two may overlap."""
    today = timezone.localtime(now or timezone.now()).date()
    this_monday = today - timedelta(days=today.weekday())
    keep: set[Path] = set()
    days: set = set()
    weeks: set = set()
    for b in sorted(backups, key=lambda b: b.created_at, reverse=True):
        day = timezone.localtime(b.created_at).date()
        monday = day - timedelta(days=day.weekday())
        if 0 <= (today - day).days < daily and day not in days:
            days.add(day)
            keep.add(b.path)
        if 0 <= (this_monday - monday).days // 7 < weekly and monday not in weeks:
            weeks.add(monday)
            keep.add(b.path)
    return keep


def rotate(root=None, *, daily: int | None = None, weekly: int | None = None, now=None) -> list[Path]:
    """Delete the scheduled backups rotation does not keep, and leftovers of interrupted ones
    (hidden `.…partial-…` folders older than a day). Returns what was deleted."""
    root = Path(root or settings.BACKUP_DIR)
    daily = settings.BACKUP_KEEP_DAILY if daily is None else daily
    weekly = settings.BACKUP_KEEP_WEEKLY if weekly is None else weekly
    backups = list_backups(root)
    keep = to_keep(backups, daily=daily, weekly=weekly, now=now)
    if backups:
        keep.add(backups[0].path)  # never the newest, whatever the clock says
    removed = []
    for b in backups:
        if b.path not in keep:
            shutil.rmtree(b.path)
            removed.append(b.path)
    limit = time.time() - 24 * 3600
    for entry in root.glob(".*.partial-*") if root.is_dir() else []:
        with contextlib.suppress(OSError):
            if entry.stat().st_mtime < limit:
                shutil.rmtree(entry)
                removed.append(entry)
    return removed


def scheduled_backup(root=None) -> tuple[dict, Path, list[Path]]:
    """What beat runs daily: a new backup under BACKUP_DIR, then rotation."""
    root = Path(root or settings.BACKUP_DIR)
    target = root / backup_name()
    manifest = create_backup(target)
    removed = rotate(root)
    return manifest, target, removed


def last_backup(root=None) -> BackupInfo | None:
    backups = list_backups(root)
    return backups[0] if backups else None


def age(info: BackupInfo | None) -> timedelta | None:
    return None if info is None else timezone.now() - info.created_at

"""What the import commands share: the organization, the file, and all-or-nothing errors."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from accounts.models import Organization
from fieldwork.importers.workbook import ImportFailed


def organization(code: str) -> Organization:
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise CommandError(f"Không có tổ chức mã “{code}”.")
    return org


def existing_file(name: str) -> Path:
    path = Path(name)
    if not path.exists():
        raise CommandError(f"Không tìm thấy tệp {path}.")
    return path


def run_import(command, do_import):
    """do_import()'s result; on ImportFailed every error on stderr and a CommandError (nothing saved)."""
    try:
        return do_import()
    except ImportFailed as exc:
        for e in exc.errors:
            command.stderr.write(str(e))
        raise CommandError(f"Tệp có {len(exc.errors)} lỗi: không nhập gì.") from exc


def dry_run_prefix(opts) -> str:
    return "Chạy thử (không lưu): " if opts["dry_run"] else "Đã nhập: "

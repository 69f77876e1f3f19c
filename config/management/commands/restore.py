"""python manage.py restore --input DIR (docs/domain.md §10, docs/operations.md)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu vào cơ sở dữ liệu trống (mới tạo, chưa migrate) và thư mục tệp trống; "
        "từ chối bản sao lưu hỏng hoặc thiếu, không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="thư mục bản sao lưu (có manifest.json)")

    def handle(self, *args, **opts):
        started = time.monotonic()
        try:
            manifest = restore_backup(opts["input"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Đã khôi phục {opts['input']} (sao lưu lúc {manifest['created_at']}): {len(manifest['tables'])} bảng, "
            f"{rows} dòng, {len(manifest['files']) - 1} tệp, {time.monotonic() - started:.1f} giây. "
            "Tiếp theo: python manage.py migrate (nếu mã mới hơn bản sao lưu)."
        )

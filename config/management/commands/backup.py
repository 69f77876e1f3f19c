"""python manage.py backup --output DIR (docs/domain.md §10, docs/operations.md)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và mọi tệp (MEDIA_ROOT) vào một thư mục mới, kèm bản kê (manifest.json)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="thư mục mới (hoặc trống) để ghi bản sao lưu")

    def handle(self, *args, **opts):
        started = time.monotonic()
        try:
            manifest = create_backup(opts["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        size = sum(f["size"] for f in manifest["files"].values())
        self.stdout.write(
            f"Đã sao lưu vào {opts['output']}: {len(manifest['tables'])} bảng, {rows} dòng, "
            f"{len(manifest['files']) - 1} tệp, {size / 1024 / 1024:.1f} MB, {time.monotonic() - started:.1f} giây."
        )

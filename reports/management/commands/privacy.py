"""python manage.py privacy export|purge (docs/domain.md §10, docs/privacy.md).

- `privacy export --org CODE --email EMAIL --output FILE.json`: everything the organization keeps
  about one person — reports.privacy.personal_data, the function of the “Dữ liệu của tôi” page.
- `privacy purge --org CODE [--as-of YYYY-MM-DD] [--dry-run] [--format json|table]`: the retention
  periods — fieldwork.services.privacy.purge, the code of the daily beat job.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organization, User
from accounts.vietnamese import format_date
from fieldwork.services.privacy import purge
from reports.privacy import personal_data


class Command(BaseCommand):
    help = "Dữ liệu cá nhân: xuất toàn bộ dữ liệu của một người (export) hoặc áp dụng thời hạn lưu trữ (purge)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Xuất mọi dữ liệu tổ chức lưu về một người (JSON).")
        export.add_argument("--org", required=True)
        export.add_argument("--email", required=True)
        export.add_argument("--output", required=True)
        run = sub.add_parser("purge", help="Ẩn danh người đã nghỉ lâu, xóa tệp đính kèm quá hạn lưu trữ.")
        run.add_argument("--org", required=True)
        run.add_argument("--as-of", dest="as_of")
        run.add_argument("--dry-run", action="store_true")
        run.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, **opts):
        org = Organization.objects.filter(code=opts["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã {opts['org']!r}.")
        if opts["action"] == "export":
            self._export(org, opts)
        else:
            self._purge(org, opts)

    def _export(self, org, opts):
        email = (opts["email"] or "").strip().lower()
        person = User.objects.filter(organization=org, email__iexact=email).select_related("department").first()
        if person is None:
            raise CommandError(f"{email!r} không phải email của một người thuộc tổ chức {org.code!r}.")
        data = personal_data(person)
        path = Path(opts["output"])
        try:
            path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {path}: {exc.strerror}.") from None
        self.stdout.write(f"Đã xuất dữ liệu của người mã {person.pk} vào {path}.")

    def _purge(self, org, opts):
        try:
            as_of = date.fromisoformat(opts["as_of"]) if opts["as_of"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"Ngày không hợp lệ: {opts['as_of']!r} (cần YYYY-MM-DD).") from None
        items = purge(organization=org, as_of=as_of, dry_run=opts["dry_run"])
        if opts["format"] == "json":
            self.stdout.write(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=2))
            return
        if not items:
            self.stdout.write(f"Không có gì quá hạn lưu trữ ngày {format_date(as_of)}.")
            return
        for i in items:
            what = i.email if i.email is not None else i.file
            verb = {"anonymize": "ẩn danh", "delete": "xóa"}[i.action]
            state = "đã làm" if i.done else "chưa làm (--dry-run)"
            self.stdout.write(f"{verb:8}  {state:22}  {what}")

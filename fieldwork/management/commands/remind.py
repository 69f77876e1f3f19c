"""python manage.py remind --org CODE [--as-of YYYY-MM-DD] [--dry-run] [--format json|table]
(docs/domain.md §10): the reminders and digests due on as_of for one organization, sent by the
same code beat runs daily (fieldwork.reminders.services.run), and printed."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organization
from accounts.vietnamese import format_date
from fieldwork.reminders import services


class Command(BaseCommand):
    help = "Gửi nhắc việc và bản tổng hợp đến hạn vào một ngày cho một tổ chức."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, **opts):
        org = Organization.objects.filter(code=opts["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã {opts['org']!r}.")
        try:
            as_of = date.fromisoformat(opts["as_of"]) if opts["as_of"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"Ngày không hợp lệ: {opts['as_of']!r} (cần YYYY-MM-DD).") from None
        outcomes = services.run(organization_id=org.pk, as_of=as_of, dry_run=opts["dry_run"])
        if opts["format"] == "json":
            self.stdout.write(json.dumps([o.as_json() for o in outcomes], ensure_ascii=False, indent=2))
            return
        if not outcomes:
            self.stdout.write(f"Không có nhắc việc nào đến hạn ngày {format_date(as_of)}.")
            return
        rows = [("Email", "Loại", "Hạn", "Đã gửi", "Nội dung")]
        for o in outcomes:
            rows.append(
                (
                    o.email,
                    o.kind,
                    format_date(o.deadline) if o.deadline else "—",
                    "có" if o.sent else "không",
                    o.subject,
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        for r in rows:
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4])

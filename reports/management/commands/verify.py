"""python manage.py verify FILE.pdf [--format json|table] (docs/domain.md §10): is the file one the
product issued, unchanged, and is every signature in it valid? Exit status 0 only when valid."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from reports.verification import verify_bytes


class Command(BaseCommand):
    help = "Xác minh một tệp PDF: có trong sổ đăng ký văn bản, còn nguyên vẹn, chữ ký số hợp lệ."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, **o):
        try:
            with open(o["file"], "rb") as f:
                data = f.read()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp “{o['file']}”: {exc.strerror}") from exc
        verdict = verify_bytes(data)
        out = verdict.as_json()
        if o["format"] == "json":
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            yes = {True: "có", False: "không"}
            self.stdout.write(f"Hợp lệ:            {yes[verdict.valid]}")
            self.stdout.write(f"Bị sửa đổi:        {yes[verdict.modified]}")
            self.stdout.write(f"Có trong sổ đăng ký: {yes[verdict.in_register]}")
            self.stdout.write(f"Người ký:          {verdict.signed_by or '—'}")
            doc = out["document"]
            if doc:
                self.stdout.write(f"Mã văn bản:        {doc['code']}")
                self.stdout.write(f"Loại:              {doc['kind']}")
                self.stdout.write(f"Tổ chức:           {doc['organization']}")
                self.stdout.write(f"Kỳ:                {doc['period']}")
                self.stdout.write(f"Ngày phát hành:    {doc['issued_at']}")
            for i, s in enumerate(verdict.signatures, 1):
                self.stdout.write(
                    f"Chữ ký {i}: {s.signed_by} — toàn vẹn: {yes[s.intact]}, phủ toàn bộ tệp: {yes[s.whole_file]}, "
                    f"chứng thư số đã cài của tổ chức: {yes[s.installed]}"
                )
        self.stdout.flush()
        if not verdict.valid:
            sys.exit(1)

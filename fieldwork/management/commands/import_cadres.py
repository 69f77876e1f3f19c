"""python manage.py import_cadres --org CODE [--year YYYY] FILE.xlsx [--dry-run] (DOMAIN.md §10)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from fieldwork.importers.cadres import default_plan, import_cadres
from fieldwork.importers.workbook import ImportFailed


class Command(BaseCommand):
    help = "Nhập danh sách cán bộ từ tệp Excel (.xlsx): tạo mới hoặc cập nhật theo email; có lỗi thì không nhập gì."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx")
        parser.add_argument("--org", required=True, help="mã tổ chức, ví dụ tay-ninh")
        parser.add_argument("--year", type=int, help="năm của kế hoạch (mặc định: kế hoạch gần nhất)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và in những gì sẽ thay đổi")

    def handle(self, *args, **opts):
        org = Organization.objects.filter(code=opts["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã “{opts['org']}”.")
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            plan = default_plan(org, opts["year"])
            result = import_cadres(str(path), organization=org, plan=plan, actor=None, dry_run=opts["dry_run"])
        except ImportFailed as exc:
            for e in exc.errors:
                self.stderr.write(str(e))
            raise CommandError(f"Tệp có {len(exc.errors)} lỗi: không nhập gì.") from exc
        for name in result.departments:
            self.stdout.write(f"+ Ban mới: {name}")
        for line in result.new:
            self.stdout.write(f"+ {line.full_name} <{line.email}>")
        for line in result.updated:
            changes = "; ".join(f"{k}: {a} → {b}" for k, (a, b) in line.changes.items())
            self.stdout.write(f"~ {line.full_name} <{line.email}>: {changes}")
        for line in result.exemptions:
            ex = line.exemption
            self.stdout.write(f"+ Miễn: {line.full_name}, {ex.reason.name}, {ex.start:%d/%m/%Y} – {ex.end:%d/%m/%Y}")
        if not result.has_changes:
            self.stdout.write("Không có thay đổi nào.")
        prefix = "Chạy thử (không lưu): " if opts["dry_run"] else "Đã nhập: "
        self.stdout.write(prefix + result.summary())

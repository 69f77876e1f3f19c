"""python manage.py import_cadres --org CODE [--year YYYY] FILE.xlsx [--dry-run] (docs/domain.md §10)."""

from django.core.management.base import BaseCommand

from fieldwork.importers.cadres import default_plan, import_cadres

from . import _imports


class Command(BaseCommand):
    help = "Nhập danh sách cán bộ từ tệp Excel (.xlsx): tạo mới hoặc cập nhật theo email; có lỗi thì không nhập gì."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx")
        parser.add_argument("--org", required=True, help="mã tổ chức, ví dụ tay-ninh")
        parser.add_argument("--year", type=int, help="năm của kế hoạch (mặc định: kế hoạch gần nhất)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và in những gì sẽ thay đổi")

    def handle(self, *args, **opts):
        org = _imports.organization(opts["org"])
        path = _imports.existing_file(opts["file"])
        result = _imports.run_import(
            self,
            lambda: import_cadres(
                str(path),
                organization=org,
                plan=default_plan(org, opts["year"]),
                actor=None,
                dry_run=opts["dry_run"],
            ),
        )
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
        self.stdout.write(_imports.dry_run_prefix(opts) + result.summary())

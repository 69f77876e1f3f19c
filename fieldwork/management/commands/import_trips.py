"""python manage.py import_trips --org CODE --year YYYY FILE.xlsx [--dry-run] (docs/domain.md §10)."""

from django.core.management.base import BaseCommand, CommandError

from fieldwork.importers.trips import describe, import_trips
from fieldwork.models import Plan

from . import _imports


class Command(BaseCommand):
    help = (
        "Nhập các đợt đi cơ sở đã thực hiện từ tệp Excel theo mẫu 3. Có lỗi thì không nhập gì; "
        "đợt đã có (cùng người, nội dung, thời gian, số ngày, địa điểm) được bỏ qua."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx theo mẫu 3")
        parser.add_argument("--org", required=True, help="mã tổ chức, ví dụ tay-ninh")
        parser.add_argument("--year", type=int, required=True, help="năm của kế hoạch")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và in những gì sẽ nhập")

    def handle(self, *args, **opts):
        org = _imports.organization(opts["org"])
        plan = Plan.objects.filter(organization=org, year=opts["year"]).first()
        if plan is None:
            raise CommandError(f"{org.name} chưa có kế hoạch năm {opts['year']}.")
        path = _imports.existing_file(opts["file"])
        result = _imports.run_import(
            self, lambda: import_trips(str(path), plan=plan, actor=None, dry_run=opts["dry_run"])
        )
        for line in result.new:
            flags = f" — vi phạm: {', '.join(line.violations)}" if line.violations else ""
            flags += f" ({line.warning})" if line.warning else ""
            self.stdout.write(f"+ dòng {line.row}: {describe(line)}{flags}")
        for line in result.skipped:
            self.stdout.write(f"= dòng {line.row}: đã có, bỏ qua ({describe(line)})")
        self.stdout.write(_imports.dry_run_prefix(opts) + result.summary())

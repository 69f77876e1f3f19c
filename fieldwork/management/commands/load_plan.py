from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fieldwork.services.plans import load_plan, read_plan_source


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật kế hoạch năm từ tệp JSON hoặc mẫu có sẵn (tay-ninh-2023, da-nang-2023)."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="đường dẫn tệp JSON hoặc tên mẫu")

    def handle(self, *args, **opts):
        try:
            plan, created = load_plan(read_plan_source(opts["plan"]))
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        verb = "Đã tạo" if created else "Đã cập nhật"
        self.stdout.write(f"{verb} kế hoạch {plan.year} của {plan.organization.name} ({plan.organization.code}).")

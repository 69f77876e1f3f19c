"""python manage.py report KIND --org CODE --year YYYY [--quarter Q] [--department NAME]
[--cadre EMAIL] --format xlsx|pdf --output PATH  (docs/domain.md §10)

Produces the same file the web offers, through the same task: a ReportJob is created and
reports.tasks.build_report runs synchronously in this process (apply()), then the file is
copied to PATH.
"""

import shutil
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Department, User
from accounts.vietnamese import nfc
from reports import services
from reports.data import KINDS, check_params
from reports.models import ReportJob
from reports.tasks import build_report


class Command(BaseCommand):
    help = "Tạo báo cáo (mẫu 1, 2, 3, báo cáo quý hoặc báo cáo tổng hợp các đơn vị trực thuộc) ra tệp PDF/XLSX."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--org", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--department")
        parser.add_argument("--cadre")
        parser.add_argument("--format", required=True, choices=["xlsx", "pdf"])
        parser.add_argument("--output", required=True)
        parser.add_argument("--today", help="YYYY-MM-DD: the report's date (tests, reruns)")

    def handle(self, *args, **o):
        try:
            org = services.find_organization(o["org"])
            dept = cadre = None
            if o["department"]:
                name = nfc(o["department"]).strip()
                dept = Department.objects.filter(organization=org, name__iexact=name).first()
                if dept is None:
                    names = ", ".join(Department.objects.filter(organization=org).values_list("name", flat=True))
                    raise CommandError(f"Không có ban “{name}” trong {org.name}. Các ban: {names or '(chưa có)'}")
            if o["cadre"]:
                cadre = User.objects.filter(organization=org, email__iexact=o["cadre"].strip()).first()
                if cadre is None:
                    raise CommandError(f"Không có cán bộ email “{o['cadre']}” trong {org.name}.")
            check_params(o["kind"], quarter=o["quarter"], department=dept, cadre=cadre)
            if o["kind"] == "rollup":
                if not org.children.exists():
                    raise CommandError(f"{org.name} không có đơn vị trực thuộc.")
            elif not org.plans.filter(year=o["year"]).exists():
                raise CommandError(f"{org.name} chưa có kế hoạch năm {o['year']}.")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        params = {"year": o["year"]}
        if o["quarter"]:
            params["quarter"] = o["quarter"]
        if dept:
            params["department_id"] = dept.pk
        if cadre:
            params["cadre_id"] = cadre.pk
        job = ReportJob.objects.create(organization=org, kind=o["kind"], format=o["format"], params=params)
        today = o["today"]
        if today:
            date.fromisoformat(today)
        build_report.apply(args=[str(job.pk)], kwargs={"today": today})
        job.refresh_from_db()
        path = services.file_of(job)
        if path is None:
            raise CommandError(f"Không tạo được báo cáo: {job.error or job.get_status_display()}")
        shutil.copyfile(path, o["output"])
        self.stdout.write(f"{o['output']} ({job.file_size} byte)")
        if settings.DEBUG:
            self.stdout.write(f"job {job.pk}")

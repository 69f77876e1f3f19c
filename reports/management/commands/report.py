"""python manage.py report KIND --org CODE --year YYYY [--quarter Q] [--department NAME]
[--cadre EMAIL] [--as-of YYYY-MM-DD] [--issue internal|upward] --format xlsx|pdf --output PATH
(docs/domain.md §10). Without --department, mẫu 2 and mẫu 3 are the whole organization's.

Produces the same file the web offers, through the same task: a ReportJob is created and
reports.tasks.build_report runs synchronously in this process (apply()), then the file is
copied to PATH.
"""

import shutil
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Department, User
from accounts.vietnamese import nfc
from reports import services
from reports.files import file_of
from reports.models import ReportJob
from reports.params import KINDS, check_params
from reports.signing import SigningError
from reports.signing.service import document_of, sign_document, usable_certificate
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
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD: yearend, yearsheet — số liệu tính đến ngày này")
        parser.add_argument(
            "--issue", choices=["internal", "upward"], help="yearend: nội bộ (mặc định) hoặc gửi cấp trên"
        )
        parser.add_argument("--today", help="YYYY-MM-DD: the report's date (tests, reruns)")
        parser.add_argument("--sign", action="store_true", help="ký số tệp PDF bằng chứng thư số đã cài của tổ chức")

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
            as_of = None
            if o["as_of"]:
                try:
                    as_of = date.fromisoformat(o["as_of"])
                except ValueError as exc:
                    raise CommandError(
                        f"--as-of “{o['as_of']}”: hãy ghi ngày dạng YYYY-MM-DD, ví dụ 2023-11-15."
                    ) from exc
            check_params(o["kind"], quarter=o["quarter"], department=dept, cadre=cadre, as_of=as_of, issue=o["issue"])
            if o["kind"] == "rollup":
                if not org.children.exists():
                    raise CommandError(f"{org.name} không có đơn vị trực thuộc.")
            elif not org.plans.filter(year=o["year"]).exists():
                raise CommandError(f"{org.name} chưa có kế hoạch năm {o['year']}.")
            if as_of is not None:
                from reports.yearend import chosen_as_of

                today = date.fromisoformat(o["today"]) if o["today"] else timezone.localdate()
                chosen_as_of(org.plans.get(year=o["year"]), as_of, today)
            if o["sign"]:
                if o["format"] != "pdf":
                    raise CommandError("--sign chỉ dùng với --format pdf.")
                usable_certificate(org.pk)  # refuse before building anything
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except SigningError as exc:
            raise CommandError(str(exc)) from exc
        params = {"year": o["year"]}
        if o["quarter"]:
            params["quarter"] = o["quarter"]
        if dept:
            params["department_id"] = dept.pk
        if cadre:
            params["cadre_id"] = cadre.pk
        if as_of:
            params["as_of"] = as_of.isoformat()
        if o["issue"]:
            params["issue"] = o["issue"]
        job = ReportJob.objects.create(organization=org, kind=o["kind"], format=o["format"], params=params)
        today = o["today"]
        if today:
            date.fromisoformat(today)
        build_report.apply(args=[str(job.pk)], kwargs={"today": today})
        job.refresh_from_db()
        path = file_of(job)
        if path is None:
            raise CommandError(f"Không tạo được báo cáo: {job.error or job.get_status_display()}")
        if o["sign"]:
            try:
                sign_document(document=document_of(job))
            except SigningError as exc:
                raise CommandError(str(exc)) from exc
            job.refresh_from_db()
            path = file_of(job)
        shutil.copyfile(path, o["output"])
        self.stdout.write(f"{o['output']} ({job.file_size} byte)")
        if settings.DEBUG:
            self.stdout.write(f"job {job.pk}")

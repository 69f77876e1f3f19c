"""Build every report PDF for a small demo organization and render each first page to PNG
(pdftoppm -png -r 60 -f 1 -l 1) under artifacts/pdf/, to look at the layout.

    .venv/bin/python scripts/pdf_previews.py        (make pdf-previews)

Runs on a temporary SQLite database and media folder: the configured database is untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="pdf-previews-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'demo.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(TMP / "media")
os.environ["CELERY_BROKER_URL"] = ""  # eager: the task runs here
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from accounts.models import Department, User, UserRole  # noqa: E402
from fieldwork.models import Category, DepartmentPlan, QuarterReport, Registration, Trip  # noqa: E402
from fieldwork.services.plans import load_plan, read_plan_source  # noqa: E402
from reports import services  # noqa: E402
from reports.models import ReportJob  # noqa: E402
from reports.tasks import build_report  # noqa: E402

OUT = ROOT / "artifacts" / "pdf"
PEOPLE = [
    # name, email, department, position, group, roles
    ("Nguyễn Thanh Tùng", "tung", None, "Bí thư", "2.1", ["cadre", "standing", "secretary"]),
    ("Hồ Thị Lan", "lan", None, "Phó Bí thư", "2.1", ["cadre", "standing"]),
    ("Võ Minh Hải", "hai", "Ban Phong trào", "Trưởng Ban", "2.2", ["cadre", "head"]),
    ("Trần Thị Dung", "dung", "Ban Phong trào", "Chuyên viên", "2.3", ["cadre"]),
    ("Lê Văn Em", "em", "Ban Phong trào", "Chuyên viên", "2.3", ["cadre"]),
    ("Phạm Ngọc Ánh", "anh", "Ban Phong trào", "Chuyên viên", "2.3", ["cadre"]),
    ("Đặng Thu Hà", "ha", "Văn phòng", "Chánh Văn phòng", "2.2", ["cadre", "head"]),
    ("Ngô Thị Quỳnh", "quynh", "Văn phòng", "Kế toán", "2.3", ["cadre"]),
    ("Bùi Văn Khoa", "khoa", "Ban Tổ chức – Kiểm tra", "Trưởng Ban", "2.2", ["cadre", "board", "head"]),
    ("Mai Văn Phúc", "phuc", "Ban Tổ chức – Kiểm tra", "Chuyên viên", "2.3", ["cadre", "board"]),
]
PLACES = [
    "Xã Tân Đông, huyện Tân Châu",
    "Xã Suối Đá, huyện Dương Minh Châu",
    "Phường 3, thành phố Tây Ninh",
    "Xã Long Thuận, huyện Bến Cầu",
    "Huyện đoàn Gò Dầu",
    "Chi đoàn ấp Bàu Vừng, xã Bàu Đồn",
]


def demo():
    call_command("migrate", verbosity=0)
    plan, _ = load_plan(read_plan_source("tay-ninh-2023"))
    org = plan.organization
    cats = {c.code: c for c in Category.objects.filter(plan=plan)}
    people = {}
    for name, login, dept, position, group, roles in PEOPLE:
        d = Department.objects.get_or_create(organization=org, name=dept)[0] if dept else None
        u = User.objects.create_user(
            f"{login}@tinhdoan.vn",
            "x",
            full_name=name,
            organization=org,
            department=d,
            position=position,
            group_code=group,
        )
        for r in roles:
            UserRole.objects.create(user=u, code=r)
        people[login] = u
    heads = {"Ban Phong trào": people["hai"], "Văn phòng": people["ha"], "Ban Tổ chức – Kiểm tra": people["khoa"]}
    for i, person in enumerate(people.values()):
        reg = Registration.objects.create(
            plan=plan,
            person=person,
            quarter=1,
            status=Registration.Status.APPROVED,
            decided_by=heads.get(person.department.name if person.department else "", people["lan"]),
        )
        start = date(2023, 1, 5) + timedelta(days=i)
        for j, (code, days, span, content) in enumerate(
            [
                ("1.1", 30, 31, "Hỗ trợ tổ chức Tháng Thanh niên, cùng ăn, cùng ở, cùng làm với chi đoàn ấp"),
                ("1.5", 1, 1, "Dự sinh hoạt chi đoàn"),
                ("1.2", 2.5, 3, "Kiểm tra công tác đoàn vụ"),
            ]
        ):
            s = start + timedelta(days=40 * j)
            e = s + timedelta(days=span - 1)
            status = Trip.Status.CONFIRMED if e < date(2023, 3, 31) else Trip.Status.APPROVED
            Trip.objects.create(
                plan=plan,
                person=person,
                registration=reg,
                category=cats[code],
                start=s,
                end=e,
                days=Decimal(str(days)),
                location=PLACES[(i + j) % len(PLACES)],
                content=content,
                immersion=code == "1.1",
                status=status,
                planned_start=s,
                planned_end=e,
                planned_days=Decimal(str(days)),
                results="Nắm tình hình đoàn viên, hỗ trợ cơ sở tổ chức hoạt động." if status == "confirmed" else "",
                proposals="Đề nghị tăng kinh phí hoạt động cho chi đoàn." if j == 0 else "",
            )
    for dept in Department.objects.filter(organization=org):
        DepartmentPlan.objects.create(
            plan=plan, department=dept, quarter=1, status=DepartmentPlan.Status.APPROVED, decided_by=people["tung"]
        )
    QuarterReport.objects.create(
        plan=plan,
        department=Department.objects.get(name="Ban Phong trào"),
        quarter=1,
        status=QuarterReport.Status.SUBMITTED,
        summary="Ban đã thực hiện đầy đủ kế hoạch đi cơ sở quý I; đề nghị Thường trực quan tâm kinh phí.",
    )
    return org, plan, people


def main():
    org, plan, people = demo()
    ban = Department.objects.get(organization=org, name="Ban Phong trào")
    jobs = {
        "mau1": {"year": 2023, "quarter": 1, "cadre_id": people["dung"].pk},
        "mau2": {"year": 2023, "quarter": 1, "department_id": ban.pk},
        "mau3": {"year": 2023, "quarter": 1, "department_id": ban.pk},
        "compliance": {"year": 2023, "quarter": 1},
    }
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for kind, params in jobs.items():
        job = ReportJob.objects.create(organization=org, kind=kind, format="pdf", params=params)
        build_report.apply(args=[str(job.pk)])
        job.refresh_from_db()
        path = services.file_of(job)
        if path is None:
            raise SystemExit(f"{kind}: {job.status} {job.error}")
        pdf = OUT / f"{kind}.pdf"
        shutil.copyfile(path, pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(OUT / kind)], check=True
        )
        print(f"{pdf.relative_to(ROOT)}  ->  {(OUT / f'{kind}.png').relative_to(ROOT)}")
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()

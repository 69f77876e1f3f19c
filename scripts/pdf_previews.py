"""Build every report PDF for two small demo organizations — Tây Ninh on the annual registration
cycle, Đà Nẵng on the quarterly one — and render EVERY page to PNG
(pdftoppm -png -r 60) under artifacts/pdf/<cycle>/, to look at the layout. Among them: the whole
organization's mẫu 2 and mẫu 3, a Ban led by a "Phó Trưởng Ban phụ trách" (Ban Đoàn kết), the
year-end report sent up (TM. BAN THƯỜNG VỤ), and, under artifacts/pdf/district/, a district
organization that names no superior body (its header line is built: "BCH ĐOÀN HUYỆN CHÂU THÀNH").

    .venv/bin/python scripts/pdf_previews.py        (make pdf-previews)

Runs on a temporary SQLite database and media folder: the configured database is untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
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
from django.utils import timezone  # noqa: E402

from accounts.models import Department, User, UserRole  # noqa: E402
from fieldwork.models import Category, DepartmentPlan, QuarterReport, Registration, Trip  # noqa: E402
from fieldwork.services.plans import load_plan, read_plan_source  # noqa: E402
from reports.files import file_of  # noqa: E402
from reports.models import CadreRemark, ReportJob, YearEndText  # noqa: E402
from reports.tasks import build_report  # noqa: E402

OUT = ROOT / "artifacts" / "pdf"
PEOPLE = [
    # name, email, department, position, group, roles
    ("Nguyễn Thanh Tùng", "tung", None, "Bí thư", "2.1", ["cadre", "standing", "secretary"]),
    ("Hồ Thị Lan", "lan", None, "Phó Bí thư", "2.1", ["cadre", "standing"]),
    ("Võ Minh Hải", "hai", "Ban Phong trào", "Trưởng Ban", "2.2", ["cadre", "head"]),
    ("Lý Văn Phước", "phuoc", "Ban Phong trào", "Phó Trưởng Ban", "2.2", ["cadre", "head"]),
    ("Trần Thị Dung", "dung", "Ban Phong trào", "Chuyên viên", "2.3", ["cadre"]),
    ("Lê Văn Em", "em", "Ban Phong trào", "Chuyên viên", "2.3", ["cadre"]),
    ("Phạm Ngọc Ánh", "anh", "Ban Phong trào", "Chuyên viên", "2.3", ["cadre"]),
    ("Đặng Thu Hà", "ha", "Văn phòng", "Chánh Văn phòng", "2.2", ["cadre", "head"]),
    ("Ngô Thị Quỳnh", "quynh", "Văn phòng", "Kế toán", "2.3", ["cadre"]),
    ("Huỳnh Văn Lộc", "loc", "Văn phòng", "Chuyên viên", "2.3", ["cadre"]),
    ("Bùi Văn Khoa", "khoa", "Ban Tổ chức – Kiểm tra", "Trưởng Ban", "2.2", ["cadre", "board", "head"]),
    ("Mai Văn Phúc", "phuc", "Ban Tổ chức – Kiểm tra", "Chuyên viên", "2.3", ["cadre", "board"]),
    ("Trịnh Công Sơn", "son", "Ban Tuyên giáo", "Trưởng Ban", "2.2", ["cadre", "head"]),
    ("Châu Ngọc Bích", "bich", "Ban Tuyên giáo", "Chuyên viên", "2.3", ["cadre"]),
    ("Tạ Quang Vinh", "vinh", "Ban Đoàn kết", "Phó Trưởng Ban phụ trách", "2.2", ["cadre", "head"]),
    ("Lưu Thị Yến", "yen", "Ban Đoàn kết", "Chuyên viên", "2.3", ["cadre"]),
]
# Enough specialists to make the per-cadre tables run over a page.
for i, given in enumerate(
    ["An", "Bảo", "Cường", "Duy", "Giang", "Hòa", "Khánh", "Linh", "Minh", "Nam", "Oanh", "Phong"]
):
    dept = ["Ban Phong trào", "Ban Tuyên giáo", "Ban Đoàn kết", "Văn phòng"][i % 4]
    PEOPLE.append((f"Nguyễn Văn {given}", f"cv{i}", dept, "Chuyên viên", "2.3", ["cadre"]))
PLACES = [
    "Xã Tân Đông, huyện Tân Châu",
    "Xã Suối Đá, huyện Dương Minh Châu",
    "Phường 3, thành phố Tây Ninh",
    "Xã Long Thuận, huyện Bến Cầu",
    "Huyện đoàn Gò Dầu",
    "Chi đoàn ấp Bàu Vừng, xã Bàu Đồn",
]
TRIPS = [
    # category, days, span, start offset from 05/01, content
    ("1.1", 30, 31, 0, "Hỗ trợ tổ chức Tháng Thanh niên, cùng ăn, cùng ở, cùng làm với chi đoàn ấp"),
    ("1.5", 1, 1, 40, "Dự sinh hoạt chi đoàn"),
    ("1.2", 2.5, 3, 70, "Kiểm tra công tác đoàn vụ"),
    ("1.3", 6, 7, 150, "Khảo sát mô hình “3 chủ động” tại đoàn cơ sở"),
    ("1.4", 1, 1, 200, "Dự hội nghị Ban Chấp hành huyện đoàn sơ kết 6 tháng"),
    ("1.1", 12, 14, 240, "Phối hợp tổ chức Chiến dịch Thanh niên tình nguyện hè"),
]


def demo(template: str, code: str, cycle: str, organization: dict | None = None):
    data = read_plan_source(template)
    data["organization"] = {**data["organization"], "code": code, **(organization or {})}
    plan, _ = load_plan(data)
    plan.registration_cycle = cycle
    # Tây Ninh: the seed's blanks (no number yet); Đà Nẵng: its guide of 06/4/2023.
    plan.document_number = "" if cycle == "annual" else "20-HD/TĐTN-TCKT"
    plan.document_date = None if cycle == "annual" else date(2023, 4, 6)
    plan.save()
    org = plan.organization
    cats = {c.code: c for c in Category.objects.filter(plan=plan)}
    people = {}
    for name, login, dept, position, group, roles in PEOPLE:
        d = Department.objects.get_or_create(organization=org, name=dept)[0] if dept else None
        u = User.objects.create_user(
            f"{login}@{code}.vn",
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
    chiefs = {"Ban Phong trào": "hai", "Văn phòng": "ha", "Ban Tổ chức – Kiểm tra": "khoa", "Ban Tuyên giáo": "son"}
    chiefs["Ban Đoàn kết"] = "vinh"
    heads = {dept: people[login] for dept, login in chiefs.items()}

    def approver(person):
        if person.has_role("standing"):
            return people["tung"]
        if person.has_role("head"):
            return people["lan"]
        return heads[person.department.name]

    regs = {}
    for i, person in enumerate(people.values()):
        for j, (code_, days, span, offset, content) in enumerate(TRIPS):
            if i % 3 == 2 and j >= 3:
                continue  # some cadres do less: not met, at risk
            if i % 3 == 0 and j == 4:  # and some more: a second long immersion trip
                code_, days, span, offset, content = ("1.1", 30, 31, 95, "Cùng ăn, cùng ở, cùng làm tại xã vùng biên")
            s = date(2023, 1, 5) + timedelta(days=offset + i)
            e = s + timedelta(days=span - 1)
            quarter = 0 if cycle == "annual" else (s.month - 1) // 3 + 1
            reg = regs.get((person.pk, quarter))
            if reg is None:
                reg = regs[(person.pk, quarter)] = Registration.objects.create(
                    plan=plan,
                    person=person,
                    quarter=quarter,
                    status=Registration.Status.APPROVED,
                    decided_by=approver(person),
                    self_certified=person.is_secretary,
                    submitted_at=timezone.make_aware(datetime(2023, 2, 10 + i % 4, 9, 0)),
                )
            status = Trip.Status.CONFIRMED if e < date(2023, 9, 30) else Trip.Status.APPROVED
            topics = cats[code_].topics
            topic = topics[(i + j) % len(topics)] if topics and i % 2 == 0 else ""
            if person.pk == people["dung"].pk and j == 5:
                status = Trip.Status.DRAFT  # a line still waiting for approval on Dung's mẫu 1
            Trip.objects.create(
                plan=plan,
                person=person,
                registration=reg,
                category=cats[code_],
                start=s,
                end=e,
                days=Decimal(str(days)),
                location=PLACES[(i + j) % len(PLACES)],
                content=content,
                topic=topic,
                immersion=code_ in ("1.1", "1.3") and span >= 7,
                status=status,
                planned_start=s,
                planned_end=e,
                planned_days=Decimal(str(days)),
                results="Nắm tình hình đoàn viên, hỗ trợ cơ sở tổ chức hoạt động." if status == "confirmed" else "",
                proposals="Đề nghị tăng kinh phí hoạt động cho chi đoàn." if j == 0 else "",
            )
    quarters = [0] if cycle == "annual" else [1, 2, 3, 4]
    for dept in Department.objects.filter(organization=org):
        for q in quarters:
            DepartmentPlan.objects.create(
                plan=plan,
                department=dept,
                quarter=q,
                status=DepartmentPlan.Status.APPROVED,
                submitted_by=heads.get(dept.name),
                submitted_at=timezone.make_aware(datetime(2023, 2, 18, 9, 0)),
                decided_by=people["lan"],
            )
    QuarterReport.objects.create(
        plan=plan,
        department=Department.objects.get(organization=org, name="Ban Phong trào"),
        quarter=1,
        status=QuarterReport.Status.SUBMITTED,
        submitted_by=people["phuoc"],
        submitted_at=timezone.make_aware(datetime(2023, 3, 25, 9, 0)),
        summary="Ban đã thực hiện đầy đủ kế hoạch đi cơ sở quý I; đề nghị Thường trực quan tâm kinh phí.",
    )
    YearEndText.objects.create(
        plan=plan,
        strengths="Các ban đăng ký và đi cơ sở đúng kế hoạch; nhiều đợt “cùng ăn, cùng ở, cùng làm” kéo dài 30 ngày.",
        limitations="Một số cán bộ chưa bố trí đủ 02 đợt “cùng ăn, cùng ở, cùng làm”; báo cáo quý của vài ban còn chậm.",
        proposals="Đề nghị Thường trực chỉ đạo các ban bố trí thời gian đi cơ sở ngay từ đầu năm; "
        "bố trí kinh phí cho các đợt đi dài ngày.",
    )
    CadreRemark.objects.create(
        plan=plan, person=people["dung"], text="Tích cực, bám sát cơ sở.", written_by=people["hai"]
    )
    return org, plan, people


def render(org, jobs: dict, out: Path) -> list[Path]:
    pngs = []
    for name, (kind, params) in jobs.items():
        job = ReportJob.objects.create(organization=org, kind=kind, format="pdf", params=params)
        build_report.apply(args=[str(job.pk)], kwargs={"today": "2023-12-20"})
        job.refresh_from_db()
        path = file_of(job)
        if path is None:
            raise SystemExit(f"{name}: {job.status} {job.error}")
        pdf = out / f"{name}.pdf"
        shutil.copyfile(path, pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / name)], check=True)
        pages = sorted(out.glob(f"{name}-*.png"))
        pngs += pages
        print(f"{pdf.relative_to(ROOT)}: {len(pages)} page(s) -> " + ", ".join(p.name for p in pages))
    return pngs


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    call_command("migrate", verbosity=0)
    for template, code, cycle in (("tay-ninh-2023", "tay-ninh", "annual"), ("da-nang-2023", "da-nang", "quarterly")):
        org, plan, people = demo(template, code, cycle)
        ban = Department.objects.get(organization=org, name="Ban Phong trào")
        office = Department.objects.get(organization=org, name="Văn phòng")
        in_charge = Department.objects.get(organization=org, name="Ban Đoàn kết")  # a Phó Trưởng Ban phụ trách
        jobs = {
            "mau1-ca-nam": ("mau1", {"year": 2023, "cadre_id": people["dung"].pk}),
            "mau1-quy-1": ("mau1", {"year": 2023, "quarter": 1, "cadre_id": people["dung"].pk}),
            "mau1-truong-ban": ("mau1", {"year": 2023, "cadre_id": people["hai"].pk}),
            "mau1-thuong-truc": ("mau1", {"year": 2023, "cadre_id": people["lan"].pk}),
            "mau2-ca-nam": ("mau2", {"year": 2023, "department_id": ban.pk}),
            "mau2-quy-1": ("mau2", {"year": 2023, "quarter": 1, "department_id": ban.pk}),
            "mau2-pho-truong-ban-phu-trach": ("mau2", {"year": 2023, "department_id": in_charge.pk}),
            "mau2-toan-co-quan": ("mau2", {"year": 2023, "quarter": 1}),
            "mau3-quy-1": ("mau3", {"year": 2023, "quarter": 1, "department_id": ban.pk}),
            "mau3-van-phong": ("mau3", {"year": 2023, "quarter": 2, "department_id": office.pk}),
            "mau3-pho-truong-ban-phu-trach": ("mau3", {"year": 2023, "quarter": 1, "department_id": in_charge.pk}),
            "mau3-toan-co-quan": ("mau3", {"year": 2023, "quarter": 1}),
            "compliance-quy-1": ("compliance", {"year": 2023, "quarter": 1}),
            "compliance-ca-nam": ("compliance", {"year": 2023}),
            "yearend": ("yearend", {"year": 2023}),
            "yearend-gui-cap-tren": ("yearend", {"year": 2023, "issue": "upward", "as_of": "2023-10-15"}),
            "yearsheet": ("yearsheet", {"year": 2023}),
        }
        out = OUT / cycle
        out.mkdir(parents=True)
        render(org, jobs, out)
    # A district organization that names no superior body: the header line is built the Union's way.
    org, plan, people = demo(
        "tay-ninh-2023",
        "chau-thanh",
        "annual",
        {"name": "Huyện đoàn Châu Thành", "place": "Châu Thành", "superior_body": "", "parent": "tay-ninh"},
    )
    org.superior_body = ""
    org.save()
    ban = Department.objects.get(organization=org, name="Ban Phong trào")
    out = OUT / "district"
    out.mkdir(parents=True)
    render(
        org,
        {
            "mau1": ("mau1", {"year": 2023, "cadre_id": people["dung"].pk}),
            "mau3": ("mau3", {"year": 2023, "quarter": 1, "department_id": ban.pk}),
            "yearend-gui-cap-tren": ("yearend", {"year": 2023, "issue": "upward"}),
        },
        out,
    )
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()

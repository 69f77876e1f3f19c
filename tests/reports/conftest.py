"""A small Tây Ninh data set for the report tests (people fixture of tests/conftest.py)."""

from datetime import date
from decimal import Decimal

import pytest

from fieldwork.models import DepartmentPlan, QuarterReport, Registration, Trip
from tests.factories import UserFactory, make_trip, standings_once


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run the on-commit enqueue (eager Celery) of whatever the block requests."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
@standings_once
def report_data(people):
    """Quarter I of 2023:
    - Dung (d1): registration approved by the head: two lines (1.1 30 days immersion, 1.3 10 days);
      the first confirmed (done), the second still approved (planned); plus an imported confirmed
      trip 1.5 of 2 days and an invited attendance (doesn't count).
    - Em (d1): a confirmed 1.2 trip of 2,5 days in quarter I, and one in quarter II.
    - Đức (d2): nothing. A Kế toán in d2 is exempt by position.
    - d1's mẫu 3 of quarter I submitted late; d2's never submitted.
    """
    plan, d1, d2 = people["plan"], people["d1"], people["d2"]
    dung, em, head = people["cadre"], people["cadre2"], people["head"]
    dung.position = "Chuyên viên"
    dung.save()
    reg = Registration.objects.create(
        plan=plan, person=dung, quarter=1, status=Registration.Status.APPROVED, decided_by=head
    )
    t1 = make_trip(
        plan,
        dung,
        category="1.1",
        start=date(2023, 1, 9),
        end=date(2023, 2, 7),
        days="30",
        immersion=True,
        location="Xã Tân Đông, huyện Tân Châu",
        content="Hỗ trợ tổ chức Tháng Thanh niên",
        registration=reg,
        results="Củng cố chi đoàn ấp",
        shortcomings="Thiếu kinh phí",
        planned_start=date(2023, 1, 9),
        planned_end=date(2023, 2, 7),
        planned_days=Decimal("30"),
    )
    t2 = make_trip(
        plan,
        dung,
        category="1.3",
        start=date(2023, 3, 1),
        end=date(2023, 3, 15),
        days="10",
        status=Trip.Status.APPROVED,
        location="Xã Suối Đá, huyện Dương Minh Châu",
        registration=reg,
        planned_start=date(2023, 3, 1),
        planned_end=date(2023, 3, 15),
        planned_days=Decimal("10"),
    )
    t3 = make_trip(
        plan,
        dung,
        category="1.5",
        start=date(2023, 3, 20),
        end=date(2023, 3, 21),
        days="2",
        source=Trip.Source.IMPORT,
        location="Chi đoàn ấp Bàu Vừng",
    )
    make_trip(plan, dung, category="moi", start=date(2023, 3, 25), days="1", location="Hội trường Tỉnh đoàn")
    t4 = make_trip(
        plan,
        em,
        category="1.2",
        start=date(2023, 2, 10),
        end=date(2023, 2, 12),
        days="2.5",
        location="Huyện đoàn Gò Dầu",
    )
    make_trip(
        plan, em, category="1.1", start=date(2023, 4, 3), end=date(2023, 4, 7), days="5", location="Xã Long Thuận"
    )
    accountant = UserFactory(department=d2, full_name="Ngô Thị Quỳnh", email="quynh@tn.vn", position="Kế toán")
    QuarterReport.objects.create(
        plan=plan,
        department=d1,
        quarter=1,
        status=QuarterReport.Status.SUBMITTED,
        late=True,
        summary="Ban hoàn thành kế hoạch quý I.",
    )
    DepartmentPlan.objects.create(
        plan=plan, department=d1, quarter=1, status=DepartmentPlan.Status.APPROVED, decided_by=people["deputy"]
    )
    return {**people, "reg": reg, "t1": t1, "t2": t2, "t3": t3, "t4": t4, "accountant": accountant}


REPORT_DAY = date(2023, 4, 15)


@pytest.fixture
def build(report_data, tmp_path):
    """build(kind, fmt, **params) -> path of the produced file (data + builder, no job)."""
    from reports.builders import gather
    from reports.params import Params
    from reports.pdf import build_pdf
    from reports.xlsx import build_xlsx

    def _build(kind, fmt, today=REPORT_DAY, **extra):
        params = Params(organization=report_data["org"], plan=report_data["plan"], year=2023, **extra)
        doc = gather(kind, params, today)
        path = tmp_path / f"{kind}.{fmt}"
        (build_xlsx if fmt == "xlsx" else build_pdf)(doc, path)
        return path

    return _build


def pdf_text(path) -> str:
    from pypdf import PdfReader

    # Cells wrap: compare with whitespace collapsed.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def pdf_fonts(path) -> dict[str, bool]:
    """BaseFont name -> embedded (FontFile2/FontFile/FontFile3 in its descriptor)."""
    from pypdf import PdfReader

    out = {}
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            out[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile2", "/FontFile", "/FontFile3"))
    return out

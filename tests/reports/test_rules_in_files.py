"""docs/rules.md “The rules as the documents say them”, through the files the user downloads.

g. LATE_REPORT is the department's (the head's duty): on the department's row and the head's
   standing, never in every member's "Ghi chú" (docs/domain.md §7.9).
h. Trips of a category that does not count (invited attendance) never appear on mẫu 1 or mẫu 2
   (docs/domain.md §8).
"""

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fieldwork.models import Trip
from tests.factories import make_trip

from .conftest import pdf_text

pytestmark = pytest.mark.django_db
LATE = "báo cáo quý muộn"


def _row(ws, name):
    for row in ws.iter_rows():
        for c in row:
            if c.value == name:
                return [x.value for x in ws[c.row]]
    raise AssertionError(f"{name!r} not in sheet {ws.title}")


def test_late_report_is_on_the_department_and_the_head_not_every_member_xlsx(build, report_data):
    ws = load_workbook(build("compliance", "xlsx", quarter=1))["Báo cáo"]
    # d1's mẫu 3 of quarter I was sent late (tests/reports/conftest.py)
    dept = _row(ws, "Ban Phong trào")
    assert "Gửi muộn" in dept
    head = _row(ws, "Võ Minh Hải")
    assert LATE in str(head[9] or "")
    for member in ("Trần Thị Dung", "Lê Văn Em"):
        assert LATE not in str(_row(ws, member)[9] or ""), member
    data = load_workbook(build("compliance", "xlsx", quarter=1))["Dữ liệu cán bộ"]
    codes = {r[1]: str(r[-1] or "") + str(r[-2] or "") for r in data.iter_rows(min_row=2, values_only=True)}
    assert LATE in codes["Võ Minh Hải"]  # the data sheet names violations in words (fieldwork.violations)
    assert LATE not in codes["Trần Thị Dung"] and LATE not in codes["Lê Văn Em"]
    assert not any("LATE_REPORT" in v for v in codes.values())


def test_late_report_appears_once_in_the_pdf(build, report_data):
    text = pdf_text(build("compliance", "pdf", quarter=1))
    assert text.count(LATE) == 1  # the head's note only; once every member of d1 had it
    assert "Gửi muộn" in text


@pytest.fixture
def invited_on_the_registration(report_data):
    """An invited attendance recorded on Dung's approved registration (legacy data: the web now
    refuses it) — it must still not be printed."""
    make_trip(
        report_data["plan"],
        report_data["cadre"],
        category="moi",
        start=date(2023, 2, 20),
        end=date(2023, 2, 20),
        days="1",
        status=Trip.Status.APPROVED,
        location="Hội trường Tỉnh đoàn",
        content="Dự lễ kỷ niệm theo giấy mời",
        registration=report_data["reg"],
        planned_start=date(2023, 2, 20),
        planned_end=date(2023, 2, 20),
        planned_days=Decimal("1"),
    )
    return report_data


@pytest.mark.parametrize("kind", ["mau1", "mau2"])
def test_invited_attendance_is_never_printed_on_mau1_or_mau2(build, invited_on_the_registration, kind):
    d = invited_on_the_registration
    extra = {"cadre": d["cadre"]} if kind == "mau1" else {"department": d["d1"]}
    text = pdf_text(build(kind, "pdf", quarter=1, **extra))
    assert "Theo chuyên đề" in text  # the counting lines are there
    assert "do được mời" not in text and "Hội trường Tỉnh đoàn" not in text
    ws = load_workbook(build(kind, "xlsx", quarter=1, **extra)).active
    cells = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "1.3 Theo chuyên đề" in cells
    assert "do được mời" not in cells and "Hội trường Tỉnh đoàn" not in cells


def test_invited_attendance_is_refused_at_registration_on_the_page(client, people):
    from django.urls import reverse

    plan, cadre = people["plan"], people["cadre"]
    client.force_login(cadre)
    url = reverse("fieldwork:registration_detail", args=[0]) + "?year=2023"
    page = client.get(url).content.decode()
    assert "Dự hoạt động do được mời" not in page  # not offered
    moi = plan.categories.get(code="moi")
    resp = client.post(
        url,
        {
            "category": moi.pk,
            "start": "20/02/2023",
            "end": "20/02/2023",
            "days": "1",
            "location": "Hội trường Tỉnh đoàn",
            "content": "Dự lễ kỷ niệm",
        },
    )
    assert resp.status_code in (200, 400)
    assert not Trip.objects.filter(person=cadre, category=moi).exists()

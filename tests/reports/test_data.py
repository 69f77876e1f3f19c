"""What each form shows (reports/mau_forms.py, reports/document_parts.py, reports/compliance.py): the decisions."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fieldwork.models import Trip
from reports.compliance import compliance, percent
from reports.document_parts import department_code
from reports.mau_forms import mau1, mau2
from reports.params import Params
from tests.factories import DepartmentFactory, make_trip

pytestmark = pytest.mark.django_db


def params(p, **kw):
    return Params(organization=p["org"], plan=p["plan"], year=2023, **kw)


def test_mau1_without_quarter_is_the_whole_year(report_data):
    p = report_data
    from fieldwork.models import Registration

    reg2 = Registration.objects.create(plan=p["plan"], person=p["cadre"], quarter=2)
    make_trip(
        p["plan"],
        p["cadre"],
        category="1.5",
        start=date(2023, 5, 2),
        days="1",
        status=Trip.Status.DRAFT,
        registration=reg2,
        location="Chi đoàn khu phố 3",
    )
    make_trip(
        p["plan"],
        p["cadre"],
        category="1.5",
        start=date(2023, 5, 9),
        days="1",
        status=Trip.Status.CANCELLED,
        registration=reg2,
        location="Hủy",
    )
    year = mau1(params(p, cadre=p["cadre"]), date(2023, 5, 1))
    assert [r[4] for r in year.rows] == [
        "Xã Tân Đông, huyện Tân Châu",
        "Xã Suối Đá, huyện Dương Minh Châu",
        "Chi đoàn khu phố 3",
    ]
    assert year.subtitle == "Đi công tác cơ sở theo chủ trương “1+2” năm 2023"
    q1 = mau1(params(p, cadre=p["cadre"], quarter=1), date(2023, 5, 1))
    assert len(q1.rows) == 2 and q1.left.name == "Võ Minh Hải"


def test_mau1_shows_the_registered_values_not_the_results(report_data):
    p = report_data
    t1 = p["t1"]
    t1.start, t1.end, t1.days = date(2023, 1, 10), date(2023, 2, 5), Decimal("27")
    t1.save()
    doc = mau1(params(p, cadre=p["cadre"], quarter=1), date(2023, 5, 1))
    assert doc.rows[0][2:4] == [Decimal("30"), "Từ ngày 09/1/2023 đến ngày 07/2/2023"]


def test_mau2_statuses(report_data):
    """Approved lines and what they became (reported, returned, confirmed) are listed;
    drafts, cancelled, rejected and imported trips are not."""
    p = report_data
    for status in (Trip.Status.DRAFT, Trip.Status.CANCELLED, Trip.Status.REJECTED, Trip.Status.REPORTED):
        make_trip(
            p["plan"],
            p["cadre"],
            category="1.2",
            start=date(2023, 2, 20),
            days="1",
            status=status,
            registration=p["reg"],
            location=f"Nơi {status}",
        )
    doc = mau2(params(p, department=p["d1"], quarter=1), date(2023, 4, 1))
    assert [r[5] for r in doc.rows] == [
        "Xã Tân Đông, huyện Tân Châu",
        "Nơi reported",
        "Xã Suối Đá, huyện Dương Minh Châu",
    ]


def test_compliance_days_this_quarter_and_cumulative(report_data):
    p = report_data
    q2 = compliance(params(p, quarter=2), date(2023, 7, 10))
    em = next(c for c in q2.cadres if c.name == "Lê Văn Em")
    assert (em.quarter_days, em.done_days, em.went) == (Decimal("5"), Decimal("7.5"), True)
    dung = next(c for c in q2.cadres if c.name == "Trần Thị Dung")
    assert (dung.quarter_days, dung.done_days, dung.went) == (Decimal("0"), Decimal("32"), False)
    assert q2.as_of == date(2023, 6, 30)
    assert dict(q2.summary)["Số ngày đi cơ sở trong quý"] == Decimal("5")
    assert dict(q2.summary)["Số ngày đi cơ sở lũy kế từ đầu năm"] == Decimal("39.5")
    # While the quarter runs, figures are as of today.
    running = compliance(params(p, quarter=2), date(2023, 4, 5))
    assert running.as_of == date(2023, 4, 5) and "31/03" not in running.reference
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        compliance(params(p, quarter=3), date(2023, 6, 30))


def test_compliance_departments_and_late_reports(report_data):
    p = report_data
    doc = compliance(params(p, quarter=1), date(2023, 4, 15))
    by_name = {d.name: d for d in doc.departments}
    assert by_name["Ban Phong trào"].mau3 == "Gửi muộn" and by_name["Ban Phong trào"].period_days == Decimal("34.5")
    assert (
        by_name["Văn phòng"].mau3 == "Chưa gửi, đã quá hạn (gửi trước ngày 27/03/2023)"
        and by_name["Văn phòng"].subject == 4
    )
    assert by_name["Thường trực"].total == 2
    assert [d.name for d in doc.departments][-1] == "Thường trực"
    # People in Vietnamese order (given name first): Dung, Đức, Em, Hà, Hải, Khoa, Lan, Phúc, Quỳnh, Tùng.
    assert [c.name.split()[-1] for c in doc.cadres] == [
        "Dung",
        "Đức",
        "Em",
        "Hà",
        "Hải",
        "Khoa",
        "Lan",
        "Phúc",
        "Quỳnh",
        "Tùng",
    ]
    quynh = next(c for c in doc.cadres if c.name == "Ngô Thị Quỳnh")
    assert quynh.status == "exempt" and quynh.note == "Miễn: Kế toán"
    # docs/rules.md “The rules as the documents say them” (docs/domain.md §7.9): the late mẫu 3 is the department's and its head's, not Dung's
    dung = doc.cadres[0]
    assert dung.note == ""
    hai = next(c for c in doc.cadres if c.name == "Võ Minh Hải")
    assert hai.note == "Vi phạm: báo cáo quý muộn"


def test_number_line_codes(db):
    d = DepartmentFactory(name="Ban Tổ chức – Kiểm tra")
    assert department_code(d) == "TCKT"
    assert department_code(DepartmentFactory(name="Văn phòng")) == "VP"
    assert department_code(DepartmentFactory(name="Ban Phong trào", short_name="BPT")) == "BPT"
    assert department_code(None) == "TCKT"
    assert percent(17, 24) == "70,8%" and percent(0, 0) == "—" and percent(24, 24) == "100%"

"""docs/rules.md “The seeds' cycle and rules” (docs/domain.md §7.4, §7.8): a trip reported and awaiting the head's
confirmation is "chờ xác nhận": not done, counted as planned, and toward on_track like a future
planned trip. One engine figure (Standing.pending_days) is shown by the cadre's panel, the
standings table, the department and organization dashboards and the compliance report."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from fieldwork.models import Trip
from fieldwork.selectors import standing_for
from reports.compliance import compliance
from reports.params import Params
from tests.factories import make_trip

pytestmark = pytest.mark.django_db
AS_OF = date(2023, 6, 30)


@pytest.fixture
def pending(people):
    plan, cadre = people["plan"], people["cadre"]
    make_trip(plan, cadre, start=date(2023, 2, 1), end=date(2023, 3, 2), days="30", immersion=True)
    make_trip(
        plan,
        cadre,
        start=date(2023, 4, 1),
        end=date(2023, 4, 30),
        days="30",
        immersion=True,
        status=Trip.Status.REPORTED,
    )
    return people


def test_a_reported_trip_is_pending_and_keeps_the_cadre_on_track(pending):
    s = standing_for(pending["plan"], pending["cadre"], AS_OF)
    assert (s.done_days, s.planned_days, s.pending_days) == (Decimal("30"), Decimal("30"), Decimal("30"))
    assert (s.immersion_done, s.immersion_pending, s.status) == (1, 1, "on_track")
    # confirmed, the same trip makes the cadre met; returned, it goes back to the cadre (planned, past)
    trip = Trip.objects.get(person=pending["cadre"], status=Trip.Status.REPORTED)
    trip.status = Trip.Status.RETURNED
    trip.save()
    s = standing_for(pending["plan"], pending["cadre"], AS_OF)
    assert (s.status, s.pending_days, s.planned_days) == ("at_risk", Decimal(0), Decimal("30"))
    trip.status = Trip.Status.CONFIRMED
    trip.save()
    assert standing_for(pending["plan"], pending["cadre"], AS_OF).status == "met"


def test_pending_is_shown_in_the_panel_and_the_tables(client, pending):
    cadre = pending["cadre"]
    client.force_login(cadre)
    body = client.get(reverse("fieldwork:my_standing"), {"as_of": AS_OF.isoformat()}).content.decode()
    assert 'data-testid="standing-pending"' in body and "chờ xác nhận" in body
    assert 'data-testid="standing-status">Đúng tiến độ<' in body

    client.force_login(pending["board"])
    resp = client.get(reverse("fieldwork:standings"), {"as_of": AS_OF.isoformat()})
    body = resp.content.decode()
    assert "Chờ xác nhận" in body
    row = next(r for r in resp.context["page"].object_list if r.person == cadre)
    assert row.standing.pending_days == Decimal("30")
    assert '<td class="text-end" data-testid="pending"><span class="badge text-bg-info"' in body

    # the organization dashboard lists the cadres at risk: one with a 5-day trip awaiting confirmation
    make_trip(pending["plan"], pending["cadre2"], start=date(2023, 5, 2), end=date(2023, 5, 6), status="reported")
    resp = client.get(reverse("fieldwork:organization_dashboard"), {"as_of": AS_OF.isoformat(), "year": 2023})
    assert resp.status_code == 200
    assert 'data-testid="pending">5<' in resp.content.decode()

    client.force_login(pending["head"])
    resp = client.get(reverse("fieldwork:department_home"), {"as_of": AS_OF.isoformat(), "year": 2023})
    assert resp.status_code == 200
    assert f'data-testid="pending-{cadre.pk}">30<' in resp.content.decode()


def test_the_compliance_report_has_the_pending_figure(pending):
    p = pending
    doc = compliance(Params(organization=p["org"], plan=p["plan"], year=2023, quarter=2), date(2023, 7, 10))
    summary = dict(doc.summary)
    assert summary["Số ngày đã báo cáo, chờ xác nhận (chưa tính vào số ngày đã đi)"] == "30 ngày của 1 cán bộ"
    line = next(c for c in doc.cadres if c.email == p["cadre"].email)
    s = standing_for(p["plan"], p["cadre"], doc.as_of)
    assert line.pending_days == s.pending_days == Decimal("30")  # one figure, one function
    assert line.note.startswith("Chờ xác nhận: 30 ngày")
    assert line.done_days == Decimal("30")  # not counted as done


def test_the_compliance_xlsx_data_sheet_has_the_pending_column(pending, tmp_path):
    from openpyxl import load_workbook

    from reports.xlsx.compliance import build_compliance

    p = pending
    doc = compliance(Params(organization=p["org"], plan=p["plan"], year=2023, quarter=2), date(2023, 7, 10))
    path = tmp_path / "c.xlsx"
    build_compliance(doc, path)
    ws = load_workbook(path)["Dữ liệu cán bộ"]
    header = [c.value for c in ws[1]]
    col = header.index("Số ngày chờ xác nhận")
    rows = {r[2]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[p["cadre"].email][col] == 30
    assert rows[p["cadre2"].email][col] == 0


def test_the_compliance_pdf_shows_the_pending_figure(pending, tmp_path):
    from reports.pdf import build_pdf
    from tests.reports.conftest import pdf_text

    p = pending
    doc = compliance(Params(organization=p["org"], plan=p["plan"], year=2023, quarter=2), date(2023, 7, 10))
    path = tmp_path / "c.pdf"
    build_pdf(doc, path)
    text = pdf_text(path)
    assert "Số ngày đã báo cáo, chờ xác nhận (chưa tính vào số ngày đã đi) 30 ngày của 1 cán bộ" in text
    assert "Chờ xác nhận: 30 ngày" in text  # the cadre's note

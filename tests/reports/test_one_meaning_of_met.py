"""docs/rules.md “The rules as the documents say them”: one meaning of "đạt". The dashboard's "đạt 60 ngày" counts the days only, as the
compliance report's "Đạt số ngày phải đi" does; the figure for days and trips together is
"hoàn thành (đủ ngày và đủ đợt)" everywhere. One function each (fieldwork.standing_terms)."""

from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fieldwork.selectors import dashboards, standings
from fieldwork.standing_terms import COMPLETED, MET_DAYS, completed, meets_days, percent
from tests.factories import make_trip

from .conftest import pdf_text

pytestmark = pytest.mark.django_db
AS_OF = date(2023, 10, 25)


@pytest.fixture
def days_without_trips(people):
    """Dung: 60 days, no immersion trip (days met, not complete). Em: 60 days in two 30-day
    immersion trips (complete). Nobody else went."""
    plan = people["plan"]
    make_trip(plan, people["cadre"], start=date(2023, 1, 2), end=date(2023, 1, 31), days="30")
    make_trip(plan, people["cadre"], start=date(2023, 3, 1), end=date(2023, 3, 30), days="30")
    make_trip(plan, people["cadre2"], start=date(2023, 4, 1), end=date(2023, 4, 30), days="30", immersion=True)
    make_trip(plan, people["cadre2"], start=date(2023, 6, 1), end=date(2023, 6, 30), days="30", immersion=True)
    return people


def test_the_two_functions(days_without_trips):
    rows = {r.person.email: r.standing for r in standings(days_without_trips["plan"], AS_OF)}
    assert (meets_days(rows["dung@tn.vn"]), completed(rows["dung@tn.vn"])) == (True, False)
    assert (meets_days(rows["em@tn.vn"]), completed(rows["em@tn.vn"])) == (True, True)
    assert (meets_days(rows["duc@tn.vn"]), completed(rows["duc@tn.vn"])) == (False, False)


def test_dashboard_and_compliance_report_agree(days_without_trips, build, client):
    d = dashboards.organization_dashboard(days_without_trips["plan"], AS_OF, stored=False)
    stored = dashboards.organization_dashboard(days_without_trips["plan"], AS_OF, stored=True)
    assert (d.met_days, d.met, d.subject) == (stored.met_days, stored.met, stored.subject) == (2, 1, 9)
    assert d.headline == "2/9 cán bộ đi cơ sở; 22,2% đạt 60 ngày; 1/9 hoàn thành (đủ ngày và đủ đợt)"
    # the compliance report of the year, as downloaded
    wb = load_workbook(build("compliance", "xlsx", today=AS_OF))
    ws = wb["Báo cáo"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    summary = next(v for k, v in cells.items() if k.startswith(f"Cán bộ {MET_DAYS.lower()}"))
    assert summary.offset(column=6).value == f"{d.met_days}/{d.subject} ({percent(d.met_days, d.subject)})"
    done = next(v for k, v in cells.items() if k.startswith("Cán bộ đã hoàn thành (đủ ngày và đủ đợt"))
    assert done.offset(column=6).value == f"{d.met}/{d.subject} ({percent(d.met, d.subject)})"
    header = next(c for c in cells.values() if c.value == MET_DAYS)
    completed_col = next(c for c in cells.values() if c.value == COMPLETED)
    assert header.row == completed_col.row  # the department table's two columns, side by side
    by_dept = {}
    for r in range(header.row + 1, ws.max_row + 1):
        name = ws.cell(r, 2).value
        if not name or name == "Tổng" or str(name).startswith("III"):
            break
        by_dept[name] = (ws.cell(r, header.column).value, ws.cell(r, completed_col.column).value)
    dash = {f.name: (f.met_days, f.met) for f in d.by_department}
    assert by_dept == dash and by_dept["Ban Phong trào"] == (2, 1)
    text = pdf_text(build("compliance", "pdf", today=AS_OF))
    assert f"{d.met_days}/{d.subject} ({percent(d.met_days, d.subject)})" in text
    assert COMPLETED in text
    # the page says both figures with their names
    client.force_login(days_without_trips["board"])
    html = client.get(reverse("fieldwork:organization_dashboard") + "?year=2023&as_of=2023-10-25").content.decode()
    assert "22,2% đạt 60 ngày; 1/9 hoàn thành (đủ ngày và đủ đợt)" in html
    cards = html.split('data-testid="status-counts"')[1].split("</div>\n</div>")[0]
    assert "Hoàn thành (đủ ngày và đủ đợt)" in cards and "Đã đạt" not in cards

"""docs/rules.md “Stored standings”: the department totals of the Board dashboard and of the compliance report come
from one function (fieldwork.selectors.departments), and they agree."""

from dataclasses import asdict, fields
from datetime import date

import pytest

from fieldwork.selectors.dashboards import organization_dashboard
from fieldwork.selectors.departments import DepartmentTotals, department_totals, period_standings
from reports.compliance import compliance
from reports.params import Params

pytestmark = pytest.mark.django_db

SHARED = [f.name for f in fields(DepartmentTotals) if f.name not in ("went_in_period", "period_days")]


@pytest.mark.parametrize("as_of", [date(2023, 2, 1), date(2023, 4, 15), date(2023, 10, 25)])
def test_dashboard_and_compliance_department_totals_agree(report_data, as_of):
    p = report_data
    dashboard = organization_dashboard(p["plan"], as_of)
    report = compliance(Params(organization=p["org"], plan=p["plan"], year=2023), as_of)
    assert report.as_of == as_of
    ours = [{k: asdict(t)[k] for k in SHARED} for t in dashboard.by_department]
    theirs = [{k: asdict(d)[k] for k in SHARED} for d in report.departments]
    assert ours == theirs
    assert sum(t.done_days for t in dashboard.by_department) == dashboard.done_days
    # Both are the one function's output over the same standings.
    period = period_standings(p["plan"], as_of)
    assert [asdict(t) for t in department_totals(period.rows)] == [asdict(t) for t in dashboard.by_department]


def test_quarter_totals_add_up_to_the_year(report_data):
    p = report_data
    as_of = date(2023, 10, 25)
    year = period_standings(p["plan"], as_of)
    quarters = [period_standings(p["plan"], as_of, q).period_days for q in (1, 2, 3, 4)]
    for pk, days in year.period_days.items():
        assert sum(q[pk] for q in quarters) == days
    ban = {t.name: t for t in department_totals(year.rows, quarters[1])}["Ban Phong trào"]
    assert (ban.went_in_period, ban.period_days) == (1, 5)  # Em's trip of 03/4

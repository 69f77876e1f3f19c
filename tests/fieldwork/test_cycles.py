"""docs/rules.md “The seeds' cycle and rules” (docs/domain.md §5): the plan's registration cycle. Tây Ninh registers once for
the year (mẫu 1 and mẫu 2 stored as quarter 0 = WHOLE_YEAR, due 15/02 and 20/02, approved by the
Standing Committee); Đà Nẵng each quarter, due on day 10 of the quarter's first month."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Notification
from fieldwork import cycles
from fieldwork.models import DepartmentPlan, Plan, Registration, Trip
from fieldwork.services import department_plans
from fieldwork.services import registrations as service
from tests.access import assert_access

from .registration_helpers import fast_passwords, line, registered, submitted  # noqa: F401

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
Y = cycles.WHOLE_YEAR


def test_templates_carry_their_cycle(tn_plan, dn_plan):
    assert (tn_plan.registration_cycle, dn_plan.registration_cycle) == ("annual", "quarterly")
    assert cycles.registration_periods(tn_plan) == [0]
    assert cycles.registration_periods(dn_plan) == [1, 2, 3, 4]


def test_deadlines_annual_tay_ninh(tn_plan):
    assert cycles.registration_deadline(tn_plan, Y) == date(2023, 2, 15)
    assert cycles.consolidation_deadline(tn_plan, Y) == date(2023, 2, 20)
    assert cycles.period_bounds(tn_plan, Y) == (date(2023, 1, 1), date(2023, 10, 25))
    assert cycles.period_of(tn_plan, date(2023, 9, 30)) == Y
    assert cycles.period_label(2023, Y) == "năm 2023"
    # docs/rules.md “The rules as the documents say them” (docs/domain.md §5): a deadline the plan does not name does not exist
    tn_plan.registration_deadline = tn_plan.consolidation_deadline = None
    assert cycles.registration_deadline(tn_plan, Y) is None
    assert cycles.consolidation_deadline(tn_plan, Y) is None


def test_deadlines_quarterly_da_nang(dn_plan):
    assert [cycles.registration_deadline(dn_plan, q) for q in (1, 2, 3, 4)] == [
        date(2023, 1, 10),
        date(2023, 4, 10),
        date(2023, 7, 10),
        date(2023, 10, 10),
    ]
    # docs/rules.md “The rules as the documents say them”: Đà Nẵng names no mẫu 2 and no mẫu 3 deadline (docs/domain.md §5)
    assert cycles.consolidation_deadline(dn_plan, 2) is None
    assert [cycles.quarter_report_deadline(dn_plan, q) for q in (1, 2, 3, 4)] == [None] * 4
    assert cycles.period_label(2023, 2) == "quý II/2023" and cycles.period_title(3) == "Quý III"
    dn_plan.registration_quarter_day = 31  # capped at the month's length (April has 30 days)
    assert cycles.registration_deadline(dn_plan, 2) == date(2023, 4, 30)
    dn_plan.registration_deadline, dn_plan.consolidation_deadline = date(2023, 1, 5), date(2023, 1, 8)
    dn_plan.registration_quarter_day = 10
    assert cycles.consolidation_deadline(dn_plan, 1) == date(2023, 1, 13)  # the plan's own gap: 3 days
    sched = cycles.schedule(dn_plan)
    assert [(s.period, s.label, s.registration) for s in sched][:2] == [
        (1, "quý I/2023", date(2023, 1, 10)),
        (2, "quý II/2023", date(2023, 4, 10)),
    ]


def test_annual_registration_flow(client, people, django_capture_on_commit_callbacks):
    """The year's mẫu 1 takes lines of any quarter, goes to the head, then the year's mẫu 2 goes to
    the Standing Committee; later changes go through change requests."""
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    with pytest.raises(PermissionDenied):  # no quarter registration in an annual plan
        service.registration_for(person=cadre, plan=plan, quarter=1)
    reg = registered(plan, cadre, quarter=Y, lines=[line(plan), line(plan, start=date(2023, 8, 7))])
    assert reg.quarter == 0 and reg.trips.count() == 2  # February and August in one registration
    reg = service.submit(actor=cadre, registration=reg, version=reg.version)
    assert Notification.objects.filter(user=head, text__contains="năm 2023").exists()
    reg = service.approve(actor=head, registration=reg, version=reg.version)
    assert set(reg.trips.values_list("status", flat=True)) == {Trip.Status.APPROVED}
    ov = department_plans.overview(plan, people["d1"], Y, today=date(2023, 2, 16))
    assert (ov.deadline, ov.consolidation_deadline) == (date(2023, 2, 15), date(2023, 2, 20))
    assert [t.start for t in ov.lines] == [date(2023, 2, 1), date(2023, 8, 7)]
    dp = department_plans.submit(actor=head, plan=plan, department=people["d1"], quarter=Y, version=0)
    assert Notification.objects.filter(user=people["deputy"], text__contains="năm 2023 (mẫu 2)").exists()
    dp = department_plans.decide(actor=people["deputy"], department_plan=dp, version=dp.version, approve=True)
    assert (dp.quarter, dp.status) == (0, DepartmentPlan.Status.APPROVED)
    # a line starting in another year is refused with a clear message (what to do: tests/fieldwork/test_next_year_plan.py)
    with pytest.raises(ValidationError, match="Kế hoạch năm 2024 chưa được ban hành"):
        service.add_line(actor=cadre, registration=reg, data=line(plan, start=date(2024, 1, 3)))


def test_annual_pages(client, people):
    plan, cadre = people["plan"], people["cadre"]
    submitted(plan, cadre, quarter=Y)
    client.force_login(cadre)
    html = client.get("/dang-ky/?year=2023").content.decode()
    assert 'data-testid="quarter-0"' in html and 'data-testid="quarter-1"' not in html
    row = html.split('data-testid="quarter-0"')[1].split("</tr>")[0]
    assert "Cả năm" in row and "15/02/2023" in row and "Chờ phê duyệt" in row
    assert "đăng ký một lần cho cả năm" in html
    resp = client.get(reverse("fieldwork:registration_detail", args=[Y]) + "?year=2023")
    body = resp.content.decode()
    assert resp.status_code == 200 and "Bản đăng ký đi cơ sở năm 2023" in body
    assert 'data-testid="copy-previous"' not in body and 'data-testid="annual-note"' in body
    assert client.get(reverse("fieldwork:registration_detail", args=[1]) + "?year=2023").status_code == 404
    # the approver's inbox labels it "năm 2023" and filters on it
    client.force_login(people["head"])
    inbox = client.get(reverse("fieldwork:approvals"), {"quarter": 0}).content.decode()
    assert "năm 2023" in inbox and "Trần Thị Dung" in inbox
    assert "Trần Thị Dung" not in client.get(reverse("fieldwork:approvals"), {"quarter": 1}).content.decode()
    # the department's mẫu 2 page for the year; a quarter is a 404
    url = reverse("fieldwork:department_plan", args=[people["d1"].pk, Y]) + "?year=2023"
    page = client.get(url).content.decode()
    assert "Tổng hợp đăng ký đi cơ sở của Ban Phong trào – năm 2023 (mẫu 2)" in page
    assert "Ban gửi bản tổng hợp (mẫu 2) trước ngày 20/02/2023." in page
    assert client.get(reverse("fieldwork:department_plan", args=[people["d1"].pk, 1]) + "?year=2023").status_code == 404
    assert_access(client, url, allowed=[people["head"], people["board"]], forbidden=[people["cadre"]])
    client.force_login(people["head"])
    resp = client.get("/ke-hoach-ban/?year=2023")
    assert resp.status_code == 302 and f"/ke-hoach-ban/{people['d1'].pk}/quy-0/" in resp["Location"]


def test_annual_lateness(people):
    plan, cadre = people["plan"], people["cadre"]
    reg = registered(plan, cadre, quarter=Y)
    deadline = cycles.registration_deadline(plan, Y)
    # "trước ngày 15/02/2023" (docs/domain.md §5): 14/02 is the last day on time, 15/02 is late
    assert not department_plans.is_late(plan, reg, deadline, date(2023, 2, 14))
    assert department_plans.is_late(plan, reg, deadline, date(2023, 2, 15))  # not submitted on 15/02
    Registration.objects.filter(pk=reg.pk).update(submitted_at=datetime(2023, 2, 14, 23, 0, tzinfo=TZ))
    reg.refresh_from_db()
    assert not department_plans.is_late(plan, reg, deadline, date(2023, 3, 1))
    Registration.objects.filter(pk=reg.pk).update(submitted_at=datetime(2023, 2, 15, 0, 30, tzinfo=TZ))
    reg.refresh_from_db()
    assert department_plans.is_late(plan, reg, deadline, date(2023, 3, 1))


def test_plan_page_shows_the_cycle_and_the_document(client, people, dn_plan):
    client.force_login(people["board"])
    body = client.get(reverse("fieldwork:plan_detail", args=[people["plan"].pk])).content.decode()
    assert 'data-testid="plan-cycle">Đăng ký một lần cho cả năm<' in body
    assert 'data-testid="plan-deadline-0">trước ngày 15/02/2023 / trước ngày 20/02/2023<' in body
    assert "6 tháng" in body  # the study reason's minimum
    assert 'data-testid="plan-document">—<' in body  # seed 002 carries no number


def test_data_migration_makes_tay_ninh_plans_annual_unless_registered_by_quarter(people):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("fieldwork.migrations.0003_annual_cycle_for_tay_ninh_plans")
    plan, other = people["plan"], people["other_plan"]
    Plan.objects.filter(pk__in=[plan.pk, other.pk]).update(registration_cycle="quarterly", template_code="")
    Registration.objects.create(plan=other, person=people["stranger"], quarter=2)
    plan.exemption_reasons.filter(code="hoc-tap").update(min_months=None)
    migration.forward(apps, None)
    plan.refresh_from_db()
    other.refresh_from_db()
    assert plan.registration_cycle == "annual"  # organization tay-ninh, nobody registered by quarter
    assert other.registration_cycle == "quarterly"  # template_code empty, org "khac": not a Tây Ninh plan
    assert plan.exemption_reasons.get(code="hoc-tap").min_months == 6
    Plan.objects.filter(pk=other.pk).update(template_code="tay-ninh-2023")
    migration.forward(apps, None)
    other.refresh_from_db()
    assert other.registration_cycle == "quarterly"  # a quarterly registration exists: kept


def test_annual_changes_go_through_change_requests_across_quarters(people):
    """With the annual cycle the approved mẫu 1 is the year's plan; a trip moved from February to
    August is a change request (no quarter to respect), decided by the same approver."""
    from fieldwork.services import change_requests as changes

    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    reg = submitted(plan, cadre, quarter=Y)
    service.approve(actor=head, registration=reg, version=reg.version)
    trip = Trip.objects.get(registration=reg)
    cr, _ = changes.request_change(actor=cadre, trip=trip, data=line(plan, start=date(2023, 8, 7)), reason="Đổi lịch")
    changes.decide_change(actor=head, change_request=cr, approve=True)
    trip.refresh_from_db()
    assert (trip.start, trip.status, trip.registration.quarter) == (date(2023, 8, 7), Trip.Status.APPROVED, 0)

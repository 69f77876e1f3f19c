"""A whole plan year with the clock moved day by day (docs/rules.md “Reminders, digests and delegation of approval”): who is reminded on
which day, for both registration cycles; nothing twice; nothing to whoever did their part; the
exempt cadre never."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from fieldwork.models import DepartmentPlan, QuarterReport, Registration, Trip
from fieldwork.reminders.models import SentReminder
from tests.factories import make_trip

from .conftest import days_of, run_days

pytestmark = pytest.mark.django_db

D = date


def _registration(plan, person, quarter, status):
    return Registration.objects.create(
        plan=plan, person=person, quarter=quarter, status=status, submitted_at=timezone.now()
    )


def test_annual_cycle_whole_year(org_people):
    p = org_people
    plan = p["plan"]
    plan.registration_cycle = "annual"
    plan.save()  # Tây Ninh: mẫu 1 15/02, mẫu 2 20/02, mẫu 3 day 27 of each quarter's last month
    trip = make_trip(plan, p["cadre2"], start=D(2023, 5, 8), end=D(2023, 5, 10), days="3", status=Trip.Status.APPROVED)
    actions = {
        # Dung registers for the year on 10/02: reminded on 08/02 only.
        D(2023, 2, 10): lambda: _registration(plan, p["cadre"], 0, Registration.Status.SUBMITTED),
        # Ban Phong trào's head submits mẫu 2 on 18/02 and mẫu 3 of quarter I on 25/03.
        D(2023, 2, 18): lambda: DepartmentPlan.objects.create(
            plan=plan, department=p["d1"], quarter=0, status=DepartmentPlan.Status.SUBMITTED
        ),
        D(2023, 3, 25): lambda: QuarterReport.objects.create(
            plan=plan, department=p["d1"], quarter=1, status=QuarterReport.Status.SUBMITTED
        ),
    }
    sent = run_days(p["org"].pk, D(2023, 1, 1), D(2024, 1, 5), actions)

    # mẫu 1 of the year, "trước ngày 15/02/2023": 7 days and 1 day before 15/02, then on 15/02
    # itself, the first day it is late (docs/rules.md “The rules as the documents say them”, docs/domain.md §5).
    assert days_of(sent, "dung@tn.vn", "registration_due") == [D(2023, 2, 8)]
    assert days_of(sent, "dung@tn.vn", "registration_late") == []
    assert days_of(sent, "em@tn.vn", "registration_due") == [D(2023, 2, 8), D(2023, 2, 14)]
    assert days_of(sent, "em@tn.vn", "registration_late") == [D(2023, 2, 15)]
    # Everyone subject owes mẫu 1, heads and Standing members too; the stranger's organization is not run.
    late = {e for d, e, k, _ in sent if k == "registration_late"}
    assert late == {
        "em@tn.vn",
        "duc@tn.vn",
        "hai@tn.vn",
        "ha@tn.vn",
        "khoa@tn.vn",
        "tung@tn.vn",
        "lan@tn.vn",
        "phuc@tn.vn",
    }
    # mẫu 2 (20/02): the head who submitted on 18/02 got the first reminder only.
    assert days_of(sent, "hai@tn.vn", "consolidation_due") == [D(2023, 2, 13)]
    assert days_of(sent, "hai@tn.vn", "consolidation_late") == []
    assert days_of(sent, "ha@tn.vn", "consolidation_due") == [D(2023, 2, 13), D(2023, 2, 19)]
    assert days_of(sent, "ha@tn.vn", "consolidation_late") == [D(2023, 2, 20)]
    assert {e for d, e, k, _ in sent if k.startswith("consolidation")} == {"hai@tn.vn", "ha@tn.vn"}
    # mẫu 3 of each quarter (27/3, 27/6, 27/9, 27/12; the fourth after the period's end 25/10).
    assert days_of(sent, "hai@tn.vn", "quarter_report_due") == [
        D(2023, 3, 20),
        D(2023, 6, 20),
        D(2023, 6, 26),
        D(2023, 9, 20),
        D(2023, 9, 26),
        D(2023, 12, 20),
        D(2023, 12, 26),
    ]
    assert days_of(sent, "ha@tn.vn", "quarter_report_late") == [
        D(2023, 3, 27),
        D(2023, 6, 27),
        D(2023, 9, 27),
        D(2023, 12, 27),
    ]
    # Results: Em's trip ended 10/05 and was not reported: reminded 7 days later, once.
    assert days_of(sent, "em@tn.vn", "results_due") == [trip.end + timedelta(days=7)]
    # The exempt archivist is never reminded of anything; nor is anyone of another organization.
    assert not [s for s in sent if s[1] in ("thu@tn.vn", "la@khac.vn")]
    # Digests: the Board monthly on the 1st within the period (02 … 10); heads of departments at risk.
    assert days_of(sent, "khoa@tn.vn", "board_digest") == [D(2023, m, 1) for m in range(2, 11)]
    assert days_of(sent, "hai@tn.vn", "at_risk_digest") == [D(2023, m, 1) for m in range(2, 11)]
    # Nothing twice: one row per person, kind and key, and the log holds exactly what was listed.
    rows = SentReminder.objects.filter(organization=p["org"])
    assert rows.count() == len(sent)
    assert max(Counter(rows.values_list("person_id", "kind", "key")).values()) == 1
    # The bell lists each reminder (in-app notification).
    assert Notification.objects.filter(user=p["cadre2"], text__icontains="mẫu 1").count() == 3


def test_quarterly_cycle_whole_year(org_people):
    p = org_people
    plan = p["plan"]
    plan.registration_cycle = "quarterly"
    plan.registration_quarter_day = 10
    plan.registration_deadline = None
    plan.consolidation_deadline = None
    plan.save()
    actions = {
        D(2023, 1, 5): lambda: _registration(plan, p["cadre"], 1, Registration.Status.SUBMITTED),
        D(2023, 3, 30): lambda: _registration(plan, p["cadre"], 2, Registration.Status.APPROVED),
        D(2023, 9, 30): lambda: _registration(plan, p["cadre"], 4, Registration.Status.RETURNED),
        D(2023, 7, 14): lambda: DepartmentPlan.objects.create(
            plan=plan, department=p["d2"], quarter=3, status=DepartmentPlan.Status.APPROVED
        ),
    }
    sent = run_days(p["org"].pk, D(2023, 1, 1), D(2023, 12, 31), actions)
    # mẫu 1 on day 10 of each quarter's first month: 03, 09, 11 of January, April, July, October.
    assert days_of(sent, "dung@tn.vn", "registration_due") == [
        D(2023, 1, 3),
        D(2023, 7, 3),
        D(2023, 7, 9),
        D(2023, 10, 3),
        D(2023, 10, 9),
    ]
    assert days_of(sent, "dung@tn.vn", "registration_late") == [D(2023, 7, 10), D(2023, 10, 10)]
    assert days_of(sent, "em@tn.vn", "registration_late") == [D(2023, m, 10) for m in (1, 4, 7, 10)]
    # docs/rules.md “The rules as the documents say them” (docs/domain.md §5): the plan names no mẫu 2 deadline, so no mẫu 2 reminder at all
    # (it used to invent one five days after mẫu 1).
    assert not [s for s in sent if s[2].startswith("consolidation_")]
    assert not [s for s in sent if s[1] == "thu@tn.vn"]
    rows = SentReminder.objects.filter(organization=p["org"])
    assert max(Counter(rows.values_list("person_id", "kind", "key")).values()) == 1


def test_an_exempt_head_is_never_reminded_either(org_people):
    from fieldwork.models import Exemption, ExemptionReason

    p = org_people
    plan = p["plan"]
    plan.registration_cycle = "annual"
    plan.save()
    Exemption.objects.create(
        person=p["head2"],
        reason=ExemptionReason.objects.get(plan=plan, code="thai-san"),
        start=D(2023, 1, 1),
        end=D(2023, 6, 30),
        status=Exemption.Status.APPROVED,
    )
    sent = run_days(p["org"].pk, D(2023, 2, 1), D(2023, 3, 2))
    assert not [s for s in sent if s[1] == "ha@tn.vn"]
    assert days_of(sent, "hai@tn.vn", "consolidation_due") == [D(2023, 2, 13), D(2023, 2, 19)]

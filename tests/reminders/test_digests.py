"""Digests (docs/rules.md “Reminders, digests and delegation of approval”) and the plan's reminder schedule: approvals waiting (weekly, deputies
included), cadres at risk to heads and the Board's figures (monthly), results not reported."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from fieldwork.models import Trip
from fieldwork.reminders.models import ReminderSchedule, SentReminder
from fieldwork.services import delegations
from tests.access import assert_access
from tests.factories import make_trip
from tests.fieldwork.registration_helpers import line, submitted

from .conftest import at_noon, days_of, run_days

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture
def annual(org_people):
    org_people["plan"].registration_cycle = "annual"
    org_people["plan"].save()
    return org_people


def test_approvals_waiting_weekly_reaches_the_deputy(annual):
    p = annual
    with time_machine.travel(at_noon(D(2023, 3, 6)), tick=False):
        submitted(p["plan"], p["cadre"], lines=[line(p["plan"], start=D(2023, 3, 20))])
        p["cadre2"].position = "Phó Trưởng ban"  # a leader of the department (accounts.rules.can_be_deputy)
        p["cadre2"].save(update_fields=["position"])
        delegations.create_delegation(actor=p["head"], deputy=p["cadre2"], start=D(2023, 3, 12), end=D(2023, 3, 18))
    sent = run_days(p["org"].pk, D(2023, 3, 7), D(2023, 3, 28))
    # Monday 13/03: waited 7 days (> 3): the head and his deputy; the next Monday only the head
    # (the delegation ended by itself on 18/03). Never twice in one week.
    assert days_of(sent, "hai@tn.vn", "approvals_waiting") == [D(2023, 3, 13), D(2023, 3, 20), D(2023, 3, 27)]
    assert days_of(sent, "em@tn.vn", "approvals_waiting") == [D(2023, 3, 13)]
    row = SentReminder.objects.get(person=p["head"], kind="approvals_waiting", key="2023-W11")
    assert "- Bản đăng ký của Trần Thị Dung" in row.body and row.deadline is None
    assert {e for _d, e, k, _dl in sent if k == "approvals_waiting"} == {"hai@tn.vn", "em@tn.vn"}


def test_at_risk_digest_to_heads_and_board_digest(annual):
    p = annual
    sent = run_days(p["org"].pk, D(2023, 4, 1), D(2023, 4, 1))
    assert sorted(e for _d, e, k, _dl in sent if k == "at_risk_digest") == ["ha@tn.vn", "hai@tn.vn"]
    head = SentReminder.objects.get(person=p["head"], kind="at_risk_digest")
    assert head.key == "2023-04" and "- Trần Thị Dung: còn thiếu 60 ngày" in head.body
    assert "Đỗ Văn Thư" not in head.body and "Phạm Đức" not in head.body  # exempt; another department
    board = SentReminder.objects.get(person=p["board"], kind="board_digest")
    assert "miễn 1." in board.body and "có nguy cơ 9" in board.body
    assert "- Ban Phong trào: mẫu 2 năm 2023, mẫu 3 quý I/2023" in board.body
    # The start of the period's last quarter (01/10 for Tây Ninh, period ending 25/10) says so.
    run_days(p["org"].pk, D(2023, 10, 1), D(2023, 10, 1))
    last = SentReminder.objects.get(person=p["head"], kind="at_risk_digest", key="2023-10")
    assert last.body.startswith("Đã bắt đầu quý cuối của kế hoạch năm 2023.")
    # After the period: no digest (01/11).
    assert not [s for s in run_days(p["org"].pk, D(2023, 11, 1), D(2023, 11, 3)) if s[2].endswith("digest")]


def test_results_due_only_for_unreported_trips_of_non_exempt_cadres(annual):
    p = annual
    plan = p["plan"]
    end = D(2023, 5, 10)
    make_trip(plan, p["cadre"], start=D(2023, 5, 8), end=end, days="3", status=Trip.Status.APPROVED)
    make_trip(plan, p["cadre"], start=D(2023, 5, 9), end=end, days="1", status=Trip.Status.APPROVED, location="Xã Khác")
    make_trip(plan, p["cadre2"], start=D(2023, 5, 8), end=end, days="3", status=Trip.Status.REPORTED)
    make_trip(plan, p["exempt"], start=D(2023, 5, 8), end=end, days="3", status=Trip.Status.APPROVED)
    sent = run_days(p["org"].pk, D(2023, 5, 11), D(2023, 5, 31))
    results = [(d, e) for d, e, k, _dl in sent if k == "results_due"]
    assert results == [(end + timedelta(days=7), "dung@tn.vn")]  # one reminder for both trips
    row = SentReminder.objects.get(kind="results_due")
    assert row.body.count("\n- ") == 2 and row.url == "/dot-di/"


def test_schedule_page_and_custom_steps(annual, client):
    p = annual
    url = reverse("fieldwork:plan_reminders", args=[p["plan"].pk])
    assert_access(
        client,
        url,
        allowed=[p["board"], p["secretary"], p["inspector"]],
        forbidden=[p["cadre"], p["head"]],
        not_found=[p["stranger"]],
    )
    client.force_login(p["board"])
    assert [r[2] for r in client.get(url).context["deadlines"]][:2] == [D(2023, 2, 15), D(2023, 2, 20)]
    bad = {"enabled": "on", "days_before": "7, một", "days_after": "1", "results_days": "7", "waiting_days": "3"}
    resp = client.post(url, bad)
    assert resp.status_code == 200 and "Nhập tối đa 5 số ngày nguyên" in resp.content.decode()
    assert resp.context["form"]["days_before"].value() == "7, một"  # what was typed is kept
    good = {**bad, "days_before": "3", "days_after": "2"}
    assert client.post(url, good).status_code == 302
    schedule = ReminderSchedule.objects.get(plan=p["plan"])
    assert schedule.days_before == [3] and schedule.days_after == [2]
    client.force_login(p["secretary"])
    assert client.post(url, good).status_code == 403
    sent = run_days(p["org"].pk, D(2023, 2, 1), D(2023, 2, 20))
    assert days_of(sent, "em@tn.vn", "registration_due") == [D(2023, 2, 12)]
    assert days_of(sent, "em@tn.vn", "registration_late") == [D(2023, 2, 16)]  # "+2": the 2nd late day
    schedule.enabled = False
    schedule.save()
    assert run_days(p["org"].pk, D(2023, 3, 20), D(2023, 3, 28)) == []

"""Dashboards (docs/rules.md “Results and mẫu 3”): figures from the selector on a known data set, roles, query budgets."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User, UserRole
from fieldwork import standing_terms
from fieldwork.models import Category, Trip
from fieldwork.selectors import dashboards, standings, standings_series
from fieldwork.stored.standings import refresh
from tests.access import assert_access
from tests.factories import DepartmentFactory, UserFactory, make_trip

AS_OF = date(2023, 6, 30)


@pytest.fixture
def known(people):
    """cadre (2.3): 60 days with 2 immersion trips of 30 → met; head (2.2): 60 days in 2 immersion
    trips (every Tây Ninh cadre needs 2, docs/rules.md “The seeds' cycle and rules”) → met;
    cadre2: 10 days → at risk; an accountant → exempt; everybody else 0 days → at risk."""
    plan = people["plan"]
    make_trip(plan, people["cadre"], start=date(2023, 2, 1), end=date(2023, 3, 2), days="30", immersion=True)
    make_trip(plan, people["cadre"], start=date(2023, 4, 1), end=date(2023, 4, 30), days="30", immersion=True)
    make_trip(
        plan, people["head"], start=date(2023, 1, 2), end=date(2023, 1, 31), days="30", category="1.2", immersion=True
    )
    make_trip(
        plan, people["head"], start=date(2023, 2, 1), end=date(2023, 3, 2), days="30", category="1.2", immersion=True
    )
    make_trip(plan, people["cadre2"], start=date(2023, 5, 2), end=date(2023, 5, 11), days="10")
    make_trip(
        plan, people["cadre2"], start=date(2023, 7, 3), end=date(2023, 7, 4), days="2", status=Trip.Status.APPROVED
    )
    people["accountant"] = UserFactory(
        department=people["d2"], full_name="Lý Thị Kế", email="ke@tn.vn", position="Kế toán"
    )
    return people


def test_default_as_of_is_today_or_the_period_end(tn_plan):
    assert standing_terms.default_as_of(tn_plan, date(2023, 5, 2)) == date(2023, 5, 2)
    assert standing_terms.default_as_of(tn_plan, date(2024, 2, 1)) == date(2023, 10, 25)
    assert standing_terms.pick_as_of(tn_plan, "2023-06-30", date(2024, 2, 1)) == date(2023, 6, 30)
    assert standing_terms.pick_as_of(tn_plan, "2019-06-30", date(2024, 2, 1)) == date(2023, 1, 1)
    assert standing_terms.pick_as_of(tn_plan, "rác", date(2024, 2, 1)) == date(2023, 10, 25)


def test_checkpoints_and_pace(tn_plan):
    assert dashboards.checkpoints(tn_plan, date(2023, 3, 15)) == [
        date(2023, 1, 31),
        date(2023, 2, 28),
        date(2023, 3, 15),
    ]
    assert dashboards.checkpoints(tn_plan, date(2024, 1, 1))[-2:] == [date(2023, 9, 30), date(2023, 10, 25)]
    assert dashboards.pace(60, tn_plan, date(2023, 10, 25)) == Decimal("60.0")
    assert dashboards.pace(60, tn_plan, date(2023, 1, 1)) == Decimal("0.2")  # 60 × 1/298


def test_series_is_the_selector_at_each_date(known):
    plan = known["plan"]
    dates = [date(2023, 3, 31), date(2023, 5, 31), date(2023, 10, 25)]
    series = standings_series(plan, dates)
    for d, rows in zip(dates, series, strict=True):
        assert [(r.person.pk, r.standing) for r in rows] == [(r.person.pk, r.standing) for r in standings(plan, d)]


def test_percent_format():
    assert standing_terms.percent(2, 9) == "22,2%"
    assert standing_terms.percent(17, 17) == "100%"
    assert standing_terms.percent(0, 0) == "—"


def test_organization_figures_match_the_selector(known):
    plan = known["plan"]
    d = dashboards.organization_dashboard(plan, AS_OF)
    rows = standings(plan, AS_OF)
    assert d.counts == {s: Counter(r.standing.status for r in rows).get(s, 0) for s in standing_terms.STATUS_ORDER}
    assert d.counts == {"at_risk": 7, "not_met": 0, "on_track": 0, "met": 2, "exempt": 1}
    assert (d.total, d.subject, d.went, d.met) == (10, 9, 3, 2)
    assert d.headline == "3/9 cán bộ đi cơ sở; 22,2% đạt 60 ngày; 2/9 hoàn thành (đủ ngày và đủ đợt)"
    assert d.exempt_by_reason == [("Kế toán", 1)]
    assert d.done_days == Decimal("130") == sum(r.standing.done_days for r in rows if r.standing.status != "exempt")
    assert d.required_days == 9 * 60
    assert {r.person.email for r in d.at_risk} == {
        "em@tn.vn",
        "duc@tn.vn",
        "ha@tn.vn",
        "khoa@tn.vn",
        "tung@tn.vn",
        "lan@tn.vn",
        "phuc@tn.vn",
    }
    by_dept = {f.name: (f.subject, f.went, f.counts.get("met", 0), f.done_days) for f in d.by_department}
    assert by_dept == {
        "Ban Phong trào": (3, 3, 2, Decimal("130")),
        "Văn phòng": (4, 0, 0, Decimal("0")),
        "Thường trực": (2, 0, 0, Decimal("0")),
    }
    assert "<svg" in d.chart and "<script" not in d.chart and "style=" not in d.chart


def test_year_end_figures_after_the_period(known):
    d = dashboards.organization_dashboard(known["plan"], date(2023, 10, 25))
    assert d.counts["not_met"] == 7 and d.counts["met"] == 2
    assert d.headline == "3/9 cán bộ đi cơ sở; 22,2% đạt 60 ngày; 2/9 hoàn thành (đủ ngày và đủ đợt)"


def test_cumulative_series_is_the_selector_at_each_month_end(known):
    plan = known["plan"]
    d = dashboards.organization_dashboard(plan, AS_OF)
    # Jan: head's trip not ended; Feb: nothing ended; Mar: 30 + 60; Apr: +30; May: +10; Jun: same.
    for month_end, expected in ((date(2023, 3, 31), 90), (date(2023, 4, 30), 120), (date(2023, 5, 31), 130)):
        total = sum(r.standing.done_days for r in standings(plan, month_end) if r.standing.status != "exempt")
        assert total == expected
    assert ">130<" in d.chart


def test_organization_page_roles(client, known):
    url = reverse("fieldwork:organization_dashboard") + "?year=2023&as_of=2023-06-30"
    assert_access(
        client,
        url,
        allowed=[known["board"], known["deputy"], known["secretary"], known["inspector"]],
        forbidden=[known["cadre"], known["head"]],
    )
    client.force_login(known["board"])
    html = client.get(url).content.decode()
    assert "3/9 cán bộ đi cơ sở; 22,2% đạt 60 ngày" in html
    assert 'data-testid="count-at_risk">7<' in html and 'data-testid="count-exempt">1<' in html
    assert "<svg" in html and "<script>" not in html
    # The Inspection Committee reads the same page, read-only: no action button; POSTs 403.
    client.force_login(known["inspector"])
    html = client.get(url).content.decode()
    assert "3/9 cán bộ đi cơ sở" in html and "btn btn-sm btn-outline-primary mt-3" not in html
    assert client.post(url).status_code == 403
    client.force_login(known["board"])
    assert client.post(url).status_code == 405


def test_cadre_dashboard(client, known):
    client.force_login(known["cadre2"])
    resp = client.get(reverse("fieldwork:cadre_dashboard") + "?year=2023&as_of=2023-06-30")
    html = resp.content.decode()
    # The standing panel (another area's partial) when it exists, else the page's own card.
    done_id, required_id = (
        ("standing-done", "standing-required") if resp.context["has_standing_panel"] else ("done-days", "required-days")
    )
    assert f'data-testid="{done_id}">10<' in html and f'data-testid="{required_id}">60<' in html
    assert "w-pct-16" in html  # 10/60
    assert resp.context["d"].upcoming[0].start == date(2023, 7, 3)
    assert "<svg" in html
    # A head may look at a member's dashboard; a cadre may not look at a colleague's.
    url = reverse("fieldwork:cadre_dashboard") + f"?year=2023&person={known['cadre'].pk}"
    assert_access(
        client,
        url,
        allowed=[known["cadre"], known["head"], known["board"], known["inspector"]],
        forbidden=[known["cadre2"], known["head2"]],
    )
    client.force_login(known["stranger"])
    assert client.get(url).status_code == 404


def test_department_home(client, known):
    url = reverse("fieldwork:department_home") + "?year=2023&as_of=2023-06-30&quarter=2"
    client.force_login(known["head"])
    resp = client.get(url)
    d = resp.context["d"]
    assert d.counts == {"at_risk": 1, "not_met": 0, "on_track": 0, "met": 2, "exempt": 0}
    assert [m.person.email for m in d.members] == ["dung@tn.vn", "em@tn.vn", "hai@tn.vn"]
    assert [m.person.email for m in d.at_risk] == ["em@tn.vn"]
    resp = client.get(url + "&sort=done")
    assert [m.person.email for m in resp.context["d"].members] == ["dung@tn.vn", "hai@tn.vn", "em@tn.vn"]
    resp = client.get(url + "&status=met")
    assert [m.person.email for m in resp.context["d"].members] == ["dung@tn.vn", "hai@tn.vn"]
    html = resp.content.decode()
    assert 'data-testid="mau2">Đang tổng hợp<' in html  # as on mẫu 2's own page (docs/rules.md “A year in the life”)


def test_department_home_access(client, known):
    d1 = known["d1"]
    url = reverse("fieldwork:department_home") + f"?department={d1.pk}"
    assert_access(
        client,
        url,
        allowed=[known["head"], known["board"], known["inspector"], known["deputy"]],
        forbidden=[known["head2"], known["cadre"]],
        not_found=[known["stranger"]],
    )
    client.force_login(known["cadre"])
    assert client.get(reverse("fieldwork:department_home")).status_code == 403
    client.force_login(known["inspector"])
    assert client.post(url).status_code == 403


# Query budgets ---------------------------------------------------------------------------------
def _bulk_org(plan, n):
    dept = DepartmentFactory(organization=plan.organization, name="Ban Đông người")
    users = User.objects.bulk_create(
        [
            User(
                email=f"cb{i}@tn.vn",
                full_name=f"Nguyễn Văn Số {i}",
                sort_key=f"{i:05d}",
                organization=plan.organization,
                department=dept,
                group_code="2.3",
                position="Chuyên viên",
                calendar_token=f"tok{i}",
            )
            for i in range(n)
        ]
    )
    UserRole.objects.bulk_create([UserRole(user=u, code="cadre") for u in users])
    cat = Category.objects.get(plan=plan, code="1.1")
    Trip.objects.bulk_create(
        [
            Trip(
                plan=plan,
                person=u,
                category=cat,
                start=date(2023, m, 1),
                end=date(2023, m, 5),
                days=Decimal("5"),
                location=f"Xã {i % 7}",
                status=Trip.Status.CONFIRMED if m < 6 else Trip.Status.APPROVED,
            )
            for i, u in enumerate(users)
            for m in (2, 4, 8)
        ]
    )
    head = UserFactory(department=dept, email="truongban@tn.vn", full_name="Trưởng Ban Đông", roles=["cadre", "head"])
    board = UserFactory(department=dept, email="btc@tn.vn", full_name="Ban Tổ Chức", roles=["board"])
    # bulk_create sends no signal: a bulk load refreshes the stored standings (docs/rules.md “Stored standings”)
    refresh(plan)
    return head, board


@pytest.mark.parametrize("n", [100, 300])
def test_query_budgets_do_not_grow_with_cadres(client, tn_plan, n, django_assert_max_num_queries):
    head, board = _bulk_org(tn_plan, n)
    client.force_login(board)
    # Pinned (measured 20, 12, 21, 19): one read of the selector's data for every month end.
    # +1 each: next year's plan, read once for the notices (fieldwork/templatetags/year_plans.py).
    with django_assert_max_num_queries(23):
        resp = client.get(reverse("fieldwork:organization_dashboard") + "?year=2023&as_of=2023-10-25")
    assert resp.context["d"].total == n + 2
    with django_assert_max_num_queries(14):
        assert client.get(reverse("fieldwork:coverage") + "?year=2023").status_code == 200
    client.force_login(head)
    # +1: the head's own next deadlines (docs/rules.md “A year in the life”), a constant number of reads.
    with django_assert_max_num_queries(25):
        resp = client.get(reverse("fieldwork:department_home") + "?year=2023&as_of=2023-10-25")
    assert resp.context["d"].member_total == n + 2
    with django_assert_max_num_queries(21):
        assert client.get(reverse("fieldwork:cadre_dashboard") + "?year=2023").status_code == 200

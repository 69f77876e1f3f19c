"""Stored standings (docs/rules.md “Stored standings”): after any sequence of changes the stored rows equal a fresh
computation by the engine, refreshed in the same transaction as the change."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import services as people_services
from accounts.models import User
from fieldwork.models import Exemption, Group, Plan, QuarterReport, StoredStanding, Trip
from fieldwork.quota import engine
from fieldwork.selectors import standing_inputs, standings
from fieldwork.selectors.stored import month_ends, rows_of, stored_as_of
from fieldwork.services.transitions import update_versioned
from fieldwork.stored.changes import batch
from fieldwork.stored.standings import ensure_fresh, refresh, refresh_stale, serialize
from tests.factories import UserFactory, make_trip


def assert_stored_equals_fresh(plan):
    """Every stored figure equals the engine's, computed now from the database."""
    as_of = stored_as_of(plan)
    fresh = standings(plan, as_of)
    stored = {r.person_id: r for r in StoredStanding.objects.filter(plan=plan)}
    assert sorted(stored) == sorted(r.person.pk for r in fresh)
    rules, people_list, inputs = standing_inputs(plan)
    ends = month_ends(plan)
    by_pk = {p.pk: trips for p, (_c, trips) in zip(people_list, inputs, strict=True)}
    for r in fresh:
        row = stored[r.person.pk]
        assert row.as_of == as_of
        assert row.data == serialize(r.standing), r.person.full_name
        assert (row.status, row.done_days, row.required_days) == (
            r.standing.status,
            r.standing.done_days,
            r.standing.required_days,
        )
        assert (row.department_id, row.group_code, row.sort_key) == (
            r.person.department_id,
            r.person.group_code,
            r.person.sort_key,
        )
        # The trips recorded (the plan page's figure): counted in the database.
        recorded = Trip.objects.filter(plan=plan, person_id=r.person.pk).exclude(
            status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED]
        )
        assert row.trips == recorded.count()
        # The monthly series: the engine run at each month's end.
        cadre_trips = by_pk[r.person.pk]
        assert [getattr(row, f"month_{e.month}") for e in ends] == [
            engine.compute_standing(rules, engine.Cadre(key=0, group_code=""), cadre_trips, d).done_days for d in ends
        ]


DAY0 = date(2023, 1, 1)
STATUSES = [Trip.Status.DRAFT, Trip.Status.APPROVED, Trip.Status.REPORTED, Trip.Status.CONFIRMED]

actions = st.one_of(
    st.tuples(
        st.just("add"),
        st.integers(0, 3),  # person
        st.integers(-10, 300),  # start day
        st.integers(0, 20),  # length
        st.integers(1, 40),  # half-days
        st.sampled_from(STATUSES),
        st.sampled_from(["1.1", "1.5", "moi"]),
        st.booleans(),  # immersion
    ),
    st.tuples(st.just("edit"), st.integers(0, 50), st.integers(-10, 300), st.integers(0, 10), st.integers(1, 30)),
    st.tuples(st.just("cancel"), st.integers(0, 50)),
    st.tuples(st.just("confirm"), st.integers(0, 50)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("exempt"), st.integers(0, 3), st.integers(0, 250), st.integers(0, 200)),
    st.tuples(st.just("revoke"), st.integers(0, 10)),
    st.tuples(st.just("move"), st.integers(0, 3), st.booleans(), st.sampled_from(["2.1", "2.2", "2.3", ""])),
    st.tuples(st.just("deactivate"), st.integers(0, 3), st.integers(0, 290)),
    st.tuples(st.just("reactivate"), st.integers(0, 3)),
    st.tuples(st.just("plan"), st.integers(20, 80), st.sampled_from(["full", "prorate"]), st.integers(0, 3)),
    st.tuples(st.just("late_report"), st.booleans(), st.integers(1, 4), st.booleans()),
)


def _pick(qs, i):
    items = list(qs.order_by("pk"))
    return items[i % len(items)] if items else None


def apply(action, plan, cadres, board):
    kind = action[0]
    trips = Trip.objects.filter(plan=plan)
    if kind == "add":
        _k, who, start, length, halves, status, cat, imm = action
        s = DAY0 + timedelta(days=start)
        make_trip(
            plan,
            cadres[who],
            category=cat,
            start=s,
            end=s + timedelta(days=length),
            days=str(Decimal(halves) / 2),
            status=status,
            immersion=imm,
        )
    elif kind == "edit":
        t = _pick(trips, action[1])
        if t:
            t.start = DAY0 + timedelta(days=action[2])
            t.end = t.start + timedelta(days=action[3])
            t.days = Decimal(action[4]) / 2
            t.save()
    elif kind == "cancel":
        t = _pick(trips.exclude(status=Trip.Status.CANCELLED), action[1])
        if t:  # the services' optimistic-locking path (a queryset update, no signal)
            update_versioned(t, version=t.version, status=Trip.Status.CANCELLED)
    elif kind == "confirm":
        t = _pick(trips.exclude(status=Trip.Status.CONFIRMED), action[1])
        if t:
            update_versioned(t, version=t.version, status=Trip.Status.CONFIRMED)
    elif kind == "delete":
        t = _pick(trips, action[1])
        if t:
            t.delete()
    elif kind == "exempt":
        _k, who, start, length = action
        Exemption.objects.create(
            person=cadres[who],
            reason=plan.exemption_reasons.filter(scope="individual").order_by("pk").first(),
            start=DAY0 + timedelta(days=start),
            end=DAY0 + timedelta(days=start + length),
            status=Exemption.Status.APPROVED,
        )
    elif kind == "revoke":
        ex = _pick(Exemption.objects.filter(person__in=cadres, status=Exemption.Status.APPROVED), action[1])
        if ex:
            ex.status = Exemption.Status.REVOKED
            ex.save()
    elif kind == "move":
        _k, who, other_dept, group = action
        p = cadres[who]
        p.refresh_from_db()
        p.department = board["d2"] if other_dept else board["d1"]
        p.group_code = group
        p.save()
    elif kind == "deactivate":
        p = cadres[action[1]]
        p.refresh_from_db()
        people_services.deactivate_person(actor=board["board"], person=p, active_to=DAY0 + timedelta(days=action[2]))
    elif kind == "reactivate":
        p = cadres[action[1]]
        p.refresh_from_db()
        p.is_active, p.active_to = True, None
        p.save()
    elif kind == "late_report":  # a late mẫu 3 marks the department's confirmed trips LATE_REPORT
        _k, other_dept, quarter, late = action
        QuarterReport.objects.update_or_create(
            plan=plan,
            department=board["d2"] if other_dept else board["d1"],
            quarter=quarter,
            defaults={"status": QuarterReport.Status.SUBMITTED, "late": late},
        )
    elif kind == "plan":
        _k, min_days, policy, immersion = action
        plan.refresh_from_db()
        with batch():
            plan.min_days, plan.exemption_policy = min_days, policy
            plan.save()
            g = Group.objects.filter(plan=plan).order_by("pk").first()
            g.immersion_trips = immersion
            g.save()


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(actions, min_size=1, max_size=10))
def test_stored_standings_equal_a_fresh_computation_after_any_changes(people, steps):
    # Fresh instances per example: the previous one's changes were rolled back in the database
    # but not in the objects it changed.
    plan = Plan.objects.get(pk=people["plan"].pk)
    cadres = [User.objects.get(pk=people[k].pk) for k in ("cadre", "cadre2", "other_cadre", "head2")]
    with transaction.atomic():
        refresh(plan)
        for action in steps:
            apply(action, plan, cadres, people)
            assert_stored_equals_fresh(plan)
        transaction.set_rollback(True)  # the next example starts from the fixture again


def test_plan_changes_refresh_the_whole_plan(people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], end=date(2023, 3, 30), days="30")
    call_command("refresh_standings", org=plan.organization.code)
    assert StoredStanding.objects.get(plan=plan, person=people["cadre"]).required_days == 60
    plan.min_days = 40
    plan.save()
    row = StoredStanding.objects.get(plan=plan, person=people["cadre"])
    assert (row.required_days, row.done_days, row.remaining_days) == (40, Decimal(30), Decimal(10))
    assert_stored_equals_fresh(plan)


def test_a_person_no_longer_subject_loses_the_row_and_a_new_cadre_gets_one(people):
    plan = people["plan"]
    refresh(plan)
    cadre = people["cadre"]
    cadre.group_code = ""
    cadre.save()
    assert not StoredStanding.objects.filter(plan=plan, person=cadre).exists()
    newcomer = UserFactory(department=people["d1"], full_name="Ngô Văn Mới", email="moi@tn.vn", group_code="2.3")
    assert StoredStanding.objects.filter(plan=plan, person=newcomer).exists()
    assert_stored_equals_fresh(plan)


def test_the_date_moves_statuses_daily(people):
    """as_of = today: a plan whose period is running is recomputed by the daily job once the
    date moves on (here the stored rows are made stale by hand)."""
    plan = people["plan"]
    refresh(plan, today=date(2023, 5, 1))
    assert set(StoredStanding.objects.filter(plan=plan).values_list("as_of", flat=True)) == {date(2023, 5, 1)}
    # Tomorrow's job: the period (ended 25/10/2023) is over, so the rows move to its end.
    assert refresh_stale() == StoredStanding.objects.filter(plan=plan).count()
    assert set(StoredStanding.objects.filter(plan=plan).values_list("as_of", flat=True)) == {plan.period_end}
    assert refresh_stale() == 0  # nothing stale any more
    assert_stored_equals_fresh(plan)


def test_pages_heal_stale_rows(people):
    plan = people["plan"]
    refresh(plan, today=date(2023, 5, 1))
    StoredStanding.objects.filter(plan=plan, person=people["cadre"]).delete()
    assert ensure_fresh(plan) == plan.period_end
    assert_stored_equals_fresh(plan)
    rows = rows_of(
        StoredStanding.objects.filter(plan=plan, department=people["d1"])
        .select_related("person__department")
        .order_by("sort_key", "email")
    )
    fresh = [r for r in standings(plan, plan.period_end) if r.person.department_id == people["d1"].pk]
    assert [(r.person.pk, r.standing) for r in rows] == [(r.person.pk, r.standing) for r in fresh]


def test_deleting_a_person_or_a_plan_cascades_cleanly(people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], days="3")
    Exemption.objects.create(
        person=people["cadre2"],
        reason=plan.exemption_reasons.filter(scope="individual").first(),
        start=date(2023, 2, 1),
        end=date(2023, 3, 1),
        status=Exemption.Status.APPROVED,
    )
    refresh(plan)
    people["cadre"].delete()
    people["cadre2"].delete()
    assert_stored_equals_fresh(plan)
    plan.delete()
    assert not StoredStanding.objects.exists() or not StoredStanding.objects.filter(plan_id=plan.pk).exists()


@pytest.fixture
def busy(people):
    plan = people["plan"]
    for i, key in enumerate(("cadre", "cadre2", "other_cadre", "head", "head2", "board")):
        for m in range(1, 11, 1 + i % 3):
            make_trip(
                plan,
                people[key],
                category="1.1" if m % 4 else "1.5",
                start=date(2023, m, 3 + i),
                end=date(2023, m, 6 + i),
                days=str(2 + (m + i) % 3),
                status=Trip.Status.CONFIRMED if m % 5 else Trip.Status.APPROVED,
            )
    Exemption.objects.create(
        person=people["other_cadre"],
        reason=plan.exemption_reasons.filter(scope="individual").order_by("pk").first(),
        start=date(2023, 1, 1),
        end=date(2023, 12, 31),
        status=Exemption.Status.APPROVED,
    )
    return people


def test_the_dashboard_from_stored_rows_equals_the_computed_one(busy):
    """docs/rules.md “Stored standings”: today's dashboard is summed in the database from the stored rows; every
    figure equals the engine's computation of the same day (department totals, counts, headline,
    exemptions by reason, the at-risk list, the month-by-month series)."""
    from dataclasses import asdict

    from fieldwork.selectors.dashboards import at_risk_page, checkpoints, organization_dashboard
    from fieldwork.selectors.departments import department_totals, stored_department_totals

    plan = busy["plan"]
    as_of = stored_as_of(plan)
    points = checkpoints(plan, as_of)
    assert len(points) == 10
    s = organization_dashboard(plan, as_of, stored=True)
    c = organization_dashboard(plan, as_of, stored=False)
    fields = ("counts", "total", "subject", "went", "met", "met_percent", "headline", "exempt_by_reason")
    assert {f: getattr(s, f) for f in fields} == {f: getattr(c, f) for f in fields}
    assert [asdict(t) for t in s.by_department] == [asdict(t) for t in c.by_department]
    assert (s.done_days, s.required_days, s.chart) == (c.done_days, c.required_days, c.chart)
    assert s.total == len(standings(plan, as_of)) and s.exempt_by_reason and s.by_department[0].done_days > 0
    # The one fold behind both sources, against the rows the reports use.
    assert [asdict(t) for t in stored_department_totals(plan)] == [
        asdict(t) for t in department_totals(standings(plan, as_of))
    ]

    def listed(d):
        page = at_risk_page(d, 1, per_page=1000)
        return [(r.person.pk, r.standing.status, Decimal(r.standing.done_days)) for r in page.object_list]

    assert listed(s) == listed(c) and listed(s)
    # …and each point of the series is the engine run at that date (no per-month engine run).
    series = [
        sum(Decimal(r.standing.done_days) for r in standings(plan, d) if r.standing.status != "exempt") for d in points
    ]
    from fieldwork.selectors.dashboards import organization_series, stored_series

    _rows, computed = organization_series(plan, as_of, points)
    assert computed == series
    assert stored_series(plan, points, s.done_days) == series
    assert series[-1] > series[0] > 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "done"},
        {"sort": "status"},
        {"status": "not_met"},
        {"q": "dung"},
        {"q": "TN.VN", "sort": "done"},
        {"department": "d1"},
        {"group": "2.2", "sort": "status"},
    ],
)
def test_the_standings_table_from_stored_rows_equals_the_computed_one(client, busy, params):
    """The stored path (today's as_of) and the engine path (another as_of) give the same rows
    in the same order for every filter and sort."""
    from fieldwork.views import standing as views

    plan = busy["plan"]
    client.force_login(busy["board"])
    params = dict(params)
    if params.get("department") == "d1":
        params["department"] = str(busy["d1"].pk)
    resp = client.get(_url(), {"year": plan.year, **params})
    assert resp.status_code == 200
    stored = [(r.person.pk, r.standing) for r in resp.context["page"].object_list]
    assert stored, params
    people = views.cadre_people(plan)
    if "department" in params:
        people = people.filter(department_id=int(params["department"]))
    if "group" in params:
        people = people.filter(group_code=params["group"])

    class _Req:
        GET = {}

    page, total = views._computed_page(
        _Req(),
        plan,
        plan.period_end,
        people,
        params.get("status", ""),
        params.get("q", ""),
        params.get("sort", "name"),
    )
    assert [(r.person.pk, r.standing) for r in page.object_list] == stored
    assert total == resp.context["total"]


def _url():
    from django.urls import reverse

    return reverse("fieldwork:standings")


def test_the_daily_job_is_scheduled_and_refreshes_stale_rows(people, settings):
    from config.celery import app
    from fieldwork.tasks import refresh_stale_standings

    entry = settings.CELERY_BEAT_SCHEDULE["daily-standings"]
    assert entry["task"] == "fieldwork.tasks.refresh_stale_standings"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    plan = people["plan"]
    refresh(plan, today=date(2023, 6, 1))
    assert refresh_stale_standings() == StoredStanding.objects.filter(plan=plan).count() > 0
    assert_stored_equals_fresh(plan)


def test_changes_in_a_batch_are_refreshed_once_per_plan(people, monkeypatch):
    """Changes inside batch() are refreshed once at the end, not once per save."""
    from fieldwork.stored import changes as stored_standings

    calls = []
    real = stored_standings.refresh
    monkeypatch.setattr(stored_standings, "refresh", lambda plan, ids=None, **kw: calls.append(ids) or real(plan, ids))
    with batch():
        for i in range(5):
            UserFactory(department=people["d1"], full_name=f"Người Mới {i}", email=f"moi{i}@tn.vn", group_code="2.3")
        assert calls == []
    plans = people["org"].plans.count()
    assert len(calls) == plans and all(len(ids) == 5 for ids in calls)
    assert_stored_equals_fresh(people["plan"])


def test_a_late_quarter_report_reaches_the_stored_violations(people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], start=date(2023, 2, 1), end=date(2023, 2, 3), days="3")
    refresh(plan)
    assert StoredStanding.objects.get(plan=plan, person=people["head"]).data["violations"] == []
    QuarterReport.objects.create(
        plan=plan, department=people["d1"], quarter=1, status=QuarterReport.Status.SUBMITTED, late=True
    )
    # docs/domain.md §7.9: on the head's standing (the head's duty), not on the members'
    codes = [v[0] for v in StoredStanding.objects.get(plan=plan, person=people["head"]).data["violations"]]
    assert codes == ["LATE_REPORT"]
    assert StoredStanding.objects.get(plan=plan, person=people["cadre"]).data["violations"] == []
    assert_stored_equals_fresh(plan)


@pytest.mark.parametrize("sort", ["name", "done", "remaining", "status"])
@pytest.mark.parametrize("status", ["", "on_track", "at_risk"])
def test_the_department_home_from_stored_rows_equals_the_computed_one(busy, sort, status):
    """docs/rules.md “Stored standings”: the head's page counts, filters, sorts and pages today's stored rows in the
    database; every figure and the order of every page equal the engine's computation."""
    from fieldwork.selectors.dashboards import department_home, members_page

    plan = busy["plan"]
    as_of = stored_as_of(plan)
    dept = busy["d1"]
    s = department_home(plan, dept, as_of, 2, sort=sort, status=status, stored=True)
    c = department_home(plan, dept, as_of, 2, sort=sort, status=status, stored=False)
    fields = ("counts", "member_total", "registration_counts", "at_risk_total", "to_confirm_total")
    assert {f: getattr(s, f) for f in fields} == {f: getattr(c, f) for f in fields}
    assert s.member_total > 2

    def rows(d, number):
        page = members_page(d, number, per_page=2)
        return page.paginator.count, [
            (m.person.pk, m.standing.status, m.progress, m.remaining, m.violations, m.registration) for m in page
        ]

    for number in (1, 2):
        assert rows(s, number) == rows(c, number)
    assert [(m.person.pk, m.remaining) for m in s.at_risk] == [(m.person.pk, m.remaining) for m in c.at_risk]


def test_a_new_head_takes_the_late_report_onto_their_stored_standing(people):
    """docs/rules.md “The rules as the documents say them” (docs/domain.md §7.9): LATE_REPORT follows the role `head`, in the stored rows too."""
    from accounts.models import UserRole

    plan = people["plan"]
    refresh(plan)
    QuarterReport.objects.create(
        plan=plan, department=people["d1"], quarter=1, status=QuarterReport.Status.SUBMITTED, late=True
    )

    def codes(who):
        return [v[0] for v in StoredStanding.objects.get(plan=plan, person=people[who]).data["violations"]]

    assert (codes("head"), codes("cadre")) == (["LATE_REPORT"], [])
    UserRole.objects.create(user=people["cadre"], code="head")
    UserRole.objects.filter(user=people["head"], code="head").delete()
    assert (codes("head"), codes("cadre")) == ([], ["LATE_REPORT"])
    assert_stored_equals_fresh(plan)

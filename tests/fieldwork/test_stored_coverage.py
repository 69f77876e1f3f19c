"""Stored coverage (docs/rules.md “Stored standings”): the coverage page reads one stored row per place; after any
sequence of trip changes the stored figures equal a fresh computation from the trips."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from fieldwork.models import Plan, StoredCoverage, StoredCoverageState, StoredCoverageVisit, Trip, place_parts_key
from fieldwork.services.transitions import update_versioned
from fieldwork.stored.changes import trips_changed
from fieldwork.stored.coverage import _visits, rebuild
from fieldwork.stored.standings import refresh
from tests.factories import UserFactory, make_trip
from tests.fieldwork import coverage_page as cov


def tay_ninh_code(name="xa tan dong") -> str:
    return f"{int(cov.ward_index(cov.province_named('Tây Ninh', '')).by_name[name].code):05d}"


def assert_stored_equals_computed(plan):
    """The stored places (read as the page reads them, without the page's safety net) and the
    stored visits equal what the trips give now."""
    assert StoredCoverageState.objects.filter(plan=plan).exists()
    computed = cov.computed_coverage(plan)
    assert list(cov.VisitedPlaces(plan)) == computed
    assert len(cov.VisitedPlaces(plan)) == len(computed)
    index = cov.ward_index(cov.province_of(plan.organization))
    stored_visits = {
        (v.person_id, v.place, v.spelling): (v.trips, v.days) for v in StoredCoverageVisit.objects.filter(plan=plan)
    }
    assert stored_visits == _visits(plan, index)
    c = cov.coverage(plan)
    wards = {int(r.key[1:]) for r in computed if r.kind == "ward"}
    assert [w.code for w in c.unvisited] == [w.code for w in index.in_order if int(w.code) not in wards]
    assert c.wards_visited == len(wards & set(index.by_code))


DAY0 = date(2023, 1, 1)
# (location, ward code): wards by code, by name in a part, by bare name, Union units spelled
# several ways, a ward of another province, no place at all.
PLACES = [
    ("Xã Tân Đông", ""),
    ("xã  tân đông", ""),
    ("Chi đoàn ấp 5, Xã Tân Đông, Tỉnh Tây Ninh", ""),
    ("Ấp 3", "TAN_DONG"),
    ("Ấp 3", "OTHER"),
    ("Ấp 3", "abc"),
    ("Huyện đoàn Châu Thành", ""),
    ("huyện  đoàn châu thành.", ""),
    ("HUYỆN ĐOÀN CHÂU THÀNH", ""),
    ("Bến Cầu", ""),  # a bare ward name
    ("Phường 1, TP. Tây Ninh", ""),
    ("", ""),
    ("...", ""),
    ("Đặc khu Côn Đảo", ""),
]
STATUSES = [Trip.Status.APPROVED, Trip.Status.REPORTED, Trip.Status.CONFIRMED, Trip.Status.CONFIRMED]

actions = st.one_of(
    st.tuples(
        st.just("add"),
        st.integers(0, 3),  # person
        st.integers(0, len(PLACES) - 1),
        st.integers(1, 12),  # half-days
        st.sampled_from(STATUSES),
    ),
    st.tuples(st.just("confirm"), st.integers(0, 50)),
    st.tuples(st.just("cancel"), st.integers(0, 50)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("relocate"), st.integers(0, 50), st.integers(0, len(PLACES) - 1)),  # save()
    st.tuples(st.just("ward"), st.integers(0, 50), st.sampled_from(["", "TAN_DONG", "BEN_CAU", "OTHER"])),
    st.tuples(st.just("days"), st.integers(0, 50), st.integers(1, 12)),
    st.tuples(st.just("service"), st.integers(0, 50), st.integers(0, len(PLACES) - 1)),  # queryset update
    st.tuples(st.just("bypass"), st.integers(0, 50), st.integers(0, len(PLACES) - 1)),  # no key written
    st.tuples(st.just("import"), st.integers(0, 3), st.integers(0, len(PLACES) - 1)),  # bulk_create
    st.tuples(st.just("qs_cancel"), st.integers(0, 3)),  # one queryset update for a person's trips
)


def _pick(qs, i):
    items = list(qs.order_by("pk"))
    return items[i % len(items)] if items else None


def _code(name: str) -> str:
    return {
        "": "",
        "TAN_DONG": tay_ninh_code("xa tan dong"),
        "BEN_CAU": tay_ninh_code("xa ben cau"),
        "OTHER": "00004",  # Phường Ba Đình, Hà Nội: another province
        "abc": "abc",
    }[name]


def apply(action, plan, cadres):
    kind = action[0]
    trips = Trip.objects.filter(plan=plan)
    if kind == "add":
        _k, who, place, halves, status = action
        location, ward = PLACES[place]
        make_trip(
            plan,
            cadres[who],
            start=DAY0 + timedelta(days=halves * 7),
            days=str(Decimal(halves) / 2),
            status=status,
            location=location,
            ward_code=_code(ward),
        )
    elif kind in ("confirm", "cancel"):
        status = Trip.Status.CONFIRMED if kind == "confirm" else Trip.Status.CANCELLED
        t = _pick(trips.exclude(status=status), action[1])
        if t:  # the services' optimistic-locking path (a queryset update, no signal)
            update_versioned(t, version=t.version, status=status)
    elif kind == "delete":
        t = _pick(trips, action[1])
        if t:
            t.delete()
    elif kind == "relocate":
        t = _pick(trips, action[1])
        if t:
            t.location, t.ward_code = PLACES[action[2]][0], _code(PLACES[action[2]][1])
            t.save()
    elif kind == "ward":
        t = _pick(trips, action[1])
        if t:
            t.ward_code = _code(action[2])
            t.save(update_fields=["ward_code"])
    elif kind == "days":
        t = _pick(trips, action[1])
        if t:
            t.days = Decimal(action[2]) / 2
            t.save()
    elif kind == "service":
        t = _pick(trips, action[1])
        if t:
            location, ward = PLACES[action[2]]
            update_versioned(
                t,
                version=t.version,
                location=location,
                location_key=place_parts_key(location),
                ward_code=_code(ward),
            )
    elif kind == "bypass":  # a path that wrote the location without its key, then told the hooks
        t = _pick(trips, action[1])
        if t:
            Trip.objects.filter(pk=t.pk).update(location=PLACES[action[2]][0], location_key="")
            trips_changed(plan.pk, [t.person_id])
    elif kind == "import":  # as create_imported_trips: bulk_create, then trips_changed
        _k, who, place = action
        location, ward = PLACES[place]
        Trip.objects.bulk_create(
            [
                Trip(
                    plan=plan,
                    person=cadres[who],
                    category=plan.categories.get(code="1.1"),
                    start=DAY0,
                    end=DAY0,
                    days=Decimal(1),
                    location=location,
                    location_key=place_parts_key(location),
                    ward_code=_code(ward),
                    status=Trip.Status.CONFIRMED,
                    source=Trip.Source.IMPORT,
                )
            ]
        )
        trips_changed(plan.pk, [cadres[who].pk])
    elif kind == "qs_cancel":
        person = cadres[action[1]]
        with transaction.atomic():
            Trip.objects.filter(plan=plan, person=person, status=Trip.Status.CONFIRMED).update(
                status=Trip.Status.CANCELLED
            )
            trips_changed(plan.pk, [person.pk])


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(actions, min_size=1, max_size=12))
def test_stored_coverage_equals_a_fresh_computation_after_any_changes(people, steps):
    plan = Plan.objects.get(pk=people["plan"].pk)
    cadres = [User.objects.get(pk=people[k].pk) for k in ("cadre", "cadre2", "other_cadre", "head2")]
    with transaction.atomic():
        refresh(plan)
        assert_stored_equals_computed(plan)
        for action in steps:
            apply(action, plan, cadres)
            assert_stored_equals_computed(plan)
        transaction.set_rollback(True)  # the next example starts from the fixture again


@pytest.fixture
def visited(people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], days="2", location="Ấp 3", ward_code=tay_ninh_code())
    make_trip(plan, people["cadre"], days="1.5", location="Chi đoàn ấp 5, xã tân đông, Tỉnh Tây Ninh")
    make_trip(plan, people["cadre2"], days="3", location="Xã Tân Đông")
    make_trip(plan, people["cadre2"], days="1", location="Huyện đoàn Châu Thành")
    make_trip(plan, people["head"], days="1", location="huyện  đoàn châu thành.")
    make_trip(plan, people["head"], days="4", location="Xã Long Chữ")
    make_trip(plan, people["head"], days="5", location="Xã Tân Đông", status=Trip.Status.REPORTED)
    return people


def figures(plan):
    return [(r.name, r.kind, r.trips, r.days, r.cadre_count) for r in cov.coverage(plan).visited]


def test_the_page_builds_the_figures_once_and_then_the_trips_keep_them(visited):
    plan = visited["plan"]
    # A database from before the stored figures: the page builds them.
    for model in (StoredCoverageState, StoredCoverage, StoredCoverageVisit):
        model.objects.filter(plan=plan).delete()
    make_trip(plan, visited["head"], days="4", location="Xã Long Chữ", status=Trip.Status.REJECTED)
    assert not StoredCoverageState.objects.filter(plan=plan).exists()  # a change does not build them
    assert figures(plan) == [
        ("Xã Tân Đông", "ward", 3, Decimal("6.5"), 2),
        # Equally frequent spellings: the first in Vietnamese order.
        ("Huyện đoàn Châu Thành", "unit", 2, Decimal("2"), 2),
        ("Xã Long Chữ", "ward", 1, Decimal("4"), 1),
    ]
    assert StoredCoverage.objects.filter(plan=plan).count() == 3
    t = Trip.objects.get(plan=plan, status=Trip.Status.REPORTED)
    update_versioned(t, version=t.version, status=Trip.Status.CONFIRMED)
    assert figures(plan)[0] == ("Xã Tân Đông", "ward", 4, Decimal("11.5"), 3)
    make_trip(plan, visited["cadre"], days="1", location="HUYỆN ĐOÀN CHÂU THÀNH")
    make_trip(plan, visited["cadre"], days="1", location="HUYỆN ĐOÀN CHÂU THÀNH")
    # Now the most frequent spelling; as many trips as Tân Đông: Vietnamese order ("H" < "X").
    assert figures(plan)[:2] == [
        ("HUYỆN ĐOÀN CHÂU THÀNH", "unit", 4, Decimal("4"), 3),
        ("Xã Tân Đông", "ward", 4, Decimal("11.5"), 3),
    ]
    Trip.objects.get(location="Xã Long Chữ", status=Trip.Status.CONFIRMED).delete()
    assert [f[0] for f in figures(plan)] == ["HUYỆN ĐOÀN CHÂU THÀNH", "Xã Tân Đông"]
    assert_stored_equals_computed(plan)


def test_the_whole_plan_refresh_builds_them(visited):
    plan = visited["plan"]
    call_command("refresh_standings", org=plan.organization.code)
    assert StoredCoverageState.objects.get(plan=plan).province_code == int(cov.province_of(plan.organization).code)
    assert_stored_equals_computed(plan)
    StoredCoverage.objects.filter(plan=plan).update(trips=99)  # damaged: the whole-plan refresh repairs
    refresh(plan)
    assert_stored_equals_computed(plan)


def test_a_change_of_the_organizations_province_rebuilds_them(visited):
    plan = visited["plan"]
    refresh(plan)
    org = plan.organization
    org.place, org.name = "Đà Nẵng", "Thành đoàn Đà Nẵng"
    org.save()
    plan = Plan.objects.select_related("organization").get(pk=plan.pk)
    c = cov.coverage(plan)  # the page notices the province differs
    assert c.province.name == "Thành phố Đà Nẵng"
    rows = {r.name: (r.kind, r.trips) for r in c.visited}
    # The Tây Ninh ward given by code stays a ward; the names are now places of another province.
    assert rows["Xã Tân Đông"] == ("ward", 1)
    assert rows["Chi đoàn ấp 5, xã tân đông, Tỉnh Tây Ninh"] == ("unit", 1)
    assert c.wards_visited == 0
    assert_stored_equals_computed(plan)
    # …and a trip change does so too, before the page is read.
    org.place, org.name = "Tây Ninh", "Tỉnh đoàn Tây Ninh"
    org.save()
    plan = Plan.objects.select_related("organization").get(pk=plan.pk)
    make_trip(plan, visited["cadre"], days="1", location="Xã Tân Đông")
    assert StoredCoverageState.objects.get(plan=plan).province_code == int(cov.province_of(org).code)
    assert_stored_equals_computed(plan)


def test_deleting_a_person_takes_their_visits_out_of_the_places(visited):
    plan = visited["plan"]
    refresh(plan)
    visited["cadre2"].delete()
    assert figures(plan)[0] == ("Xã Tân Đông", "ward", 2, Decimal("3.5"), 1)
    assert_stored_equals_computed(plan)
    visited["head"].delete()
    assert [f[0] for f in figures(plan)] == ["Xã Tân Đông"]
    assert_stored_equals_computed(plan)


def test_other_changes_write_nothing(visited):
    """A change the coverage does not show (a name, a trip that is not confirmed) reads the
    person's visits and writes nothing."""
    plan = visited["plan"]
    refresh(plan)
    before = list(StoredCoverage.objects.filter(plan=plan).order_by("place").values())
    t = Trip.objects.get(plan=plan, status=Trip.Status.REPORTED)
    t.location = "Xã Long Chữ"
    with CaptureQueriesContext(connection) as ctx:
        t.save()
    assert not [q for q in ctx.captured_queries if "stored_coverage" in q["sql"] and "INSERT" in q["sql"]]
    assert list(StoredCoverage.objects.filter(plan=plan).order_by("place").values()) == before


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200
    return resp, len(ctx.captured_queries)


def test_the_page_reads_a_page_of_places_in_a_constant_number_of_queries(client, people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], location="Xã Tân Đông")
    client.force_login(people["board"])
    url = reverse("fieldwork:coverage") + "?year=2023"
    client.get(url)  # builds the figures
    _resp, small = _page_queries(client, url)
    # Many more cadres, trips and places (40 units, 40 wards by code).
    wards = list(cov.ward_index(cov.province_of(plan.organization)).in_order)
    for i in range(40):
        u = UserFactory(department=people["d1"], full_name=f"Ngô Văn Số {i}", email=f"so{i}@tn.vn", group_code="2.3")
        make_trip(plan, u, days="1", location=f"Chi đoàn khu phố {i}")
        make_trip(plan, u, days="2", location="Ấp", ward_code=f"{int(wards[i].code):05d}")
        make_trip(plan, u, days="1", location="Xã Tân Đông", start=date(2023, 4, 1))
    resp, large = _page_queries(client, url)
    assert large == small
    computed = cov.computed_coverage(plan)
    assert len(computed) == 81 and computed[0].name == "Xã Tân Đông" and computed[0].trips == 41
    assert list(resp.context["page"].object_list) == computed[:25]
    assert resp.context["page"].paginator.count == 81
    resp, _n = _page_queries(client, url + "&page=4")
    assert list(resp.context["page"].object_list) == computed[75:]
    html = resp.content.decode()
    assert "Đã đến (81)" in html and f"Tây Ninh: đã đến 41/{len(wards)} xã, phường." in html
    resp, _n = _page_queries(client, url + "&view=unvisited")
    assert resp.context["page"].paginator.count == len(wards) - 41


def test_a_trip_naming_no_place(people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], days="1", location="")
    make_trip(plan, people["cadre2"], days="1", location="...")
    make_trip(plan, people["cadre2"], days="1", location="")
    rows = [(r.key, r.name, r.kind, r.trips, r.cadre_count) for r in cov.coverage(plan).visited]
    assert rows == [("t", "(không ghi địa điểm)", "unit", 3, 2)]
    assert StoredCoverage.objects.get(plan=plan).name == ""  # shown translated, stored as none


def test_rebuild_is_idempotent_and_per_plan(people):
    plan, other = people["plan"], people["other_plan"]
    make_trip(plan, people["cadre"], location="Xã Tân Đông")
    make_trip(other, people["stranger"], location="Xã Long Chữ")
    assert rebuild(plan) == 1 and rebuild(plan) == 1 and rebuild(other) == 1
    assert [r.name for r in cov.coverage(plan).visited] == ["Xã Tân Đông"]
    assert [r.name for r in cov.coverage(other).visited] == ["Xã Long Chữ"]


def test_a_trip_written_without_its_normalized_location_is_placed_on_refresh(people):
    """The Trip.location_key safety net: a row written by a path that bypassed save() (no key)
    is normalized when its cadre's visits are computed."""
    plan, cadre = people["plan"], people["cadre"]
    refresh(plan)
    t = make_trip(plan, cadre, days="2", location="Huyện đoàn Châu Thành")
    Trip.objects.filter(pk=t.pk).update(location="Chi đoàn ấp 3, Xã Tân Đông", location_key="")
    trips_changed(plan.pk, [cadre.pk])
    assert [(r.key, r.name, r.trips) for r in cov.coverage(plan).visited] == [
        (f"w{int(tay_ninh_code())}", "Xã Tân Đông", 1)
    ]
    rebuild(plan)
    assert_stored_equals_computed(plan)
    assert StoredCoverageVisit.objects.get(plan=plan).place == f"w{int(tay_ninh_code())}"


@pytest.mark.django_db(transaction=True)
def test_two_transactions_counting_the_same_place_at_once(people):
    """PostgreSQL: two heads confirm trips of two cadres to the same ward at the same moment.
    The second refresh waits for the first transaction (the plan's state row is locked) and sums
    the place with its visit: neither confirmation is lost."""
    import threading
    import time

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL")
    plan = people["plan"]
    a = make_trip(plan, people["cadre"], location="Xã Tân Đông", status=Trip.Status.REPORTED)
    b = make_trip(plan, people["cadre2"], location="Xã Tân Đông", status=Trip.Status.REPORTED)
    make_trip(plan, people["head"], location="Xã Tân Đông")
    refresh(plan)
    first_refreshed = threading.Event()
    errors = []

    def confirm_first():
        try:
            with transaction.atomic():
                update_versioned(a, version=a.version, status=Trip.Status.CONFIRMED)
                first_refreshed.set()
                time.sleep(0.5)  # still uncommitted while the other transaction refreshes
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def confirm_second():
        try:
            first_refreshed.wait(5)
            with transaction.atomic():
                update_versioned(b, version=b.version, status=Trip.Status.CONFIRMED)
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm_first), threading.Thread(target=confirm_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert not errors
    row = StoredCoverage.objects.get(plan=plan, place=f"w{int(tay_ninh_code())}")
    assert (row.trips, row.cadres) == (3, 3)
    assert_stored_equals_computed(plan)

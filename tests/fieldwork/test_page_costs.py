"""Pages whose cost does not grow with the organization (docs/rules.md “Stored standings”): the exemptions page's
"who is affected" list is paged and agrees with the plan's "affected" page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fieldwork.selectors.plans import plan_affected, position_holders
from tests.factories import UserFactory


def test_position_holders_agree_with_plan_affected_and_are_paged(client, people):
    plan = people["plan"]
    for i in range(7):
        UserFactory(department=people["d1"], full_name=f"Ngô Thị Kế {i}", email=f"ke{i}@tn.vn", position="Kế toán")
    UserFactory(department=people["d2"], full_name="Lý Văn Thư", email="thu@tn.vn", position="  văn THƯ  lưu trữ")
    UserFactory(full_name="Cựu Kế Toán", email="cu@tn.vn", position="Kế toán", is_active=False)
    full = {r.code: [p.pk for p in holders] for r, holders in plan_affected(plan).position_reasons}
    paged = {x.reason.code: x for x in position_holders(plan, limit=5)}
    assert sorted(paged) == sorted(full)
    for code, x in paged.items():
        assert [p.pk for p in x.holders] == full[code][:5]
        assert x.total == len(full[code])
    assert (paged["ke-toan"].total, paged["ke-toan"].more) == (7, 2)
    assert paged["van-thu"].total == 1  # the position text matched as plan_affected matches it

    client.force_login(people["board"])
    body = client.get(reverse("fieldwork:exemptions")).content.decode()
    assert "Ngô Thị Kế 0" in body and "Lý Văn Thư" in body and "Cựu Kế Toán" not in body


PLACES = [
    "Xã Tân Đông, Huyện Tân Châu, Tỉnh Tây Ninh",
    "  Chi đoàn ấp 3 ,XÃ TÂN ĐÔNG ",
    "Phường Đồng Khởi; TP. Biên Hòa",
    "Xa\u0303 Suối Đá",  # decomposed (NFD) input
    "",
    "Đặc khu Côn Đảo",
]


def test_the_migration_normalizes_as_the_model_does():
    import importlib

    from fieldwork.models import place_parts_key

    migration = importlib.import_module("fieldwork.migrations.0006_trip_location_key")
    for text in PLACES:
        assert migration.parts_key(text) == place_parts_key(text)
    assert place_parts_key(PLACES[1]) == "chi doan ap 3|xa tan dong"


def test_location_key_follows_every_write_path(people):
    from fieldwork.models import Trip, place_parts_key
    from fieldwork.selectors.coverage import coverage
    from tests.factories import make_trip

    plan = people["plan"]
    t = make_trip(plan, people["cadre"], location="Xã Tân Đông, Huyện Tân Châu")
    assert Trip.objects.get(pk=t.pk).location_key == "xa tan dong|huyen tan chau"
    t.location = "Chi đoàn ấp 3, Xã Suối Đá"
    t.save(update_fields=["location"])
    assert Trip.objects.get(pk=t.pk).location_key == "chi doan ap 3|xa suoi da"
    before = [(r.key, r.name, r.trips, r.days, r.cadre_count) for r in coverage(plan).visited]
    # A row written by a path that bypassed save() (no key): the page normalizes it itself.
    Trip.objects.filter(pk=t.pk).update(location_key="")
    after = [(r.key, r.name, r.trips, r.days, r.cadre_count) for r in coverage(plan).visited]
    assert after == before and before[0][2] == 1
    assert place_parts_key("Xã Suối Đá") == "xa suoi da"


def test_a_line_edited_through_the_service_keeps_its_key_and_its_stored_standing(people):
    """update_line writes with a queryset update (no save(), no signal): the normalized
    location and the stored standing (drafts count for overlaps) still follow."""
    from fieldwork.models import StoredStanding, Trip
    from fieldwork.selectors import standing_for
    from fieldwork.services import registrations as service
    from fieldwork.stored.standings import refresh, serialize

    from .registration_helpers import line, registered

    plan, cadre = people["plan"], people["cadre"]
    refresh(plan)
    reg = registered(plan, cadre)
    trip = reg.trips.get()
    service.update_line(actor=cadre, trip=trip, data=line(plan, days="2", location="Phường 1, TP. Tây Ninh"))
    assert Trip.objects.get(pk=trip.pk).location_key == "phuong 1|tp tay ninh"
    row = StoredStanding.objects.get(plan=plan, person=cadre)
    assert row.data == serialize(standing_for(plan, cadre, row.as_of))


def test_plan_affected_pages_every_rule_and_agrees_with_the_full_list(client, people, django_assert_max_num_queries):
    """docs/rules.md “Stored standings”: the plan's "affected" page shows the first people of each rule and how many
    there are in all; the numbers and the first names equal the full lists'; its queries do not
    grow with the people."""
    from datetime import date

    from fieldwork.models import Exemption, ExemptionReason

    plan = people["plan"]
    for i in range(6):
        UserFactory(department=people["d1"], full_name=f"Phan Văn Nhóm {i}", email=f"n{i}@tn.vn", group_code="2.1")
    UserFactory(department=people["d1"], full_name="Lạc Nhóm", email="lac@tn.vn", group_code="9.9")
    reason = ExemptionReason.objects.get(plan=plan, code="thai-san")
    for i in range(3):
        p = UserFactory(department=people["d2"], full_name=f"Đỗ Thị Miễn {i}", email=f"m{i}@tn.vn", group_code="2.2")
        Exemption.objects.create(
            person=p, reason=reason, start=date(2023, 3, 1), end=date(2023, 9, 1), status="approved"
        )
    full = plan_affected(plan)
    with CaptureQueriesContext(connection) as before:
        paged = plan_affected(plan, limit=2)

    def flat(a, key):
        return {
            "groups": {g.code: ([key(p) for p in m], m.total) for g, m in a.groups},
            "positions": {r.code: ([key(p) for p in m], m.total) for r, m in a.position_reasons},
            "individual": {r.code: ([key(e.person) for e in m], m.total) for r, m in a.individual_reasons},
            "without": ([key(p) for p in a.without_group], a.without_group.total),
        }

    f, g = flat(full, lambda p: p.pk), flat(paged, lambda p: p.pk)
    for part in ("groups", "positions", "individual"):
        for code, (members, total) in f[part].items():
            assert total == len(members)
            assert g[part][code] == (members[:2], total), (part, code)
    assert g["without"] == (f["without"][0][:2], f["without"][1]) and f["without"][1] >= 1
    assert f["groups"]["2.1"][1] >= 7 and f["individual"]["thai-san"][1] == 3

    # Twice the people in the same groups and reasons: the same queries.
    for i in range(8):
        UserFactory(department=people["d2"], full_name=f"Trương Văn Thêm {i}", email=f"t{i}@tn.vn", group_code="2.1")
        p = UserFactory(department=people["d1"], full_name=f"Mã Thị Thêm {i}", email=f"mt{i}@tn.vn", group_code="2.2")
        Exemption.objects.create(
            person=p, reason=reason, start=date(2023, 3, 1), end=date(2023, 9, 1), status="approved"
        )
    with CaptureQueriesContext(connection) as after:
        again = plan_affected(plan, limit=2)
    assert len(after.captured_queries) == len(before.captured_queries)
    assert dict(flat(again, lambda p: p.pk)["individual"])["thai-san"][1] == 11

    client.force_login(people["board"])
    body = client.get(reverse("fieldwork:plan_affected", args=[plan.pk])).content.decode()
    assert "Phan Văn Nhóm 0" in body and "Đỗ Thị Miễn 2" in body  # under the page's limit: everyone


def test_the_plan_page_counts_recorded_trips_from_the_stored_rows(client, people):
    """The plan page's "trips recorded" is summed from the stored standings (docs/rules.md “Stored standings”): it
    equals the trips of the plan's cadres that are not cancelled or rejected, drafts included."""
    from datetime import date

    from fieldwork.models import Trip
    from tests.factories import make_trip

    plan, cadre = people["plan"], people["cadre"]
    make_trip(plan, cadre, start=date(2023, 3, 1), end=date(2023, 3, 2), days="2", status=Trip.Status.CONFIRMED)
    make_trip(plan, cadre, start=date(2023, 4, 1), end=date(2023, 4, 1), days="1", status=Trip.Status.DRAFT)
    make_trip(
        plan, people["cadre2"], start=date(2023, 5, 1), end=date(2023, 5, 1), days="1", status=Trip.Status.APPROVED
    )
    gone = make_trip(plan, cadre, start=date(2023, 6, 1), end=date(2023, 6, 1), days="1", status=Trip.Status.APPROVED)
    gone.status = Trip.Status.CANCELLED
    gone.save()
    client.force_login(people["board"])
    resp = client.get(reverse("fieldwork:plan_detail", args=[plan.pk]))
    assert resp.context["trip_count"] == 3


def _cadre_trips(plan, person, week: int, n: int):
    """n trips of each state a cadre's pages list apart: returned reports, approved trips to
    report, confirmed ones, draft lines of a registration, and overlapping pairs (violations
    that name their trips on the panel)."""
    from datetime import date, timedelta

    from fieldwork.models import Trip
    from tests.factories import make_trip

    day = date(2023, 1, 2) + timedelta(weeks=week)
    for i in range(n):
        for status in (Trip.Status.RETURNED, Trip.Status.APPROVED, Trip.Status.CONFIRMED, Trip.Status.DRAFT):
            make_trip(plan, person, start=day, end=day, days="1", status=status, location=f"Xã {week} {i} {status}")
            day += timedelta(days=1)
        make_trip(plan, person, start=day, end=day + timedelta(days=1), days="2", location="Xã Chồng 1")
        make_trip(
            plan, person, start=day + timedelta(days=1), end=day + timedelta(days=1), days="1", location="Chồng 2"
        )
        day += timedelta(days=3)


CADRE_PAGES = {  # docs/rules.md “Stored standings”: the most a cadre's own page reads, whatever their trips
    "fieldwork:cadre_dashboard": 14,
    "fieldwork:my_trips": 9,
    "fieldwork:registrations": 16,
}


def test_a_cadres_own_pages_read_the_same_whatever_their_trips(client, people):
    """The cadre's dashboard, trips and registrations read a fixed number of times: no read per
    trip or per returned report, the person not read again by the page, their trips once (the
    upcoming, those to fix and those a violation names), the current plan once."""
    plan, cadre = people["plan"], people["cadre"]
    _cadre_trips(plan, cadre, 0, 1)
    _cadre_trips(plan, people["cadre2"], 0, 1)
    client.force_login(cadre)

    def counts():
        out = {}
        for name in CADRE_PAGES:
            client.get(reverse(name))  # warm: the session's first write
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(reverse(name))
            assert resp.status_code == 200, name
            out[name] = len(ctx.captured_queries)
        return out

    few = counts()
    for name, most in CADRE_PAGES.items():
        assert few[name] <= most, (name, few[name])
    _cadre_trips(plan, cadre, 8, 12)  # 12 more of each: returned reports, trips to report, violations
    _cadre_trips(plan, people["cadre2"], 8, 12)
    assert counts() == few

    body = client.get(reverse("fieldwork:cadre_dashboard")).content.decode()
    assert "Xã 0 0 returned" in body and "Xã 0 0 approved" in body  # to report or correct, from the one read
    assert "Xã Chồng 1" in body  # a violation names its trip on the panel, from the same read

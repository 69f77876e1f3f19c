"""Grassroots coverage (docs/rules.md “Results and mẫu 3”): communes/wards and Union units visited, and never visited."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from fieldwork.models import Trip
from fieldwork.selectors import coverage as cov
from tests.access import assert_access
from tests.factories import make_trip


def test_province_of_organization(people):
    assert cov.province_of(people["org"]).name == "Tây Ninh"
    org = people["org"]
    org.place, org.name = "Đà Nẵng", "Thành đoàn Đà Nẵng"
    assert cov.province_of(org).name == "Thành phố Đà Nẵng"
    org.place, org.name = "Trung ương", "Trung ương Đoàn"
    assert cov.province_of(org) is None


def test_coverage_counts(people):
    plan = people["plan"]
    # One ward reached three ways (structured code, a comma part of the text, the bare text), a Union unit.
    c = cov.coverage(plan)
    tan_dong = next(w for w in c.unvisited if w.name == "Xã Tân Đông")
    code = f"{int(tan_dong.code):05d}"
    make_trip(
        plan, people["cadre"], start=date(2023, 2, 1), days="2", location="Ấp 3", ward_code=code, province_code="80"
    )
    make_trip(
        plan, people["cadre"], start=date(2023, 3, 1), days="1.5", location="Chi đoàn ấp 5, xã tân đông, Tỉnh Tây Ninh"
    )
    make_trip(plan, people["cadre2"], start=date(2023, 4, 1), days="3", location="Xã Tân Đông")
    make_trip(plan, people["cadre2"], start=date(2023, 5, 1), days="1", location="Huyện đoàn Châu Thành")
    make_trip(plan, people["head"], start=date(2023, 5, 2), days="1", location="huyện  đoàn châu thành.")
    make_trip(
        plan, people["head"], start=date(2023, 6, 1), days="5", location="Xã Tân Đông", status=Trip.Status.REPORTED
    )  # not confirmed
    c = cov.coverage(plan)
    rows = {r.name: (r.kind, r.trips, r.days, r.cadre_count) for r in c.visited}
    assert rows == {
        "Xã Tân Đông": ("ward", 3, Decimal("6.5"), 2),
        "Huyện đoàn Châu Thành": ("unit", 2, Decimal("2"), 2),
    }
    assert c.ward_total == 96 and c.wards_visited == 1
    assert len(c.unvisited) == 95 and all(w.name != "Xã Tân Đông" for w in c.unvisited)


def test_coverage_page(client, people):
    make_trip(people["plan"], people["cadre"], start=date(2023, 2, 1), days="2", location="Xã Tân Đông")
    url = reverse("fieldwork:coverage") + "?year=2023"
    assert_access(
        client,
        url,
        allowed=[people["board"], people["deputy"], people["inspector"]],
        forbidden=[people["head"], people["cadre"]],
    )
    client.force_login(people["board"])
    resp = client.get(url)
    html = resp.content.decode()
    assert "Tây Ninh: đã đến 1/96 xã, phường." in html
    assert "Xã Tân Đông" in html
    resp = client.get(url + "&view=unvisited")
    assert resp.context["page"].paginator.count == 95 and len(resp.context["page"].object_list) == 25
    resp = client.get(url + "&view=unvisited&page=4")
    assert len(resp.context["page"].object_list) == 20
    client.force_login(people["inspector"])
    assert client.post(url).status_code == 403

"""Calendar month view and the personal iCalendar feed (docs/rules.md “Results and mẫu 3”, RFC 5545)."""

from datetime import date

from django.urls import reverse

from fieldwork.models import Trip
from fieldwork.views.calendar import fold, ical_escape
from tests.access import assert_access
from tests.factories import make_trip


def test_month_view_mine_and_department(client, people):
    plan = people["plan"]
    mine = make_trip(
        plan,
        people["cadre"],
        start=date(2023, 3, 30),
        end=date(2023, 4, 2),
        days="3",
        status=Trip.Status.APPROVED,
        location="Xã Của Tôi",
    )
    colleague = make_trip(
        plan,
        people["cadre2"],
        start=date(2023, 4, 10),
        days="1",
        status=Trip.Status.APPROVED,
        location="Xã Đồng Nghiệp",
    )
    make_trip(
        plan, people["cadre"], start=date(2023, 4, 12), days="1", status=Trip.Status.CANCELLED, location="Xã Đã Hủy"
    )
    make_trip(plan, people["other_cadre"], start=date(2023, 4, 12), days="1", location="Xã Ban Khác")
    url = reverse("fieldwork:calendar")
    client.force_login(people["cadre"])
    resp = client.get(url + "?month=2023-04")
    assert [t.pk for t in resp.context["trips"]] == [mine.pk]
    days_with_trip = [c["date"] for w in resp.context["weeks"] for c in w if c["trips"]]
    assert days_with_trip == [date(2023, 4, 1), date(2023, 4, 2)]  # clipped to the month
    # A cadre cannot switch to the department view.
    resp = client.get(url + "?month=2023-04&scope=department")
    assert resp.context["scope"] == "mine"
    client.force_login(people["head"])
    resp = client.get(url + "?month=2023-04&scope=department")
    assert {t.pk for t in resp.context["trips"]} == {mine.pk, colleague.pk}
    assert "Xã Ban Khác" not in resp.content.decode()
    assert client.get(url + "?month=rác").status_code == 200
    assert_access(client, url, allowed=[people["cadre"], people["inspector"]])


def test_ical_feed(client, people):
    plan, cadre = people["plan"], people["cadre"]
    t = make_trip(
        plan,
        cadre,
        start=date(2023, 3, 1),
        end=date(2023, 3, 5),
        days="4.5",
        status=Trip.Status.CONFIRMED,
        location="Xã Tân Đông, Tỉnh Tây Ninh; ấp 3",
        content="Dòng 1\nDòng 2",
    )
    make_trip(plan, cadre, start=date(2023, 4, 1), days="1", status=Trip.Status.APPROVED)
    make_trip(plan, cadre, start=date(2023, 5, 1), days="1", status=Trip.Status.REPORTED)
    make_trip(plan, cadre, start=date(2023, 6, 1), days="1", status=Trip.Status.DRAFT)
    make_trip(plan, cadre, start=date(2023, 7, 1), days="1", status=Trip.Status.CANCELLED)
    make_trip(plan, people["cadre2"], start=date(2023, 8, 1), days="1", status=Trip.Status.CONFIRMED)
    client.logout()  # no login: the token is the credential
    resp = client.get(reverse("fieldwork:ical_feed", args=[cadre.calendar_feed_token]))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "text/calendar; charset=utf-8"
    body = resp.content.decode("utf-8")
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 3  # approved, reported, confirmed; not draft/cancelled/others'
    unfolded = body.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert f"UID:trip-{t.pk}@127.0.0.1:8000" in lines
    assert "DTSTART;VALUE=DATE:20230301" in lines
    assert "DTEND;VALUE=DATE:20230306" in lines  # exclusive end of an all-day event
    assert "LOCATION:Xã Tân Đông\\, Tỉnh Tây Ninh\\; ấp 3" in lines
    assert "SUMMARY:Đi cơ sở: Xã Tân Đông\\, Tỉnh Tây Ninh\\; ấp 3 (4\\,5 ngày)" in lines
    assert any(line.startswith("DESCRIPTION:") and "Dòng 1\\nDòng 2" in line for line in lines)
    assert "STATUS:CONFIRMED" in lines and "STATUS:TENTATIVE" in lines
    for raw in body.split("\r\n"):
        assert len(raw.encode("utf-8")) <= 75


def test_unknown_or_reset_token_is_404(client, people):
    cadre = people["cadre"]
    old = cadre.calendar_feed_token
    assert client.get(reverse("fieldwork:ical_feed", args=["khong-co"])).status_code == 404
    client.force_login(cadre)
    resp = client.post(reverse("fieldwork:calendar_token_reset"))
    assert resp.status_code == 302
    cadre.refresh_from_db()
    assert cadre.calendar_feed_token != old and len(cadre.calendar_feed_token) >= 40
    client.logout()
    assert client.get(reverse("fieldwork:ical_feed", args=[old])).status_code == 404
    assert client.get(reverse("fieldwork:ical_feed", args=[cadre.calendar_feed_token])).status_code == 200
    assert client.get(reverse("fieldwork:calendar_token_reset")).status_code in (302, 405)


def test_escape_and_fold():
    assert ical_escape("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    line = "SUMMARY:" + "Đoàn viên " * 20
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert fold("short") == "short"

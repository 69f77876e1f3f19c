"""docs/rules.md “Phones, photos, offline, NFC”: every cadre and head page on a phone.

The pages come from the URL conf (tests/browser/site_pages.py), so a page added later is checked
too. Each is opened at 390 px (and re-measured at 360 px): no visible element may scroll sideways
(scrollWidth <= clientWidth for every element with overflow-x auto/scroll), the page may not be
wider than the viewport, and its text is NFC. Screenshots: artifacts/screenshots/phone/.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from tests.browser.conftest import SCREENSHOTS, login
from tests.browser.site_pages import pages_of

OVERFLOW_JS = (Path(__file__).parent / "overflow.js").read_text(encoding="utf-8")
PHONE = SCREENSHOTS / "phone"
# Long words that must wrap instead of widening a card.
LONG_LOCATION = "Chi đoàn Trường THPT chuyên Hoàng Lê Kha, phường Tân Ninh, tỉnh Tây Ninh"
LONG_CONTENT = "Kiểm tra sổ sách tại https://doanthanhnien.tayninh.example/van-ban/2026/ke-hoach-so-123-KH-TĐTN"


def _small_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def _enrich_demo():
    """The demo organization, plus what a head's inbox and a cadre's pages show on a busy day:
    a submitted registration of a member, a pending cancel request, a draft line, an attachment."""
    from accounts.models import User
    from fieldwork.cycles import registration_periods
    from fieldwork.management.commands._demo_data import DEMO_YEAR
    from fieldwork.models import Category, Registration, Trip, TripAttachment
    from fieldwork.services import change_requests, registrations
    from fieldwork.services.registrations import add_line, registration_for
    from fieldwork.trip_fields import TripInput

    call_command("load_demo", verbosity=0)
    xuan = User.objects.get(email="xuan.mt@tayninh.test")
    dinh = User.objects.get(email="dinh.tv@tayninh.test")
    head = User.objects.get(email="anh.dn@tayninh.test")
    plan = Trip.objects.filter(person=xuan).first().plan
    cat = Category.objects.get(plan=plan, code="1.5")

    # The demo's last registration period: the whole year (Tây Ninh is annual: docs/rules.md “The seeds' cycle and rules”),
    # where the members' registrations are approved; a newcomer's registration waits instead.
    period = registration_periods(plan)[-1]
    reg = registration_for(person=dinh, plan=plan, quarter=period)
    if reg.status == Registration.Status.APPROVED:
        from tests.factories import UserFactory

        dinh = UserFactory(department=head.department, full_name="Trần Văn Mới", email="moi.tv@tayninh.test")
        reg = registration_for(person=dinh, plan=plan, quarter=period)
    add_line(
        actor=dinh,
        registration=reg,
        data=TripInput(
            category=cat,
            start=date(DEMO_YEAR, 12, 26),
            end=date(DEMO_YEAR, 12, 27),
            days=Decimal("2"),
            location=LONG_LOCATION,
            content=LONG_CONTENT,
        ),
    )
    reg.refresh_from_db()
    registrations.submit(actor=dinh, registration=reg, version=reg.version)

    approved = Trip.objects.filter(person=xuan, status=Trip.Status.APPROVED).order_by("start").first()
    change_requests.request_cancel(actor=xuan, trip=approved, reason="Trùng lịch họp Ban Chấp hành tỉnh đoàn.")
    xuan_reg = Registration.objects.get(person=xuan, plan=plan, quarter=period)
    if xuan_reg.status != Registration.Status.APPROVED:  # a draft line (quarterly cycle only)
        add_line(
            actor=xuan,
            registration=xuan_reg,
            data=TripInput(
                category=cat,
                start=date(DEMO_YEAR, 12, 28),
                end=date(DEMO_YEAR, 12, 28),
                days=Decimal("1"),
                location=LONG_LOCATION,
                content=LONG_CONTENT,
            ),
        )
    reported = Trip.objects.filter(person=xuan, status=Trip.Status.REPORTED).first()
    att = TripAttachment(trip=reported, original_name="anh-sinh-hoat-chi-doan.png", content_type="image/png", size=1)
    att.file.save("demo.png", ContentFile(_small_png()), save=False)
    att.save()
    return {"cadre": xuan, "head": head}


def _measure(page, width: int) -> dict:
    page.set_viewport_size({"width": width, "height": 844})
    return page.evaluate(OVERFLOW_JS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_cadre_and_head_page_fits_a_phone(page, settings):
    from fieldwork.management.commands._demo_data import DEMO_PASSWORD

    people = _enrich_demo()
    PHONE.mkdir(parents=True, exist_ok=True)
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    problems, seen = [], {}
    for role, user in people.items():
        pages, unknown = pages_of(user)
        assert not unknown, (
            f"Routes with arguments that tests/browser/site_pages.py cannot fill: {unknown}. "
            "Add them to ARGUMENTS (how to open the page) or NOT_PAGES (not a page)."
        )
        seen[role] = [name for name, _url in pages]
        page.context.clear_cookies()
        page.set_viewport_size({"width": 390, "height": 844})
        login(page, user.email, DEMO_PASSWORD)
        counts: dict[str, int] = {}
        for name, url in pages:
            page.goto(page.base_url + url)
            page.wait_for_load_state("networkidle")
            counts[name] = counts.get(name, 0) + 1
            label = re.sub(r"[^a-z0-9_-]+", "-", f"{role}-{name.split(':')[-1]}")
            if counts[name] > 1:
                label += f"-{counts[name]}"
            for width in (390, 360):
                result = _measure(page, width)
                if result["overflowing"] or result["pageTooWide"]:
                    problems.append((role, url, width, result["documentWidth"], result["overflowing"][:3]))
                if not result["nfc"]:
                    problems.append((role, url, width, "text not NFC", []))
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(PHONE / f"{label}.png"), full_page=True)
    assert not problems, "\n".join(map(str, problems))
    assert not csp_errors, csp_errors
    # The pages the issue names are among those checked.
    for name in ("registrations", "registration_detail", "my_trips", "trip_report", "my_standing", "calendar"):
        assert f"fieldwork:{name}" in seen["cadre"], (name, seen["cadre"])
    for name in (
        "approvals",
        "registration_review",
        "trips_to_confirm",
        "trip_return",
        "department_plan",
        "quarter_report",
        "department_home",
    ):
        assert f"fieldwork:{name}" in seen["head"], (name, seen["head"])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_table_rows_become_cards_with_labels_on_a_phone(page, settings):
    from fieldwork.management.commands._demo_data import DEMO_PASSWORD

    people = _enrich_demo()
    login(page, people["cadre"].email, DEMO_PASSWORD)
    page.goto(page.base_url + "/dot-di/?year=2026")
    table = page.get_by_test_id("my-trips")
    assert table.locator("thead th").first.is_visible()  # a desktop table at 1280 px
    page.set_viewport_size({"width": 390, "height": 844})
    first = table.locator("tbody tr").first
    row_box = first.bounding_box()
    assert row_box["width"] <= 390
    # The header row is hidden; every value cell carries its column's name.
    assert table.locator("thead").bounding_box()["width"] <= 1
    days_cell = first.locator("td").nth(2)
    label = days_cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Số ngày"'
    # Numbers and statuses stay visible inside the card.
    status = first.locator(".badge").first
    assert status.is_visible()
    box = status.bounding_box()
    assert box["x"] >= row_box["x"] and box["x"] + box["width"] <= row_box["x"] + row_box["width"]
    # Two rows are two cards: one below the other, not side by side.
    second = table.locator("tbody tr").nth(1).bounding_box()
    assert second["y"] >= row_box["y"] + row_box["height"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_overflow_check_catches_a_table_that_scrolls_sideways(page, people):
    """The measurement of test_every_cadre_and_head_page_fits_a_phone can fail: a plain wide
    table (no .table-cards) in a .table-responsive is reported, and so is a page wider than the phone."""
    from tests.factories import PASSWORD

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, people["cadre"].email, PASSWORD)
    page.goto(page.base_url + "/tinh-hinh/cua-toi/?year=2023")
    assert _measure(page, 390)["overflowing"] == [] and not _measure(page, 390)["pageTooWide"]
    page.evaluate(
        """() => {
        const box = document.createElement("div");
        box.className = "table-responsive";
        box.innerHTML = "<table class='table'><tr>" + "<td>Cột&nbsp;số&nbsp;liệu&nbsp;rất&nbsp;dài</td>".repeat(8) + "</tr></table>";
        document.querySelector("main").append(box);
    }"""
    )
    result = _measure(page, 390)
    assert [o["element"] for o in result["overflowing"]] == ["div.table-responsive"]
    assert result["overflowing"][0]["scrollWidth"] > result["overflowing"][0]["clientWidth"]
    page.evaluate(
        "() => { const d = document.createElement('div'); d.style.width = '600px'; d.textContent = 'x'; document.querySelector('main').append(d); }"
    )
    assert _measure(page, 390)["pageTooWide"]

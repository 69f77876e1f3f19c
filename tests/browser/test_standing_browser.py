"""Standings in a real browser (docs/domain.md §7): my standing on a phone, the standings table, the plan editor."""

from datetime import date

import pytest

from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, make_trip


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_standing_pages_and_plan_editor(page, people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], start=date(2023, 2, 1), end=date(2023, 3, 2), days="30", immersion=True)
    make_trip(plan, people["cadre"], category="moi", start=date(2023, 5, 2), days="1")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    login(page, people["cadre"].email, PASSWORD)
    page.goto(page.base_url + "/tinh-hinh/cua-toi/?as_of=2023-06-30")
    assert page.get_by_test_id("standing-status").inner_text() == "Có nguy cơ không đạt"
    assert page.get_by_test_id("standing-bar").inner_text() == "50%"
    bar_width = page.get_by_test_id("standing-bar").bounding_box()["width"]
    track = page.locator(".progress").first.bounding_box()["width"]
    assert abs(bar_width / track - 0.5) < 0.02  # the .w-pct-50 class works under the CSP
    shot(page, "issue4-my-standing-phone", width=390)

    page.context.clear_cookies()
    login(page, people["board"].email, PASSWORD)
    page.goto(page.base_url + "/tinh-hinh/?as_of=2023-06-30")
    assert page.get_by_test_id("standing-row").count() == 9
    page.select_option("#f-status", "at_risk")
    page.wait_for_load_state("networkidle")
    assert "status=at_risk" in page.url
    shot(page, "issue4-standings")

    page.goto(page.base_url + f"/ke-hoach/{plan.pk}/sua/")
    page.fill("input[name=min_days]", "55")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/ke-hoach/{plan.pk}/"), [
        page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
    ]
    plan.refresh_from_db()
    assert plan.min_days == 55
    shot(page, "issue4-plan-detail")
    assert not [e for e in errors if "Content Security Policy" in e], errors

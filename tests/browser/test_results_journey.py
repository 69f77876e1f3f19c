"""A cadre reports a trip, the head confirms it, the cadre's progress moves (docs/rules.md “Results and mẫu 3”);
screenshots of every dashboard at phone and desktop widths."""

from datetime import date

import pytest

from fieldwork.models import Trip
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, DepartmentFactory, UserFactory, make_plan, make_trip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page, email):
    page.context.clear_cookies()
    login(page, email, PASSWORD)


def _progress_ids(page):
    # The standing panel (another area's partial) when it exists, else the page's own card.
    if page.get_by_test_id("standing-panel").count():
        return "standing-done", "standing-bar"
    return "done-days", "progress-bar"


def done_days(page) -> str:
    page.goto(page.base_url + "/tong-quan/ca-nhan/?year=2023")
    return page.get_by_test_id(_progress_ids(page)[0]).inner_text().strip()


def test_report_confirm_progress_and_dashboards(page):
    plan = make_plan("tay-ninh-2023")
    org = plan.organization
    d1 = DepartmentFactory(organization=org, name="Ban Phong trào")
    cadre = UserFactory(department=d1, full_name="Trần Thị Dung", email="dung@tn.vn", group_code="2.3")
    UserFactory(department=d1, full_name="Lê Văn Em", email="em@tn.vn", group_code="2.3")
    head = UserFactory(
        department=d1,
        full_name="Võ Minh Hải",
        email="hai@tn.vn",
        position="Trưởng Ban",
        group_code="2.2",
        roles=["cadre", "head"],
    )
    board = UserFactory(
        department=d1, full_name="Bùi Văn Khoa", email="khoa@tn.vn", group_code="2.3", roles=["cadre", "board"]
    )
    inspector = UserFactory(
        department=d1, full_name="Mai Văn Phúc", email="phuc@tn.vn", group_code="2.3", roles=["cadre", "inspection"]
    )
    make_trip(plan, cadre, start=date(2023, 2, 1), end=date(2023, 2, 10), days="10", location="Xã Tân Đông")
    make_trip(plan, head, start=date(2023, 2, 1), end=date(2023, 3, 31), days="45", location="Xã Tân Hưng")
    trip = make_trip(
        plan,
        cadre,
        start=date(2023, 3, 1),
        end=date(2023, 3, 7),
        days="7",
        status=Trip.Status.APPROVED,
        location="Xã Hưng Điền",
    )

    # The cadre: 10 days before reporting.
    login(page, cadre.email, PASSWORD)
    assert done_days(page) == "10"
    shot(page, "results-cadre-dashboard-desktop", width=1280)
    shot(page, "results-cadre-dashboard-phone", width=390)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Report what was done: 5 of the 7 planned days, with results.
    page.goto(page.base_url + f"/dot-di/{trip.pk}/bao-cao/")
    page.fill("input[name=start]", "2023-03-02")
    page.fill("input[name=end]", "2023-03-06")
    page.fill("input[name=days]", "4,5")
    page.fill("textarea[name=results]", "Hỗ trợ chi đoàn ấp 3 tổ chức Đại hội")
    page.get_by_test_id("submit-report").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("trip-status").inner_text().strip() == "Đã báo cáo, chờ xác nhận"
    assert page.get_by_test_id("trip-days").inner_text().strip() == "4,5"
    assert done_days(page) == "10"  # not counted until confirmed

    # The head confirms it.
    _switch(page, head.email)
    page.goto(page.base_url + "/tong-quan/ban/?year=2023")
    shot(page, "results-department-desktop", width=1280)
    shot(page, "results-department-phone", width=390)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + f"/dot-di/{trip.pk}/")
    page.get_by_test_id("confirm-button").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("trip-status").inner_text().strip() == "Đã thực hiện"

    # The cadre's progress moved.
    _switch(page, cadre.email)
    assert done_days(page) == "14,5"
    assert "w-pct-24" in page.get_by_test_id(_progress_ids(page)[1]).get_attribute("class")  # 14,5 / 60

    # The Board's and the Inspection Committee's dashboards; coverage.
    _switch(page, board.email)
    page.goto(page.base_url + "/tong-quan/co-quan/?year=2023")
    assert "cán bộ đi cơ sở" in page.get_by_test_id("headline").inner_text()
    shot(page, "results-organization-desktop", width=1280)
    shot(page, "results-organization-phone", width=390)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + "/tong-quan/dia-ban/?year=2023")
    shot(page, "results-coverage-desktop", width=1280)
    shot(page, "results-coverage-phone", width=390)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + f"/bao-cao-quy/{d1.pk}/quy-1/?year=2023")
    shot(page, "results-mau3-desktop", width=1280)
    shot(page, "results-mau3-phone", width=390)

    _switch(page, inspector.email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + "/tong-quan/co-quan/?year=2023")
    assert page.get_by_test_id("headline").is_visible()
    shot(page, "results-organization-inspection-desktop", width=1280)
    shot(page, "results-organization-inspection-phone", width=390)
    page.goto(page.base_url + "/lich/?month=2023-03")
    shot(page, "results-calendar-phone", width=390)
    shot(page, "results-calendar-desktop", width=1280)

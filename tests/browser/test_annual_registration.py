"""In a browser (docs/rules.md “The seeds' cycle and rules”): the annual cycle of the Tây Ninh plan. A cadre registers trips of several
quarters in the year's single mẫu 1 and submits; the head approves and submits the year's mẫu 2;
a Standing Committee member approves it. Screenshots (artifacts/screenshots/annual-*)."""

import pytest

from fieldwork.models import DepartmentPlan, Registration
from tests.factories import PASSWORD

from .conftest import login, shot
from .test_registration_journey import _add_line, _logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_annual_registration_journey(page, people):
    cadre, head, deputy = people["cadre"], people["head"], people["deputy"]
    base = page.base_url
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, cadre.email, PASSWORD)
    page.goto(f"{base}/dang-ky/?year=2023")
    assert page.locator("[data-testid=quarter-0]").count() == 1 and page.locator("[data-testid=quarter-1]").count() == 0
    assert "15/02/2023" in page.inner_text("[data-testid=quarter-0]")
    shot(page, "annual-01-registrations")
    page.click("[data-testid=quarter-0] a")
    assert "Bản đăng ký đi cơ sở năm 2023" in page.inner_text("h1")
    for start, end, days in (("2023-02-01", "2023-02-03", "3"), ("2023-08-07", "2023-08-09", "3")):
        _add_line(
            page,
            category="1.5 Tham dự sinh hoạt chi đoàn",
            start=start,
            end=end,
            days=days,
            detail="Chi đoàn ấp Tân Đông",
            content="Dự sinh hoạt chi đoàn",
        )
        page.click("[data-testid=save-line]")
        page.wait_for_selector("text=Đã thêm đợt đi cơ sở")
    assert page.locator("[data-testid=line-row]").count() == 2  # February and August in one registration
    page.click("[data-testid=submit-registration]")
    page.wait_for_selector("text=Đã gửi bản đăng ký để phê duyệt")
    shot(page, "annual-02-submitted")

    _logout(page)
    login(page, head.email, PASSWORD)
    page.goto(f"{base}/phe-duyet/")
    assert "năm 2023" in page.inner_text("[data-testid=inbox-row]")
    page.click("[data-testid=open-registration]")
    page.click("[data-testid=approve]")
    page.wait_for_selector("text=Đã phê duyệt bản đăng ký")
    page.goto(f"{base}/ke-hoach-ban/?year=2023")
    assert "/quy-0/" in page.url
    assert "năm 2023 (mẫu 2)" in page.inner_text("h1")
    assert "20/02/2023" in page.inner_text("[data-testid=deadlines]")
    shot(page, "annual-03-mau2")
    page.click("[data-testid=submit-department-plan]")
    page.wait_for_selector("text=Đã gửi kế hoạch của ban")

    _logout(page)
    login(page, deputy.email, PASSWORD)
    page.goto(f"{base}/phe-duyet/")
    page.click("[data-testid=open-department-plan]")
    page.click("[data-testid=approve-department-plan]")
    page.wait_for_selector("text=Đã phê duyệt kế hoạch của Ban Phong trào")
    shot(page, "annual-04-mau2-approved")
    assert Registration.objects.get(person=cadre).quarter == 0
    assert DepartmentPlan.objects.get(department=people["d1"]).quarter == 0

"""Registration end to end in a browser (docs/rules.md “Registration (mẫu 1) and the department plan
(mẫu 2)”): a cadre registers two trips and submits; the head returns it
with a comment; the cadre fixes and resubmits; the head approves, consolidates mẫu 2 and submits
it; a Standing Committee member approves. Screenshots at each step (artifacts/screenshots/)."""

import re

import pytest
from playwright.sync_api import expect

from fieldwork.models import DepartmentPlan, Registration, Trip
from tests.factories import PASSWORD
from tests.fieldwork.registration_helpers import quarterly_people  # noqa: F401 (the quarterly cycle)

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _logout(page):
    page.context.clear_cookies()


def _add_line(page, *, category, start, end, days, province=None, ward_search=None, detail="", content=""):
    page.select_option("select[name=category]", label=category)
    page.fill("input[name=start]", start)
    page.fill("input[name=end]", end)
    page.fill("input[name=days]", days)
    if province:
        page.select_option("select[name=province]", province)
        page.wait_for_selector("select[name=ward] option:nth-child(3)", state="attached")
        if ward_search:
            page.fill("input[name=ward_search]", ward_search)
            expect(page.locator("select[name=ward] option")).to_have_count(2)
            page.select_option("select[name=ward]", index=1)
    if detail:
        page.fill("input[name=location_detail]", detail)
    page.fill("textarea[name=content]", content)
    page.locator("textarea[name=content]").dispatch_event("change")


def test_registration_journey(page, people):
    plan, cadre, head, deputy = people["plan"], people["cadre"], people["head"], people["deputy"]
    base = page.base_url
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The cadre registers two trips, checked as they type.
    login(page, cadre.email, PASSWORD)
    page.goto(f"{base}/dang-ky/?year=2023")
    shot(page, "registration-01-quarters")
    page.click("[data-testid=quarter-1] a")
    _add_line(
        page,
        category="1.1 Phối hợp tổ chức, triển khai hoạt động tại cơ sở",
        start="2023-02-01",
        end="2023-02-05",
        days="7",
        province="80",
        ward_search="tan dong",
        content="Phối hợp tổ chức Ngày hội thanh niên",
    )
    page.wait_for_selector("[data-testid=line-errors]")
    assert "Số ngày đi lớn hơn" in page.inner_text("[data-testid=line-check]")
    shot(page, "registration-02-live-error")
    page.fill("input[name=days]", "5")
    page.locator("input[name=days]").dispatch_event("change")
    page.wait_for_selector("[data-testid=line-check] [data-testid=standing-preview]")
    assert "Với kế hoạch này: 5/60 ngày (được tính / phải đi), 0/2 đợt cùng ăn, cùng ở, cùng làm" in page.inner_text(
        "[data-testid=line-check]"
    )
    shot(page, "registration-03-live-preview")
    page.click("[data-testid=save-line]")
    page.wait_for_selector("text=Đã thêm đợt đi cơ sở")
    _add_line(
        page,
        category="1.5 Tham dự sinh hoạt chi đoàn",
        start="2023-03-10",
        end="2023-03-10",
        days="1",
        detail="Huyện đoàn Châu Thành",
        content="Dự sinh hoạt chi đoàn",
    )
    page.click("[data-testid=save-line]")
    page.wait_for_selector("text=Đã thêm đợt đi cơ sở")
    assert page.locator("[data-testid=line-row]").count() == 2
    assert "Với kế hoạch này: 6/60 ngày" in page.inner_text("main")
    page.click("[data-testid=submit-registration]")
    page.wait_for_selector("text=Đã gửi bản đăng ký để phê duyệt")
    shot(page, "registration-04-submitted")
    reg = Registration.objects.get(person=cadre, quarter=1)
    assert reg.status == Registration.Status.SUBMITTED

    # 2. The head returns it with a comment.
    _logout(page)
    login(page, head.email, PASSWORD)
    page.goto(f"{base}/phe-duyet/")
    shot(page, "registration-05-inbox")
    page.click("[data-testid=open-registration]")
    page.click("[data-testid=return]")  # without a comment: refused, says why
    page.wait_for_selector("text=Hãy ghi lý do trả lại")
    page.fill("#return_comment", "Đợt tháng 2 chỉ cần 4 ngày, hãy sửa lại.")
    page.click("[data-testid=return]")
    page.wait_for_selector("text=Đã trả lại bản đăng ký")
    shot(page, "registration-06-returned")

    # 3. The cadre fixes the line and resubmits.
    _logout(page)
    login(page, cadre.email, PASSWORD)
    page.goto(f"{base}/dang-ky/quy-1/?year=2023")
    assert "Đợt tháng 2 chỉ cần 4 ngày" in page.inner_text("[data-testid=return-comment]")
    shot(page, "registration-07-cadre-sees-comment")
    page.locator("[data-testid=edit-line]").first.click()
    page.fill("input[name=days]", "4")
    page.click("[data-testid=save-line]")
    page.wait_for_selector("text=Đã lưu thay đổi")
    page.click("[data-testid=submit-registration]")
    page.wait_for_selector("text=Đã gửi bản đăng ký để phê duyệt")
    shot(page, "registration-08-resubmitted")

    # 4. The head approves, then consolidates mẫu 2 and submits it.
    _logout(page)
    login(page, head.email, PASSWORD)
    page.goto(f"{base}/phe-duyet/")
    page.click("[data-testid=open-registration]")
    page.click("[data-testid=approve]")
    page.wait_for_selector("text=Đã phê duyệt bản đăng ký")
    shot(page, "registration-09-approved")
    assert set(Trip.objects.filter(person=cadre).values_list("status", flat=True)) == {"approved"}
    page.goto(f"{base}/ke-hoach-ban/?year=2023")
    page.goto(re.sub(r"quy-\d", "quy-1", page.url))
    assert page.locator("[data-testid=mau2-row]").count() == 2
    shot(page, "registration-10-mau2")
    page.click("[data-testid=submit-department-plan]")
    page.wait_for_selector("text=Đã gửi kế hoạch của ban")
    shot(page, "registration-11-mau2-submitted")

    # 5. A Standing Committee member approves the department's plan.
    _logout(page)
    login(page, deputy.email, PASSWORD)
    page.goto(f"{base}/phe-duyet/")
    shot(page, "registration-12-standing-inbox")
    page.click("[data-testid=open-department-plan]")
    page.click("[data-testid=approve-department-plan]")
    page.wait_for_selector("text=Đã phê duyệt kế hoạch của Ban Phong trào")
    shot(page, "registration-13-mau2-approved")
    assert DepartmentPlan.objects.get(department=people["d1"], quarter=1).status == DepartmentPlan.Status.APPROVED
    shot(page, "registration-14-phone", width=390)
    assert plan.year == 2023

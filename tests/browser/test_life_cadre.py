"""A year in the life, the cadre's and the head's tasks on a 390 × 844 phone, done the way they
failed (docs/rules.md "A year in the life"):

- December: planning January of next year says what to do; the Board opens next year's plan; the
  cadre is told on the home page and registers it there.
- A line added to an approved year: a request for that line alone; the head finds it on top.
- "Tạo báo cáo" offers a cadre only what they may request; a refused choice keeps the form.
- After a failed submit the first error has the focus and is on screen (a long registration,
  returning without a reason).

Screenshots: artifacts/screenshots/life-*.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from fieldwork.models import Category, ChangeRequest, Plan, Registration, Trip
from fieldwork.services import registrations as service
from fieldwork.trip_fields import TripInput
from tests.factories import PASSWORD

from .conftest import login, shot
from .test_registration_journey import _add_line, _logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _approved_year(people, n: int) -> Registration:
    """The cadre's annual registration of 2023 with `n` one-day lines (one a fortnight from
    February), approved by the head: a long page on a phone."""
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    reg = service.registration_for(person=cadre, plan=plan, quarter=0)
    cat = Category.objects.get(plan=plan, code="1.5")
    for i in range(n):
        day = date(2023, 2, 1) + (date(2023, 2, 15) - date(2023, 2, 1)) * i
        service.add_line(
            actor=cadre,
            registration=reg,
            data=TripInput(
                category=cat,
                start=day,
                end=day,
                days=Decimal(1),
                location=f"Chi đoàn ấp {i + 1}, Xã Tân Đông",
                content="Dự sinh hoạt chi đoàn",
            ),
        )
    reg.refresh_from_db()
    reg = service.submit(actor=cadre, registration=reg, version=reg.version)
    return service.approve(actor=head, registration=reg, version=reg.version)


def _in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }",
    )


def test_december_a_cadre_plans_january_once_the_board_opens_next_year(page, people):
    """Point 1: "Ngày bắt đầu 12/01/2024 không thuộc năm 2023 của kế hoạch" and nothing else."""
    cadre, board = people["cadre"], people["board"]
    page.on("dialog", lambda dialog: dialog.accept())
    with time_machine.travel(timezone.make_aware(datetime(2023, 12, 11, 9, 0)), tick=True):
        page.set_viewport_size(PHONE)
        login(page, cadre.email, PASSWORD)
        page.goto(page.base_url + "/dang-ky/quy-0/")
        _add_line(
            page,
            category="1.5 Tham dự sinh hoạt chi đoàn",
            start="2024-01-12",
            end="2024-01-12",
            days="1",
            detail="Chi đoàn ấp Tân Đông",
            content="Dự sinh hoạt chi đoàn đầu năm",
        )
        page.click("[data-testid=save-line]")
        page.wait_for_selector("input[name=start].is-invalid")
        said = page.inner_text("main")
        assert "Kế hoạch năm 2024 chưa được ban hành" in said, said
        assert "Ban Tổ chức – Kiểm tra sẽ mở kế hoạch năm 2024" in said
        shot(page, "life-01-december-not-issued")

        # The Board sees, from the year's last quarter, that next year is not open, and opens it.
        _logout(page)
        page.set_viewport_size({"width": 1366, "height": 900})
        login(page, board.email, PASSWORD)
        page.goto(page.base_url + "/tong-quan/co-quan/?year=2023")
        assert "Kế hoạch năm 2024 chưa được mở" in page.inner_text("[data-testid=open-next-year]")
        shot(page, "life-02-board-open-next-year")
        page.click("[data-testid=open-next-year-button]")
        page.wait_for_selector("text=Đã mở kế hoạch năm 2024")
        assert Plan.objects.filter(organization=people["org"], year=2024).exists()

        # The cadre's home says so; the January line goes into 2024's registration.
        _logout(page)
        page.set_viewport_size(PHONE)
        login(page, cadre.email, PASSWORD)
        page.goto(page.base_url + "/")
        notice = page.get_by_test_id("next-year-open")
        assert "Kế hoạch năm 2024 đã được ban hành" in notice.inner_text()
        shot(page, "life-03-cadre-notice")
        notice.get_by_test_id("next-year-register").click()
        page.click("[data-testid=quarter-0] a")
        assert "năm 2024" in page.inner_text("h1")
        _add_line(
            page,
            category="1.5 Tham dự sinh hoạt chi đoàn",
            start="2024-01-12",
            end="2024-01-12",
            days="1",
            detail="Chi đoàn ấp Tân Đông",
            content="Dự sinh hoạt chi đoàn đầu năm",
        )
        page.click("[data-testid=save-line]")
        page.wait_for_selector("text=Đã thêm đợt đi cơ sở")
    trip = Trip.objects.get(person=cadre, start=date(2024, 1, 12))
    assert trip.plan.year == 2024


def test_a_line_added_to_the_approved_year_waits_alone_and_the_head_finds_it_on_top(page, people):
    """Point 3: the whole year went back to "Nháp", then "Chờ phê duyệt", and the head scrolled
    8,300 px to "Phê duyệt" with nothing marking what is new."""
    cadre, head = people["cadre"], people["head"]
    reg = _approved_year(people, 16)
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_viewport_size(PHONE)
    login(page, cadre.email, PASSWORD)
    page.goto(page.base_url + "/dang-ky/quy-0/?year=2023")
    _add_line(
        page,
        category="1.1 Phối hợp tổ chức, triển khai hoạt động tại cơ sở",
        start="2023-09-20",
        end="2023-09-22",
        days="3",
        detail="Đoàn xã Tân Đông",
        content="Phối hợp tổ chức Ngày hội thanh niên",
    )
    page.click("[data-testid=save-line]")
    page.wait_for_load_state("load")
    assert page.inner_text("[data-testid=registration-status]") == "Đã phê duyệt"
    assert "Đã gửi đề nghị bổ sung đợt đi cơ sở" in page.inner_text("main")
    assert page.locator("[data-testid=submit-registration]").count() == 0  # nothing to send again
    assert "Đợt bổ sung, đang chờ phê duyệt" in page.inner_text("[data-testid=lines]")
    shot(page, "life-04-cadre-added-line")
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED

    _logout(page)
    login(page, head.email, PASSWORD)
    page.goto(page.base_url + "/phe-duyet/")
    assert page.inner_text("[data-testid=count-registrations]") == "0"
    card = page.locator("[data-testid=change-row][data-kind=add]")
    assert "Mới" in card.inner_text() and "Ngày hội thanh niên" in card.inner_text()
    card.get_by_role("link", name="Xem cả bản đăng ký").click()
    # The registration's page: what changed is first, marked new; its approval in the first screen.
    pending = page.get_by_test_id("pending-requests")
    assert "Mới" in pending.inner_text() and "Ngày hội thanh niên" in pending.inner_text()
    approve = pending.get_by_test_id("approve-change")
    assert approve.bounding_box()["y"] < 2 * PHONE["height"], approve.bounding_box()
    assert page.locator("[data-testid=line-row][data-new='1']").count() == 1
    shot(page, "life-05-head-sees-the-new-line")
    approve.click()
    page.wait_for_selector("text=Đã phê duyệt đề nghị của Trần Thị Dung")
    assert page.get_by_test_id("pending-requests").count() == 0
    assert set(reg.trips.values_list("status", flat=True)) == {Trip.Status.APPROVED}
    assert reg.trips.count() == 17
    assert ChangeRequest.objects.get(kind="add").status == ChangeRequest.Status.APPROVED


def test_tao_bao_cao_offers_a_cadre_only_what_they_may_request(page, people):
    """Point 4: every report and every department were offered; a forbidden one ended on a bare
    403 and the form was lost."""
    page.set_viewport_size(PHONE)
    login(page, people["cadre"].email, PASSWORD)
    page.goto(page.base_url + "/bao-cao/tao/")
    kinds = page.locator("select[name=kind] option").all_inner_texts()
    assert kinds == ["Mẫu 1 – Bản đăng ký"], kinds
    assert page.locator("select[name=department]").count() == 0
    assert page.locator("#cadre-search").count() == 0
    shot(page, "life-06-request-cadre")
    # A page left open from before (it still offered the compliance report): the choice comes back
    # refused on the form, with what was chosen, never a bare error page.
    page.evaluate(
        """() => { const o = new Option("Báo cáo tình hình thực hiện quý", "compliance");
                   document.querySelector("select[name=kind]").add(o); }"""
    )
    page.select_option("select[name=kind]", "compliance")
    page.select_option("select[name=format]", "xlsx")
    page.fill("input[name=year]", "2023")
    with page.expect_response(lambda r: r.request.method == "POST" and "/bao-cao/tao/" in r.url) as info:
        page.locator("main form button[type=submit]").click()
    assert info.value.status == 403
    assert "Bạn không được tạo loại báo cáo này" in page.inner_text("[data-testid=error-summary]")
    assert page.input_value("input[name=year]") == "2023" and page.input_value("select[name=format]") == "xlsx"
    shot(page, "life-07-request-refused")
    # What is offered works: the cadre's own mẫu 1.
    page.select_option("select[name=kind]", "mau1")
    with page.expect_download(timeout=30000) as download:
        page.locator("main form button[type=submit]").click()
    assert download.value.suggested_filename.startswith("mau1-tran-thi-dung-2023")


def test_after_a_failed_submit_the_first_error_has_the_focus_and_is_on_screen(page, people):
    """Point 11: the page reloaded at the top with the error 3,300 px below."""
    cadre, cadre2, head = people["cadre"], people["cadre2"], people["head"]
    _approved_year(people, 16)
    page.set_viewport_size(PHONE)
    login(page, cadre.email, PASSWORD)
    page.goto(page.base_url + "/dang-ky/quy-0/?year=2023")
    _add_line(
        page,
        category="1.5 Tham dự sinh hoạt chi đoàn",
        start="2023-10-05",
        end="2023-10-03",  # before the start
        days="1",
        detail="Chi đoàn ấp Tân Đông",
        content="Dự sinh hoạt chi đoàn",
    )
    page.click("[data-testid=save-line]")
    page.wait_for_selector("input[name=end].is-invalid")
    assert page.evaluate("document.documentElement.scrollHeight") > 3 * PHONE["height"]
    assert page.evaluate("document.activeElement.name") == "end"
    assert _in_viewport(page, "input[name=end]")
    assert page.input_value("textarea[name=content]") == "Dự sinh hoạt chi đoàn"  # nothing typed is lost
    # The summary's link leads to the field.
    page.evaluate("window.scrollTo(0, 0)")
    page.click("[data-testid=error-summary] a[href='#id_end']")
    assert page.evaluate("document.activeElement.name") == "end"
    page.wait_for_function(
        "() => { const r = document.querySelector('input[name=end]').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )
    shot(page, "life-08-error-focused")

    # Returning a registration without a reason: the reason box has the focus.
    reg = service.registration_for(person=cadre2, plan=people["plan"], quarter=0)
    for i in range(12):
        service.add_line(
            actor=cadre2,
            registration=reg,
            data=TripInput(
                category=Category.objects.get(plan=people["plan"], code="1.5"),
                start=date(2023, 3, 1 + 2 * i),
                end=date(2023, 3, 1 + 2 * i),
                days=Decimal(1),
                location=f"Chi đoàn khu phố {i + 1}",
                content="Dự sinh hoạt chi đoàn",
            ),
        )
    reg.refresh_from_db()
    service.submit(actor=cadre2, registration=reg, version=reg.version)
    _logout(page)
    login(page, head.email, PASSWORD)
    page.goto(page.base_url + f"/dang-ky/so/{reg.pk}/")
    page.click("[data-testid=return]")
    page.wait_for_selector("#return_comment.is-invalid")
    assert page.evaluate("document.activeElement.id") == "return_comment"
    assert "Hãy ghi lý do trả lại" in page.inner_text("[data-testid=error-summary]")
    assert _in_viewport(page, "#return_comment")
    shot(page, "life-09-return-without-reason")

"""A year in the life, what the pages say (docs/rules.md “A year in the life: what the pages say”), done the way it failed, the cadre and the head on a 390 × 844 phone, the Board on a desktop:

- no engine code ("NOT_COUNTED_CATEGORY", "IMMERSION_TOO_SHORT"…) on the standings table, the
  person's page or the department's page: words, from fieldwork/violations.py;
- one cadre's day totals: the /dang-ky/ banner, its row and the home page agree, each labelled;
- an at-risk status carries its reason in words (an immersion trip missing; a prorated target).

Screenshots: artifacts/screenshots/life-words-*.
"""

from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from fieldwork.models import Registration, Trip
from fieldwork.services import registrations as service
from tests.factories import PASSWORD, make_trip

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
CODES = ("NOT_COUNTED_CATEGORY", "IMMERSION_TOO_SHORT", "IMMERSION_BACK_TO_BACK", "OUTSIDE_FOCUS", "OVERLAP")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _logout(page):
    page.context.clear_cookies()


def _figure(page, testid: str) -> str:
    return page.get_by_test_id(testid).first.inner_text().strip()


@pytest.fixture
def year(people):
    """The cadre's annual registration of 2023, approved: 10 days done and confirmed, 20 days
    approved ahead, 1 day of invited attendance (not counted) and a 2-day immersion trip (too
    short, §7.5): days covered in part, immersion trips missing."""
    plan, cadre = people["plan"], people["cadre"]
    reg = service.registration_for(person=cadre, plan=plan, quarter=0)
    Registration.objects.filter(pk=reg.pk).update(status=Registration.Status.APPROVED)
    make_trip(plan, cadre, start=date(2023, 3, 1), end=date(2023, 3, 10), days="10", registration=reg)
    make_trip(plan, cadre, category="moi", start=date(2023, 4, 3), days="1", registration=reg, location="Huyện Gò Dầu")
    make_trip(plan, cadre, start=date(2023, 5, 10), end=date(2023, 5, 11), days="2", immersion=True, registration=reg)
    make_trip(
        plan,
        cadre,
        start=date(2023, 8, 1),
        end=date(2023, 8, 20),
        days="20",
        status=Trip.Status.APPROVED,
        registration=reg,
    )
    return people


def test_no_code_reaches_a_page_and_the_status_says_why(page, year):
    """Points 5 and 7: "NOT_COUNTED_CATEGORY", "IMMERSION_TOO_SHORT" on the standings table, the
    cadre's home and the head's page; "Có nguy cơ không đạt" with no reason."""
    cadre, head, board = year["cadre"], year["head"], year["board"]
    with time_machine.travel(timezone.make_aware(datetime(2023, 6, 30, 9, 0)), tick=True):
        page.set_viewport_size(PHONE)
        login(page, cadre.email, PASSWORD)
        page.goto(page.base_url + "/")
        main = page.inner_text("main")
        for code in CODES:
            assert code not in main, code
        assert "Có nguy cơ không đạt" in _figure(page, "standing-status")
        reason = _figure(page, "status-reason")
        assert "thiếu 2 đợt “cùng ăn, cùng ở, cùng làm” chưa đăng ký" in reason.lower(), reason
        assert "không được tính vào số ngày đi cơ sở" in main  # the invited attendance, in words
        shot(page, "life-words-01-cadre-home")

        _logout(page)
        login(page, head.email, PASSWORD)
        page.goto(page.base_url + "/tong-quan/ban/?as_of=2023-06-30")
        main = page.inner_text("main")
        for code in CODES:
            assert code not in main, code
        row_reason = page.get_by_test_id(f"status-reason-{cadre.pk}").inner_text()
        assert "đợt “cùng ăn, cùng ở, cùng làm”" in row_reason
        assert "chưa đủ số ngày" in page.get_by_test_id(f"violations-{cadre.pk}").inner_text()
        shot(page, "life-words-02-head-department")

        _logout(page)
        page.set_viewport_size({"width": 1366, "height": 900})
        login(page, board.email, PASSWORD)
        page.goto(page.base_url + "/tinh-hinh/?as_of=2023-06-30&q=dung")
        main = page.inner_text("main")
        for code in CODES:
            assert code not in main, code
        assert "nội dung không tính ngày" in page.get_by_test_id("violations").first.inner_text()
        assert "chưa đăng ký" in page.get_by_test_id("status-reason").first.inner_text()
        shot(page, "life-words-03-board-standings")


def test_a_prorated_target_is_explained_on_the_table_and_the_persons_page(page, year):
    """Point 7: "a prorated target of 31 never explained"."""
    cadre2, board = year["cadre2"], year["board"]
    cadre2.active_from = date(2023, 6, 1)  # joined in June: the days to go are prorated (§6)
    cadre2.save(update_fields=["active_from"])
    with time_machine.travel(timezone.make_aware(datetime(2023, 6, 30, 9, 0)), tick=True):
        page.set_viewport_size({"width": 1366, "height": 900})
        login(page, board.email, PASSWORD)
        page.goto(page.base_url + "/tinh-hinh/?as_of=2023-06-30&q=em")
        reason = page.get_by_test_id("status-reason").first.inner_text()
        assert "được tính giảm theo" in reason and "ngày phải thực hiện trong năm" in reason, reason
        page.get_by_role("link", name=cadre2.full_name).click()
        assert "được tính giảm theo" in _figure(page, "status-reason")
        shot(page, "life-words-04-prorated")


def test_one_cadre_one_set_of_day_totals(page, year):
    """Point 6: "82/60 ngày" in the banner, "Số ngày 80" in its row, 44 + 35 = 79 on the home page,
    none saying what it counts."""
    cadre = year["cadre"]
    with time_machine.travel(timezone.make_aware(datetime(2023, 6, 30, 9, 0)), tick=True):
        page.set_viewport_size(PHONE)
        login(page, cadre.email, PASSWORD)
        page.goto(page.base_url + "/dang-ky/?year=2023")
        banner = page.inner_text("[data-testid=standing-preview]")
        assert "32/60 ngày (được tính / phải đi)" in banner, banner
        done, planned = _figure(page, "preview-done"), _figure(page, "preview-planned")
        row = page.get_by_test_id("quarter-0")
        row_days = row.get_by_test_id("row-days").inner_text()
        assert "và 1 ngày không được tính" in row.get_by_test_id("row-uncounted").inner_text()
        assert "Số ngày đăng ký (được tính)" in page.inner_text("[data-testid=quarters] thead")
        shot(page, "life-words-05-dang-ky")

        page.goto(page.base_url + "/")
        home_done, home_planned = _figure(page, "standing-done"), _figure(page, "standing-planned")
        shot(page, "life-words-06-home")
    # The same idea, the same number: done 12 (10 + the short immersion trip's 2), registered 20;
    # the row counts the registration's counting lines, the banner's total.
    assert (done, planned) == ("12", "20")
    assert home_done == done and home_planned.split()[0] == planned
    assert int(row_days) == int(done) + int(planned) == 32


def _registration_sent_twice(people):
    """The cadre's annual registration sent on 05/02/2023, returned, and sent again on 20/03/2023."""
    from decimal import Decimal

    from fieldwork.models import Category
    from fieldwork.trip_fields import TripInput

    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    with time_machine.travel(timezone.make_aware(datetime(2023, 2, 5, 8, 30)), tick=False):
        reg = service.registration_for(person=cadre, plan=plan, quarter=0)
        service.add_line(
            actor=cadre,
            registration=reg,
            data=TripInput(
                category=Category.objects.get(plan=plan, code="1.5"),
                start=date(2023, 4, 4),
                end=date(2023, 4, 4),
                days=Decimal(1),
                location="Chi đoàn ấp Tân Đông",
                content="Dự sinh hoạt chi đoàn",
            ),
        )
        reg.refresh_from_db()
        reg = service.submit(actor=cadre, registration=reg, version=reg.version)
    with time_machine.travel(timezone.make_aware(datetime(2023, 3, 1, 9, 0)), tick=False):
        reg = service.return_registration(actor=head, registration=reg, version=reg.version, comment="Bổ sung địa điểm")
    with time_machine.travel(timezone.make_aware(datetime(2023, 3, 20, 10, 15)), tick=False):
        reg = service.submit(actor=cadre, registration=reg, version=reg.version)
    return reg


def test_the_heads_pages_say_when_what_and_what_is_due(page, people):
    """Point 8: /phe-duyet/ showed the first submission's time for a registration re-sent today;
    the head's dashboard said mẫu 2 "Chưa lập" while its page said "Đang tổng hợp"; a returned
    report of the head's own trip was in no "Hạn sắp tới"."""
    head = people["head"]
    _registration_sent_twice(people)
    make_trip(
        people["plan"],
        head,
        start=date(2023, 3, 6),
        end=date(2023, 3, 8),
        days="3",
        status=Trip.Status.RETURNED,
        location="Xã Suối Đá",
    )
    with time_machine.travel(timezone.make_aware(datetime(2023, 3, 20, 14, 0)), tick=True):
        page.set_viewport_size(PHONE)
        login(page, head.email, PASSWORD)
        page.goto(page.base_url + "/phe-duyet/")
        sent = page.get_by_test_id("submitted-at").first.inner_text()
        assert sent.startswith("20/03/2023 10:15"), sent
        assert "lần đầu 05/02/2023" in sent
        shot(page, "life-words-07-inbox-resent")

        page.goto(page.base_url + "/tong-quan/ban/")
        state = page.get_by_test_id("mau2").inner_text()
        due = page.get_by_test_id("next-deadlines").inner_text()
        assert "Báo cáo kết quả đợt đi ngày 06/03/2023 bị trả lại" in due, due
        shot(page, "life-words-08-head-home")
        page.get_by_test_id("mau2-link").click()
        assert page.get_by_test_id("department-plan-status").inner_text().strip() == state == "Đang tổng hợp"


def test_quarter_reports_page_promises_nothing_it_does_not_make(page, people, settings):
    """Point 8: /bao-cao/quy/ promised reports "lập tự động sau hạn gửi mẫu 3" and showed none for
    past quarters (no scheduler runs where there is no broker: `make run`)."""
    settings.CELERY_BROKER_URL = ""
    with time_machine.travel(timezone.make_aware(datetime(2023, 8, 20, 9, 0)), tick=True):
        page.set_viewport_size({"width": 1366, "height": 900})
        login(page, people["board"].email, PASSWORD)
        page.goto(page.base_url + "/bao-cao/quy/?year=2023")
        how = page.get_by_test_id("how-made").inner_text()
        assert "tự động sau hạn" not in how and "không lập báo cáo tự động" in how, how
        q1 = page.get_by_test_id("none-1").inner_text()
        assert "Chưa có báo cáo nào của quý này (hạn gửi mẫu 3 đã qua ngày" in q1 and "Tạo báo cáo" in q1
        assert "chưa bắt đầu" in page.get_by_test_id("none-4").inner_text()
        shot(page, "life-words-09-quarter-reports")


def test_da_nang_reads_da_nang_and_the_words_are_right(page, dn_plan):
    """Point 10: Đà Nẵng users saw Tây Ninh examples and communes; "Quý 4"/"Quý IV" mixed; "Sắp
    tới" for a trip under way; "Trung bình khoảng 16 ngày mỗi tháng còn lại" with 25 days left."""
    from tests.factories import DepartmentFactory, UserFactory

    dept = DepartmentFactory(organization=dn_plan.organization, name="Ban Phong trào")
    cadre = UserFactory(department=dept, full_name="Võ Thị Thu", email="thu@dn.vn", group_code="2.3")
    UserFactory(department=dept, full_name="Phạm Quang Minh", email="minh@dn.vn", roles=["cadre", "head"])
    make_trip(dn_plan, cadre, start=date(2023, 6, 26), end=date(2023, 7, 5), days="10", status=Trip.Status.APPROVED)
    make_trip(dn_plan, cadre, start=date(2023, 9, 4), end=date(2023, 9, 6), days="3", status=Trip.Status.APPROVED)
    with time_machine.travel(timezone.make_aware(datetime(2023, 6, 30, 9, 0)), tick=True):
        page.set_viewport_size(PHONE)
        login(page, cadre.email, PASSWORD)
        page.goto(page.base_url + "/dang-ky/quy-3/?year=2023")
        province = page.eval_on_selector("select[name=province]", "s => s.options[s.selectedIndex].text")
        assert province == "Thành phố Đà Nẵng", province
        placeholder = page.get_attribute("input[name=ward_search]", "placeholder")
        assert "tan dong" not in placeholder
        help_text = page.inner_text("#id_location_detail_helptext, [id$=location_detail_helptext]")
        assert "Tây Ninh" not in help_text and "Châu Thành" not in help_text, help_text
        assert "Đà Nẵng" in help_text
        wards = page.eval_on_selector_all("select[name=ward] option", "os => os.map(o => o.text)")
        assert "Phường Hải Châu" in wards and "Xã Tân Đông" not in wards
        shot(page, "life-words-10-da-nang-line-form")

        page.goto(page.base_url + "/dang-ky/?year=2023")
        periods = [t.strip() for t in page.locator("[data-testid=quarters] tbody td.cell-head").all_inner_texts()]
        assert periods == ["Quý I", "Quý II", "Quý III", "Quý IV"], periods

        page.goto(page.base_url + "/tong-quan/ca-nhan/?year=2023")
        upcoming = page.get_by_test_id("upcoming").inner_text()
        assert upcoming.startswith("Đang diễn ra 26/06/2023"), upcoming
        assert "Sắp tới 04/09/2023" in upcoming
        shot(page, "life-words-11-under-way")


def test_the_year_end_page_names_its_own_organization(page, people):
    """Point 10: Tây Ninh's year-end page said it followed "mẫu báo cáo cuối năm của Thành đoàn Đà Nẵng"."""
    with time_machine.travel(timezone.make_aware(datetime(2023, 12, 20, 9, 0)), tick=True):
        page.set_viewport_size({"width": 1366, "height": 900})
        login(page, people["board"].email, PASSWORD)
        page.goto(page.base_url + "/bao-cao/cuoi-nam/?year=2023")
        about = page.get_by_test_id("year-end-about").inner_text()
        assert people["org"].name in about and "Đà Nẵng" not in about, about


def test_the_quarterly_xlsx_summary_is_numbers(page, year):
    """Point 16: the summary figures of the quarterly XLSX ("10", "1.020", "48,6") were text."""
    import io

    from openpyxl import load_workbook

    with time_machine.travel(timezone.make_aware(datetime(2023, 7, 10, 9, 0)), tick=True):
        page.set_viewport_size({"width": 1366, "height": 900})
        login(page, year["board"].email, PASSWORD)
        page.goto(page.base_url + "/tong-quan/co-quan/?year=2023&as_of=2023-06-30")
        buttons = page.get_by_test_id("download-buttons")
        with page.expect_download(timeout=30000) as info:
            buttons.get_by_role("button", name="Tải XLSX").click()
        data = Path(info.value.path()).read_bytes()
    ws = load_workbook(io.BytesIO(data))["Báo cáo"]
    figures = {}
    for row in ws.iter_rows():
        label = row[0].value
        if isinstance(label, str) and label.startswith(("Số ngày đi cơ sở", "Bình quân", "Đợt “cùng ăn")):
            figures[label] = row[6]
    assert len(figures) == 4, list(figures)
    for label, cell in figures.items():
        assert cell.data_type == "n" and isinstance(cell.value, (int, float)), (label, cell.value)
        assert cell.number_format in ("#,##0", "#,##0.0"), (label, cell.number_format)
    assert figures["Số ngày đi cơ sở lũy kế từ đầu năm"].value == 12


def test_reminders_by_kind_and_channel(page, people):
    """Point 15: reminder preferences were one email on/off box."""
    from fieldwork.reminders.models import ReminderPreference

    cadre = people["cadre"]
    page.set_viewport_size(PHONE)
    login(page, cadre.email, PASSWORD)
    page.goto(page.base_url + "/nhac-viec/tuy-chon/")
    assert "Nhắc hạn" in page.get_by_test_id("kind-deadlines").inner_text()
    assert "Bản tổng hợp định kỳ" in page.get_by_test_id("kind-digests").inner_text()
    page.uncheck("input[name=deadlines_app]")
    page.uncheck("input[name=digests_email]")
    page.click("[data-testid=preferences-form] button[type=submit]")
    page.wait_for_selector("text=Đã lưu tùy chọn nhắc việc.")
    pref = ReminderPreference.objects.get(user=cadre)
    assert (pref.email, pref.deadlines_app, pref.digests_email, pref.digests_app) == (True, False, False, True)
    assert page.is_checked("input[name=email]") and not page.is_checked("input[name=deadlines_app]")
    assert not page.is_checked("input[name=digests_email]") and page.is_checked("input[name=digests_app]")
    shot(page, "life-words-12-reminder-preferences")


def test_dates_read_day_first_in_an_english_browser_and_accept_typing(browser, live_server, people):
    """Point 17: `<input type=date>` showed month/day in an English browser beside dd/mm/yyyy text."""
    from fieldwork.models import Exemption  # noqa: F401 (the form below is the exemption's)

    ctx = browser.new_context(viewport=PHONE, locale="en-US")
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    try:
        with time_machine.travel(timezone.make_aware(datetime(2023, 3, 20, 9, 0)), tick=True):
            login(page, people["cadre"].email, PASSWORD)
            page.goto(page.base_url + "/dang-ky/quy-0/?year=2023")
            start = page.locator("input[name=start]")
            assert start.get_attribute("type") == "text" and start.get_attribute("placeholder") == "dd/mm/yyyy"
            start.click()
            page.keyboard.type("05042023")  # digits only: the slashes come by themselves
            assert start.input_value() == "05/04/2023"
            end = page.locator("input[name=end]")
            end.fill("6/4/2023")
            end.blur()
            assert end.input_value() == "06/04/2023"
            page.select_option("select[name=category]", label="1.5 Tham dự sinh hoạt chi đoàn")
            page.fill("input[name=days]", "2")
            page.fill("input[name=location_detail]", "Chi đoàn ấp Tân Đông")
            page.click("[data-testid=save-line]")
            page.wait_for_load_state("networkidle")
            trip = Trip.objects.get(person=people["cadre"])
            assert (trip.start, trip.end) == (date(2023, 4, 5), date(2023, 4, 6))  # 5 April, not 4 May
            page.goto(page.base_url + "/tinh-hinh/cua-toi/?as_of=2023-03-15")
            assert page.input_value("input[name=as_of]") == "15/03/2023"
            shot(page, "life-words-13-dates-en-browser")
    finally:
        ctx.close()


def test_the_demo_has_real_history(page):
    """Point 9: an approved registration and a confirmed trip of the demo said "Chưa có thay đổi
    trạng thái nào": the demo's records carry the history the services write."""
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    plan_reg = Registration.objects.filter(
        plan__year=2026, plan__organization__code="tay-ninh", status="approved", self_certified=False
    ).first()
    cadre = plan_reg.person
    from fieldwork.management.commands._demo_data import DEMO_PASSWORD

    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 24, 9, 0)), tick=True):
        page.set_viewport_size(PHONE)
        login(page, cadre.email, DEMO_PASSWORD)
        page.goto(page.base_url + "/dang-ky/quy-0/?year=2026")
        main = page.inner_text("main")
        assert "Chưa có thay đổi trạng thái nào" not in main
        assert "05/02/2026" in main and plan_reg.decided_by.full_name in main
        shot(page, "life-words-14-demo-history")
        trip = Trip.objects.filter(person=cadre, status="confirmed").first()
        page.goto(page.base_url + f"/dot-di/{trip.pk}/")
        history = page.inner_text("main")
        assert "Chưa có." not in history and trip.confirmed_by.full_name in history

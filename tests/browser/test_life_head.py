"""A year in the life, the head's pages on a 390 × 844 phone and the Board's roll-up from its menu
(docs/rules.md "A year in the life"):

- the head's "Ban" menu leads to mẫu 3 and the quarterly reports page (their department's);
  naming a deputy is with the approvals and offers only those who may approve, grouped;
- mẫu 2 on a phone: its actions on top, its lines collapsed by person;
- an organization with children reaches the roll-up from its menu, and a child reports up from its own.

Screenshots: artifacts/screenshots/life-*.
"""

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Organization
from fieldwork.models import Registration, Trip
from tests.factories import PASSWORD, DepartmentFactory, UserFactory, make_plan, make_trip

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _open_menu(page, label: str):
    """Open a top-level menu by its label (the navbar collapses into a toggler on a phone)."""
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.wait_for_selector("#mainnav.show")
    menu = page.locator("#mainnav .nav-item.dropdown").filter(has=page.locator(f"a.dropdown-toggle:text-is('{label}')"))
    menu.locator("a.dropdown-toggle").click()
    return menu.locator(".dropdown-menu")


def _labels(menu) -> list[str]:
    return [t.strip() for t in menu.locator("a.dropdown-item").all_inner_texts()]


def test_the_heads_menus_lead_to_mau3_and_delegation_offers_only_approvers(page, people):
    """Point 12: no mẫu 3 entry in "Ban", /bao-cao-quy/ answered the head 403, and delegation sat
    under "Của tôi" offering every staff member, accountant and IT officer included."""
    head = people["head"]
    UserFactory(department=people["d1"], full_name="Ngô Phó Ban", email="pho@tn.vn", position="Phó Trưởng ban")
    UserFactory(department=people["d1"], full_name="Kế Toán Viên", email="ketoan@tn.vn", position="Kế toán")
    UserFactory(
        department=people["d1"],
        full_name="Trần Tin Học",
        email="it@tn.vn",
        position="Chuyên viên công nghệ thông tin",
        roles=["cadre", "admin"],
    )
    page.set_viewport_size(PHONE)
    login(page, head.email, PASSWORD)
    ban = _open_menu(page, "Ban")
    assert "Báo cáo quý (mẫu 3)" in _labels(ban), _labels(ban)
    shot(page, "life-10-head-ban-menu")
    ban.get_by_text("Báo cáo quý (mẫu 3)").click()
    page.wait_for_url("**/bao-cao-quy/")
    assert "Ban Phong trào" in page.inner_text("h1")
    rows = page.locator("[data-testid=overview] tbody th").all_inner_texts()
    assert rows == ["Quý I", "Quý II", "Quý III", "Quý IV"], rows
    assert "Văn phòng" not in page.inner_text("[data-testid=overview]")
    page.locator(f"[data-testid=cell-{people['d1'].pk}-1] a").click()
    page.wait_for_url(f"**/bao-cao-quy/{people['d1'].pk}/quy-1/**")
    shot(page, "life-11-head-mau3")

    mine = _open_menu(page, "Của tôi")
    assert "Ủy quyền phê duyệt" not in _labels(mine)
    page.keyboard.press("Escape")
    approvals = _open_menu(page, "Phê duyệt")
    assert "Ủy quyền phê duyệt" in _labels(approvals)
    approvals.get_by_text("Ủy quyền phê duyệt").click()
    page.wait_for_url("**/uy-quyen/")
    groups = page.eval_on_selector_all(
        "select[name=deputy] optgroup",
        "gs => gs.map(g => [g.label, Array.from(g.children).map(o => o.textContent.trim())])",
    )
    assert groups == [
        ["Thường trực", ["Hồ Thị Lan — Phó Bí thư", "Nguyễn Thanh Tùng — Bí thư"]],
        ["Ban Phong trào", ["Ngô Phó Ban — Phó Trưởng ban"]],
    ], groups
    options = " ".join(page.locator("select[name=deputy] option").all_inner_texts())
    assert "Kế Toán Viên" not in options and "Trần Tin Học" not in options and "Lê Văn Em" not in options
    shot(page, "life-12-head-delegation")
    page.select_option("select[name=deputy]", label="Ngô Phó Ban — Phó Trưởng ban")
    page.click("[data-testid=delegation-form] button[type=submit]")
    page.wait_for_selector("text=Đã ủy quyền phê duyệt cho Ngô Phó Ban")


def _busy_department(people, n_people=10, lines_each=6):
    """Ban Phong trào with `n_people` more cadres whose annual registrations of 2023 are approved,
    `lines_each` lines each: mẫu 2 of the year is long."""
    plan, d1, head = people["plan"], people["d1"], people["head"]
    for i in range(n_people):
        cadre = UserFactory(department=d1, full_name=f"Cán Bộ Số {i:02d}", email=f"cb{i}@tn.vn")
        reg = Registration.objects.create(
            plan=plan,
            person=cadre,
            quarter=0,
            status=Registration.Status.APPROVED,
            decided_by=head,
            submitted_at=timezone.make_aware(datetime(2023, 2, 10, 8, 30)),
        )
        for j in range(lines_each):
            start = date(2023, 1 + j, 3 + i)
            make_trip(
                plan,
                cadre,
                category="1.5",
                start=start,
                days="1",
                status=Trip.Status.APPROVED,
                registration=reg,
                location=f"Chi đoàn ấp {j + 1}, Xã Tân Đông, huyện Tân Châu, tỉnh Tây Ninh",
                content="Dự sinh hoạt chi đoàn định kỳ, nắm tình hình đoàn viên",
            )


def test_mau2_on_a_phone_has_its_actions_on_top_and_the_lines_collapsed_by_person(page, people):
    """Point 13: 24,000 px long with its actions at the end."""
    _busy_department(people)
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_viewport_size(PHONE)
    login(page, people["head"].email, PASSWORD)
    page.goto(page.base_url + f"/ke-hoach-ban/{people['d1'].pk}/quy-0/?year=2023")
    submit = page.get_by_test_id("submit-department-plan")
    assert submit.bounding_box()["y"] + submit.bounding_box()["height"] <= PHONE["height"] * 1.5
    persons = page.get_by_test_id("mau2-person")
    assert persons.count() == 10
    assert page.locator("[data-testid=mau2-row]").count() == 60
    assert not page.locator("[data-testid=mau2-row]").first.is_visible()  # collapsed
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3500, height
    shot(page, "life-13-mau2-phone")
    first = persons.first
    assert "Cán Bộ Số 00" in first.locator("summary").inner_text() and "6 đợt, 6 ngày" in first.inner_text()
    first.locator("summary").click()
    assert first.locator("[data-testid=mau2-row]").first.is_visible()
    shot(page, "life-14-mau2-phone-open")
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "life-15-mau2-desktop", width=1366)
    submit.click()
    page.wait_for_selector("text=Đã gửi kế hoạch của ban")


def test_an_organization_with_children_reaches_the_rollup_from_its_menu(page, people):
    """Done means: the roll-up pages are reachable from the menu (no browser test existed)."""
    tn = people["org"]
    child_plan = make_plan("tay-ninh-2023", org_code="khoi-cq")
    child = child_plan.organization
    child.name, child.parent = "Đoàn Khối các cơ quan tỉnh", tn
    child.save()
    kd = DepartmentFactory(organization=child, name="Văn phòng")
    child_board = UserFactory(department=kd, full_name="Lý Thị Bảng", email="bang@khoi.vn", roles=["cadre", "board"])
    cadre = UserFactory(department=kd, full_name="Đinh Văn Cường", email="cuong@khoi.vn")
    make_trip(child_plan, cadre, start=date(2023, 2, 1), end=date(2023, 2, 5), days="5")
    assert Organization.objects.get(pk=tn.pk).has_children

    with time_machine.travel(timezone.make_aware(datetime(2023, 4, 10, 9, 0)), tick=True):
        # The child reports its quarter up from its own menu.
        page.set_viewport_size({"width": 1366, "height": 900})
        login(page, child_board.email, PASSWORD)
        whole = _open_menu(page, "Toàn cơ quan")
        assert "Gửi báo cáo lên cấp trên" in _labels(whole) and "Tổng hợp các đơn vị trực thuộc" not in _labels(whole)
        whole.get_by_text("Gửi báo cáo lên cấp trên").click()
        page.wait_for_url("**/bao-cao/gui-cap-tren/**")
        assert page.locator("main h1").count() == 1
        shot(page, "life-16-child-report-up", width=1366)

        # The parent's Board opens the roll-up from its menu and drills into the child.
        page.context.clear_cookies()
        login(page, people["board"].email, PASSWORD)
        whole = _open_menu(page, "Toàn cơ quan")
        assert "Tổng hợp các đơn vị trực thuộc" in _labels(whole)
        whole.get_by_text("Tổng hợp các đơn vị trực thuộc").click()
        page.wait_for_url("**/bao-cao/tong-hop/**")
        table = page.get_by_test_id("rollup-table")
        assert "Đoàn Khối các cơ quan tỉnh" in table.inner_text()
        shot(page, "life-17-rollup", width=1366)
        page.set_viewport_size(PHONE)
        shot(page, "life-17-rollup-phone", width=390)
        page.set_viewport_size({"width": 1366, "height": 900})
        table.get_by_role("link", name="Đoàn Khối các cơ quan tỉnh").click()
        page.wait_for_url(f"**/bao-cao/tong-hop/don-vi/{child.pk}/**")
        assert "Đoàn Khối các cơ quan tỉnh" in page.inner_text("h1")

        # An organization without children has no roll-up entry.
        page.context.clear_cookies()
        page.set_viewport_size(PHONE)
        login(page, people["stranger"].email, PASSWORD)
        whole = _open_menu(page, "Toàn cơ quan")
        assert "Tổng hợp các đơn vị trực thuộc" not in _labels(whole)

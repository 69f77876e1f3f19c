"""The whole menu, role by role: every menu, its icon, every page in order with its address, and the
page marked as the one you are on. The menu is assembled from what each app declares in its own
navigation.py (docs/style.md “Each app owns its pages”); this table is what the roles see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.delegations import refresh_deputy_hint
from accounts.models import Delegation, Notification
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

MINE = [
    ("Tình hình của tôi", "/tinh-hinh/cua-toi/"),
    ("Tiến độ trong năm", "/tong-quan/ca-nhan/"),
    ("Đăng ký đi cơ sở (mẫu 1)", "/dang-ky/"),
    ("Đợt đi cơ sở và kết quả", "/dot-di/"),
    ("Lịch", "/lich/"),
    ("Tùy chọn nhắc việc", "/nhac-viec/tuy-chon/"),
    ("Dữ liệu của tôi", "/bao-cao/du-lieu-cua-toi/"),
]
REPORTS = ("Báo cáo", "file-earmark-arrow-down", [("Tệp báo cáo của tôi", "/bao-cao/")])
APPROVALS = [
    ("Đăng ký chờ phê duyệt", "/phe-duyet/"),
    ("Kết quả chờ xác nhận", "/dot-di/cho-xac-nhan/"),
    ("Nhận xét cuối năm", "/bao-cao/cuoi-nam/nhan-xet/"),
    ("Ủy quyền phê duyệt", "/uy-quyen/"),
]
WHOLE = [
    ("Tổng quan", "/tong-quan/co-quan/"),
    ("Tình hình từng cán bộ", "/tinh-hinh/"),
    ("Địa bàn cơ sở đã đến", "/tong-quan/dia-ban/"),
    ("Báo cáo tình hình thực hiện quý", "/bao-cao/quy/"),
    ("Báo cáo cuối năm", "/bao-cao/cuoi-nam/"),
]
ROLLUP = ("Tổng hợp các đơn vị trực thuộc", "/bao-cao/tong-hop/")
REPORT_UP = ("Gửi báo cáo lên cấp trên", "/bao-cao/gui-cap-tren/")
DEPARTMENT_PLANS = ("Kế hoạch của ban (mẫu 2)", "/ke-hoach-ban/")
QUARTER_REPORTS = ("Báo cáo quý (mẫu 3)", "/bao-cao-quy/")
PEOPLE = [("Cán bộ", "/tai-khoan/can-bo/"), ("Các ban", "/tai-khoan/cac-ban/")]
PLANS_AND_EXEMPTIONS = [("Kế hoạch năm", "/ke-hoach/"), ("Miễn thực hiện", "/mien/")]
BOARD_TOOLS = [
    ("Nhập danh sách cán bộ", "/can-bo/nhap-excel/"),
    ("Nhập kết quả (mẫu 3)", "/nhap-ket-qua/"),
    ("Nhắc việc đã gửi", "/nhac-viec/"),
]
WATCHED_DELEGATIONS = ("Ủy quyền phê duyệt", "/uy-quyen/")
CORRECTIONS = ("Yêu cầu điều chỉnh dữ liệu", "/yeu-cau-dieu-chinh/")
ACCESS_LOG = ("Nhật ký xem dữ liệu cá nhân", "/tai-khoan/nhat-ky-xem-du-lieu/")

BOARD_MANAGES = ("Quản lý", "gear", [*PEOPLE, *PLANS_AND_EXEMPTIONS, *BOARD_TOOLS, WATCHED_DELEGATIONS, CORRECTIONS])
STANDING_MANAGES = ("Quản lý", "gear", [*PEOPLE, *PLANS_AND_EXEMPTIONS])

EXPECTED = {
    "cadre": [("Của tôi", "person-check", MINE), REPORTS],
    "head": [
        ("Của tôi", "person-check", MINE),
        ("Phê duyệt", "inbox", APPROVALS),
        ("Ban", "people", [("Tình hình của ban", "/tong-quan/ban/"), DEPARTMENT_PLANS, QUARTER_REPORTS]),
        REPORTS,
    ],
    "board": [
        ("Của tôi", "person-check", MINE),
        ("Ban", "people", [DEPARTMENT_PLANS, QUARTER_REPORTS]),
        ("Toàn cơ quan", "bar-chart", WHOLE),
        BOARD_MANAGES,
        REPORTS,
    ],
    "admin": [
        ("Của tôi", "person-check", MINE),
        ("Ban", "people", [DEPARTMENT_PLANS, QUARTER_REPORTS]),
        ("Toàn cơ quan", "bar-chart", WHOLE),
        BOARD_MANAGES,
        REPORTS,
    ],
    "secretary": [
        ("Của tôi", "person-check", MINE),
        ("Phê duyệt", "inbox", APPROVALS),
        ("Ban", "people", [DEPARTMENT_PLANS, QUARTER_REPORTS]),
        ("Toàn cơ quan", "bar-chart", WHOLE),
        STANDING_MANAGES,
        REPORTS,
    ],
    "deputy": [
        ("Của tôi", "person-check", MINE),
        ("Phê duyệt", "inbox", APPROVALS),
        ("Ban", "people", [DEPARTMENT_PLANS, QUARTER_REPORTS]),
        ("Toàn cơ quan", "bar-chart", WHOLE),
        STANDING_MANAGES,
        REPORTS,
    ],
    # Reads everything, changes nothing: no remark to write; watches the delegations; reads the access log.
    "inspector": [
        ("Của tôi", "person-check", MINE),
        ("Ban", "people", [DEPARTMENT_PLANS, QUARTER_REPORTS]),
        ("Toàn cơ quan", "bar-chart", WHOLE),
        ("Quản lý", "gear", [*PEOPLE, *PLANS_AND_EXEMPTIONS, WATCHED_DELEGATIONS, ACCESS_LOG]),
        REPORTS,
    ],
    # A cadre named deputy of a head for today approves for them.
    "head's deputy": [
        ("Của tôi", "person-check", MINE),
        ("Phê duyệt", "inbox", APPROVALS),
        REPORTS,
    ],
    # The Board of an organization with a parent sends its figures up; of one with children, rolls them up.
    "board of a child organization": [
        ("Của tôi", "person-check", MINE),
        ("Ban", "people", [DEPARTMENT_PLANS, QUARTER_REPORTS]),
        ("Toàn cơ quan", "bar-chart", [*WHOLE, REPORT_UP]),
        BOARD_MANAGES,
        REPORTS,
    ],
    "board of a parent organization": [
        ("Của tôi", "person-check", MINE),
        ("Ban", "people", [DEPARTMENT_PLANS, QUARTER_REPORTS]),
        ("Toàn cơ quan", "bar-chart", [*WHOLE, ROLLUP]),
        BOARD_MANAGES,
        REPORTS,
    ],
}


@pytest.fixture
def roles(people):
    today = timezone.localdate()
    org = people["org"]
    deputy_of_head = UserFactory(department=people["d1"], full_name="Ngô Văn Phó", email="pho@tn.vn")
    Delegation.objects.create(
        organization=org,
        delegator=people["head"],
        deputy=deputy_of_head,
        start=today - timedelta(days=1),
        end=today + timedelta(days=1),
    )
    refresh_deputy_hint(deputy_of_head)
    parent = OrganizationFactory(code="trung-uong", name="Trung ương Đoàn")
    child = OrganizationFactory(code="con", name="Thành đoàn Con")
    child.parent = parent
    child.save()
    parent.refresh_from_db()
    child_board = UserFactory(
        department=None, organization=child, email="board@con.vn", group_code="2.3", roles=["cadre", "board"]
    )
    parent_board = UserFactory(
        department=None, organization=parent, email="board@tw.vn", group_code="2.3", roles=["cadre", "board"]
    )
    return {
        "cadre": people["cadre"],
        "head": people["head"],
        "board": people["board"],
        "admin": UserFactory(department=people["d2"], email="admin@tn.vn", roles=["cadre", "admin"]),
        "secretary": people["secretary"],
        "deputy": people["deputy"],
        "inspector": people["inspector"],
        "head's deputy": deputy_of_head,
        "board of a child organization": child_board,
        "board of a parent organization": parent_board,
    }


def _menus(resp):
    return [
        (str(m["label"]), m["icon"], [(str(link["label"]), link["url"]) for link in m["links"]])
        for m in resp.context["nav_menus"]
    ]


def _active(resp):
    return [
        (str(m["label"]), str(link["label"]))
        for m in resp.context["nav_menus"]
        for link in m["links"]
        if link["active"]
    ], [str(m["label"]) for m in resp.context["nav_menus"] if m["active"]]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_its_menu(client, roles, role):
    client.force_login(roles[role])
    resp = client.get(reverse("accounts:notifications"))
    assert resp.status_code == 200
    assert _menus(resp) == EXPECTED[role]
    html = resp.content.decode()
    for menu, _icon, links in EXPECTED[role]:
        for label, url in links:  # a menu of one page is that page's link, under the menu's name
            assert f'href="{url}"' in html and (label if len(links) > 1 else menu) in html
    assert _active(resp) == ([], [])  # the notifications page is in no menu


@pytest.mark.parametrize(
    ("role", "page", "active"),
    [
        ("cadre", "fieldwork:my_standing", ("Của tôi", "Tình hình của tôi")),
        ("cadre", "reports:jobs", ("Báo cáo", "Tệp báo cáo của tôi")),
        ("head", "fieldwork:trips_to_confirm", ("Phê duyệt", "Kết quả chờ xác nhận")),
        ("head", "fieldwork:delegations", ("Phê duyệt", "Ủy quyền phê duyệt")),
        ("board", "fieldwork:delegations", ("Quản lý", "Ủy quyền phê duyệt")),
        ("board", "reports:quarter", ("Toàn cơ quan", "Báo cáo tình hình thực hiện quý")),
        ("board", "accounts:departments", ("Quản lý", "Các ban")),
        ("inspector", "accounts:access_log", ("Quản lý", "Nhật ký xem dữ liệu cá nhân")),
        ("secretary", "reports:remarks", ("Phê duyệt", "Nhận xét cuối năm")),
    ],
)
def test_the_page_you_are_on_is_marked(client, roles, role, page, active):
    client.force_login(roles[role])
    resp = client.get(reverse(page))
    assert resp.status_code == 200
    assert _active(resp) == ([active], [active[0]])
    html = resp.content.decode()
    assert html.count('aria-current="page"') == 1


def test_the_bell_counts_unread_notifications(client, roles):
    cadre = roles["cadre"]
    for n in range(3):
        Notification.objects.create(user=cadre, text=f"Thông báo {n}")
    Notification.objects.create(user=cadre, text="Đã đọc", read_at=timezone.now())
    client.force_login(cadre)
    resp = client.get(reverse("fieldwork:my_standing"))
    assert resp.context["unread_notifications"] == 3
    assert 'data-testid="unread-count">3<' in resp.content.decode()
    assert resp.context["read_only_user"] is False
    client.force_login(roles["inspector"])
    assert client.get(reverse("fieldwork:my_standing")).context["read_only_user"] is True

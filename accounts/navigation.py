"""The menus of the top bar, and the pages of `accounts` in them (docs/style.md “Each app owns its
pages”). The other apps put their own pages into these menus from their own navigation.py; a menu
none of whose pages the user may see is not shown."""

from django.utils.translation import gettext_lazy as _

from . import rules
from .registry import Menu, MenuItem

MINE, APPROVALS, DEPARTMENT, ORGANIZATION, MANAGEMENT = "mine", "approvals", "department", "organization", "management"

MENUS = [
    Menu(MINE, _("Của tôi"), "person-check", 10),
    Menu(APPROVALS, _("Phê duyệt"), "inbox", 20),
    Menu(DEPARTMENT, _("Ban"), "people", 30),
    Menu(ORGANIZATION, _("Toàn cơ quan"), "bar-chart", 40),
    Menu(MANAGEMENT, _("Quản lý"), "gear", 50),
]

ITEMS = [
    MenuItem(MANAGEMENT, "accounts:people", _("Cán bộ"), rules.can_view_people, 10),
    MenuItem(MANAGEMENT, "accounts:departments", _("Các ban"), rules.can_view_people, 20),
    MenuItem(MANAGEMENT, "accounts:access_log", _("Nhật ký xem dữ liệu cá nhân"), rules.can_read_access_log, 100),
]

"""The pages of `fieldwork` in the menus (docs/style.md “Each app owns its pages”): the menus are
accounts/navigation.py's; `order` places a page among those of every app in the same menu."""

from django.utils.translation import gettext_lazy as _

from accounts import rules
from accounts.navigation import APPROVALS, DEPARTMENT, MANAGEMENT, MINE, ORGANIZATION
from accounts.registry import MenuItem


def anyone(user) -> bool:
    return True


def approves(user) -> bool:
    """Names deputies or is one: the delegations page belongs with their approvals."""
    return rules.can_delegate(user) or rules.has_delegation(user)


def heads_or_whole_organization(user) -> bool:
    return rules.is_head(user) or rules.sees_whole_organization(user)


def watches_delegations(user) -> bool:
    """The whole-organization roles watch every delegation in force (they approve nobody themselves)."""
    return rules.sees_whole_organization(user) and not approves(user)


def sees_exemptions(user) -> bool:
    return rules.is_board(user) or rules.is_standing(user) or rules.is_inspection(user)


ITEMS = [
    MenuItem(MINE, "fieldwork:my_standing", _("Tình hình của tôi"), anyone, 10),
    MenuItem(MINE, "fieldwork:cadre_dashboard", _("Tiến độ trong năm"), anyone, 20),
    MenuItem(MINE, "fieldwork:registrations", _("Đăng ký đi cơ sở (mẫu 1)"), anyone, 30),
    MenuItem(MINE, "fieldwork:my_trips", _("Đợt đi cơ sở và kết quả"), anyone, 40),
    MenuItem(MINE, "fieldwork:calendar", _("Lịch"), anyone, 50),
    MenuItem(MINE, "fieldwork:reminder_preferences", _("Tùy chọn nhắc việc"), anyone, 60),
    MenuItem(APPROVALS, "fieldwork:approvals", _("Đăng ký chờ phê duyệt"), rules.is_approver, 10),
    MenuItem(APPROVALS, "fieldwork:trips_to_confirm", _("Kết quả chờ xác nhận"), rules.is_approver, 20),
    # Naming a deputy is an approver's act: it lives with the approvals (heads, Standing, deputies).
    MenuItem(APPROVALS, "fieldwork:delegations", _("Ủy quyền phê duyệt"), approves, 40),
    MenuItem(DEPARTMENT, "fieldwork:department_home", _("Tình hình của ban"), rules.is_head, 10),
    MenuItem(DEPARTMENT, "fieldwork:department_plans", _("Kế hoạch của ban (mẫu 2)"), heads_or_whole_organization, 20),
    MenuItem(
        DEPARTMENT, "fieldwork:quarter_reports_overview", _("Báo cáo quý (mẫu 3)"), heads_or_whole_organization, 30
    ),
    MenuItem(ORGANIZATION, "fieldwork:organization_dashboard", _("Tổng quan"), rules.sees_whole_organization, 10),
    MenuItem(ORGANIZATION, "fieldwork:standings", _("Tình hình từng cán bộ"), rules.sees_whole_organization, 20),
    MenuItem(ORGANIZATION, "fieldwork:coverage", _("Địa bàn cơ sở đã đến"), rules.sees_whole_organization, 30),
    MenuItem(MANAGEMENT, "fieldwork:plans", _("Kế hoạch năm"), rules.sees_whole_organization, 30),
    MenuItem(MANAGEMENT, "fieldwork:exemptions", _("Miễn thực hiện"), sees_exemptions, 40),
    MenuItem(MANAGEMENT, "fieldwork:people_import", _("Nhập danh sách cán bộ"), rules.can_import, 50),
    MenuItem(MANAGEMENT, "fieldwork:trips_import", _("Nhập kết quả (mẫu 3)"), rules.can_import, 60),
    MenuItem(MANAGEMENT, "fieldwork:reminder_log", _("Nhắc việc đã gửi"), rules.can_view_reminder_log, 70),
    MenuItem(MANAGEMENT, "fieldwork:delegations", _("Ủy quyền phê duyệt"), watches_delegations, 80),
    MenuItem(MANAGEMENT, "fieldwork:corrections", _("Yêu cầu điều chỉnh dữ liệu"), rules.can_view_corrections, 90),
]

"""The pages of `reports` in the menus, its own "Báo cáo" menu, and the download buttons it offers to
the pages of the other apps (docs/style.md “Each app owns its pages”)."""

from django.utils.translation import gettext_lazy as _

from accounts import rules
from accounts.navigation import APPROVALS, MINE, ORGANIZATION
from accounts.registry import Fragment, Menu, MenuItem

REPORTS = "reports"

# The slot where a page offers its report as PDF and XLSX (templates/reports/_download_buttons.html
# says which values it takes): {% slot "download_buttons" kind=… year=… %}.
DOWNLOAD_BUTTONS = "download_buttons"


def anyone(user) -> bool:
    return True


def writes_remarks(user) -> bool:
    return rules.is_approver(user) and not rules.is_read_only(user)


MENUS = [Menu(REPORTS, _("Báo cáo"), "file-earmark-arrow-down", 60)]

ITEMS = [
    MenuItem(MINE, "reports:my_data", _("Dữ liệu của tôi"), rules.can_view_own_data, 70),
    MenuItem(APPROVALS, "reports:remarks", _("Nhận xét cuối năm"), writes_remarks, 30),
    MenuItem(ORGANIZATION, "reports:quarter", _("Báo cáo tình hình thực hiện quý"), rules.sees_whole_organization, 40),
    MenuItem(ORGANIZATION, "reports:year_end", _("Báo cáo cuối năm"), rules.can_view_year_end, 50),
    MenuItem(ORGANIZATION, "reports:rollup", _("Tổng hợp các đơn vị trực thuộc"), rules.sees_descendants, 60),
    MenuItem(ORGANIZATION, "reports:rollup_submissions", _("Gửi báo cáo lên cấp trên"), rules.reports_up, 70),
    MenuItem(REPORTS, "reports:jobs", _("Tệp báo cáo của tôi"), anyone, 10),
]

FRAGMENTS = [Fragment(DOWNLOAD_BUTTONS, "reports/_download_buttons.html")]

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import rules


def _anyone(user):
    return True


def _approves(user):
    return rules.can_delegate(user) or rules.has_delegation(user)


def _can_see_exemptions(user):
    return rules.is_board(user) or rules.is_standing(user) or rules.is_inspection(user)


# Navigation by role, in menus: (menu label, icon, [(url name, label, predicate)]). Pages are named
# by URL only (docs/style.md: imports point one way); a menu with no visible page is not shown.
NAV_MENUS = [
    (
        _("Của tôi"),
        "person-check",
        [
            ("fieldwork:my_standing", _("Tình hình của tôi"), _anyone),
            ("fieldwork:cadre_dashboard", _("Tiến độ trong năm"), _anyone),
            ("fieldwork:registrations", _("Đăng ký đi cơ sở (mẫu 1)"), _anyone),
            ("fieldwork:my_trips", _("Đợt đi cơ sở và kết quả"), _anyone),
            ("fieldwork:calendar", _("Lịch"), _anyone),
            ("fieldwork:reminder_preferences", _("Tùy chọn nhắc việc"), _anyone),
            ("reports:my_data", _("Dữ liệu của tôi"), rules.can_view_own_data),
        ],
    ),
    (
        _("Phê duyệt"),
        "inbox",
        [
            ("fieldwork:approvals", _("Đăng ký chờ phê duyệt"), rules.is_approver),
            ("fieldwork:trips_to_confirm", _("Kết quả chờ xác nhận"), rules.is_approver),
            ("reports:remarks", _("Nhận xét cuối năm"), lambda u: rules.is_approver(u) and not rules.is_read_only(u)),
            # Naming a deputy is an approver's act: it lives with the approvals (heads, Standing, deputies).
            ("fieldwork:delegations", _("Ủy quyền phê duyệt"), _approves),
        ],
    ),
    (
        _("Ban"),
        "people",
        [
            ("fieldwork:department_home", _("Tình hình của ban"), rules.is_head),
            (
                "fieldwork:department_plans",
                _("Kế hoạch của ban (mẫu 2)"),
                lambda u: rules.is_head(u) or rules.sees_whole_organization(u),
            ),
            (
                "fieldwork:quarter_reports_overview",
                _("Báo cáo quý (mẫu 3)"),
                lambda u: rules.is_head(u) or rules.sees_whole_organization(u),
            ),
        ],
    ),
    (
        _("Toàn cơ quan"),
        "bar-chart",
        [
            ("fieldwork:organization_dashboard", _("Tổng quan"), rules.sees_whole_organization),
            ("fieldwork:standings", _("Tình hình từng cán bộ"), rules.sees_whole_organization),
            ("fieldwork:coverage", _("Địa bàn cơ sở đã đến"), rules.sees_whole_organization),
            ("reports:quarter", _("Báo cáo tình hình thực hiện quý"), rules.sees_whole_organization),
            ("reports:year_end", _("Báo cáo cuối năm"), rules.can_view_year_end),
            ("reports:rollup", _("Tổng hợp các đơn vị trực thuộc"), rules.sees_descendants),
            ("reports:rollup_submissions", _("Gửi báo cáo lên cấp trên"), rules.reports_up),
        ],
    ),
    (
        _("Quản lý"),
        "gear",
        [
            ("accounts:people", _("Cán bộ"), rules.can_view_people),
            ("accounts:departments", _("Các ban"), rules.can_view_people),
            ("fieldwork:plans", _("Kế hoạch năm"), rules.sees_whole_organization),
            ("fieldwork:exemptions", _("Miễn thực hiện"), _can_see_exemptions),
            ("fieldwork:people_import", _("Nhập danh sách cán bộ"), rules.can_import),
            ("fieldwork:trips_import", _("Nhập kết quả (mẫu 3)"), rules.can_import),
            ("fieldwork:reminder_log", _("Nhắc việc đã gửi"), rules.can_view_reminder_log),
            # The Board watches every delegation in force (it approves nobody itself).
            (
                "fieldwork:delegations",
                _("Ủy quyền phê duyệt"),
                lambda u: rules.sees_whole_organization(u) and not _approves(u),
            ),
            ("fieldwork:corrections", _("Yêu cầu điều chỉnh dữ liệu"), rules.can_view_corrections),
            ("accounts:access_log", _("Nhật ký xem dữ liệu cá nhân"), rules.can_read_access_log),
        ],
    ),
    (
        _("Báo cáo"),
        "file-earmark-arrow-down",
        [
            ("reports:jobs", _("Tệp báo cáo của tôi"), _anyone),
        ],
    ),
]


def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menus = []
    best = ""  # the longest URL that prefixes the path is the active page
    for label, icon, items in NAV_MENUS:
        links = []
        for name, text, pred in items:
            url = _url(name)
            if url and pred(user):
                links.append({"url": url, "label": text})
                if request.path.startswith(url) and len(url) > len(best):
                    best = url
        if links:
            menus.append({"label": label, "icon": icon, "links": links})
    for menu in menus:
        for link in menu["links"]:
            link["active"] = link["url"] == best
        menu["active"] = any(link["active"] for link in menu["links"])
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_menus": menus, "unread_notifications": unread, "read_only_user": rules.is_read_only(user)}

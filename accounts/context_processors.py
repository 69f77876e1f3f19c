from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import rules

# (url name, label, icon, predicate) — navigation by role. Apps register their own pages
# here by URL name only (STYLE.md: imports point one way).
NAV_ITEMS = [
    ("fieldwork:my_standing", _("Của tôi"), "person-check", lambda u: True),
    ("fieldwork:registrations", _("Đăng ký"), "journal-text", lambda u: True),
    ("fieldwork:my_trips", _("Đợt đi cơ sở"), "geo-alt", lambda u: True),
    ("fieldwork:approvals", _("Phê duyệt"), "inbox", lambda u: rules.is_head(u) or rules.is_standing(u)),
    (
        "fieldwork:trips_to_confirm",
        _("Xác nhận kết quả"),
        "check2-square",
        rules.is_approver,
    ),
    ("fieldwork:department_home", _("Ban của tôi"), "people", lambda u: rules.is_head(u)),
    (
        "fieldwork:department_plans",
        _("Kế hoạch ban"),
        "clipboard-check",
        lambda u: rules.is_head(u) or rules.sees_whole_organization(u),
    ),
    ("fieldwork:organization_dashboard", _("Toàn cơ quan"), "bar-chart", rules.sees_whole_organization),
    ("fieldwork:standings", _("Tình hình thực hiện"), "table", rules.sees_whole_organization),
    ("accounts:people", _("Cán bộ"), "person-lines-fill", rules.can_view_people),
    ("fieldwork:plans", _("Kế hoạch"), "gear", rules.can_manage_plan),
    ("fieldwork:exemptions", _("Miễn thực hiện"), "shield-check", lambda u: rules.is_board(u) or rules.is_standing(u)),
    ("reports:jobs", _("Báo cáo"), "file-earmark-arrow-down", lambda u: True),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for name, label, icon, pred in NAV_ITEMS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # page not built (yet)
        if pred(user):
            items.append({"url": url, "label": label, "icon": icon, "active": request.path.startswith(url)})
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_items": items, "unread_notifications": unread, "read_only_user": rules.is_read_only(user)}

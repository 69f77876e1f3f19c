"""Template filters of docs/rules.md “Results and mẫu 3” (results, dashboards, calendar): Vietnamese written forms."""

from django import template
from django.utils.translation import gettext_lazy as _

from accounts.vietnamese import format_days, format_period

register = template.Library()

TRIP_BADGES = {
    "draft": "secondary",
    "approved": "info",
    "reported": "warning",
    "returned": "danger",
    "confirmed": "success",
    "cancelled": "dark",
    "rejected": "dark",
}

HISTORY_ACTIONS = {
    "reported": _("Báo cáo kết quả"),
    "re_reported": _("Gửi lại báo cáo"),
    "self_certified": _("Tự xác nhận kết quả"),
    "confirmed": _("Xác nhận đã thực hiện"),
    "returned": _("Trả lại báo cáo"),
    "attachment_deleted": _("Xóa tệp đính kèm"),
    "submitted": _("Gửi báo cáo"),
    "updated": _("Cập nhật"),
    "saved": _("Lưu"),
}


@register.filter
def days(value):
    """Decimal days with a comma: 2,5."""
    return format_days(value)


@register.filter
def period(trip):
    """'Từ ngày 01/4/2023 đến ngày 01/5/2023' (the seeds' style)."""
    return format_period(trip.start, trip.end)


@register.filter
def trip_badge(status):
    return TRIP_BADGES.get(str(status), "secondary")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def history_action(code):
    return HISTORY_ACTIONS.get(str(code), code)


@register.filter
def taken_outside(attachment, trip) -> bool:
    """A photo taken (local date) outside the trip's dates: the approver compares (docs/privacy.md)."""
    from django.utils import timezone

    if attachment.taken_at is None:
        return False
    day = timezone.localtime(attachment.taken_at).date()
    return not (trip.start <= day <= trip.end)

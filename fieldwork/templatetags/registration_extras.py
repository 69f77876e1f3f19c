"""Template filters of docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)” (registration, approvals, mẫu 2): Vietnamese written forms."""

from django import template
from django.utils.translation import gettext_lazy as _

from accounts.vietnamese import format_days, format_period
from fieldwork.models import DepartmentPlan, QuarterReport, Registration, Trip

register = template.Library()

ACTIONS = {
    "submitted": _("Gửi phê duyệt"),
    "approved": _("Phê duyệt"),
    "returned": _("Trả lại"),
    "self_certified": _("Tự xác nhận"),
    "reopened": _("Bổ sung đợt mới (mở lại bản đăng ký)"),
    "add_requested": _("Đề nghị bổ sung đợt"),
    "add_approved": _("Phê duyệt đợt bổ sung"),
    "add_rejected": _("Không phê duyệt đợt bổ sung"),
    "add_withdrawn": _("Rút đề nghị bổ sung đợt"),
    "change_requested": _("Đề nghị thay đổi đợt"),
    "cancel_requested": _("Đề nghị hủy đợt"),
    "changed": _("Phê duyệt thay đổi đợt"),
    "cancelled": _("Phê duyệt hủy đợt"),
    "change_rejected": _("Không phê duyệt đề nghị"),
    "change_withdrawn": _("Rút đề nghị"),
    "saved": _("Lưu bản nháp"),
    # docs/rules.md “Nobody certifies their own days”: people and organizations.
    "person_created": _("Thêm cán bộ"),
    "person_changed": _("Sửa thông tin công tác"),
    "roles_changed": _("Đổi vai trò"),
    "invited": _("Gửi thư mời đăng nhập"),
    "deactivated": _("Ngừng tài khoản"),
    "parent_changed": _("Đổi tổ chức cấp trên"),
    "imported": _("Nhập từ tệp"),
    "signed": _("Ký số"),  # docs/signing.md: an issued document signed digitally
}
STATES = {
    "registration": dict(Registration.Status.choices),
    "departmentplan": dict(DepartmentPlan.Status.choices),
    "trip": dict(Trip.Status.choices),
    "quarterreport": dict(QuarterReport.Status.choices),
}
BADGES = {
    "draft": "secondary",
    "submitted": "warning",
    "returned": "danger",
    "approved": "success",
    "reported": "info",
    "confirmed": "success",
    "cancelled": "dark",
    "rejected": "dark",
    "pending": "warning",
    "withdrawn": "secondary",
}


@register.filter
def fdays(value):
    """Decimal days with a comma: 2,5."""
    return "" if value is None else format_days(value)


@register.filter
def trip_period(trip):
    """'Từ ngày 01/4/2023 đến ngày 01/5/2023' (the seeds' style, mẫu 1 and 2)."""
    return format_period(trip.start, trip.end)


@register.filter
def action_label(code):
    return ACTIONS.get(str(code), code)


@register.filter
def state_label(code, object_type="registration"):
    if not code:
        return ""
    return STATES.get(object_type, {}).get(code, code)


@register.filter
def badge(status):
    return BADGES.get(str(status), "secondary")


@register.filter
def roman(quarter):
    """Quarter numbers are written in Roman numerals in the forms: quý I … IV."""
    return {1: "I", 2: "II", 3: "III", 4: "IV"}.get(quarter, quarter)


@register.filter
def period_label(period, year):
    """A registration period in a sentence: "quý I/2023", or "năm 2023" for the annual cycle's
    whole-year mẫu 1 and mẫu 2 (fieldwork.cycles, docs/rules.md “The seeds' cycle and rules”)."""
    from fieldwork.cycles import period_label as label

    return label(year, period)


@register.simple_tag
def page_query(request, param, number):
    """The current query string with one list's page number replaced: the inbox's three lists
    page independently (?page=, ?cr_page=, ?dp_page=) and keep the filters."""
    query = request.GET.copy()
    query[param] = number
    return query.urlencode()


@register.filter
def mau2_state(department_plan) -> str:
    """mẫu 2's state in words (fieldwork.services.department_plans.state_label)."""
    from fieldwork.services.department_plans import state_label

    return state_label(department_plan)

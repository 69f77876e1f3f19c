"""Forms of the reminders and delegation pages (docs/rules.md “Reminders, digests and delegation of approval”)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import rules
from accounts.forms import DateInput
from accounts.models import User

from .models import SentReminder


class PreferenceForm(forms.Form):
    """docs/rules.md “A year in the life”: by kind (deadlines, digests) and channel (email, in-app)."""

    email = forms.BooleanField(label=_("Nhắc hạn qua email"), required=False)
    deadlines_app = forms.BooleanField(label=_("Nhắc hạn trên hệ thống (biểu tượng chuông)"), required=False)
    digests_email = forms.BooleanField(label=_("Bản tổng hợp qua email"), required=False)
    digests_app = forms.BooleanField(label=_("Bản tổng hợp trên hệ thống (biểu tượng chuông)"), required=False)

    @staticmethod
    def initial_from(pref) -> dict:
        return {
            "email": pref.email,
            "deadlines_app": pref.deadlines_app,
            "digests_email": pref.digests_email,
            "digests_app": pref.digests_app,
        }


class LogFilterForm(forms.Form):
    q = forms.CharField(label=_("Người nhận"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=[("", _("Tất cả"))] + SentReminder.Kind.choices)
    since = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput())


class DelegationForm(forms.Form):
    """Name a deputy: only those who may approve in the delegator's place (accounts.rules.can_be_deputy,
    the rule the service checks too), grouped: the Standing Committee, then the delegator's own
    department, then the other departments."""

    deputy = forms.TypedChoiceField(
        label=_("Người được ủy quyền"),
        error_messages={"invalid_choice": _("Hãy chọn một người trong danh sách: người có thể phê duyệt thay bạn.")},
    )
    start = forms.DateField(label=_("Từ ngày"), widget=DateInput())
    end = forms.DateField(label=_("Đến ngày"), widget=DateInput())
    note = forms.CharField(label=_("Lý do (nghỉ phép, đi công tác …)"), required=False, max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            User.objects.filter(organization_id=user.organization_id, is_active=True)
            .exclude(pk=user.pk)
            .select_related("department")
            .prefetch_related("roles")
            .order_by("sort_key", "email")
        )
        self.candidates = {p.pk: p for p in people if rules.can_be_deputy(p, user)}
        groups: dict[str, list] = {}
        for p in self.candidates.values():
            key = str(_("Thường trực")) if rules.is_standing(p) else (p.department.name if p.department else "")
            label = f"{p.full_name} — {p.position}" if p.position else p.full_name
            groups.setdefault(key, []).append((str(p.pk), label))
        standing = str(_("Thường trực"))
        own = user.department.name if user.department_id else ""
        order = sorted(groups, key=lambda k: (k != standing, k != own, k))
        self.fields["deputy"].choices = [("", _("— Chọn người được ủy quyền —"))] + [(k, groups[k]) for k in order]
        self.fields["deputy"].coerce = lambda pk: self.candidates[int(pk)]
        if not self.candidates:
            self.fields["deputy"].help_text = _(
                "Chưa có ai có thể phê duyệt thay bạn (lãnh đạo của ban hoặc Thường trực). Hãy báo Ban Tổ chức – Kiểm tra."
            )


class DayListField(forms.CharField):
    """ "7, 1" -> [7, 1]: whole days, 1 to 90, at most 5 values."""

    def prepare_value(self, value):
        return ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else value

    def clean(self, value):
        text = super().clean(value) or ""
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() and 1 <= int(p) <= 90 for p in parts) or len(parts) > 5:
            raise forms.ValidationError(
                _("Nhập tối đa 5 số ngày nguyên từ 1 đến 90, cách nhau bởi dấu phẩy, ví dụ: 7, 1.")
            )
        return sorted({int(p) for p in parts}, reverse=True)


class ScheduleForm(forms.Form):
    enabled = forms.BooleanField(label=_("Gửi nhắc việc và bản tổng hợp cho kế hoạch này"), required=False)
    days_before = DayListField(
        label=_("Nhắc trước mỗi hạn (số ngày)"),
        required=False,
        help_text=_("1: ngày cuối cùng còn đúng hạn (với hạn “trước ngày 15/02”, là ngày 14/02)."),
    )
    days_after = DayListField(
        label=_("Nhắc sau mỗi hạn (số ngày)"),
        required=False,
        help_text=_("1: ngày đầu tiên bị muộn (với hạn “trước ngày 15/02”, là chính ngày 15/02)."),
    )
    results_days = forms.IntegerField(
        label=_("Nhắc báo cáo kết quả khi đợt đi đã kết thúc quá (ngày)"), min_value=1, max_value=90
    )
    waiting_days = forms.IntegerField(label=_("Tổng hợp việc chờ phê duyệt quá (ngày)"), min_value=1, max_value=90)

"""Forms of the reminders and delegation pages (issue 12)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from accounts.models import User

from .models import SentReminder


class PreferenceForm(forms.Form):
    email = forms.BooleanField(
        label=_("Nhận nhắc việc và bản tổng hợp qua email"),
        required=False,
        help_text=_("Thông báo trên hệ thống (biểu tượng chuông) vẫn luôn được gửi."),
    )


class LogFilterForm(forms.Form):
    q = forms.CharField(label=_("Người nhận"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=[("", _("Tất cả"))] + SentReminder.Kind.choices)
    since = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput())


class DelegationForm(forms.Form):
    deputy = forms.ModelChoiceField(label=_("Người được ủy quyền"), queryset=User.objects.none())
    start = forms.DateField(label=_("Từ ngày"), widget=DateInput())
    end = forms.DateField(label=_("Đến ngày"), widget=DateInput())
    note = forms.CharField(label=_("Lý do (nghỉ phép, đi công tác …)"), required=False, max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = (
            User.objects.filter(organization_id=user.organization_id, is_active=True)
            .exclude(pk=user.pk)
            .order_by("sort_key", "email")
        )
        self.fields["deputy"].label_from_instance = lambda u: (
            f"{u.full_name} — {u.position}" if u.position else u.full_name
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
    days_before = DayListField(label=_("Nhắc trước mỗi hạn (số ngày)"), required=False)
    days_after = DayListField(label=_("Nhắc sau mỗi hạn (số ngày)"), required=False)
    results_days = forms.IntegerField(
        label=_("Nhắc báo cáo kết quả khi đợt đi đã kết thúc quá (ngày)"), min_value=1, max_value=90
    )
    waiting_days = forms.IntegerField(label=_("Tổng hợp việc chờ phê duyệt quá (ngày)"), min_value=1, max_value=90)

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

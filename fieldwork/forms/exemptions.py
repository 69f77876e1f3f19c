"""Forms of docs/domain.md §5–§7: proposing an individual exemption, deciding on it, filtering the list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.text import END_BEFORE_START
from fieldwork.models import Exemption, ExemptionReason, Plan
from fieldwork.services.exemptions import ExemptionInput, check_document

from .fields import DateInput


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        dept = f" – {obj.department.name}" if obj.department_id else ""
        return f"{obj.full_name} ({obj.email}){dept}"


class ExemptionProposeForm(forms.Form):
    person = PersonChoiceField(label=_("Cán bộ"), queryset=User.objects.none())
    reason = forms.ModelChoiceField(label=_("Lý do miễn"), queryset=ExemptionReason.objects.none())
    start = forms.DateField(label=_("Từ ngày"), widget=DateInput())
    end = forms.DateField(label=_("Đến ngày"), widget=DateInput())
    note = forms.CharField(
        label=_("Ghi chú"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Ví dụ: số, ngày quyết định cử đi học; thời gian nghỉ thai sản."),
    )
    document = forms.FileField(
        label=_("Văn bản kèm theo (không bắt buộc)"), required=False, help_text=_("Tệp PDF, ảnh JPEG hoặc PNG.")
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["person"].queryset = (
            User.objects.filter(organization_id=plan.organization_id, is_active=True)
            .select_related("department")
            .order_by("sort_key", "email")
        )
        self.fields["reason"].queryset = plan.exemption_reasons.filter(scope__in=ExemptionReason.GRANTABLE)
        self.fields["start"].initial = plan.period_start
        self.fields["end"].initial = plan.period_end

    def clean_document(self):
        f = self.cleaned_data.get("document")
        if f:
            check_document(f)
        return f

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", END_BEFORE_START)
        return data

    def exemption_input(self) -> ExemptionInput:
        d = self.cleaned_data
        return ExemptionInput(
            person=d["person"],
            reason=d["reason"],
            start=d["start"],
            end=d["end"],
            note=d["note"],
            document=d.get("document"),
        )


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ExemptionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả trạng thái")), *Exemption.Status.choices]
    )
    reason = forms.ChoiceField(label=_("Lý do"), required=False)
    q = forms.CharField(label=_("Tìm theo tên, email"), required=False)

    def __init__(self, *args, plan: Plan, sensitive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = plan.exemption_reasons.filter(scope__in=ExemptionReason.GRANTABLE)
        if not sensitive:  # docs/domain.md §6: filtering by a hidden reason would name its people
            reasons = reasons.filter(sensitive=False)
        self.fields["reason"].choices = [("", _("Tất cả lý do"))] + [(r.code, r.name) for r in reasons]
        for name in ("status", "reason"):
            self.fields[name].widget.attrs.update({"data-autosubmit": "1", "class": "form-select form-select-sm"})
        self.fields["q"].widget.attrs["class"] = "form-control form-control-sm"

"""Forms of docs/rules.md “Results and mẫu 3”: reporting a trip, returning it, the quarterly summary (mẫu 3)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from fieldwork.models import Category, Plan, Trip
from fieldwork.services.results import check_upload
from fieldwork.trip_fields import TRIP_FIELDS, from_form

from .fields import DateInput, DaysField, TopicField, TripDatesMixin, topic_choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        out = []
        errors = []
        for f in items:
            f = super().clean(f, initial)
            try:
                check_upload(f)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
            out.append(f)
        if errors:
            raise forms.ValidationError(errors)
        return out


class TripReportForm(TripDatesMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("Nội dung"), queryset=Category.objects.none())
    content = forms.CharField(
        label=_("Cụ thể nội dung đi cơ sở"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    start = forms.DateField(label=_("Từ ngày (thực tế)"), widget=DateInput())
    end = forms.DateField(label=_("Đến ngày (thực tế)"), widget=DateInput())
    days = DaysField(label=_("Số ngày đi (thực tế)"), help_text=_("Theo bước nửa ngày: 0,5; 1; 1,5 …"))
    location = forms.CharField(label=_("Địa điểm"), max_length=300)
    topic = TopicField()
    immersion = forms.BooleanField(label=_("Đợt “cùng ăn, cùng ở, cùng làm”"), required=False)
    travel_order = forms.CharField(label=_("Công lệnh số"), max_length=100, required=False)
    results = forms.CharField(
        label=_("Kết quả chủ yếu (mặt được)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Hãy nêu khái quát những kết quả chủ yếu của đợt đi.")},
    )
    shortcomings = forms.CharField(label=_("Hạn chế"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    proposals = forms.CharField(label=_("Đề xuất, kiến nghị"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    attachments = MultipleFileField(
        label=_("Ảnh, tài liệu kèm theo"),
        required=False,
        help_text=_("Ảnh (JPEG, PNG, GIF, WebP) hoặc PDF; có thể chọn nhiều tệp."),
        # image/* lets a phone offer its camera; the content is still checked by its magic bytes.
        widget=MultipleFileInput(
            attrs={
                "accept": "image/*,image/jpeg,image/png,image/gif,image/webp,application/pdf",
                "data-upload-field": "",
            }
        ),
    )

    def __init__(self, *args, plan: Plan, trip: Trip | None = None, **kwargs):
        if trip is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(trip, f) for f in (*TRIP_FIELDS, "results", "shortcomings", "proposals")}
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.trip = trip
        self.fields["category"].queryset = Category.objects.filter(plan=plan, counts=True)  # docs/domain.md §8
        self.fields["topic"].choices = topic_choices(self.fields["category"].queryset)
        if not self.fields["topic"].choices:
            del self.fields["topic"]  # the plan names no topics

    def report_input(self):
        from fieldwork.services.results import ReportInput

        d = self.cleaned_data
        trip = from_form(
            d,
            province_code=getattr(self.trip, "province_code", "") or "",
            ward_code=getattr(self.trip, "ward_code", "") or "",
        )
        return ReportInput(
            trip=trip, results=d["results"], shortcomings=d.get("shortcomings", ""), proposals=d.get("proposals", "")
        )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ghi rõ cần sửa gì (ngày, số ngày, kết quả …)."),
        error_messages={"required": _("Hãy ghi rõ lý do trả lại để cán bộ biết cần sửa gì.")},
    )


class QuarterReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Nêu khái quát kết quả, hạn chế, đề xuất của ban"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("Tính đến ngày"), required=False, widget=DateInput())

    def value(self, default: date) -> date:
        if self.is_valid() and self.cleaned_data.get("as_of"):
            return self.cleaned_data["as_of"]
        return default

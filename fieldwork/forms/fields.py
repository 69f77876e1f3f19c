"""Fields shared by the trip forms (a registration line, a trip report) and the plan forms."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput  # noqa: F401 (one date widget for every form)
from accounts.text import END_BEFORE_START
from accounts.vietnamese import format_days


class DaysField(forms.CharField):
    """Days in half-day steps, typed "2,5" or "2.5" (docs/domain.md §7.1)."""

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_days(value)
        return value

    def clean(self, value):
        value = super().clean(value)
        text = str(value or "").strip().replace(",", ".")
        try:
            days = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Hãy nhập số ngày, ví dụ 2 hoặc 2,5.")) from None
        if not days.is_finite() or days <= 0 or (days * 2) % 1 != 0:
            raise forms.ValidationError(_("Số ngày đi phải là số dương, theo bước nửa ngày (0,5; 1; 1,5 …)."))
        return days


class TripDatesMixin:
    """A trip form's `start` and `end`: the end is not before the start."""

    end_before_start = END_BEFORE_START

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", self.end_before_start)
        return data


class WorkbookUploadForm(forms.Form):
    """An .xlsx upload for one of the organization's plans (the importers). Subclasses declare
    `file` and `plan` with their own labels."""

    def __init__(self, *args, organization, default_plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        from fieldwork.models import Plan

        self.fields["plan"].queryset = Plan.objects.filter(organization=organization).order_by("-year")
        if default_plan is not None:
            self.fields["plan"].initial = default_plan.pk

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("Hãy chọn tệp Excel có đuôi .xlsx (Excel: Tệp → Lưu thành → Sổ làm việc Excel).")
            )
        if f.size > settings.IMPORT_MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn hơn %(mb)s MB: hãy bỏ các trang tính không cần thiết.")
                % {"mb": f"{settings.IMPORT_MAX_FILE_BYTES / (1024 * 1024):g}"}
            )
        return f


def topic_choices(categories) -> list:
    """The topic select (docs/domain.md §10 `"topics"`): "—" and, per category that lists topics, a
    group of them. Shown only when the plan has topics (TopicField.hidden otherwise)."""
    groups = [(str(c), [(t, t) for t in c.topics]) for c in categories if c.topics]
    return [("", _("— Không theo chuyên đề nào —")), *groups] if groups else []


class TopicField(forms.ChoiceField):
    """One of the chosen category's topics, or none; the service says which category a topic
    belongs to when it does not match (fieldwork.services.trips.check_topic)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Chuyên đề"))
        kwargs.setdefault("help_text", _("Chọn khi nội dung có chuyên đề trong kế hoạch (ví dụ 1.3 Theo chuyên đề)."))
        super().__init__(required=False, **kwargs)

    def valid_value(self, value):  # any text: the service checks it against the category
        return True

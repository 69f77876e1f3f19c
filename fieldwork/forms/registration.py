"""Forms of docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”: a registration line (mẫu 1), change and cancel requests, decisions."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.text import END_BEFORE_START
from fieldwork import locations
from fieldwork.models import Category, Plan, Registration, Trip
from fieldwork.services.registration_checks import check_line_quarter
from fieldwork.trip_fields import TripInput, form_initial, from_form

from .fields import DateInput, DaysField, TopicField, TripDatesMixin, topic_choices

REQUIRED = {"required": _("Hãy điền mục này.")}


def _ward_attrs(trigger: str) -> dict:
    return {
        "hx-get": reverse_lazy("fieldwork:wards"),
        "hx-target": "#id_ward",
        "hx-trigger": trigger,
        "hx-include": "#id_province, #id_ward_search",
        "hx-swap": "innerHTML",
    }


class TripLineForm(TripDatesMixin, forms.Form):
    """One line of mẫu 1: what, when, how many days, where."""

    end_before_start = END_BEFORE_START

    category = forms.ModelChoiceField(
        label=_("Nội dung"),
        queryset=Category.objects.none(),
        error_messages=REQUIRED,
        empty_label=_("— Chọn nội dung —"),
    )
    start = forms.DateField(
        label=_("Từ ngày"),
        widget=DateInput(),
        error_messages={**REQUIRED, "invalid": _("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm.")},
    )
    end = forms.DateField(
        label=_("Đến ngày"),
        widget=DateInput(),
        error_messages={**REQUIRED, "invalid": _("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm.")},
    )
    days = DaysField(
        label=_("Số ngày đi"),
        error_messages=REQUIRED,
        help_text=_("Theo bước nửa ngày: 0,5; 1; 1,5 … Không lớn hơn số ngày từ “Từ ngày” đến “Đến ngày”."),
    )
    province = forms.ChoiceField(label=_("Tỉnh, thành phố"), required=False)
    ward_search = forms.CharField(
        label=_("Tìm xã, phường"),
        required=False,
        widget=forms.TextInput(
            attrs={
                **_ward_attrs("input changed delay:300ms, search"),
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("Gõ vài chữ, ví dụ: tan dong"),
            }
        ),
    )
    # A CharField with a select: the choices follow the chosen province, and clean() says in
    # words when a ward does not belong to it (a ChoiceField would only say "invalid choice").
    ward = forms.CharField(label=_("Xã, phường, đặc khu"), required=False, widget=forms.Select)
    location_detail = forms.CharField(
        label=_("Đơn vị, địa điểm cụ thể"),
        required=False,
        max_length=200,
        help_text=_(
            "Ví dụ: Huyện đoàn Châu Thành; Đoàn trường THPT Tây Ninh; Chi đoàn ấp 3. "
            "Có thể chỉ ghi mục này nếu không chọn xã, phường."
        ),
    )
    topic = TopicField()
    content = forms.CharField(
        label=_("Cụ thể nội dung đi cơ sở"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    immersion = forms.BooleanField(label=_("Đợt “cùng ăn, cùng ở, cùng làm”"), required=False)
    travel_order = forms.CharField(label=_("Công lệnh số (nếu có)"), required=False, max_length=100)

    def __init__(self, *args, plan: Plan, registration: Registration | None = None, trip: Trip | None = None, **kwargs):
        if trip is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(trip)
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.registration = registration
        # docs/domain.md §8: a category that does not count is not offered (validate_trip refuses it).
        self.fields["category"].queryset = Category.objects.filter(plan=plan, counts=True).order_by("order", "code")
        self.fields["topic"].choices = topic_choices(self.fields["category"].queryset)
        if not self.fields["topic"].choices:
            del self.fields["topic"]  # the plan names no topics
        self.fields["province"].choices = [("", _("— Chọn tỉnh, thành phố —")), *locations.provinces()]
        self.fields["province"].widget.attrs.update(_ward_attrs("change"))
        self._local_examples(plan)
        province = (self.data.get(self.add_prefix("province")) if self.is_bound else self.initial.get("province")) or ""
        self.fields["ward"].widget.choices = [("", _("— Chọn xã, phường —")), *locations.wards(province)]

    def _local_examples(self, plan: Plan) -> None:
        """docs/rules.md “A year in the life”: the organization's own province first (a new line starts there, its
        communes listed) and examples from it: a Đà Nẵng cadre reads Đà Nẵng, not Tây Ninh."""
        from fieldwork.locations import province_code, province_of

        place = plan.organization.place
        code = province_code(province_of(plan.organization))
        home = locations.province_code_str(code) if code else ""
        if home and not self.is_bound and not self.initial.get("province") and "province" not in self.initial:
            self.initial["province"] = home
        commune, typed = locations.ward_example(home)
        if typed:
            self.fields["ward_search"].widget.attrs["placeholder"] = _("Gõ vài chữ, ví dụ: %(t)s") % {"t": typed}
        if commune:
            self.fields["location_detail"].help_text = _(
                "Ví dụ: Đoàn %(c)s; Đoàn trường THPT %(p)s; Chi đoàn thôn 3. "
                "Có thể chỉ ghi mục này nếu không chọn xã, phường."
            ) % {"c": commune, "p": place}

    @staticmethod
    def initial_from(trip: Trip) -> dict:
        return form_initial(trip)

    def clean(self):
        data = super().clean()
        start = data.get("start")
        if start and self.registration is not None:
            try:
                check_line_quarter(self.registration, start)
            except ValidationError as exc:
                for msg in exc.message_dict.get("start", []):
                    self.add_error("start", msg)
        province, ward = data.get("province") or "", data.get("ward") or ""
        detail = (data.get("location_detail") or "").strip()
        if ward and not (province and locations.ward_in_province(ward, province)):
            self.add_error("ward", _("Xã, phường này không thuộc tỉnh đã chọn. Hãy chọn lại."))
        elif not ward and not detail:
            self.add_error(
                "location_detail", _("Hãy chọn xã, phường hoặc ghi tên đơn vị (ví dụ: Huyện đoàn Châu Thành).")
            )
        else:
            location = locations.location_text(province_code=province, ward_code=ward, detail=detail)
            if len(location) > 300:
                self.add_error("location_detail", _("Địa điểm quá dài (tối đa 300 ký tự). Hãy viết gọn lại."))
            data["location"] = location
        return data

    def trip_input(self) -> TripInput:
        return from_form(self.cleaned_data)


class SupplementLineForm(TripLineForm):
    """A line added to an approved registration: a request for that line alone (docs/domain.md §5),
    with an optional word for the approver."""

    reason = forms.CharField(
        label=_("Lý do bổ sung (không bắt buộc)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChangeRequestForm(TripLineForm):
    reason = forms.CharField(
        label=_("Lý do thay đổi"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi lý do đề nghị thay đổi.")},
    )


class CancelRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do hủy đợt"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi lý do đề nghị hủy đợt.")},
    )


class ReturnForm(forms.Form):
    """Returning (a registration, a department plan, a change request): the comment is required."""

    comment = forms.CharField(
        label=_("Lý do trả lại, việc cần sửa"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi lý do trả lại để người đăng ký biết cần sửa gì.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "return_%s")  # the approve form is on the same page
        super().__init__(*args, **kwargs)


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến (không bắt buộc)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "approve_%s")
        super().__init__(*args, **kwargs)

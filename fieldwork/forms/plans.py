"""Forms of docs/domain.md §5–§7: the year's plan (general fields + formsets of groups, categories and
exemption reasons), creating a plan, and the trips import upload.

The forms only read what was typed; the plan's rules are checked by PlanSpec.validate
(services/plans.py), the same check as `load_plan`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.vietnamese import format_days
from fieldwork.models import ExemptionReason, Plan
from fieldwork.services.plans import template_names

from .fields import DateInput, WorkbookUploadForm

_SPLIT = re.compile(r"[,;\n]+")


class OptionalDaysField(forms.CharField):
    """Days in half-day steps, typed "30" or "5,5"; empty means "no bound"."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_days(value)
        return value

    def clean(self, value):
        text = str(super().clean(value) or "").strip().replace(",", ".")
        if not text:
            return None
        try:
            days = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Hãy nhập số ngày, ví dụ 30 hoặc 5,5.")) from None
        if not days.is_finite() or days < 0 or (days * 2) % 1 != 0:
            raise forms.ValidationError(_("Số ngày phải là số không âm, theo bước nửa ngày (0,5; 1; 1,5 …)."))
        return days


class ListField(forms.CharField):
    """A list typed as text, items separated by commas or semicolons."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        return [" ".join(part.split()) for part in _SPLIT.split(text) if part.strip()]


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=300, required=False)
    period_start = forms.DateField(label=_("Từ ngày"), widget=DateInput())
    period_end = forms.DateField(label=_("Đến ngày"), widget=DateInput())
    min_days = forms.IntegerField(label=_("Số ngày tối thiểu trong năm"), min_value=1, max_value=366)
    exemption_policy = forms.ChoiceField(
        label=_("Chế độ miễn"),
        choices=Plan.ExemptionPolicy.choices,
        help_text=_(
            "Miễn cả năm: quyết định miễn trùng thời gian kế hoạch thì miễn cả năm. Giảm theo tỷ lệ: số ngày và số đợt "
            "phải đi giảm theo số ngày không được miễn."
        ),
    )
    immersion_min_gap_days = forms.IntegerField(
        label=_("Khoảng cách tối thiểu giữa 2 đợt “cùng ăn, cùng ở, cùng làm” (ngày)"),
        min_value=0,
        required=False,
        help_text=_("Để trống nếu kế hoạch không cấm 2 đợt liên tiếp."),
    )
    # docs/rules.md “The seeds' cycle and rules” (docs/domain.md §5): the registration cycle and its deadlines (fieldwork.cycles).
    registration_cycle = forms.ChoiceField(
        label=_("Chu kỳ đăng ký (mẫu 1, mẫu 2)"),
        choices=Plan.RegistrationCycle.choices,
        help_text=_(
            "Cả năm: mỗi cán bộ đăng ký một lần cho cả năm, thay đổi sau đó bằng đề nghị thay đổi. Theo quý: đăng ký "
            "và tổng hợp mỗi quý. Kết quả (mẫu 3) luôn báo cáo theo quý."
        ),
    )
    registration_deadline = forms.DateField(
        label=_("Hạn đăng ký (mẫu 1)"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "Chu kỳ cả năm, ghi đúng ngày của văn bản. Để trống: kế hoạch không quy định hạn, không nhắc, không muộn."
        ),
    )
    consolidation_deadline = forms.DateField(
        label=_("Hạn tổng hợp (mẫu 2)"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "Ghi đúng ngày của văn bản. Để trống: kế hoạch không quy định hạn, không nhắc, không muộn. Chu kỳ theo quý: "
            "chỉ khi có cả hạn đăng ký, mỗi quý cách hạn đăng ký của quý bấy nhiêu ngày."
        ),
    )
    deadline_wording = forms.ChoiceField(
        label=_("Cách ghi hạn trong văn bản kế hoạch"),
        choices=Plan.DeadlineWording.choices,
        initial=Plan.DeadlineWording.BEFORE,
        required=False,
        help_text=_("Như văn bản ghi: “trước ngày 15/02/2023” thì nộp ngày 15/02 là muộn."),
    )
    registration_quarter_day = forms.IntegerField(
        label=_("Ngày hạn đăng ký trong tháng đầu quý"),
        min_value=1,
        max_value=31,
        initial=10,
        help_text=_("Chu kỳ theo quý: “đầu mỗi quý”, mặc định ngày 10 (ngày 31 của tháng 30 ngày là ngày 30)."),
    )
    quarter_report_day = forms.IntegerField(
        label=_("Ngày hạn báo cáo quý (mẫu 3), trong tháng cuối quý"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_("Để trống: kế hoạch không quy định hạn mẫu 3, không nhắc, không muộn."),
    )
    immersion_categories = ListField(
        label=_("Nội dung của đợt “cùng ăn, cùng ở, cùng làm” (mã)"),
        required=False,
        help_text=_("Ví dụ 1.3 (Đà Nẵng: đợt đi theo chuyên đề). Để trống: mọi nội dung được tính ngày."),
    )
    document_number = forms.CharField(
        label=_("Số văn bản kế hoạch"),
        max_length=100,
        required=False,
        help_text=_("Ví dụ 45-KH/TĐTN-TCKT: in ở dòng “(Kèm theo Kế hoạch số …)” của các biểu mẫu."),
    )
    document_date = forms.DateField(label=_("Ngày văn bản kế hoạch"), widget=DateInput(), required=False)

    @classmethod
    def initial_from(cls, data: dict) -> dict:
        dl = data.get("deadlines") or {}
        return {
            "title": data.get("title", ""),
            "period_start": data["period"]["start"],
            "period_end": data["period"]["end"],
            "min_days": data["min_days"],
            "exemption_policy": data["exemption_policy"],
            "immersion_min_gap_days": data.get("immersion_min_gap_days"),
            "registration_deadline": dl.get("registration"),
            "consolidation_deadline": dl.get("consolidation"),
            "quarter_report_day": dl.get("quarter_report_day"),
            "registration_cycle": data.get("registration_cycle") or Plan.RegistrationCycle.QUARTERLY,
            "deadline_wording": data.get("deadline_wording") or Plan.DeadlineWording.BEFORE,
            "registration_quarter_day": dl.get("registration_quarter_day") or 10,
            "immersion_categories": data.get("immersion_categories") or [],
            "document_number": (data.get("document") or {}).get("number") or "",
            "document_date": (data.get("document") or {}).get("date"),
        }

    def clean(self):
        data = super().clean()
        reg, cons = data.get("registration_deadline"), data.get("consolidation_deadline")
        if reg and cons and cons < reg:
            self.add_error("consolidation_deadline", _("Hạn tổng hợp (mẫu 2) không được trước hạn đăng ký (mẫu 1)."))
        if data.get("document_date") and not data.get("document_number"):
            self.add_error("document_number", _("Hãy ghi số văn bản kế hoạch cùng với ngày ban hành."))
        return data


class GroupForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=20)
    name = forms.CharField(label=_("Tên đối tượng"), max_length=200)
    focus = ListField(label=_("Nội dung trọng tâm (mã, cách nhau bởi dấu phẩy)"), required=False)
    immersion_trips = forms.IntegerField(
        label=_("Số đợt cùng ăn, cùng ở, cùng làm"), min_value=0, max_value=12, initial=0
    )
    immersion_min_days = OptionalDaysField(label=_("Mỗi đợt tối thiểu (ngày)"))
    immersion_max_days = OptionalDaysField(label=_("Mỗi đợt tối đa (ngày)"))

    def clean(self):
        data = super().clean()
        lo, hi = data.get("immersion_min_days"), data.get("immersion_max_days")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("immersion_max_days", _("Số ngày tối đa phải lớn hơn hoặc bằng số ngày tối thiểu."))
        return data


class LinesField(forms.CharField):
    """A list typed one item a line (items may hold commas: the topics of seed 002)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


class CategoryForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=20)
    name = forms.CharField(label=_("Tên nội dung"), max_length=300)
    counts = forms.BooleanField(label=_("Được tính ngày"), required=False, initial=True)
    any_group = forms.BooleanField(
        label=_("Mọi đối tượng"),
        required=False,
        help_text=_("Không cảnh báo “ngoài nội dung trọng tâm” (ví dụ 1.3 Theo chuyên đề)."),
    )
    topics = LinesField(
        label=_("Chuyên đề (mỗi dòng một chuyên đề)"),
        required=False,
        help_text=_(
            "Ví dụ nội dung 1.3 “Theo chuyên đề” của Tây Ninh. Báo cáo cuối năm đếm số đợt theo từng chuyên đề."
        ),
    )


class ReasonForm(forms.Form):
    code = forms.SlugField(label=_("Mã"), max_length=30, help_text=_("Chữ không dấu, số, gạch nối, ví dụ thai-san."))
    name = forms.CharField(label=_("Lý do"), max_length=200)
    # An initial value, so the blank row at the end of the table is left alone when untouched.
    scope = forms.ChoiceField(
        label=_("Phạm vi"), choices=ExemptionReason.Scope.choices, initial=ExemptionReason.Scope.INDIVIDUAL
    )
    positions = ListField(label=_("Chức danh được miễn (cách nhau bởi dấu phẩy)"), required=False)
    min_months = forms.IntegerField(
        label=_("Thời gian tối thiểu (tháng)"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Lý do cá nhân, ví dụ đi học từ 6 tháng trở lên."),
    )
    sensitive = forms.BooleanField(
        label=_("Nhạy cảm"),
        required=False,
        help_text=_(
            "Sức khỏe, thai sản…: chỉ người được miễn, người phê duyệt, Ban Tổ chức – Kiểm tra và Thường trực thấy lý do."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("scope") in ExemptionReason.BY_POSITION and not data.get("positions"):
            self.add_error("positions", _("Lý do theo chức danh cần ít nhất một chức danh, ví dụ “Kế toán”."))
        if data.get("scope") in ExemptionReason.BY_POSITION and data.get("min_months"):
            self.add_error("min_months", _("Chỉ lý do cá nhân mới có thời gian tối thiểu."))
        return data


class BaseItemFormSet(forms.BaseFormSet):
    """Rows left empty are ignored; rows marked for deletion are dropped."""

    def items(self) -> list[dict]:
        out = []
        for f in self.forms:
            if not f.has_changed() and not f.initial:
                continue
            if self.can_delete and self._should_delete_form(f):
                continue
            out.append({k: v for k, v in f.cleaned_data.items() if k != "DELETE"})
        return out


GroupFormSet = forms.formset_factory(GroupForm, formset=BaseItemFormSet, extra=1, can_delete=True)
CategoryFormSet = forms.formset_factory(CategoryForm, formset=BaseItemFormSet, extra=1, can_delete=True)
ReasonFormSet = forms.formset_factory(ReasonForm, formset=BaseItemFormSet, extra=1, can_delete=True)


def _num(v):
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


class PlanEditor:
    """The plan form and its three formsets, bound together; `to_dict()` gives the description
    PlanSpec.validate and load_plan take (docs/domain.md §10 shape)."""

    def __init__(self, data=None, *, initial: dict):
        self.form = PlanForm(data, initial=PlanForm.initial_from(initial))
        self.groups = GroupFormSet(
            data, prefix="groups", initial=[{**g, "focus": g.get("focus") or []} for g in initial["groups"]]
        )
        self.categories = CategoryFormSet(data, prefix="categories", initial=initial["categories"])
        self.reasons = ReasonFormSet(
            data,
            prefix="reasons",
            initial=[{**r, "positions": r.get("positions") or []} for r in initial["exemption_reasons"]],
        )

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), self.groups.is_valid(), self.categories.is_valid(), self.reasons.is_valid()])

    def to_dict(self) -> dict:
        f = self.form.cleaned_data
        deadlines = {}
        if f.get("registration_deadline"):
            deadlines["registration"] = f["registration_deadline"].isoformat()
        if f.get("consolidation_deadline"):
            deadlines["consolidation"] = f["consolidation_deadline"].isoformat()
        if f.get("quarter_report_day"):
            deadlines["quarter_report_day"] = f["quarter_report_day"]
        deadlines["registration_quarter_day"] = f.get("registration_quarter_day") or 10
        return {
            "title": f["title"],
            "period": {"start": f["period_start"].isoformat(), "end": f["period_end"].isoformat()},
            "min_days": f["min_days"],
            "exemption_policy": f["exemption_policy"],
            "immersion_min_gap_days": f.get("immersion_min_gap_days"),
            "registration_cycle": f["registration_cycle"],
            "deadline_wording": f.get("deadline_wording") or Plan.DeadlineWording.BEFORE,
            "immersion_categories": f.get("immersion_categories") or [],
            "document": {
                "number": f.get("document_number", "").strip(),
                "date": f["document_date"].isoformat() if f.get("document_date") else None,
            },
            "groups": [
                {
                    "code": g["code"].strip(),
                    "name": g["name"].strip(),
                    "focus": g["focus"],
                    "immersion_trips": g["immersion_trips"] or 0,
                    "immersion_min_days": _num(g["immersion_min_days"]),
                    "immersion_max_days": _num(g["immersion_max_days"]),
                }
                for g in self.groups.items()
            ],
            "categories": [
                {
                    "code": c["code"].strip(),
                    "name": c["name"].strip(),
                    "counts": c["counts"],
                    **({"topics": c["topics"]} if c.get("topics") else {}),
                    **({"any_group": True} if c.get("any_group") else {}),
                }
                for c in self.categories.items()
            ],
            "exemption_reasons": [
                {
                    "code": r["code"].strip(),
                    "name": r["name"].strip(),
                    "scope": r["scope"],
                    "positions": r["positions"] if r["scope"] in ExemptionReason.BY_POSITION else [],
                    **({"min_months": r["min_months"]} if r.get("min_months") else {}),
                    **({"sensitive": True} if r.get("sensitive") else {}),
                }
                for r in self.reasons.items()
            ],
            "deadlines": deadlines,
        }


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(
        label=_("Tạo từ"),
        help_text=_(
            "Một mẫu có sẵn (lấy từ kế hoạch của Tây Ninh, Đà Nẵng) hoặc kế hoạch một năm trước của cơ quan: "
            "ngày tháng được chuyển sang năm mới, sau đó sửa lại những gì khác."
        ),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        plans = list(Plan.objects.filter(organization=organization).order_by("-year"))
        choices = [(f"plan:{p.pk}", _("Kế hoạch năm %(y)s của cơ quan") % {"y": p.year}) for p in plans]
        choices += [(f"template:{name}", _("Mẫu %(name)s") % {"name": name}) for name in template_names()]
        self.fields["source"].choices = choices
        self._plans = {p.pk: p for p in plans}
        if plans:
            self.fields["year"].initial = plans[0].year + 1
            self.fields["source"].initial = f"plan:{plans[0].pk}"

    def clean_source(self):
        kind, _sep, value = self.cleaned_data["source"].partition(":")
        if kind == "plan":
            return ("plan", self._plans[int(value)])
        return ("template", value)


class TripsUploadForm(WorkbookUploadForm):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx) theo mẫu 3"),
        help_text=_(
            "Trang tính đầu tiên; dòng tiêu đề là dòng đầu tiên có ô “Họ và tên”; bỏ qua dòng đánh số (1) (2) … và dòng "
            "“Tổng”. Cột: Họ và tên, Nội dung, Cụ thể nội dung đi cơ sở, Số ngày đi, Thời gian cụ thể, Địa điểm, Nêu khái "
            "quát…; không bắt buộc: Email (phân biệt người trùng tên), Cùng ăn, cùng ở, cùng làm (ghi x)."
        ),
    )
    plan = forms.ModelChoiceField(label=_("Kế hoạch năm"), queryset=Plan.objects.none(), empty_label=None)

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from accounts.models import Department, User

from .models import ReportJob


class CadreSelect(forms.Select):
    """Only the chosen cadre is rendered (issue 11 §2: not 10,000 options); the search box of
    reports/request.html loads others from reports:cadre_options. Any person of the
    organization is still accepted (the field's queryset)."""

    def optgroups(self, name, value, attrs=None):
        ids = [int(v) for v in value if str(v).isdigit()]
        chosen = list(self.choices.queryset.filter(pk__in=ids)) if ids else []
        options = [self.create_option(name, "", self.choices.field.empty_label or "", not chosen, 0)]
        for i, person in enumerate(chosen, start=1):
            options.append(self.create_option(name, person.pk, self.choices.field.label_from_instance(person), True, i))
        return [(None, options, 0)]


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=ReportJob.Kind.choices)
    format = forms.ChoiceField(label=_("Định dạng"), choices=ReportJob.Format.choices, initial="pdf")
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quý"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Cả năm")), (1, "I"), (2, "II"), (3, "III"), (4, "IV")],
    )
    department = forms.ModelChoiceField(
        label=_("Ban, văn phòng"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Cho mẫu 2, mẫu 3 và bảng đánh giá cuối năm (để trống: cả cơ quan, theo từng ban, văn phòng)."),
    )
    cadre = forms.ModelChoiceField(
        label=_("Cán bộ"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Cho mẫu 1. Gõ tên hoặc email vào ô tìm để chọn cán bộ khác."),
        widget=CadreSelect,
    )

    as_of = forms.DateField(
        label=_("Số liệu tính đến ngày"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Cho báo cáo và bảng đánh giá cuối năm. Để trống: ngày kết thúc kế hoạch, hoặc hôm nay nếu chưa kết thúc."
        ),
    )
    issue = forms.ChoiceField(
        label=_("Bản báo cáo cuối năm"),
        required=False,
        choices=[("", _("Nội bộ (Ban Tổ chức – Kiểm tra)"))] + [("upward", _("Gửi cấp trên (Ban Thường vụ ký)"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(organization_id=user.organization_id)
        self.fields["cadre"].queryset = User.objects.filter(organization_id=user.organization_id).order_by(
            "sort_key", "email"
        )
        self.fields["year"].initial = date.today().year


class JobFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=[("", _("Tất cả"))] + ReportJob.Kind.choices)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả"))] + ReportJob.Status.choices
    )


class YearEndTextForm(forms.Form):
    """The Board's text of the year-end report: what was done well, limitations, proposals."""

    strengths = forms.CharField(
        label=_("Mặt được"), required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000
    )
    limitations = forms.CharField(
        label=_("Hạn chế"), required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000
    )
    proposals = forms.CharField(
        label=_("Đề xuất, kiến nghị"), required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000
    )


class YearEndAsOfForm(forms.Form):
    """The year-end page's "Số liệu tính đến ngày" (docs/domain.md §8: a date the Board picks)."""

    as_of = forms.DateField(label=_("Số liệu tính đến ngày"), required=False, widget=DateInput())


class RemarkForm(forms.Form):
    text = forms.CharField(
        label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2_000
    )

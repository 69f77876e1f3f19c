from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import rules
from accounts.forms import DateInput
from accounts.models import Department, User

from .models import ReportJob
from .params import check_params


class CadreSelect(forms.Select):
    """Only the chosen cadre is rendered (docs/rules.md “Stored standings”: not 10,000 options); the search box of
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
    """The report request. It offers only the kinds and departments the user may request, and a
    choice the user may not have (a hand-made POST, a stale page, a cadre not theirs) comes back
    on the form with a clear message, `refused` set (the view answers 403 with the form, never a
    bare error page). The offer and the check are one rule: accounts.rules.can_request_report."""

    kind = forms.ChoiceField(
        label=_("Loại báo cáo"),
        choices=ReportJob.Kind.choices,
        error_messages={"invalid_choice": _("Bạn không được tạo loại báo cáo này. Hãy chọn một loại trong danh sách.")},
    )
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
        error_messages={
            "invalid_choice": _("Bạn không được tạo báo cáo của ban này. Hãy chọn một ban trong danh sách.")
        },
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
        self.user = user
        self.refused = False
        departments = rules.report_departments(
            user, Department.objects.filter(organization_id=user.organization_id).order_by("name")
        )
        kinds = rules.requestable_report_kinds(user, departments)
        self.fields["kind"].choices = [(k, label) for k, label in ReportJob.Kind.choices if k in kinds]
        self.fields["department"].queryset = Department.objects.filter(pk__in=[d.pk for d in departments]).order_by(
            "name"
        )
        if len(departments) == 1 and not rules.sees_whole_organization(user):
            self.fields["department"].help_text = _("Ban bạn phụ trách (mẫu 2, mẫu 3, bảng đánh giá cuối năm).")
        # Someone who sees no department sees nobody else either: mẫu 1 of oneself only.
        self.can_choose_cadre = bool(departments)
        if not departments:
            del self.fields["department"]
            self.fields["cadre"].help_text = _("Bạn tạo được mẫu 1 của chính mình.")
        self.fields["cadre"].queryset = User.objects.filter(organization_id=user.organization_id).order_by(
            "sort_key", "email"
        )
        self.fields["year"].initial = date.today().year

    def _post_clean(self):
        super()._post_clean()
        # A kind of the product, or a department of the organization, not offered to this user:
        # refused (403 with the form); anything else that is not a choice is just invalid (400).
        if self.has_error("kind", "invalid_choice") and self.data.get(self.add_prefix("kind")) in ReportJob.Kind.values:
            self.refused = True
        posted = str(self.data.get(self.add_prefix("department")) or "")
        if (
            self.has_error("department", "invalid_choice")
            and posted.isdigit()
            and Department.objects.filter(pk=int(posted), organization_id=self.user.organization_id).exists()
        ):
            self.refused = True

    def clean(self):
        d = super().clean()
        kind = d.get("kind")
        if not kind or self.errors:
            return d
        department, cadre = d.get("department"), d.get("cadre")
        try:
            check_params(kind, quarter=d.get("quarter"), department=department, cadre=cadre)
        except ValidationError:
            return d  # what is missing is the service's to say (the view puts it on the form)
        if rules.can_request_report(self.user, kind, department=department, cadre=cadre):
            return d
        self.refused = True
        if kind == "mau1":
            self.add_error(
                "cadre",
                _(
                    "Bạn không được tạo mẫu 1 của cán bộ này: chỉ của chính bạn hoặc của cán bộ trong ban bạn phụ trách."
                ),
            )
        elif department is None and "department" in self.fields:
            self.add_error(
                "department", _("Hãy chọn ban bạn phụ trách: bạn không được tạo báo cáo này cho cả cơ quan.")
            )
        else:
            self.add_error("kind", _("Bạn không được tạo loại báo cáo này. Hãy chọn một loại trong danh sách."))
        return d


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

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .history import OWN_RECORD_LOCKED
from .models import Department, Role, User
from .services import PersonData, validate_roles
from .text import STANDING_GROUP
from .vietnamese import nfc


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        "invalid_login": _(
            "Email hoặc mật khẩu không đúng. Lưu ý: sau 5 lần sai liên tiếp, tài khoản bị tạm khóa 15 phút."
        ),
        "inactive": _("Tài khoản này đã ngừng hoạt động."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


# People and departments (the Board's pages) -------------------------------------------------
class DateInput(forms.DateInput):
    """docs/rules.md “A year in the life”: a date always reads dd/mm/yyyy, whatever the browser's language (an
    `<input type=date>` shows month/day in an English browser), and accepts typing. A text input
    with static/js/dates.js (slashes as you type, "5/2/2026" -> "05/02/2026"); the server reads
    dd/mm/yyyy and ISO (settings.DATE_INPUT_FORMATS), so nothing typed either way is refused."""

    input_type = "text"

    def __init__(self, attrs=None, **kwargs):
        attrs = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": "dd/mm/yyyy",
            "maxlength": "10",
            "data-date": "",
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%d/%m/%Y", **kwargs)


class PersonForm(forms.Form):
    """Create or edit a person. `group_choices` come from the organization's current plan
    (computed by the caller: accounts does not import fieldwork, docs/style.md)."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Email (dùng để đăng nhập)"))
    department = forms.ModelChoiceField(
        label=_("Ban"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=format_lazy("— {} —", STANDING_GROUP),
    )
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=30, required=False)
    group_code = forms.ChoiceField(
        label=_("Đối tượng"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Đối tượng “%(value)s” không có trong kế hoạch hiện hành. Hãy chọn một đối tượng trong danh sách."
            ),
        },
    )
    active_from = forms.DateField(
        label=_("Ngày bắt đầu công tác"),
        required=False,
        widget=DateInput(),
        help_text=_("Để trống nếu công tác cả năm."),
    )
    active_to = forms.DateField(label=_("Ngày kết thúc công tác"), required=False, widget=DateInput())
    roles = forms.MultipleChoiceField(
        label=_("Vai trò"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Để trống nghĩa là Cán bộ. Người có vai trò Lãnh đạo ban là lãnh đạo của ban ghi ở mục Ban."),
    )
    reason = forms.CharField(
        label=_("Lý do thay đổi"),
        max_length=500,
        required=False,
        help_text=_(
            "Bắt buộc khi đổi ban, chức vụ, đối tượng hoặc thời gian công tác (ví dụ: số quyết định điều động). "
            "Được ghi vào lịch sử thay đổi."
        ),
    )

    def __init__(self, *args, organization, group_choices, actor=None, person=None, **kwargs):
        self.organization = organization
        self.actor = actor
        self.person = person
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "full_name": person.full_name,
                "email": person.email,
                "department": person.department_id,
                "position": person.position,
                "phone": person.phone,
                "group_code": person.group_code,
                "active_from": person.active_from,
                "active_to": person.active_to,
                "roles": sorted(person.role_codes),
            }
        super().__init__(*args, **kwargs)
        if person is None:
            del self.fields["reason"]
        elif actor is not None and actor.pk == person.pk and not actor.is_superuser:
            # docs/rules.md “Nobody certifies their own days”: what decides what one owes is changed by someone else, never on one's own record.
            for name in OWN_RECORD_LOCKED:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Chỉ người quản lý cán bộ khác mới sửa được thông tin này của bạn.")
        qs = Department.objects.filter(organization=organization)
        if person is not None and person.department_id:
            qs = qs.filter(models.Q(is_active=True) | models.Q(pk=person.department_id))
        else:
            qs = qs.filter(is_active=True)
        self.fields["department"].queryset = qs.order_by("name")
        self.allowed_groups = {code for code, _label in group_choices}
        self.fields["group_code"].choices = [
            ("", _("— Không thuộc đối tượng (không thuộc diện phải đi cơ sở) —")),
            *group_choices,
        ]
        if person is not None and person.group_code and person.group_code not in self.allowed_groups:
            # keep what is stored visible, so the error below explains it
            self.fields["group_code"].choices.append((person.group_code, person.group_code))

    def clean_full_name(self):
        return " ".join(nfc(self.cleaned_data["full_name"]).split())

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        qs = User.objects.filter(email__iexact=email)
        if self.person is not None:
            qs = qs.exclude(pk=self.person.pk)
        if qs.exists():
            raise forms.ValidationError(_("Email này đã được dùng cho một tài khoản khác. Mỗi người một email."))
        return email

    def clean_group_code(self):
        code = self.cleaned_data["group_code"]
        if code and code not in self.allowed_groups:
            raise forms.ValidationError(
                _("Đối tượng “%(code)s” không có trong kế hoạch hiện hành. Hãy chọn một đối tượng trong danh sách.")
                % {"code": code}
            )
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("active_from"), data.get("active_to")
        if start and end and start > end:
            self.add_error("active_to", _("“Ngày kết thúc công tác” phải sau “Ngày bắt đầu công tác”."))
        if "roles" in data and "department" in data:
            try:
                validate_roles(
                    actor=self.actor, person=self.person, roles=set(data["roles"]), department=data["department"]
                )
            except ValidationError as exc:
                for msg in exc.messages:
                    self.add_error("roles", msg)
        return data

    def person_data(self) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            full_name=d["full_name"],
            email=d["email"],
            department=d["department"],
            position=d["position"].strip(),
            group_code=d["group_code"],
            active_from=d["active_from"],
            active_to=d["active_to"],
            phone=d.get("phone", "").strip(),
        )


class DeactivateForm(forms.Form):
    active_to = forms.DateField(
        label=_("Ngày kết thúc công tác"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Nếu người này chuyển công tác trong năm, nhập ngày cuối cùng: số ngày phải đi được tính giảm theo "
            "thời gian công tác. Để trống nếu tài khoản tạo nhầm (không thuộc diện phải đi cơ sở)."
        ),
    )


class OrganizationHeaderForm(forms.Form):
    superior_body = forms.CharField(
        label=_("Dòng cơ quan cấp trên (đầu văn bản)"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: BCH ĐOÀN TỈNH TÂY NINH. Để trống: tạo từ tên tổ chức theo cách viết của Đoàn."),
    )
    place = forms.CharField(
        label=_("Địa danh"),
        max_length=100,
        help_text=_("Dùng ở dòng địa danh, ngày tháng, ví dụ “Tây Ninh”."),
        error_messages={"required": _("Hãy nhập địa danh, ví dụ Tây Ninh.")},
    )


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Tên ban"), max_length=200)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=30, required=False)


class InvitationPasswordForm(SetPasswordForm):
    """The invited person's first password (Django's validators)."""


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên hoặc email"), required=False)
    department = forms.ModelChoiceField(
        label=_("Ban"), queryset=Department.objects.none(), required=False, empty_label=_("Tất cả các ban")
    )
    group = forms.ChoiceField(label=_("Đối tượng"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"), required=False, choices=[("", _("Mọi vai trò")), *Role.choices])
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("active", _("Đang hoạt động")),
            ("inactive", _("Đã ngừng")),
            ("all", _("Tất cả")),
        ],
    )

    def __init__(self, *args, organization, group_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(organization=organization).order_by("name")
        self.fields["group"].choices = [("", _("Mọi đối tượng")), *[(c, c) for c in group_codes]]

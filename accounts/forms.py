from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))

    error_messages = {
        "invalid_login": _("Email hoặc mật khẩu không đúng. Lưu ý: sau 5 lần sai liên tiếp, tài khoản bị tạm khóa 15 phút."),
        "inactive": _("Tài khoản này đã ngừng hoạt động."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

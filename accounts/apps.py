from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tổ chức và cán bộ")

    def ready(self):
        # docs/security.md “Files”: every text field of every form refuses control characters that a report
        # cannot hold (accounts/text.py). One policy, set once, rather than a validator per form.
        from django import forms

        from .text import refuse_control_characters

        forms.CharField.default_validators = [refuse_control_characters]

        # docs/style.md “Each app owns its pages”: the menus, and the pages of accounts in them.
        from . import navigation, registry

        registry.register(self.label, menus=navigation.MENUS, items=navigation.ITEMS)

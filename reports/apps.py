from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")

    def ready(self):
        from accounts import registry

        from . import navigation, privacy

        privacy.connect()
        # docs/style.md “Each app owns its pages”: the reports' menu and pages, and the download buttons
        # the pages of fieldwork show ({% slot "download_buttons" %}).
        registry.register(self.label, menus=navigation.MENUS, items=navigation.ITEMS, fragments=navigation.FRAGMENTS)

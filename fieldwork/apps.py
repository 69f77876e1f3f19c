from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "fieldwork"
    verbose_name = _("Đi cơ sở")

    def ready(self):
        from fieldwork import stored_coverage, stored_standings
        from fieldwork.services import history, privacy

        stored_standings.connect()
        stored_coverage.connect()
        privacy.connect()
        history.connect()

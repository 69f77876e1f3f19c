from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "fieldwork"
    verbose_name = _("Đi cơ sở")

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # docs/security.md: Pillow refuses (DecompressionBombError) far below its default of 179 M pixels;
        # fieldwork.uploads.check_image_size refuses above MAX_IMAGE_PIXELS itself, first.
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS

        from accounts import registry
        from fieldwork import navigation
        from fieldwork.services import history, privacy
        from fieldwork.stored import changes

        changes.connect()  # also registers the Celery task of fieldwork.stored.plan_refresh
        privacy.connect()
        history.connect()
        # docs/style.md “Each app owns its pages”: fieldwork's pages in the menus.
        registry.register(self.label, items=navigation.ITEMS)

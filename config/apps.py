from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The project's own operations (backup, restore, health, metrics, logs, the watchdog): an app
    only so that its management commands and Celery tasks are found; it has no models."""

    name = "config"
    label = "config"
    verbose_name = "Operations"

    def ready(self):
        from django.core.signals import request_finished

        from config import observability

        observability.connect_celery_signals()
        request_finished.connect(observability.clear_request_ids, dispatch_uid="fieldwork-clear-request-ids")

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("fieldwork12")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Request and user ids into task headers, JSON logs in the worker and beat (docs/operations.md).
from config.observability import connect_celery_signals  # noqa: E402

connect_celery_signals()

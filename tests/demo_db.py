"""The demo organizations (`load_demo`) in the test database for a whole module, rolled back after
it: the walk, the URL → roles table and the query budgets read the same data."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.management import call_command
from django.db import transaction


@contextmanager
def demo_loaded(django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

"""Recompute every stored standing (docs/rules.md “Stored standings”): `manage.py refresh_standings [--org CODE]`.

The pages keep them fresh by themselves (refreshed with every change, daily by beat); this is
for after a bulk load (load_demo, bench/orgs.py) or a restore."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from fieldwork.stored.standings import refresh_organization


class Command(BaseCommand):
    help = "Tính lại và lưu tình hình thực hiện của mọi cán bộ theo từng kế hoạch."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="mã đơn vị (mặc định: mọi đơn vị)")

    def handle(self, *args, **options):
        org_id = None
        if options.get("org"):
            org = Organization.objects.filter(code=options["org"]).first()
            if org is None:
                raise CommandError(f"Không có đơn vị mã {options['org']!r}.")
            org_id = org.pk
        t = time.perf_counter()
        n = refresh_organization(org_id)
        self.stdout.write(f"{n} dòng tình hình thực hiện đã được tính lại ({time.perf_counter() - t:.1f} s).")

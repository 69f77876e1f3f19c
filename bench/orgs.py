"""Benchmark organizations shared by bench/pages.py and bench/load.py.

An organization of N cadres with T trips each (bench/quota.py's builder: bulk_create, no
per-row save), plus the people who look at it: a Board member, the Secretary (Standing
Committee), a head for each department, an Inspection member, and approved individual
exemptions for one cadre in a hundred. Import this module after django.setup().
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from quota import build, delete_org  # noqa: F401 (bench/quota.py, bench/ is on sys.path)

from accounts.models import Department, Organization, User, UserRole
from fieldwork.models import Exemption, ExemptionReason, Plan
from fieldwork.stored.changes import suspended


def org_code(n_cadres: int, tag: str) -> str:
    return f"bench-pages-{n_cadres}-{tag}"


def build_org(code: str, n_cadres: int, n_trips: int) -> dict:
    """Builds it unless it exists (same code); returns {"plan", "org", "board", "secretary", ...}."""
    org = Organization.objects.filter(code=code).first()
    if org is None:
        with transaction.atomic(), suspended():
            plan = build(code, n_cadres, n_trips)
            _add_people(plan)
        org = plan.organization
        call_command("refresh_standings", org=code)  # stored standings, once (docs/rules.md “Stored standings”)
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would give a real database: without them the planner
            # takes 200,000 bulk-inserted trips for one row (mẫu 3 of an 833-member department:
            # a nested loop of 24 s instead of 75 ms).
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
    if User.objects.filter(organization=org, notice_version="").exists():  # also an org kept from before
        notice_read(org)
    plan = Plan.objects.filter(organization=org).order_by("-year").first()
    people = User.objects.filter(organization=org)
    heads = list(people.filter(roles__code="head").select_related("department").order_by("department__name"))
    return {
        "org": org,
        "plan": plan,
        "board": people.get(email=f"board@{code}.vn"),
        "secretary": people.get(email=f"secretary@{code}.vn"),
        "inspection": people.get(email=f"inspection@{code}.vn"),
        "heads": heads,
        "head": heads[0],
        "cadres": list(people.filter(roles__isnull=True).order_by("pk")[:50]),
        "cadre": people.filter(roles__isnull=True).order_by("pk").first(),
    }


def _add_people(plan: Plan) -> None:
    org = plan.organization
    code = org.code
    depts = list(Department.objects.filter(organization=org).order_by("pk"))
    specials = [
        ("board", "Ban Tổ chức", depts[0], "Chuyên viên", "2.3", ["cadre", "board"]),
        ("secretary", "Bí thư", None, "Bí thư", "2.1", ["cadre", "standing"]),
        ("inspection", "Kiểm tra", depts[1], "Chuyên viên", "2.3", ["cadre", "inspection"]),
    ] + [(f"head{i}", f"Trưởng {d.name}", d, "Trưởng Ban", "2.2", ["cadre", "head"]) for i, d in enumerate(depts)]
    for key, name, dept, position, group, roles in specials:
        u = User.objects.create(
            email=f"{key}@{code}.vn",
            full_name=f"Lê Văn {name}",
            organization=org,
            department=dept,
            position=position,
            group_code=group,
            password="!",
        )
        UserRole.objects.bulk_create([UserRole(user=u, code=r) for r in roles])
    reason = plan.exemption_reasons.filter(scope=ExemptionReason.Scope.INDIVIDUAL).order_by("code").first()
    if reason is None:
        return
    secretary = User.objects.get(email=f"secretary@{code}.vn")
    rnd = random.Random(11)
    ids = list(User.objects.filter(organization=org, roles__isnull=True).values_list("pk", flat=True))
    now = timezone.now()
    exemptions = []
    for pid in rnd.sample(ids, max(1, len(ids) // 100)):
        start = plan.period_start + timedelta(days=rnd.randrange(0, 150))
        exemptions.append(
            Exemption(
                person_id=pid,
                reason=reason,
                start=start,
                end=start + timedelta(days=200),
                status=Exemption.Status.APPROVED,
                proposed_by_id=secretary.pk,
                decided_by_id=secretary.pk,
                decided_at=now,
            )
        )
    Exemption.objects.bulk_create(exemptions)


def notice_read(org) -> None:
    """Everyone of `org` has read the privacy notice (docs/privacy.md), in bulk: a Consent row each
    and the page's fast check, as accounts.privacy.confirm_notice writes them one by one — without
    it every page answers the notice's 302."""
    from accounts.models import Consent
    from accounts.privacy import NOTICE_VERSION

    ids = list(User.objects.filter(organization=org).values_list("pk", flat=True))
    Consent.objects.bulk_create(
        [Consent(person_id=pk, kind=Consent.Kind.NOTICE, version=NOTICE_VERSION) for pk in ids], batch_size=5000
    )
    User.objects.filter(pk__in=ids).update(notice_version=NOTICE_VERSION)

"""python manage.py load_demo — the demo organization (idempotent; `make run` calls it).

Decisions (docs/rules.md):
- The demo is Tỉnh đoàn Tây Ninh. The shipped `tay-ninh-2023` plan is loaded as is, and a
  live 2026 plan is made from it with `copy_plan_to_year`, its period extended to 31/12/2026
  so that on the demo date (24/11/2026) the year is still running and every standing appears
  (met, on track, at risk, exempt). The 2026 plan is created once and never overwritten.
- People are created once by email (a second run changes nothing); their trips are created
  only when they have none in the demo plan, so what you do in the demo is kept.
- The shared demo password is set only when a person is created. Refuses to run in
  production (DEBUG off) unless --allow-production: the demo logins are public.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import cycle

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, Role, User
from accounts.services import set_roles
from fieldwork.management.commands._demo_data import (
    CONFIRMED,
    CONTENTS,
    DEMO_PASSWORD,
    DEMO_TODAY,
    DEMO_YEAR,
    DEPARTMENTS,
    DOMAIN,
    DRAFT,
    LOCATIONS,
    MATERNITY,
    PEOPLE,
    RESULTS,
    P,
    d,
)
from fieldwork.models import Category, Exemption, ExemptionReason, Plan, Registration, Trip
from fieldwork.selectors import standings
from fieldwork.services.history import record
from fieldwork.services.plans import copy_plan_to_year, load_plan, read_plan_source


class Command(BaseCommand):
    help = "Nạp tổ chức mẫu (Tỉnh đoàn Tây Ninh): kế hoạch, các ban, cán bộ, các đợt đi cơ sở; chạy lại không nhân đôi dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="cho phép chạy khi DEBUG tắt")

    def handle(self, *args, **opts):
        if not (
            settings.DEBUG
            or getattr(settings, "TESTING", False)
            or os.environ.get("DJANGO_TESTING")
            or opts["allow_production"]
        ):
            raise CommandError(
                "load_demo tạo tài khoản với mật khẩu công khai: chỉ chạy khi DJANGO_DEBUG=1 (hoặc --allow-production)."
            )
        with transaction.atomic():
            plan, people = load_demo()
        today = timezone.localdate()
        rows = standings(plan, today if today.year == DEMO_YEAR else DEMO_TODAY)
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.status] = counts.get(r.status, 0) + 1
        self.stdout.write(
            f"Tổ chức mẫu: {plan.organization.name} — {plan} ({plan.period_start:%d/%m/%Y}–{plan.period_end:%d/%m/%Y}), "
            f"{len(people)} cán bộ, {Trip.objects.filter(plan=plan).count()} đợt đi cơ sở."
        )
        self.stdout.write("Tình hình thực hiện: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
        self.stdout.write("")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD})")
        width = max(len(p.login_as) for p in PEOPLE if p.login_as)
        self.stdout.write(f"  {'Vai trò'.ljust(width)}  {'Họ và tên'.ljust(20)}  Email")
        for p in PEOPLE:
            if p.login_as:
                self.stdout.write(f"  {p.login_as.ljust(width)}  {p.name.ljust(20)}  {people[p.key].email}")


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _short_trips(person_spec: P, target: Decimal, busy: list[tuple[date, date]]):
    """Short done trips from January to October adding up to `target`, clear of `busy`."""
    sizes = cycle([Decimal("3"), Decimal("2"), Decimal("5"), Decimal("1.5"), Decimal("4"), Decimal("2.5")])
    # within the group's focus contents (DOMAIN.md §3), so the demo shows OUTSIDE_FOCUS only where meant
    cats = cycle({"2.1": ["1.2", "1.5"], "2.2": ["1.2", "1.4", "1.5"]}.get(person_spec.group, ["1.1", "1.5"]))
    start = max(d(1, 6), person_spec.active_from or d(1, 6))
    # someone with a pending (draft) registration in the fourth quarter has nothing done in it yet
    until = d(9, 30) if any(e[4] == DRAFT for e in person_spec.extra) else d(10, 31)
    left = target
    out = []
    while left > 0:
        size = min(next(sizes), left)
        span = int(size.to_integral_value(rounding="ROUND_CEILING"))
        end = start + timedelta(days=span - 1)
        if any(start <= b_end and end >= b_start for b_start, b_end in busy):
            start = max(b_end for b_start, b_end in busy if start <= b_end and end >= b_start) + timedelta(days=3)
            continue
        if end > until:
            raise CommandError(f"demo data: not enough room for {person_spec.name}")
        out.append((next(cats), start, end, size))
        left -= size
        start = end + timedelta(days=6)
    return out


def load_demo():
    template = read_plan_source("tay-ninh-2023")
    base, _ = load_plan(template)
    org = base.organization
    plan = Plan.objects.filter(organization=org, year=DEMO_YEAR).first()
    if plan is None:
        plan = copy_plan_to_year(base, DEMO_YEAR)
        plan.period_end = d(12, 31)  # a live year on the demo date (see the module docstring)
        plan.title = f"Kế hoạch đi công tác cơ sở của cán bộ Đoàn cấp tỉnh năm {DEMO_YEAR} (dữ liệu mẫu)"
        plan.save(update_fields=["period_end", "title"])

    depts = {}
    for name, short in DEPARTMENTS:
        depts[name], _ = Department.objects.get_or_create(organization=org, name=name, defaults={"short_name": short})

    people: dict[str, User] = {}
    for p in PEOPLE:
        email = f"{p.email}@{DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                full_name=p.name,
                organization=org,
                department=depts.get(p.dept),
                position=p.position,
                group_code=p.group,
                active_from=p.active_from,
            )
            user.set_password(DEMO_PASSWORD)
            if Role.ADMIN in p.roles:
                user.is_staff = user.is_superuser = True
            user.save()
            set_roles(user, set(p.roles))
        people[p.key] = user

    categories = {c.code: c for c in Category.objects.filter(plan=plan)}
    secretary = people["tung"]
    deputy = people["nhung"]

    def approver(u: User) -> User:
        if u.pk == secretary.pk:
            return secretary
        if u.has_role(Role.STANDING):
            return secretary
        if u.has_role(Role.HEAD):
            return deputy
        return next(x for x in people.values() if x.department_id == u.department_id and x.has_role(Role.HEAD))

    loc = cycle(LOCATIONS)
    for p in PEOPLE:
        user = people[p.key]
        if Trip.objects.filter(plan=plan, person=user).exists():
            continue
        boss = approver(user)
        planned = []
        for start, end, days, status in p.immersions:
            planned.append(("1.1", start, end, days, status, {"immersion": True}))
        planned.extend(p.extra)
        busy = [(s, e) for _c, s, e, *_rest in planned]
        if p.key == MATERNITY[0]:
            busy.append((MATERNITY[1], MATERNITY[2]))
        for cat, start, end, size in _short_trips(p, Decimal(p.filler_days), busy):
            planned.append((cat, start, end, str(size), CONFIRMED, {}))
        regs: dict[int, Registration] = {}
        for cat, start, end, days, status, extra in sorted(planned, key=lambda t: t[1]):
            quarter = (start.month - 1) // 3 + 1
            reg = regs.get(quarter)
            if reg is None:
                draft = status == DRAFT
                reg, _ = Registration.objects.get_or_create(
                    plan=plan,
                    person=user,
                    quarter=quarter,
                    defaults={
                        "status": Registration.Status.SUBMITTED if draft else Registration.Status.APPROVED,
                        "submitted_at": _at(start - timedelta(days=20)),
                        "decided_by": None if draft else boss,
                        "decided_at": None if draft else _at(start - timedelta(days=15)),
                        "self_certified": user.pk == secretary.pk and not draft,
                    },
                )
                regs[quarter] = reg
            done = status in (CONFIRMED, Trip.Status.REPORTED, Trip.Status.RETURNED)
            Trip.objects.create(
                plan=plan,
                person=user,
                registration=reg,
                category=categories[cat],
                start=start,
                end=end,
                days=Decimal(days.replace(",", ".")),
                location=next(loc),
                content=CONTENTS[cat],
                immersion=extra.get("immersion", False),
                status=status,
                status_comment=extra.get("status_comment", ""),
                planned_start=start,
                planned_end=end,
                planned_days=Decimal(days.replace(",", ".")),
                results=RESULTS if done else "",
                reported_at=_at(end + timedelta(days=2)) if done else None,
                confirmed_by=boss if status == CONFIRMED else None,
                confirmed_at=_at(end + timedelta(days=5)) if status == CONFIRMED else None,
                travel_order=f"{start.month:02d}{start.day:02d}/CL-TĐTN" if done else "",
            )

    # The maternity exemption: proposed by the Board, approved by the Secretary.
    key, start, end = MATERNITY
    reason = ExemptionReason.objects.get(plan=plan, code="thai-san")
    ex, created = Exemption.objects.get_or_create(
        person=people[key],
        reason=reason,
        start=start,
        end=end,
        defaults={
            "status": Exemption.Status.APPROVED,
            "note": "Nghỉ thai sản theo quyết định của cơ quan.",
            "proposed_by": people["duyen"],
            "decided_by": secretary,
            "decided_at": timezone.now(),
        },
    )
    if created:
        record(ex, actor=people["duyen"], action="proposed", to_state=Exemption.Status.PROPOSED)
        record(
            ex,
            actor=secretary,
            action="approved",
            from_state=Exemption.Status.PROPOSED,
            to_state=Exemption.Status.APPROVED,
        )
    return plan, people

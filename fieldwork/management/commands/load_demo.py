"""python manage.py load_demo — the demo organization (idempotent; `make run` calls it).

Decisions (docs/rules.md):
- The demo is Tỉnh đoàn Tây Ninh. The shipped `tay-ninh-2023` plan is loaded as is, and a
  live 2026 plan is made from it with `copy_plan_to_year`, its period extended to 31/12/2026
  so that on the demo date (24/11/2026) the year is still running and every standing appears
  (met, on track, at risk, exempt). The 2026 plan is created once and never overwritten.
  Like the template it registers once for the year (annual cycle: one mẫu 1 per cadre, quarter 0).
- Beside it, a second, small organization, Thành đoàn Đà Nẵng, on the `da-nang-2023` template:
  quarterly registration, topic immersion trips (1.3) of 5–7 days, never back to back (docs/rules.md “The rules as the documents say them”). Two
  organizations side by side also show that nobody sees the other's data.
- People are created once by email (a second run changes nothing); their trips are created
  only when they have none in the demo plan, so what you do in the demo is kept.
- Every processed record has the status history the services would have written (docs/rules.md “A year in the life”):
  a registration sent then approved (or self-certified), a trip reported then confirmed or
  returned, each by the person who would have acted and on the day it happened. The records are
  written in bulk (load_demo runs in `make run` and the smoke test, with a time limit), with the
  services' own actions and states (fieldwork.services.registrations, .results).
- The shared demo password is set only when a person is created. Refuses to run in
  production (DEBUG off) unless --allow-production: the demo logins are public.
"""

from __future__ import annotations

import io
import os
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import cycle

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, Role, User
from accounts.privacy import confirm_notice, has_confirmed_notice
from accounts.services import set_roles
from fieldwork.cycles import WHOLE_YEAR, is_annual
from fieldwork.management.commands._demo_data import (
    CONFIRMED,
    CONTENTS,
    DEMO_PASSWORD,
    DEMO_TODAY,
    DEMO_YEAR,
    DEPARTMENTS,
    DN_DEPARTMENTS,
    DN_DOMAIN,
    DN_LOCATIONS,
    DN_PEOPLE,
    DOMAIN,
    DRAFT,
    LOCATIONS,
    MATERNITY,
    PEOPLE,
    RESULTS,
    P,
    d,
)
from fieldwork.models import Category, Exemption, ExemptionReason, HistoryEntry, Plan, Registration, Trip
from fieldwork.selectors import standings
from fieldwork.services.history import record
from fieldwork.services.plans import copy_plan_to_year, cycle_change_error, load_plan, read_plan_source
from fieldwork.stored.changes import suspended

# The demo cadre who agreed to keep the time and place of her photos (docs/privacy.md); the others did not.
PHOTO_EVIDENCE = {"xuan"}


class Command(BaseCommand):
    help = (
        "Nạp hai tổ chức mẫu (Tỉnh đoàn Tây Ninh: đăng ký cả năm; Thành đoàn Đà Nẵng: đăng ký theo quý): kế hoạch, "
        "các ban, cán bộ, các đợt đi cơ sở; chạy lại không nhân đôi dữ liệu."
    )

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
        with transaction.atomic(), suspended():
            plan, people = load_demo()
            dn_plan, dn_people = load_demo_da_nang()
        for p_plan in (plan, dn_plan):  # the stored standings, once (docs/rules.md “Stored standings”)
            call_command("refresh_standings", org=p_plan.organization.code, stdout=io.StringIO())
        today = timezone.localdate()
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD})")
        for p_plan, p_people, specs in ((plan, people, PEOPLE), (dn_plan, dn_people, DN_PEOPLE)):
            rows = standings(p_plan, today if today.year == DEMO_YEAR else DEMO_TODAY)
            counts: dict[str, int] = {}
            for r in rows:
                counts[r.status] = counts.get(r.status, 0) + 1
            self.stdout.write("")
            self.stdout.write(
                f"Tổ chức mẫu: {p_plan.organization.name} — {p_plan} "
                f"({p_plan.period_start:%d/%m/%Y}–{p_plan.period_end:%d/%m/%Y}; "
                f"{p_plan.get_registration_cycle_display().lower()}), "
                f"{len(p_people)} cán bộ, {Trip.objects.filter(plan=p_plan).count()} đợt đi cơ sở."
            )
            self.stdout.write("Tình hình thực hiện: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
            width = max(len(p.login_as) for p in specs if p.login_as)
            self.stdout.write(f"  {'Vai trò'.ljust(width)}  {'Họ và tên'.ljust(20)}  Email")
            for p in specs:
                if p.login_as:
                    self.stdout.write(f"  {p.login_as.ljust(width)}  {p.name.ljust(20)}  {p_people[p.key].email}")


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


class _History:
    """The status history of the demo's records, written in two bulk statements (docs/rules.md “A year in the life”):
    the actions and states are those the services record (fieldwork.services.history.record)."""

    def __init__(self, organization_id):
        self.org = organization_id
        self.rows: list[tuple[HistoryEntry, datetime]] = []

    def add(self, obj, object_type, actor, action, from_state, to_state, at, comment=""):
        entry = HistoryEntry(
            object_type=object_type,
            object_id=obj.pk,
            organization_id=self.org,
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
        )
        self.rows.append((entry, at))

    def registration(self, reg, person, boss, self_certified):
        sent, decided = reg.submitted_at, reg.decided_at
        draft = Registration.Status.DRAFT
        if self_certified:
            self.add(reg, "registration", person, "self_certified", draft, Registration.Status.APPROVED, sent)
            return
        self.add(reg, "registration", person, "submitted", draft, Registration.Status.SUBMITTED, sent)
        if decided is not None:
            self.add(
                reg,
                "registration",
                boss,
                "approved",
                Registration.Status.SUBMITTED,
                Registration.Status.APPROVED,
                decided,
            )

    def trip(self, trip, person, boss, self_certified):
        if trip.status not in (Trip.Status.CONFIRMED, Trip.Status.REPORTED, Trip.Status.RETURNED):
            return
        approved = Trip.Status.APPROVED
        if self_certified:
            self.add(trip, "trip", person, "self_certified", approved, Trip.Status.CONFIRMED, trip.reported_at)
            return
        self.add(trip, "trip", person, "reported", approved, Trip.Status.REPORTED, trip.reported_at)
        if trip.status == Trip.Status.CONFIRMED:
            self.add(trip, "trip", boss, "confirmed", Trip.Status.REPORTED, Trip.Status.CONFIRMED, trip.confirmed_at)
        elif trip.status == Trip.Status.RETURNED:
            self.add(
                trip,
                "trip",
                boss,
                "returned",
                Trip.Status.REPORTED,
                Trip.Status.RETURNED,
                trip.reported_at + timedelta(days=2),
                trip.status_comment,
            )

    def save(self):
        if not self.rows:
            return
        entries = HistoryEntry.objects.bulk_create([e for e, _at_ in self.rows])
        for entry, (_e, at) in zip(entries, self.rows, strict=True):
            entry.at = at  # `at` is auto_now_add: the day it happened, set after the insert
        HistoryEntry.objects.bulk_update(entries, ["at"], batch_size=500)


def _short_trips(person_spec: P, target: Decimal, busy: list[tuple[date, date]]):
    """Short done trips from January to October adding up to `target`, clear of `busy`."""
    sizes = cycle([Decimal("3"), Decimal("2"), Decimal("5"), Decimal("1.5"), Decimal("4"), Decimal("2.5")])
    # within the group's focus contents (docs/domain.md §3), so the demo shows OUTSIDE_FOCUS only where meant
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


def _live_plan(template: str, title: str) -> Plan:
    """The template's 2023 plan as is, and the demo year's plan made from it once."""
    data = read_plan_source(template)
    cycle = data.get("registration_cycle", Plan.RegistrationCycle.QUARTERLY)
    existing = Plan.objects.filter(organization__code=data["organization"]["code"], year=data["year"]).first()
    if existing is not None and cycle_change_error(existing, data):
        data["registration_cycle"] = existing.registration_cycle  # keep what people registered under
    base, _ = load_plan(data)
    plan = Plan.objects.filter(organization=base.organization, year=DEMO_YEAR).first()
    if plan is None:
        plan = copy_plan_to_year(base, DEMO_YEAR)
        plan.period_end = d(12, 31)  # a live year on the demo date (see the module docstring)
        plan.title = title
        plan.registration_cycle = cycle  # the template's, whatever an older base plan kept
        plan.save(update_fields=["period_end", "title", "registration_cycle"])
    return plan


def load_demo():
    plan = _live_plan(
        "tay-ninh-2023", f"Kế hoạch đi công tác cơ sở của cán bộ Đoàn cấp tỉnh năm {DEMO_YEAR} (dữ liệu mẫu)"
    )
    people = _people_and_trips(
        plan,
        PEOPLE,
        DEPARTMENTS,
        DOMAIN,
        secretary="tung",
        deputy="nhung",
        # Tây Ninh: specialists' immersion trips are field work (1.1), leaders' inspections (1.2): their focus
        immersion_category=lambda group: "1.1" if group == "2.3" else "1.2",
        busy_extra={MATERNITY[0]: (MATERNITY[1], MATERNITY[2])},
    )
    _maternity(plan, people)
    return plan, people


def load_demo_da_nang():
    """The second demo organization: Thành đoàn Đà Nẵng, quarterly registration (docs/rules.md “The seeds' cycle and rules”)."""
    plan = _live_plan(
        "da-nang-2023", f"Kế hoạch đi cơ sở theo chủ trương “1+2” của cán bộ Thành Đoàn năm {DEMO_YEAR} (dữ liệu mẫu)"
    )
    people = _people_and_trips(
        plan,
        DN_PEOPLE,
        DN_DEPARTMENTS,
        DN_DOMAIN,
        secretary="dn_thanh",
        deputy="dn_thanh",
        immersion_category=lambda group: "1.3",  # topic trips (plan.immersion_categories)
        locations=DN_LOCATIONS,
    )
    return plan, people


def _people_and_trips(
    plan, specs, departments, domain, *, secretary, deputy, immersion_category, busy_extra=None, locations=LOCATIONS
):
    """People created once by email, with their year of trips when they have none (idempotent).
    Registrations follow the plan's cycle: one for the year (annual) or one per quarter."""
    org = plan.organization
    depts = {}
    for name, short in departments:
        depts[name], _ = Department.objects.get_or_create(organization=org, name=name, defaults={"short_name": short})

    people: dict[str, User] = {}
    for p in specs:
        email = f"{p.email}@{domain}"
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
        if not has_confirmed_notice(user):  # docs/privacy.md: the demo accounts have read the notice
            confirm_notice(person=user, photo_evidence=p.key in PHOTO_EVIDENCE)
            user.refresh_from_db(fields=["notice_version", "photo_evidence"])
        people[p.key] = user

    categories = {c.code: c for c in Category.objects.filter(plan=plan)}
    secretary = people[secretary]
    deputy = people[deputy]
    annual = is_annual(plan)

    def approver(u: User) -> User:
        if u.pk == secretary.pk:
            return secretary
        if u.has_role(Role.STANDING):
            return secretary
        if u.has_role(Role.HEAD):
            return deputy
        heads = (x for x in people.values() if x.department_id == u.department_id and x.has_role(Role.HEAD))
        return next(heads, deputy)  # a department without a head in the small demo: the Standing Committee

    loc = cycle(locations)
    history = _History(org.pk)
    for p in specs:
        user = people[p.key]
        if Trip.objects.filter(plan=plan, person=user).exists():
            continue
        boss = approver(user)
        planned = []
        for start, end, days, status in p.immersions:
            planned.append((immersion_category(p.group), start, end, days, status, {"immersion": True}))
        planned.extend(p.extra)
        busy = [(s, e) for _c, s, e, *_rest in planned]
        if busy_extra and p.key in busy_extra:
            busy.append(busy_extra[p.key])
        for cat, start, end, size in _short_trips(p, Decimal(p.filler_days), busy):
            planned.append((cat, start, end, str(size), CONFIRMED, {}))
        regs: dict[int, Registration] = {}
        for cat, start, end, days, status, extra in sorted(planned, key=lambda t: t[1]):
            quarter = WHOLE_YEAR if annual else (start.month - 1) // 3 + 1
            reg = regs.get(quarter)
            if reg is None:
                # annual: the year's mẫu 1, sent before 15/02 and approved; lines added later as drafts
                # put it back to "waiting for approval" (below)
                draft = status == DRAFT and not annual
                sent = d(2, 5) if annual else start - timedelta(days=20)
                reg, created_reg = Registration.objects.get_or_create(
                    plan=plan,
                    person=user,
                    quarter=quarter,
                    defaults={
                        "status": Registration.Status.SUBMITTED if draft else Registration.Status.APPROVED,
                        "submitted_at": _at(sent),
                        "decided_by": None if draft else boss,
                        "decided_at": None if draft else _at(sent + timedelta(days=5)),
                        "self_certified": user.pk == secretary.pk and not draft,
                    },
                )
                regs[quarter] = reg
                if created_reg:  # created now: its history with it
                    history.registration(reg, user, boss, self_certified=reg.self_certified)
            if annual and status == DRAFT and reg.status == Registration.Status.APPROVED:
                reg.status = Registration.Status.SUBMITTED
                reg.save(update_fields=["status"])
            done = status in (CONFIRMED, Trip.Status.REPORTED, Trip.Status.RETURNED)
            trip = Trip.objects.create(
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
            history.trip(trip, user, boss, self_certified=user.pk == secretary.pk)
    history.save()
    return people


def _maternity(plan, people):
    """The maternity exemption: proposed by the Board, approved by the Secretary."""
    secretary = people["tung"]
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

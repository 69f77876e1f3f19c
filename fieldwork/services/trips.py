"""Trips: the one record shared by registration lines and results (docs/domain.md §7).

Every write (web form, registration, report, import, admin) goes through `validate_trip`,
so the counting rules are enforced once, by the quota engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.text import END_BEFORE_START
from fieldwork.models import Category, Plan, Trip, place_parts_key
from fieldwork.quota import engine
from fieldwork.selectors import TRIP_STATUS_TO_ENGINE, rules_for
from fieldwork.trip_fields import TripInput, fact_of, model_fields
from fieldwork.violations import violation_message

# Codes refused when a trip is registered or reported on the web (docs/domain.md §7.2–7.4);
# imports record them as violations instead.
BLOCKING = {"DAYS_EXCEED_SPAN", "OVERLAP", "OUTSIDE_PERIOD"}


def not_counted_refusal(category: Category) -> str:
    """docs/domain.md §4, §8: a category that does not count (attending because invited) is not a
    field trip: it is refused at registration and never printed on mẫu 1 or mẫu 2."""
    return _(
        "Không đăng ký được nội dung “%(c)s”: nội dung này không được tính là đi cơ sở (dự hoạt động do được "
        "mời không phải đợt đi cơ sở). Hãy chọn nội dung khác."
    ) % {"c": category.name}


def cadre_of(plan: Plan, person) -> engine.Cadre:
    return engine.Cadre(
        key=person.pk, group_code=person.group_code, active_from=person.active_from, active_to=person.active_to
    )


def check(plan: Plan, person, data: TripInput, *, exclude_pk=None) -> tuple[engine.Violation, ...]:
    others = [
        fact_of(t, key=t.pk, status=TRIP_STATUS_TO_ENGINE[t.status])
        for t in Trip.objects.filter(plan=plan, person=person)
        .exclude(pk=exclude_pk)
        .exclude(status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])
        .select_related("category")
    ]
    return engine.check_trip(rules_for(plan), cadre_of(plan, person), fact_of(data, key=exclude_pk or "new"), others)


def check_topic(data: TripInput) -> str:
    """A topic must be one of its category's (Category.topics); "" is always allowed."""
    topic = (data.topic or "").strip()
    if topic and topic not in (data.category.topics or []):
        return _("Chuyên đề “%(t)s” không thuộc nội dung %(c)s của kế hoạch.") % {"t": topic[:80], "c": data.category}
    return ""


def validate_trip(plan: Plan, person, data: TripInput, *, exclude_pk=None) -> list[str]:
    """Raise ValidationError (field -> Vietnamese message) for refused trips; return warnings."""
    errors: dict[str, list[str]] = {}
    if data.category.plan_id != plan.pk:
        errors.setdefault("category", []).append(_("Nội dung không thuộc kế hoạch này."))
    elif not data.category.counts:
        errors.setdefault("category", []).append(not_counted_refusal(data.category))
    if data.end < data.start:
        errors.setdefault("end", []).append(str(END_BEFORE_START))
    try:
        days = engine.parse_days(data.days)
        if days <= 0:
            raise ValueError
    except ValueError:
        errors.setdefault("days", []).append(_("Số ngày đi phải là số dương, theo bước nửa ngày (0,5; 1; 1,5 …)."))
    if not (data.location or "").strip():
        errors.setdefault("location", []).append(_("Hãy nhập địa điểm."))
    topic_error = check_topic(data)
    if topic_error:
        errors.setdefault("topic", []).append(topic_error)
    if errors:
        raise ValidationError(errors)
    violations = check(plan, person, data, exclude_pk=exclude_pk)
    field_of = {"DAYS_EXCEED_SPAN": "days", "OVERLAP": "start", "OUTSIDE_PERIOD": "start"}
    for v in violations:
        if v.code in BLOCKING:
            msg = violation_message(v.code)
            if v.code == "OUTSIDE_PERIOD":
                msg = _("Thời gian đi phải nằm trong thời gian của kế hoạch (%(start)s – %(end)s).") % {
                    "start": plan.period_start.strftime("%d/%m/%Y"),
                    "end": plan.period_end.strftime("%d/%m/%Y"),
                }
            errors.setdefault(field_of[v.code], []).append(msg)
    if errors:
        raise ValidationError(errors)
    warnings = {violation_message(v.code) for v in violations if v.code not in BLOCKING}
    allowed = plan.immersion_categories or []
    if data.immersion and allowed and data.category.code not in allowed:
        # docs/domain.md §7.5: such a trip counts its days but is not an immersion trip (no §7.9 code).
        warnings.add(
            _(
                "Kế hoạch chỉ tính đợt “cùng ăn, cùng ở, cùng làm” thuộc nội dung %(codes)s: đợt này được tính số ngày "
                "nhưng không được tính là đợt “cùng ăn, cùng ở, cùng làm”."
            )
            % {"codes": ", ".join(allowed)}
        )
    return sorted(warnings)


# Imports (docs/domain.md §10 import_trips) -----------------------------------------------------------
@dataclass
class ImportedTrip:
    person: object
    data: TripInput
    results: str = ""
    row: int | None = None


def import_waits_for_approver(actor, person) -> bool:
    """Does a trip of `person` imported by `actor` wait for the person's real approver (REPORTED)
    instead of being recorded as confirmed (docs/rules.md “Nobody certifies their own days”)? Nobody certifies their own days: a row
    for the importer, or for anyone the importer may not confirm for, waits. The command line
    (`actor` None, the server's operator) records confirmed, as does a row of the Secretary, whose
    reports are self-certified (docs/domain.md §2) and who has no approver to wait for."""
    from accounts import rules

    if actor is None or rules.approver_kind(person) == "self":
        return False
    return not rules.can_approve_for(actor, person)


def create_imported_trips(*, actor, plan: Plan, trips: list[ImportedTrip]) -> list[Trip]:
    """Record done trips read from a mẫu 3 workbook, source IMPORT, each with a history entry:
    CONFIRMED by the importer when they may confirm for the person, else REPORTED and the
    person's approvers are told (import_waits_for_approver). Rule-breaking trips are kept (they
    carry their violation in the engine); only what cannot be a trip at all is refused here."""
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from fieldwork.models import HistoryEntry
    from fieldwork.services.approvers import approvers_of
    from fieldwork.services.history import notify

    now = timezone.now()
    objs = []
    waiting_people = {}
    for item in trips:
        d = item.data
        if d.category.plan_id != plan.pk or item.person.organization_id != plan.organization_id:
            raise ValidationError(_("Dữ liệu nhập không thuộc kế hoạch này."))
        if d.end < d.start:
            raise ValidationError(str(END_BEFORE_START))
        days = engine.parse_days(d.days)
        waits = import_waits_for_approver(actor, item.person)
        if waits:
            waiting_people[item.person.pk] = item.person
        objs.append(
            Trip(
                plan=plan,
                person=item.person,
                **{**model_fields(d), "days": days, "location": d.location[:300]},
                results=item.results,
                status=Trip.Status.REPORTED if waits else Trip.Status.CONFIRMED,
                source=Trip.Source.IMPORT,
                confirmed_by=None if waits else actor,
                confirmed_at=None if waits else now,
                reported_at=now,
            )
        )
    with transaction.atomic():
        for o in objs:  # bulk_create calls no save(): the normalized location here (docs/rules.md “Stored standings”)
            o.location_key = place_parts_key(o.location)
        created = Trip.objects.bulk_create(objs)
        from fieldwork.stored.changes import trips_changed  # docs/rules.md “Stored standings”: same transaction

        for plan_id in {o.plan_id for o in objs}:
            trips_changed(plan_id, [o.person_id for o in objs if o.plan_id == plan_id])
        comment_of = {
            id(o): (_("Nhập từ tệp mẫu 3, dòng %(row)s") % {"row": t.row} if t.row else _("Nhập từ tệp mẫu 3"))
            for o, t in zip(objs, trips, strict=True)
        }
        HistoryEntry.objects.bulk_create(
            [
                HistoryEntry(
                    object_type="trip",
                    object_id=o.pk,
                    organization_id=plan.organization_id,
                    actor=actor,
                    action="imported",
                    from_state="",
                    to_state=o.status,
                    comment=comment_of[id(o)],
                )
                for o in created
            ]
        )
        for person in waiting_people.values():
            count = sum(1 for o in created if o.person_id == person.pk)
            notify(
                approvers_of(person),
                _("%(count)s đợt đi cơ sở của %(name)s được nhập từ tệp mẫu 3, chờ xác nhận.")
                % {"count": count, "name": person.full_name},
                reverse("fieldwork:trips_to_confirm"),
            )
    return created

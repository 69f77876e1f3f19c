"""import_trips (docs/domain.md §10): done trips in the layout of mẫu 3.

Two steps, shared by the command and the web page (as importers/cadres.py):
- `read_trips` parses the first sheet, resolves people and categories, computes the
  violations each new trip would carry (by the quota engine, through the selector) and
  lists every error by sheet, row and column. It writes nothing.
- `apply_trips` writes that preview in one transaction, through services/trips.py.

All or nothing: a file with any error imports nothing. Rule-breaking trips (days over the
span, overlaps, outside the period, too-short immersion…) are imported and carry their
violation; rows that cannot be read are errors. A trip outside the plan's period never makes
the file refused (docs/domain.md §7.4), even one spanning New Year: it is recorded with
OUTSIDE_PERIOD, counts nothing, and the preview says so on its row; a trip wholly in another
year is an error (it belongs to another year's plan).

Re-importing: a row identical to a trip the person already has in the plan (same person,
category, start, end, declared days and location — location compared ignoring case and
spacing; cancelled and rejected trips ignored) is the same trip and is skipped, so importing
one file twice creates nothing the second time. Two identical rows inside one file are an
error (a copy mistake: importing both would be an overlap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.vietnamese import format_date, format_days
from fieldwork.importers.base import finish_import, norm, open_or_collect, raise_if_errors
from fieldwork.importers.trip_rows import (  # noqa: F401 (re-exported: the cells of a row are read there)
    COLUMNS,
    LABELS,
    NO,
    PREFIX_COLUMNS,
    REQUIRED,
    YES,
    People,
    TripRowReader,
    is_skipped,
    is_total,
    match_category,
    parse_days,
    parse_period,
    strip_mark,
)
from fieldwork.importers.workbook import RowError
from fieldwork.models import Category, Plan, Trip
from fieldwork.quota import engine
from fieldwork.selectors import standings
from fieldwork.services import trips as trip_services
from fieldwork.trip_fields import fact_of, input_of


@dataclass
class TripLine:
    row: int
    person: User
    category: Category
    start: date
    end: date
    days: Decimal
    location: str
    content: str = ""
    results: str = ""
    immersion: bool = False
    violations: list[str] = field(default_factory=list)
    warning: str = ""  # shown on the preview's row (outside the period, docs/rules.md “The seeds' cycle and rules”)
    # recorded as waiting for the person's approver (docs/rules.md “Nobody certifies their own days”)
    waits: bool = False

    @property
    def dedup_key(self) -> tuple:
        return (self.person.pk, self.category.pk, self.start, self.end, self.days, norm(self.location))

    def outside_period_warning(self, plan: Plan) -> str:
        """The preview's warning on a row outside the plan period (docs/rules.md “The seeds' cycle and rules”), else ""."""
        if "OUTSIDE_PERIOD" not in self.violations:
            return ""
        return _("Ngoài thời gian kế hoạch (%(s)s – %(e)s): đợt vẫn được ghi nhận nhưng không được tính ngày.") % {
            "s": format_date(plan.period_start),
            "e": format_date(plan.period_end),
        }

    @property
    def period_text(self) -> str:
        return (
            f"{format_date(self.start)} – {format_date(self.end)}"
            if self.start != self.end
            else format_date(self.start)
        )


@dataclass
class TripImport:
    plan: Plan
    sheet: str = ""
    new: list[TripLine] = field(default_factory=list)
    skipped: list[TripLine] = field(default_factory=list)  # already recorded: re-import of the same rows
    errors: list[RowError] = field(default_factory=list)
    created: list[Trip] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        """Whether confirming would write anything (new trips)."""
        return bool(self.new)

    @property
    def waiting(self) -> list[TripLine]:
        return [line for line in self.new if line.waits]

    @property
    def with_violations(self) -> list[TripLine]:
        return [line for line in self.new if line.violations]

    def summary(self) -> str:
        return _("%(new)s đợt mới (%(bad)s đợt có vi phạm), %(same)s đợt đã có nên bỏ qua.") % {
            "new": len(self.new),
            "bad": len(self.with_violations),
            "same": len(self.skipped),
        }


def read_trips(fileobj: IO[bytes] | str, *, plan: Plan, actor=None) -> TripImport:
    """Parse and resolve; write nothing. Errors are collected in `result.errors`. With `actor`
    (the importer), each new line says whether it will wait for the person's approver."""
    result = TripImport(plan=plan)
    sheet = open_or_collect(result, fileobj, COLUMNS, REQUIRED, prefix_columns=PREFIX_COLUMNS)
    if sheet is None:
        return result
    errors = result.errors
    people = People(plan)
    categories = list(plan.categories.all())
    seen: dict[tuple, int] = {}
    lines: list[TripLine] = []

    after_total = False
    for row in sheet.rows:
        if is_total(row):
            after_total = True
            continue
        if is_skipped(row) or (after_total and not row.text("name")):
            continue  # after "Tổng": the form's note, "Nơi nhận" and signatures, which name nobody
        rd = TripRowReader(sheet.title, row, errors)
        person = rd.person(people)
        category = rd.category(categories, plan.year)
        days = rd.days()
        start, end = rd.period(plan.year)
        location = rd.location()
        content, marked = strip_mark(row.text("content"))
        immersion = rd.immersion(marked=marked)
        if rd.failed:
            continue
        line = TripLine(
            row=row.number,
            person=person,
            category=category,
            start=start,
            end=end,
            days=days,
            location=location,
            content=content,
            results=row.text("results"),
            immersion=immersion,
        )
        if line.dedup_key in seen:
            rd.error(
                "name",
                _("Dòng này trùng hoàn toàn với dòng %(r)s (cùng người, nội dung, thời gian, số ngày, địa điểm).")
                % {"r": seen[line.dedup_key]},
            )
            continue
        seen[line.dedup_key] = row.number
        lines.append(line)

    if errors or not lines:
        return result
    existing = set()
    for t in (
        Trip.objects.filter(plan=plan, person_id__in={line.person.pk for line in lines})
        .exclude(status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])
        .values_list("person_id", "category_id", "start", "end", "days", "location")
    ):
        existing.add((*t[:4], Decimal(t[4]), norm(t[5])))
    for line in lines:
        (result.skipped if line.dedup_key in existing else result.new).append(line)
    _attach_violations(plan, result.new)
    for line in result.new:
        line.waits = trip_services.import_waits_for_approver(actor, line.person)
    return result


def _attach_violations(plan: Plan, lines: list[TripLine]) -> None:
    """The violations each new trip would carry among the person's trips (the engine decides)."""
    if not lines:
        return
    extra: dict[int, list[engine.TripFact]] = {}
    by_key = {}
    for line in lines:
        key = ("import", line.row)
        by_key[key] = line
        extra.setdefault(line.person.pk, []).append(fact_of(line, key=key, status="done"))
    people = User.objects.filter(pk__in=extra).select_related("department")
    for row in standings(plan, date(plan.year, 12, 31), people=people, extra_trips=extra):
        for v in row.standing.violations:
            line = by_key.get(v.trip_key)
            if line is not None and v.code not in line.violations:
                line.violations.append(v.code)
    for line in lines:
        line.warning = line.outside_period_warning(plan)


def apply_trips(result: TripImport, *, actor=None) -> TripImport:
    """Write a preview without errors, all or nothing."""
    raise_if_errors(result)
    with transaction.atomic():
        result.created = trip_services.create_imported_trips(
            actor=actor,
            plan=result.plan,
            trips=[
                trip_services.ImportedTrip(
                    person=line.person,
                    data=input_of(line),
                    results=line.results,
                    row=line.row,
                )
                for line in result.new
            ],
        )
    return result


def import_trips(fileobj, *, plan: Plan, actor=None, dry_run: bool = False) -> TripImport:
    """Read, then (unless dry_run) write. Raises ImportFailed listing every error."""
    result = read_trips(fileobj, plan=plan, actor=actor)
    return finish_import(result, apply_trips, actor=actor, dry_run=dry_run)


def describe(line: TripLine) -> str:
    return f"{line.person.full_name}, {line.category.code}, {line.period_text}, {format_days(line.days)} ngày, {line.location}"

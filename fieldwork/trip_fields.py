"""The fields of a trip, in every shape they travel in (docs/domain.md §7: one record shared by
registration lines and results), converted in this one module:

- a form's cleaned data → `TripInput`, the argument every trip service takes (`from_form`);
- a `Trip` row or an importer's row → `TripInput` (`input_of`);
- `TripInput` → the model's columns for a save or a queryset update (`model_fields`, `apply_to`);
- `TripInput` ↔ a change request's JSON payload (`payload_of`, `parse_payload`, `input_of_payload`);
- a trip in any shape → the quota engine's `TripFact` (`fact_of`);
- a `Trip` → a registration line form's initial values (`form_initial`).

It sits below the services, the forms and the importers, and imports only the models, the place
names and the engine.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from datetime import date
from decimal import Decimal

from fieldwork import locations
from fieldwork.models import Category, Plan, Trip, place_parts_key
from fieldwork.quota import engine


@dataclass
class TripInput:
    category: Category
    start: date
    end: date
    days: Decimal
    location: str
    content: str = ""
    immersion: bool = False
    travel_order: str = ""
    province_code: str = ""
    ward_code: str = ""
    topic: str = ""  # one of the category's topics (docs/domain.md §10), or ""


# The trip's own fields, as the model and TripInput both name them.
TRIP_FIELDS = tuple(f.name for f in fields(TripInput))
_DEFAULTS = {f.name: f.default for f in fields(TripInput) if f.default is not MISSING}


def from_form(cleaned: dict, *, province_code: str | None = None, ward_code: str | None = None) -> TripInput:
    """A trip form's cleaned data. The registration line form chooses the place (fields `province`,
    `ward`); the report form keeps the trip's, given here."""
    return TripInput(
        category=cleaned["category"],
        start=cleaned["start"],
        end=cleaned["end"],
        days=cleaned["days"],
        location=cleaned["location"].strip(),
        content=(cleaned.get("content", "") or "").strip(),
        immersion=cleaned.get("immersion", False),
        travel_order=(cleaned.get("travel_order", "") or "").strip(),
        province_code=cleaned.get("province", "") if province_code is None else province_code,
        ward_code=cleaned.get("ward", "") if ward_code is None else ward_code,
        topic=cleaned.get("topic", "") or "",
    )


def input_of(source, **changes) -> TripInput:
    """A Trip row, or an importer's row (which has only some of the fields: the rest default),
    as a TripInput; `changes` replace fields (a copied line's new dates)."""
    values = {name: getattr(source, name, _DEFAULTS.get(name)) for name in TRIP_FIELDS}
    return TripInput(**{**values, **changes})


def model_fields(data: TripInput) -> dict:
    """The Trip columns of `data`, ready for a queryset update (which calls no save(): the
    normalized location is computed here, docs/rules.md “Stored standings”)."""
    location = data.location.strip()
    return {
        "category": data.category,
        "start": data.start,
        "end": data.end,
        "days": Decimal(data.days),
        "location": location,
        "location_key": place_parts_key(location),
        "content": data.content.strip(),
        "immersion": data.immersion,
        "topic": (data.topic or "").strip(),
        "travel_order": data.travel_order.strip(),
        "province_code": data.province_code,
        "ward_code": data.ward_code,
    }


def apply_to(trip: Trip, data: TripInput) -> None:
    """Copy `data` onto a Trip about to be saved (its save() normalizes the location)."""
    for name in TRIP_FIELDS:
        setattr(trip, name, getattr(data, name))


def payload_of(data: TripInput) -> dict:
    """A change request's proposed trip, as JSON (ChangeRequest.proposed)."""
    return {
        "category": data.category.code,
        "start": data.start.isoformat(),
        "end": data.end.isoformat(),
        "days": str(Decimal(data.days)),
        "location": data.location.strip(),
        "content": data.content.strip(),
        "immersion": bool(data.immersion),
        "topic": (data.topic or "").strip(),
        "travel_order": data.travel_order.strip(),
        "province_code": data.province_code,
        "ward_code": data.ward_code,
    }


def parse_payload(payload: dict) -> dict:
    """A payload's values typed back (dates, Decimal days), the category still as its code."""
    return {
        "category": payload["category"],
        "start": date.fromisoformat(payload["start"]),
        "end": date.fromisoformat(payload["end"]),
        "days": Decimal(payload["days"]),
        "location": payload["location"],
        "content": payload.get("content", ""),
        "immersion": bool(payload.get("immersion")),
        "travel_order": payload.get("travel_order", ""),
        "province_code": payload.get("province_code", ""),
        "ward_code": payload.get("ward_code", ""),
        "topic": payload.get("topic", ""),
    }


def input_of_payload(plan: Plan, payload: dict) -> TripInput:
    values = parse_payload(payload)
    values["category"] = Category.objects.get(plan=plan, code=values["category"])
    return TripInput(**values)


def fact_of(trip, *, key=None, status: str = "planned") -> engine.TripFact:
    """A Trip, a TripInput or an importer's row as the engine's fact, with the engine's `status`."""
    return engine.TripFact(
        key=key if key is not None else getattr(trip, "pk", None) or "new",
        category_code=trip.category.code,
        start=trip.start,
        end=trip.end,
        days=Decimal(trip.days),
        immersion=trip.immersion,
        status=status,
    )


def form_initial(trip: Trip) -> dict:
    """A registration line form's initial values: the place as chosen (province, ward) and the
    rest of the location as typed."""
    return {
        "category": trip.category_id,
        "start": trip.start,
        "end": trip.end,
        "days": trip.days,
        "province": trip.province_code,
        "ward": trip.ward_code,
        "location_detail": locations.detail_of(trip.location, trip.province_code, trip.ward_code),
        "content": trip.content,
        "immersion": trip.immersion,
        "travel_order": trip.travel_order,
        "topic": trip.topic,
    }

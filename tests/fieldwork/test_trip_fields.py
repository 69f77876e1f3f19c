"""fieldwork.trip_fields: a trip's fields keep their values through every shape they travel in."""

from datetime import date
from decimal import Decimal

import pytest

from fieldwork.models import Trip
from fieldwork.trip_fields import (
    TRIP_FIELDS,
    TripInput,
    fact_of,
    from_form,
    input_of,
    input_of_payload,
    model_fields,
    payload_of,
)


@pytest.fixture
def data(tn_plan):
    return TripInput(
        category=tn_plan.categories.get(code="1.1"),
        start=date(2023, 3, 6),
        end=date(2023, 3, 8),
        days=Decimal("2.5"),
        location=" Xã Tân Đông, Tỉnh Tây Ninh ",
        content=" Dự sinh hoạt chi đoàn ",
        immersion=True,
        travel_order=" 12/CL ",
        province_code="72",
        ward_code="25501",
        topic="",
    )


def test_the_payload_of_a_change_request_reads_back_as_the_trip(tn_plan, data):
    back = input_of_payload(tn_plan, payload_of(data))
    assert back == TripInput(
        category=data.category,
        start=data.start,
        end=data.end,
        days=Decimal("2.5"),
        location="Xã Tân Đông, Tỉnh Tây Ninh",
        content="Dự sinh hoạt chi đoàn",
        immersion=True,
        travel_order="12/CL",
        province_code="72",
        ward_code="25501",
        topic="",
    )


def test_a_saved_trip_reads_back_as_its_input(people, data):
    trip = Trip.objects.create(plan=people["plan"], person=people["cadre"], **model_fields(data))
    trip.refresh_from_db()
    assert trip.location_key  # the normalized place, computed for a queryset update too
    back = input_of(trip)
    assert back == TripInput(**{f: getattr(trip, f) for f in TRIP_FIELDS})
    assert (back.location, back.content, back.travel_order) == (
        "Xã Tân Đông, Tỉnh Tây Ninh",
        "Dự sinh hoạt chi đoàn",
        "12/CL",
    )
    assert input_of(trip, start=date(2023, 6, 6)).start == date(2023, 6, 6)


def test_an_importer_row_without_the_place_codes_gets_the_defaults(data):
    class Row:  # what the mẫu 3 importer reads: no travel order, no place codes, no topic
        category, start, end, days, location, content, immersion = (
            data.category,
            data.start,
            data.end,
            data.days,
            "Xã A",
            "",
            False,
        )

    back = input_of(Row())
    assert (back.travel_order, back.province_code, back.ward_code, back.topic) == ("", "", "", "")
    assert back.location == "Xã A" and back.days == Decimal("2.5")


def test_the_engine_fact_and_the_form(data):
    fact = fact_of(data, key="typed", status="planned")
    assert (fact.key, fact.category_code, fact.days, fact.immersion, fact.status) == (
        "typed",
        "1.1",
        Decimal("2.5"),
        True,
        "planned",
    )
    cleaned = {
        "category": data.category,
        "start": data.start,
        "end": data.end,
        "days": data.days,
        "location": data.location,
        "province": "72",
        "ward": "25501",
        "immersion": True,
        "travel_order": "12/CL",
    }
    typed = from_form(cleaned)
    assert (typed.province_code, typed.ward_code, typed.content, typed.topic) == ("72", "25501", "", "")
    assert typed.location == "Xã Tân Đông, Tỉnh Tây Ninh"
    kept = from_form(cleaned, province_code="", ward_code="")  # the report form keeps the trip's place
    assert (kept.province_code, kept.ward_code) == ("", "")

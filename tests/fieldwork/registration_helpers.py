"""Shared helpers of the registration tests (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from fieldwork.models import Category
from fieldwork.quarters import WHOLE_YEAR
from fieldwork.services import registrations as service
from fieldwork.trip_fields import TripInput


def tan_dong() -> str:
    from fieldwork import locations

    return locations.wards("80", "tan dong")[0][0]


def line(
    plan,
    *,
    category="1.1",
    start=date(2023, 2, 1),
    end=None,
    days="3",
    location="Xã Tân Đông, Tỉnh Tây Ninh",
    immersion=False,
    content="Phối hợp tổ chức hoạt động hè",
) -> TripInput:
    return TripInput(
        category=Category.objects.get(plan=plan, code=category),
        start=start,
        end=end or start + timedelta(days=2),
        days=Decimal(days),
        location=location,
        content=content,
        immersion=immersion,
        province_code="80" if location.endswith("Tỉnh Tây Ninh") else "",
        ward_code=tan_dong() if "Xã Tân Đông" in location else "",
    )


def registered(plan, person, quarter=None, lines=None):
    """A registration with lines added through the service; by default the plan's first
    registration period (the whole year under the annual cycle, else quarter I)."""
    if quarter is None:
        quarter = WHOLE_YEAR if plan.registration_cycle == "annual" else 1
    reg = service.registration_for(person=person, plan=plan, quarter=quarter)
    for data in lines if lines is not None else [line(plan)]:
        service.add_line(actor=person, registration=reg, data=data)
    reg.refresh_from_db()
    return reg


def submitted(plan, person, quarter=None, lines=None):
    reg = registered(plan, person, quarter, lines)
    return service.submit(actor=person, registration=reg, version=reg.version)


def line_post(plan, **overrides) -> dict:
    """POST data of the line form."""
    data = {
        "year": plan.year,
        "category": str(Category.objects.get(plan=plan, code="1.1").pk),
        "start": "2023-02-01",
        "end": "2023-02-03",
        "days": "3",
        "province": "80",
        "ward": tan_dong(),
        "location_detail": "",
        "content": "Phối hợp tổ chức hoạt động",
        "travel_order": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The people fixture hashes eleven passwords: a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(name="people")
def quarterly_people(people):
    """Imported into a test module, `people` is the Tây Ninh people on the quarterly registration
    cycle (docs/domain.md §5): the tests of docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)” exercise the quarter-by-quarter mẫu 1 and
    mẫu 2; the Tây Ninh template itself is annual (docs/rules.md “The seeds' cycle and rules”; tests/fieldwork/test_cycles.py
    covers the annual cycle)."""
    plan = people["plan"]
    plan.registration_cycle = plan.RegistrationCycle.QUARTERLY
    plan.save(update_fields=["registration_cycle"])
    return people


def inspection_only(people):
    """An Inspection Committee member who is not a cadre under the rule: changes nothing at all."""
    from tests.factories import UserFactory

    return UserFactory(
        department=people["d2"],
        full_name="Đỗ Thị Giám Sát",
        email="giamsat@tn.vn",
        group_code="",
        roles=["inspection"],
    )

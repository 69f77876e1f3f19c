"""factory-boy factories shared by every test module."""

import functools
from datetime import date
from decimal import Decimal

import factory

from accounts.models import Department, Organization, User, UserRole
from accounts.privacy import NOTICE_VERSION
from fieldwork.models import Category, Plan, Trip
from fieldwork.services.plans import load_plan, read_plan_source

PASSWORD = "Mat-khau-Thu-2023!"


def _standings_batch():
    from fieldwork.stored.changes import batch

    return batch()


def standings_once(fixture):
    """A fixture that builds a data set: the stored standings it touches are refreshed once, at its
    end (`fieldwork.stored.changes.batch`), rather than after each person, trip or role saved.
    The rows are the same (a refresh recomputes from the database); the setup is faster."""

    @functools.wraps(fixture)
    def wrapper(*args, **kwargs):
        with _standings_batch():
            return fixture(*args, **kwargs)

    return wrapper


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Tỉnh đoàn Số {n}")
    place = "Tây Ninh"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Ban Phong trào {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"canbo{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Cán Bộ{n}")
    organization = factory.SelfAttribute("department.organization")
    department = factory.SubFactory(DepartmentFactory)
    position = "Chuyên viên"
    group_code = "2.3"
    # People of the tests have read and confirmed the current notice (docs/privacy.md), as the demo
    # accounts have; tests/privacy/test_notice.py covers a person who has not.
    notice_version = NOTICE_VERSION
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def create(cls, **kwargs):
        # Saved, its password set, saved again with its roles: its stored standings refreshed once.
        with _standings_batch():
            return super().create(**kwargs)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            self.save()
            for code in extracted or ["cadre"]:
                UserRole.objects.get_or_create(user=self, code=code)
            self._role_cache = None


def make_plan(template: str = "tay-ninh-2023", org_code: str | None = None) -> Plan:
    """A plan from a shipped template, optionally under another organization code."""
    data = read_plan_source(template)
    if org_code:
        data["organization"] = {**data["organization"], "code": org_code, "name": f"Tỉnh đoàn {org_code}"}
    plan, _ = load_plan(data)
    return plan


def make_trip(
    plan: Plan,
    person: User,
    *,
    category: str = "1.1",
    start=date(2023, 3, 1),
    end=None,
    days="5",
    status=Trip.Status.CONFIRMED,
    immersion=False,
    location="Xã Tân Đông",
    **extra,
) -> Trip:
    end = end or start
    return Trip.objects.create(
        plan=plan,
        person=person,
        category=Category.objects.get(plan=plan, code=category),
        start=start,
        end=end,
        days=Decimal(days),
        status=status,
        immersion=immersion,
        location=location,
        **extra,
    )

"""load_demo: idempotent, every role has a login, a live year with several standings."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Department, Role, User, UserRole
from fieldwork.management.commands._demo_data import DEMO_PASSWORD
from fieldwork.models import Exemption, Plan, Registration, Trip
from fieldwork.selectors import standings


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts():
    return tuple(m.objects.count() for m in (User, UserRole, Department, Plan, Trip, Registration, Exemption))


@pytest.mark.django_db
def test_load_demo_twice(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    users, _roles, depts, plans, trips, regs, exemptions = first
    assert users == 24 and depts == 6 and plans == 2 and exemptions == 1 and trips > 100 and regs > 40

    # every role has a login printed with the shared password, and it works
    text = out.getvalue()
    assert f"mật khẩu chung: {DEMO_PASSWORD}" in text
    for code in Role.values:
        person = User.objects.filter(roles__code=code).order_by("sort_key").first()
        assert person is not None, code
    for email in (
        "tung.nt@tayninh.test",
        "anh.dn@tayninh.test",
        "duyen.ntm@tayninh.test",
        "son.tv@tayninh.test",
        "xuan.mt@tayninh.test",
        "tri.cm@tayninh.test",
        "nhung.lth@tayninh.test",
    ):
        assert email in text
        assert client.post("/tai-khoan/dang-nhap/", {"username": email, "password": DEMO_PASSWORD}).status_code == 302
        client.logout()
    logins = {line.split()[-1] for line in text.splitlines() if line.endswith("@tayninh.test")}
    covered = set().union(*(User.objects.get(email=email).role_codes for email in logins))
    assert covered == set(Role.values)

    # a live 2026 plan; every trip status appears; the quota selector gives several standings
    plan = Plan.objects.get(year=2026)
    assert (plan.period_start, plan.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert set(Trip.objects.filter(plan=plan).values_list("status", flat=True)) == set(Trip.Status.values)
    assert Trip.objects.filter(plan=plan, immersion=True, days__gte=30).count() >= 10
    assert Trip.objects.filter(plan=plan, category__code="moi").exists()
    statuses = {r.status for r in standings(plan, date(2026, 11, 24))}
    assert statuses == {"met", "on_track", "at_risk", "exempt"}
    by_email = {r.person.email: r.standing for r in standings(plan, date(2026, 11, 24))}
    assert by_email["tam.ptt@tayninh.test"].exemption == "ke-toan"
    assert by_email["lan.dt@tayninh.test"].exemption == "van-thu"
    assert by_email["tram.htn@tayninh.test"].exemption == "thai-san"
    assert by_email["quan.tm@tayninh.test"].required_days == 31  # joined on 01/7: prorated
    # the Secretary's own registrations are self-certified
    assert Registration.objects.filter(person__email="tung.nt@tayninh.test", self_certified=True).exists()

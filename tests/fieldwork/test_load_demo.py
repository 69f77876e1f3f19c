"""load_demo: idempotent, every role has a login, a live year with several standings."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

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
    # Tây Ninh: 24 people, 6 departments; Đà Nẵng (docs/rules.md “The seeds' cycle and rules”): 6 people, 3 departments; 2 plans each
    assert users == 30 and depts == 9 and plans == 4 and exemptions == 1 and trips > 100 and regs > 24

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
    plan = Plan.objects.get(year=2026, organization__code="tay-ninh")
    assert plan.registration_cycle == "annual"  # like its template
    assert set(Registration.objects.filter(plan=plan).values_list("quarter", flat=True)) == {0}
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


@pytest.mark.django_db
def test_the_second_demo_organization_registers_by_quarter(client):
    """docs/rules.md “The seeds' cycle and rules”: Thành đoàn Đà Nẵng beside Tây Ninh, on the da-nang-2023 template (quarterly cycle,
    topic immersion trips of 5–7 days, 30 days apart); its logins are printed and work, and its
    people see only their own organization."""
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "Tổ chức mẫu: Tỉnh đoàn Tây Ninh" in text and "đăng ký một lần cho cả năm" in text
    assert "Tổ chức mẫu: Thành đoàn Đà Nẵng" in text and "đăng ký theo từng quý" in text
    for email in ("thanh.tv@danang.test", "hoa.lt@danang.test", "minh.pq@danang.test", "thu.vt@danang.test"):
        assert email in text
        assert client.post("/tai-khoan/dang-nhap/", {"username": email, "password": DEMO_PASSWORD}).status_code == 302
        client.logout()
    plan = Plan.objects.get(year=2026, organization__code="da-nang")
    assert (plan.registration_cycle, plan.immersion_categories) == ("quarterly", ["1.3"])
    assert set(Registration.objects.filter(plan=plan).values_list("quarter", flat=True)) == {1, 2, 3, 4}
    assert set(Trip.objects.filter(plan=plan, immersion=True).values_list("category__code", flat=True)) == {"1.3"}
    by_email = {r.person.email: r.standing for r in standings(plan, date(2026, 11, 24))}
    assert {s.status for s in by_email.values()} == {"met", "on_track", "at_risk", "exempt"}
    assert by_email["thu.vt@danang.test"].violation_codes == ("IMMERSION_BACK_TO_BACK",)
    assert by_email["thu.vt@danang.test"].pending_days == 3  # reported, awaiting confirmation
    assert by_email["cuc.dt@danang.test"].exemption == "ke-toan"
    # two organizations side by side: a Đà Nẵng login sees none of Tây Ninh's people
    client.force_login(User.objects.get(email="hoa.lt@danang.test"))
    resp = client.get(reverse("fieldwork:standings"), {"year": 2026, "as_of": "2026-11-24"})
    names = {r.person.email for r in resp.context["page"].object_list}
    assert names and all(e.endswith("@danang.test") for e in names)


@pytest.mark.django_db
def test_load_demo_keeps_the_cycle_people_registered_under(settings):
    """An older database: the Tây Ninh 2023 plan was quarterly and has quarterly registrations (the
    data migration kept it so); reloading the annual template must not fail nor hide them."""
    from tests.factories import UserFactory, make_plan

    plan = make_plan("tay-ninh-2023")
    Plan.objects.filter(pk=plan.pk).update(registration_cycle="quarterly")
    person = UserFactory(department=None, organization=plan.organization, email="cu@tn.vn")
    Registration.objects.create(plan=plan, person=person, quarter=2)
    call_command("load_demo", stdout=StringIO())
    plan.refresh_from_db()
    assert plan.registration_cycle == "quarterly"
    assert Plan.objects.get(organization=plan.organization, year=2026).registration_cycle == "annual"


@pytest.mark.django_db
def test_demo_records_have_their_status_history(client):
    """docs/rules.md “A year in the life”: an approved registration and a confirmed trip of the demo showed "Chưa có thay
    đổi trạng thái nào": each processed record has the history the services write, dated."""
    from fieldwork.models import HistoryEntry

    call_command("load_demo", stdout=StringIO())
    n = HistoryEntry.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert HistoryEntry.objects.count() == n  # a second run adds nothing

    plan = Plan.objects.get(year=2026, organization__code="tay-ninh")
    reg = Registration.objects.filter(plan=plan, status="approved", self_certified=False).first()
    steps = list(
        HistoryEntry.objects.filter(object_type="registration", object_id=reg.pk).values_list(
            "action", "from_state", "to_state", "actor_id", "at"
        )
    )
    assert [s[:3] for s in steps] == [("submitted", "draft", "submitted"), ("approved", "submitted", "approved")]
    assert steps[0][3] == reg.person_id and steps[1][3] == reg.decided_by_id
    assert steps[0][4] == reg.submitted_at and steps[1][4] == reg.decided_at

    trip = Trip.objects.filter(plan=plan, status="confirmed").exclude(person__roles__code="secretary").first()
    steps = list(
        HistoryEntry.objects.filter(object_type="trip", object_id=trip.pk).values_list("action", "actor_id", "at")
    )
    assert steps == [
        ("reported", trip.person_id, trip.reported_at),
        ("confirmed", trip.confirmed_by_id, trip.confirmed_at),
    ]
    returned = Trip.objects.filter(status="returned").first()
    assert list(
        HistoryEntry.objects.filter(object_type="trip", object_id=returned.pk).values_list("action", flat=True)
    ) == ["reported", "returned"]

    # The pages say so: the person's registration and the trip show their history.
    client.force_login(reg.person)
    body = client.get(reverse("fieldwork:registration_detail", args=[0]) + "?year=2026").content.decode()
    assert "Chưa có thay đổi trạng thái nào" not in body
    client.force_login(trip.person)
    body = client.get(reverse("fieldwork:trip_detail", args=[trip.pk])).content.decode()
    from django.utils import timezone

    assert timezone.localtime(trip.confirmed_at).strftime("%d/%m/%Y %H:%M") in body
    assert trip.confirmed_by.full_name in body

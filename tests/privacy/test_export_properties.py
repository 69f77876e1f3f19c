"""Property (hypothesis, over random organizations): one person's export never contains another
person's data — not their name, email, phone, trips, exemption notes, remarks, notifications — while
it contains every record of the person's own (docs/domain.md §10 `privacy export`)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import DataAccess, Notification, UserRole
from accounts.privacy import record_access
from fieldwork.models import Category, Exemption, ExemptionReason, HistoryEntry, Registration, Trip
from reports.models import CadreRemark
from reports.privacy import personal_data
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng"]
GIVEN = [
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hòa",
    "Khánh",
    "Lộc",
    "Ngọc",
    "Phúc",
    "Quyên",
    "Sơn",
    "Thảo",
    "Uyên",
    "Vinh",
]
ROLES = ["cadre", "head", "board", "standing", "inspection"]

person_spec = st.fixed_dictionaries(
    {
        "family": st.sampled_from(FAMILY),
        "roles": st.lists(st.sampled_from(ROLES), min_size=1, max_size=2, unique=True),
        "trips": st.integers(0, 3),
        "exempt": st.booleans(),
        "remark_by": st.integers(0, 5),  # an index into the organization, maybe themself
        "looked_by": st.lists(st.integers(0, 5), max_size=3),
        "notified_about": st.lists(st.integers(0, 5), max_size=2),
        "mentions": st.integers(0, 5),  # a colleague named in the person's own trip report
    }
)
organization_spec = st.lists(person_spec, min_size=2, max_size=6)


def build(tn_plan, specs):
    org = tn_plan.organization
    dept = DepartmentFactory(organization=org, name="Ban Kiểm thử")
    givens = iter(GIVEN)
    people = []
    for i, spec in enumerate(specs):
        p = UserFactory(
            department=dept,
            full_name=f"{spec['family']} Thị {next(givens)}",
            email=f"nguoi{i:03d}@kiemthu.vn",
            roles=spec["roles"],
        )
        p.phone = f"09{i:08d}"
        p.save()
        people.append(p)
    n = len(people)
    category = Category.objects.get(plan=tn_plan, code="1.1")
    reason = ExemptionReason.objects.get(plan=tn_plan, code="thai-san")
    for i, (p, spec) in enumerate(zip(people, specs, strict=True)):
        reg = Registration.objects.create(
            plan=tn_plan, person=p, quarter=0, status="approved", decided_by=people[(i + 1) % n]
        )
        other = people[spec["mentions"] % n]
        for k in range(spec["trips"]):
            start = date(2023, 2, 1) + timedelta(days=10 * k)
            trip = Trip.objects.create(
                plan=tn_plan,
                person=p,
                registration=reg,
                category=category,
                start=start,
                end=start,
                days=1,
                location=f"Ấp riêng {p.pk}-{k}",
                content=f"Đi cùng {other.full_name} ({other.email})",
                results=f"Kết quả riêng {p.pk}-{k}",
                status="confirmed",
                confirmed_by=people[(i + 1) % n],
            )
            HistoryEntry.objects.create(
                object_type="trip", object_id=trip.pk, organization=org, actor=people[(i + 1) % n], action="confirmed"
            )
        if spec["exempt"]:
            Exemption.objects.create(
                person=p,
                reason=reason,
                start=date(2023, 5, 1),
                end=date(2023, 6, 1),
                note=f"Ghi chú riêng #{p.pk}#",
                status="approved",
                proposed_by=people[(i + 2) % n],
            )
        writer = people[spec["remark_by"] % n]
        CadreRemark.objects.create(plan=tn_plan, person=p, text=f"Nhận xét riêng #{p.pk}#", written_by=writer)
        for j in spec["looked_by"]:
            record_access(viewer=people[j % n], person=p, what=DataAccess.What.PROFILE, object_id=p.pk)
        for j in spec["notified_about"]:
            about = people[j % n]
            Notification.objects.create(user=p, text=f"{about.full_name} đã gửi đăng ký.")
    return people


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=organization_spec)
def test_an_export_never_carries_another_persons_data(tn_plan, specs):
    with transaction.atomic():
        people = build(tn_plan, specs)
        for p in people:
            text = json.dumps(personal_data(p), ensure_ascii=False)
            assert p.email in text and p.phone in text and p.full_name in text
            for q in people:
                if q.pk == p.pk:
                    continue
                leaked = [
                    s
                    for s in (
                        q.full_name,
                        q.email,
                        q.phone,
                        f"Ấp riêng {q.pk}-",
                        f"Ghi chú riêng #{q.pk}#",
                        f"Nhận xét riêng #{q.pk}#",
                        f"Kết quả riêng {q.pk}-",
                    )
                    if s in text
                ]
                assert not leaked, (p.full_name, q.full_name, leaked)
            data = personal_data(p)
            assert len(data["trips"]) == Trip.objects.filter(person=p).count()
            assert (
                len(data["remarks"]) == 1
                and len(data["viewed_by"]) == DataAccess.objects.filter(person=p).exclude(viewer=p).count()
            )
            assert {r["code"] for r in data["roles"]} == set(
                UserRole.objects.filter(user=p).values_list("code", flat=True)
            )
        transaction.set_rollback(True)

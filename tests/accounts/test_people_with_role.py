"""accounts.selectors.people_with_role: every "people with role X" of the code base is that one
query, and each gives the same people as the query it replaced, on the demo organizations with a
deactivated head, a person holding two roles and a Board member of another organization."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts import selectors, signatures
from accounts.models import Department, Organization, Role, User, UserRole
from accounts.selectors import people_with_role
from fieldwork.services import department_plans, exemptions, privacy, quarter_reports
from fieldwork.services.approvers import approvers_of
from reports import services as report_services
from reports.signers import secretary_of


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=StringIO())
    org = Organization.objects.get(code="tay-ninh")
    # A deactivated head, a Standing Committee member also on the Board (listed once), and a
    # Board member of another organization (never listed).
    head = User.objects.filter(organization=org, roles__code=Role.HEAD).order_by("sort_key").first()
    User.objects.filter(pk=head.pk).update(is_active=False)
    both = User.objects.filter(organization=org, roles__code=Role.STANDING).order_by("sort_key").first()
    UserRole.objects.get_or_create(user=both, code=Role.BOARD)
    other = User.objects.exclude(organization=org).order_by("sort_key").first()
    UserRole.objects.get_or_create(user=other, code=Role.BOARD)
    return {"org": org, "inactive_head": head, "both": both, "other": other}


def pks(people):
    return [p.pk for p in people]


def test_the_board_and_the_standing_committee(demo):
    org = demo["org"]
    old_board = list(
        User.objects.filter(organization_id=org.pk, is_active=True, roles__code__in=[Role.BOARD]).distinct()
    )
    assert len(old_board) >= 2 and demo["both"] in old_board and demo["other"] not in old_board
    assert pks(people_with_role(org.pk, Role.BOARD)) == pks(old_board)
    assert pks(quarter_reports._board_members(org.pk)) == pks(old_board)
    assert pks(report_services.board_members(org.pk)) == pks(old_board)

    someone = old_board[0]
    old_board_but = list(
        User.objects.filter(organization_id=org.pk, is_active=True, roles__code__in=[Role.BOARD])
        .exclude(pk__in=[someone.pk])
        .distinct()
    )
    assert someone not in old_board_but and old_board_but
    assert pks(privacy._board(org.pk, exclude=[someone])) == pks(old_board_but)

    old_standing = list(
        User.objects.filter(organization_id=org.pk, is_active=True, roles__code=Role.STANDING).distinct()
    )
    assert len(old_standing) >= 2
    assert pks(people_with_role(org.pk, Role.STANDING)) == pks(old_standing)
    assert pks(department_plans._standing_members(org.pk)) == pks(old_standing)
    member = old_standing[0]
    old_but = list(
        User.objects.filter(organization_id=org.pk, is_active=True, roles__code=Role.STANDING)
        .exclude(pk=member.pk)
        .distinct()
    )
    assert pks(department_plans._standing_members(org.pk, exclude=member)) == pks(old_but)
    assert pks(exemptions._standing_members(org.pk, exclude=(member, None))) == pks(old_but)

    old_signers = list(
        User.objects.filter(organization=org, is_active=True, roles__code__in=[Role.STANDING, Role.SECRETARY])
        .prefetch_related("roles")
        .distinct()
        .order_by("sort_key", "email")
    )
    assert pks(people_with_role(org.pk, Role.STANDING, Role.SECRETARY)) == pks(old_signers)
    assert secretary_of(org) == next((p for p in old_signers if p.is_secretary), old_signers[0])


def test_the_heads(demo):
    org = demo["org"]
    inactive = demo["inactive_head"]
    old_heads = list(
        User.objects.filter(organization_id=org.pk, is_active=True, roles__code=Role.HEAD)
        .exclude(department=None)
        .distinct()
        .order_by("sort_key", "email")
    )
    assert len(old_heads) >= 3 and inactive not in old_heads
    assert pks(people_with_role(org.pk, Role.HEAD).exclude(department=None).order_by("sort_key", "email")) == pks(
        old_heads
    )
    # the deactivated are there only when asked for
    assert inactive in people_with_role(org.pk, Role.HEAD, active_only=False)
    assert inactive not in people_with_role(org.pk, Role.HEAD)

    departments = Department.objects.filter(organization=org)
    assert departments.count() >= 3
    for department in departments:
        old_signing = list(
            User.objects.filter(department=department, is_active=True, roles__code=Role.HEAD)
            .distinct()
            .order_by("sort_key", "email")
        )
        old_signing.sort(key=lambda p: not signatures.acts_as_chief(p))
        assert pks(signatures.heads_of(department)) == pks(old_signing)
        old_listed = list(department.members.filter(is_active=True, roles__code=Role.HEAD).order_by("sort_key"))
        assert pks(selectors.heads_of(department)) == pks(old_listed)


def test_the_approvers_of_every_demo_person(demo):
    from accounts import rules
    from accounts.delegations import deputies_of

    checked = 0
    for person in User.objects.filter(organization=demo["org"], is_active=True):
        kind = rules.approver_kind(person)
        if kind == "self":
            assert approvers_of(person) == []
            continue
        qs = User.objects.filter(organization_id=person.organization_id, is_active=True).exclude(pk=person.pk)
        if kind == "head":
            qs = qs.filter(roles__code=Role.HEAD, department_id=person.department_id)
        else:
            qs = qs.filter(roles__code=Role.STANDING)
        direct = [u for u in qs.distinct().order_by("sort_key", "email") if rules.can_approve_for(u, person)]
        old = list(direct)
        for approver in direct:
            for deputy in deputies_of(approver):
                if deputy.pk != person.pk and deputy not in old and rules.can_approve_for(deputy, person):
                    old.append(deputy)
        assert pks(approvers_of(person)) == pks(old)
        checked += bool(old)
    assert checked >= 10

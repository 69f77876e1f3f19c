"""Reads on people and departments, scoped to one organization (docs/style.md: selectors read)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Prefetch, Q

from .models import Department, Role, User, UserRole
from .vietnamese import strip_diacritics


def _fold(text: str) -> str:
    return " ".join(strip_diacritics(text or "").casefold().split())


@dataclass
class PeopleFilter:
    q: str = ""
    department: int | None = None
    group: str = ""
    role: str = ""
    status: str = "active"  # active | inactive | all


def members(organization_id):
    """The organization's people. Superusers belong to no organization's list (docs/security.md): they
    cross organizations and are managed in the admin by superusers only."""
    return User.objects.filter(organization_id=organization_id, is_superuser=False)


def people_with_role(organization_id, *roles: str, department=None, exclude=(), active_only: bool = True):
    """The organization's people holding any of `roles` (Role codes), each once, in name order
    (User.Meta): the one query behind "the Board", "the Standing Committee", "the heads of …".
    `department` narrows to its members; `exclude` leaves out these people (None ignored);
    `active_only=False` keeps the deactivated."""
    qs = User.objects.filter(organization_id=organization_id, roles__code__in=roles)
    if active_only:
        qs = qs.filter(is_active=True)
    if department is not None:
        qs = qs.filter(department=department)
    if exclude:
        qs = qs.exclude(pk__in=[u.pk for u in exclude if u is not None])
    return qs.distinct()


def people(organization_id, f: PeopleFilter | None = None):
    """The organization's people in Vietnamese order (sort_key), filtered. Search by name
    or email ignores case and diacritics ("nguyen van an" finds "Nguyễn Văn An"): the
    organization's names are folded in Python (one query), whatever the database."""
    f = f or PeopleFilter()
    qs = (
        members(organization_id)
        .select_related("department")
        .prefetch_related(Prefetch("roles", queryset=UserRole.objects.order_by("code")))
        .order_by("sort_key", "email")
    )
    if f.status == "active":
        qs = qs.filter(is_active=True)
    elif f.status == "inactive":
        qs = qs.filter(is_active=False)
    if f.department:
        qs = qs.filter(department_id=f.department)
    if f.group:
        qs = qs.filter(group_code=f.group)
    if f.role in Role.values:
        qs = qs.filter(roles__code=f.role)
    needle = _fold(f.q)
    if needle:
        ids = [
            pk
            for pk, name, email in User.objects.filter(organization_id=organization_id).values_list(
                "pk", "full_name", "email"
            )
            if needle in _fold(name) or needle in email.casefold()
        ]
        qs = qs.filter(pk__in=ids)
    return qs


def group_codes_in_use(organization_id) -> list[str]:
    qs = User.objects.filter(organization_id=organization_id).exclude(group_code="")
    return sorted(set(qs.values_list("group_code", flat=True)))


def departments(organization_id, *, active_only: bool = False):
    qs = Department.objects.filter(organization_id=organization_id)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.annotate(
        member_count=Count("members", distinct=True, filter=Q(members__is_active=True)),
        head_count=Count("members", distinct=True, filter=Q(members__is_active=True, members__roles__code=Role.HEAD)),
    ).order_by("-is_active", "name")


def heads_of(department: Department) -> list[User]:
    return list(people_with_role(department.organization_id, Role.HEAD, department=department).order_by("sort_key"))


def not_yet_invited(organization_id):
    """Active people without a usable password who were never invited."""
    return (
        members(organization_id)
        .filter(is_active=True, invited_at__isnull=True)
        .filter(Q(password__startswith=UNUSABLE_PASSWORD_PREFIX) | Q(password=""))
    )


def person_by_calendar_token(token: str) -> User | None:
    """The active person whose iCalendar link this is, or None (constant-time comparison)."""
    from django.utils.crypto import constant_time_compare

    from .models import calendar_digest

    pk, _sep, digest = (token or "").partition("-")
    if not pk.isdigit() or not digest:
        return None
    person = User.objects.filter(pk=int(pk), is_active=True).first()
    if person is None or not person.calendar_token:
        return None
    return person if constant_time_compare(digest, calendar_digest(person.pk, person.calendar_token)) else None


def viewable_people(user):
    """The people `user` may see and request a mẫu 1 of (accounts.rules.can_view_person as a
    query, docs/security.md): the whole organization for the Board, Standing and Inspection
    Committees; a head, their department's active members; anyone else, themself."""
    from . import rules

    own = members(user.organization_id).filter(pk=user.pk)
    if rules.sees_whole_organization(user):
        return members(user.organization_id)
    if rules.is_head(user) and user.department_id:
        return members(user.organization_id).filter(Q(department_id=user.department_id, is_active=True) | Q(pk=user.pk))
    return own


def may_search_people(user) -> bool:
    """Whether the report page offers a search of other people (docs/security.md)."""
    from . import rules

    return rules.sees_whole_organization(user) or rules.is_head(user)

"""Delegation of approval (docs/rules.md “Reminders, digests and delegation of approval”): reads of the Delegation table used by accounts/rules.py.

A delegation is in force on the days of its range (inclusive) unless its delegator ended it
early; it ends by itself: nothing has to run for it to stop. Delegations are one level deep:
a deputy's own deputy gets nothing through them (docs/rules.md “Reminders, digests and delegation of approval”).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max
from django.utils import timezone

from .models import Delegation, User


def in_force(on: date | None = None):
    """Delegations in force on `on` (today)."""
    on = on or timezone.localdate()
    return Delegation.objects.filter(start__lte=on, end__gte=on, ended_at__isnull=True)


def delegators_of(user, on: date | None = None) -> list[User]:
    """The active people of the user's organization who have delegated to `user` today.
    Cached on the user object for the day (rules are asked once per listed item)."""
    if not (user and getattr(user, "is_authenticated", False) and user.is_active and user.pk):
        return []
    on = on or timezone.localdate()
    if getattr(user, "deputy_until", None) is None or user.deputy_until < on:
        return []  # nobody's deputy today: no query (refresh_deputy_hint keeps the hint)
    cache = getattr(user, "_delegators_cache", None)
    if cache is not None and cache[0] == on:
        return cache[1]
    people = list(
        User.objects.filter(
            pk__in=in_force(on).filter(deputy=user, organization_id=user.organization_id).values("delegator_id"),
            organization_id=user.organization_id,
            is_active=True,
        )
        .exclude(pk=user.pk)
        .prefetch_related("roles")
        .order_by("sort_key", "email")
    )
    user._delegators_cache = (on, people)
    return people


def deputies_of(user, on: date | None = None) -> list[User]:
    """The active deputies of `user` today (they receive what waits for `user`)."""
    on = on or timezone.localdate()
    return list(
        User.objects.filter(
            pk__in=in_force(on).filter(delegator=user).values("deputy_id"),
            organization_id=user.organization_id,
            is_active=True,
        ).order_by("sort_key", "email")
    )


def refresh_deputy_hint(user) -> None:
    """Store on the deputy the last day a delegation to them is in force (after a change), and
    drop the delegators cached on this user object."""
    last = Delegation.objects.filter(deputy_id=user.pk, ended_at__isnull=True).aggregate(last=Max("end"))["last"]
    User.objects.filter(pk=user.pk).update(deputy_until=last)
    user.deputy_until = last
    if hasattr(user, "_delegators_cache"):
        del user._delegators_cache

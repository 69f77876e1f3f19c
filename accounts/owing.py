"""Who owes fieldwork — ONE definition (docs/domain.md §2), used by the quota, the pages, the
reminders and the forms alike:

    a person owes fieldwork when they belong to a group (đối tượng 2.1, 2.2 or 2.3), are active
    and are not exempt — whatever roles they hold.

A head imported with the role `head` alone, a Standing Committee member, a Board member: each is
counted, listed, reminded and printed exactly as a cadre is when they have a group; a person with
no group owes nothing, whatever their roles.

The rule reads only the person's own fields (group, active, dates), so it lives with the person in
`accounts`, where the permissions (accounts/rules.py `is_subject_cadre`) ask it too; fieldwork's
quota, pages and reminders import it from here (docs/style.md: imports point one way).

- `owes_fieldwork(person, status, on)`: the rule for one person on a day (`status`: the engine's
  standing status, "exempt" when exempt; None when the question is only whether they do fieldwork
  at all, e.g. may record their own trips);
- `subject_people(plan)` (fieldwork.selectors.cadre_people): the same rule as a query over the
  plan's period — everyone with a group active at some point of it; the engine then tells who is
  exempt (its `exempt` status), so every figure and list starts from this query.
"""

from __future__ import annotations

from datetime import date


def has_group(person) -> bool:
    return bool(getattr(person, "group_code", ""))


def active_on(person, on: date | None) -> bool:
    """Active on the day: the account is active and the day lies within the person's own dates."""
    if not getattr(person, "is_active", False):
        return False
    if on is None:
        return True
    start, end = getattr(person, "active_from", None), getattr(person, "active_to", None)
    return (start is None or start <= on) and (end is None or end >= on)


def owes_fieldwork(person, status: str | None = None, on: date | None = None) -> bool:
    """docs/domain.md §2: a group, active (on `on`), not exempt — roles play no part."""
    return has_group(person) and active_on(person, on) and status != "exempt"

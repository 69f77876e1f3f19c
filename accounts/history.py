"""docs/rules.md “Nobody certifies their own days”: every creation, invitation, change of roles and change of the fields that
decide what a person owes (department, position, group, dates of service) is in the history,
with who and why. `accounts` never imports `fieldwork` (docs/style.md): it sends
`person_history`, and fieldwork.services.history records it as a HistoryEntry of object type
"user" (the person's page shows them)."""

from __future__ import annotations

from django.dispatch import Signal
from django.utils.translation import gettext as _

from .vietnamese import format_date

person_history = Signal()  # kwargs: person, actor, action, comment, to_state
# to_state of a creation or change of roles that makes someone a department head: the Standing
# Committee's monthly digest lists them (docs/rules.md “Nobody certifies their own days”: no puppet head goes unseen).
NEW_HEAD = "head"

# What decides whether and how much a person owes (docs/domain.md §2, §6): nobody changes these
# on their own record, and each change by anyone says why.
OWN_RECORD_LOCKED = ("department", "position", "group_code", "active_from", "active_to")


def field_label(name: str) -> str:
    return {
        "full_name": _("Họ và tên"),
        "email": _("Email"),
        "department": _("Ban"),
        "position": _("Chức vụ"),
        "group_code": _("Đối tượng"),
        "active_from": _("Ngày bắt đầu công tác"),
        "active_to": _("Ngày kết thúc công tác"),
        "phone": _("Số điện thoại"),
        "parent": _("Tổ chức cấp trên"),
    }.get(name, name)


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "isoformat"):
        return format_date(value)
    return str(value)


def describe_changes(changes: dict[str, tuple], fields=OWN_RECORD_LOCKED) -> str:
    """ "Chức vụ: Chuyên viên → Kế toán; Ban: Văn phòng → —" for the given fields that changed."""
    return "; ".join(
        f"{field_label(f)}: {_shown(changes[f][0])} → {_shown(changes[f][1])}" for f in fields if f in changes
    )


def record(person, *, actor, action: str, comment: str = "", to_state: str = "") -> None:
    person_history.send(
        sender=type(person), person=person, actor=actor, action=action, comment=comment, to_state=to_state
    )


def record_parent_change(organization, *, actor, old_parent, new_parent) -> None:
    """docs/rules.md “Nobody certifies their own days”: a change of an organization's parent, in the history of the organization and
    of both parents (the one it leaves sees it leave)."""
    comment = _("%(org)s: tổ chức cấp trên %(old)s → %(new)s") % {
        "org": organization.name,
        "old": old_parent.name if old_parent else "—",
        "new": new_parent.name if new_parent else "—",
    }
    for owner in {o.pk: o for o in (organization, old_parent, new_parent) if o is not None}.values():
        person_history.send(
            sender=type(organization),
            person=organization,
            actor=actor,
            action="parent_changed",
            comment=comment,
            object_type="organization",
            organization_id=owner.pk,
        )

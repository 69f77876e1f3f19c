"""History entries and notifications, shared by every service."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from accounts import rules
from accounts.models import Notification
from core.logsafe import scrubbed_exc_info
from fieldwork.models import HistoryEntry

logger = logging.getLogger(__name__)


def record(
    obj,
    *,
    actor,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    object_type: str | None = None,
    organization_id=None,
):
    org_id = organization_id
    if org_id is None:
        person = getattr(obj, "person", None)
        if person is not None:
            org_id = person.organization_id
        elif getattr(obj, "department", None) is not None:
            org_id = obj.department.organization_id
        else:
            org_id = getattr(obj, "organization_id", None)
    object_type = object_type or obj._meta.model_name
    return HistoryEntry.objects.create(
        object_type=object_type,
        object_id=obj.pk,
        organization_id=org_id,
        actor=actor,
        on_behalf_of=delegator_of_decision(obj, actor=actor, action=action, object_type=object_type),
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
    )


# docs/rules.md “Reminders, digests and delegation of approval”: decisions a deputy may take for an approver away ("… thay …" in the history).
DECISION_ACTIONS = {
    "approved",
    "returned",
    "confirmed",
    "changed",
    "cancelled",
    "change_rejected",
    "add_approved",
    "add_rejected",
}


def delegator_of_decision(obj, *, actor, action: str, object_type: str):
    """The approver for whom `actor` took this decision through a delegation, or None."""
    if actor is None or action not in DECISION_ACTIONS:
        return None
    if object_type == "departmentplan":
        return rules.department_plan_delegator(actor, obj)
    person = getattr(obj, "person", None)
    if object_type in ("registration", "trip") and person is not None:
        return rules.acting_for(actor, person)
    return None


def record_person_history(
    sender,
    *,
    person,
    actor,
    action: str,
    comment: str = "",
    to_state: str = "",
    object_type: str = "user",
    organization_id=None,
    **kwargs,
):
    """accounts.history.person_history (docs/rules.md “Nobody certifies their own days”): a person's record, roles or
    invitation; an organization's parent."""
    HistoryEntry.objects.create(
        object_type=object_type,
        object_id=person.pk,
        organization_id=organization_id or person.organization_id,
        actor=actor,
        action=action,
        to_state=to_state,
        comment=comment,
    )


def connect() -> None:
    from accounts.history import person_history

    person_history.connect(record_person_history, dispatch_uid="fieldwork.person_history")


def history_of(obj, object_type: str | None = None):
    return HistoryEntry.objects.filter(
        object_type=object_type or obj._meta.model_name, object_id=obj.pk
    ).select_related("actor", "on_behalf_of")


def notify(users, text: str, url: str = "", *, email_subject: str | None = None):
    """In-app notification now and an email after the transaction commits."""
    users = [u for u in users if u is not None and u.is_active]
    Notification.objects.bulk_create([Notification(user=u, text=text[:300], url=url) for u in users])
    if not users:
        return
    link = f"{settings.SITE_URL.rstrip('/')}{url}" if url else settings.SITE_URL
    # A header is one line (docs/security.md “Login and requests”): a comment typed on several lines must neither break
    # the email nor, since mail goes out after the change is saved, fail the request.
    subject = " ".join((email_subject or text).split())[:120]
    body = f"{text}\n\nXem chi tiết: {link}\n\n— Hệ thống Đi cơ sở 1+2"
    recipients = [(u.pk, u.email) for u in users]

    def _send():
        for pk, email in recipients:
            try:
                send_mail(subject, body, None, [email], fail_silently=True)
            except Exception:  # the change is saved; a mail problem is logged (by id), never raised
                logger.error("a notification email to person %s could not be sent", pk, exc_info=scrubbed_exc_info())

    transaction.on_commit(_send)


def last_decision(obj, object_type: str | None = None, actions=("approved",)):
    """The latest approval of `obj` (a registration, a department plan, a trip confirmation):
    its `actor` signs; when `on_behalf_of` is set the actor signed as deputy, and the forms carry
    "KT. <on_behalf_of's title> / <actor's title>" over the actor's name (docs/rules.md “Reminders, digests and delegation of approval”, docs/domain.md §8)."""
    return history_of(obj, object_type).filter(action__in=actions).order_by("-at", "-id").first()


def signer_lines(entry) -> tuple[list[str], str]:
    """The signature block of a decision for the forms (docs/domain.md §8): the title lines in
    capitals and the signer's name. A deputy signs "KT. TRƯỞNG BAN" over "PHÓ TRƯỞNG BAN" (their
    own title); an approver in their own right signs their title alone."""
    if entry is None or entry.actor is None:
        return [], ""
    own = (entry.actor.position or "").upper()
    if entry.on_behalf_of_id:
        whom = (entry.on_behalf_of.position or "").upper()
        return [f"KT. {whom}" if whom else "KT.", own], entry.actor.full_name
    return ([own] if own else []), entry.actor.full_name

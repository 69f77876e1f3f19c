"""Optimistic locking shared by every versioned object (Registration, DepartmentPlan, Trip), and
the one decide sequence of what waits for approval (a registration, a department plan).

Every decision carries the `version` the decider saw; the update is
`UPDATE … WHERE version = n [AND status = s]` and zero rows means somebody else acted first.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from fieldwork.services.history import notify, record


class StaleVersion(Exception):
    """Somebody else changed the object first; nothing was saved."""

    def __init__(self, message: str | None = None):
        self.message = message or _(
            "Bản đăng ký đã được người khác xử lý trong lúc bạn đang xem. Trang đã được tải lại với "
            "trạng thái mới nhất; nội dung bạn đã nhập vẫn được giữ."
        )
        super().__init__(self.message)


def check_version(obj, version: int, message: str | None = None) -> None:
    """The locked row is not the version the user saw: StaleVersion."""
    if obj.version != version:
        raise StaleVersion(message)


def update_versioned(obj, *, version: int, from_status=None, message: str | None = None, **fields) -> None:
    """Save `fields` and bump the version, only if the row is still at `version` (and in
    `from_status` when given); StaleVersion otherwise."""
    qs = type(obj).objects.filter(pk=obj.pk, version=version)
    if from_status is not None:
        qs = qs.filter(status=from_status)
    if not qs.update(version=F("version") + 1, **fields):
        raise StaleVersion(message)
    if getattr(obj, "plan_id", None) and getattr(obj, "person_id", None) and type(obj).__name__ == "Trip":
        from fieldwork.stored.changes import trips_changed  # docs/rules.md “Stored standings”: same transaction

        trips_changed(obj.plan_id, [obj.person_id])


def error_messages(exc: ValidationError) -> list[str]:
    """Every message of a ValidationError, field errors included, as one flat list."""
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def decide_submitted(
    obj,
    *,
    actor,
    version: int,
    approve: bool,
    comment: str,
    now,
    object_type: str,
    reason_required: str,
    recipients,
    message: str,
    url: str,
    before_approve=None,
    after_approve=None,
) -> None:
    """Approve or return `obj` (a Registration or a DepartmentPlan), already locked and checked
    (permission, version, SUBMITTED) by the caller: a return needs its reason; `before_approve`
    may still refuse an approval; the decision is saved only if the row is still SUBMITTED at
    `version` (StaleVersion otherwise); then `after_approve`, the history entry, and `message`
    to `recipients`."""
    status = type(obj).Status
    if approve:
        if before_approve is not None:
            before_approve()
    elif not comment:
        raise ValidationError({"comment": [reason_required]})
    to_state = status.APPROVED if approve else status.RETURNED
    update_versioned(
        obj,
        version=version,
        from_status=status.SUBMITTED,
        status=to_state,
        decided_by=actor,
        decided_at=now,
        comment=comment,
    )
    if approve and after_approve is not None:
        after_approve()
    record(
        obj,
        actor=actor,
        action="approved" if approve else "returned",
        from_state=obj.status,
        to_state=to_state,
        comment=comment,
        object_type=object_type,
    )
    notify(recipients, message, url)

"""Sending reminders and digests (docs/rules.md “Reminders, digests and delegation of approval”): exactly once per person, kind and key.

The SentReminder row (unique person, kind, key), the in-app notification and the queued email
are written in ONE transaction: a second run, a retried task, a restarted beat or a second worker
racing this one hits the unique constraint and sends nothing. The email goes out after commit
through a Celery task that retries a failure and never sends twice (the row records it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import Notification, User
from fieldwork.services.history import record

from .models import ReminderPreference, ReminderSchedule, SentReminder
from .selectors import Due, due_on

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One line of `manage.py remind` (docs/domain.md §10: email, kind, deadline, sent)."""

    email: str
    name: str
    kind: str
    deadline: date | None
    sent: bool
    subject: str

    def as_json(self) -> dict:
        return {
            "email": self.email,
            "kind": self.kind,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "sent": self.sent,
        }


EVERYTHING_ON = ReminderPreference(email=True, deadlines_app=True, digests_email=True, digests_app=True)


def preference_of(person: User) -> ReminderPreference:
    return ReminderPreference.objects.filter(user=person).first() or EVERYTHING_ON


def wants_email(person: User, kind: str = "") -> bool:
    """By email, for a reminder of this kind (a deadline when no kind is named)."""
    return preference_of(person).channels(kind)[0]


def set_preferences(
    *, actor: User, deadlines_email: bool, deadlines_app: bool, digests_email: bool, digests_app: bool
) -> ReminderPreference:
    """A person chooses, for themself, how each kind of reminder reaches them (docs/rules.md “A year in the life”)."""
    pref, _created = ReminderPreference.objects.update_or_create(
        user=actor,
        defaults={
            "email": deadlines_email,
            "deadlines_app": deadlines_app,
            "digests_email": digests_email,
            "digests_app": digests_app,
        },
    )
    return pref


def set_email_preference(*, actor: User, email: bool) -> ReminderPreference:
    """Every email on or off (deadlines and digests); in-app notifications as they were."""
    pref = preference_of(actor)
    return set_preferences(
        actor=actor,
        deadlines_email=email,
        deadlines_app=pref.deadlines_app,
        digests_email=email,
        digests_app=pref.digests_app,
    )


def _one_line(text: str, limit: int) -> str:
    """Email headers and notification texts: user strings never carry a line break."""
    return " ".join(str(text).split())[:limit]


def deliver(due: Due, *, as_of: date, email: bool | None = None, app: bool | None = None) -> SentReminder | None:
    """Record, notify in the app and queue the email, in one transaction, each as the person
    chose for this kind (docs/rules.md “A year in the life”); None when this person already got this reminder (a
    second run or another worker). The record is kept even with both channels off: the reminder
    is not sent again and the Board's log says so."""
    if email is None or app is None:
        chosen_email, chosen_app = preference_of(due.person).channels(due.kind)
        email = chosen_email if email is None else email
        app = chosen_app if app is None else app
    try:
        with transaction.atomic():
            sent = SentReminder.objects.create(
                organization_id=due.plan.organization_id,
                person=due.person,
                kind=due.kind,
                key=due.key,
                deadline=due.deadline,
                plan=due.plan,
                period=due.period,
                as_of=as_of,
                subject=_one_line(due.subject, 200),
                body=due.body,
                url=due.url,
                email_wanted=email,
            )
            if app:
                Notification.objects.create(user=due.person, text=_one_line(due.subject, 300), url=due.url)
            if email:
                transaction.on_commit(lambda: _queue_email(sent.pk))
    except IntegrityError:
        return None
    return sent


def _queue_email(sent_id: int) -> None:
    """Queue one reminder's email. When the broker cannot take it (Redis down) the row stays
    unsent and untried; the watchdog queues it again (requeue_unsent_emails)."""
    from .tasks import send_reminder_email

    try:
        send_reminder_email.delay(sent_id)
    except Exception as exc:  # noqa: BLE001 - kombu's errors when the broker is unreachable
        logger.warning("reminder %s: email could not be queued (%s)", sent_id, type(exc).__name__)


# A reminder's email never tried this long after it was recorded (REMINDER_REQUEUE_MINUTES) lost
# its message (the broker was down when it was queued): the watchdog queues it again, for this
# many days at most.
REQUEUE_AFTER_MINUTES = 10
REQUEUE_WITHIN_DAYS = 3


def requeue_unsent_emails(*, now=None) -> int:
    """Queue again the emails of reminders recorded but never tried. Sending stays exactly once:
    deliver_email locks the row and sends only while emailed_at is empty."""
    from datetime import timedelta

    now = now or timezone.now()
    after = getattr(settings, "REMINDER_REQUEUE_MINUTES", REQUEUE_AFTER_MINUTES)
    ids = list(
        SentReminder.objects.filter(
            email_wanted=True,
            emailed_at__isnull=True,
            email_attempts=0,
            created_at__lt=now - timedelta(minutes=after),
            created_at__gte=now - timedelta(days=REQUEUE_WITHIN_DAYS),
        ).values_list("pk", flat=True)
    )
    for sent_id in ids:
        _queue_email(sent_id)
    return len(ids)


def run(*, organization_id, as_of: date | None = None, dry_run: bool = False) -> list[Outcome]:
    """Send what is due on `as_of` for one organization (the daily task and `manage.py remind`).
    Lists only what this run sent (or, with dry_run, would send): a second run lists nothing."""
    as_of = as_of or timezone.localdate()
    dues = due_on(organization_id, as_of)
    already = set(
        SentReminder.objects.filter(
            person_id__in={d.person.pk for d in dues}, key__in={d.key for d in dues}
        ).values_list("person_id", "kind", "key")
    )
    prefs = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in={d.person.pk for d in dues})}
    out = []
    for due in dues:
        if (due.person.pk, due.kind, due.key) in already:
            continue
        sent = False
        if not dry_run:
            email, app = prefs.get(due.person.pk, EVERYTHING_ON).channels(due.kind)
            if deliver(due, as_of=as_of, email=email, app=app) is None:
                continue  # another worker sent it in the meantime
            sent = True
        out.append(
            Outcome(
                email=due.person.email,
                name=due.person.full_name,
                kind=due.kind,
                deadline=due.deadline,
                sent=sent,
                subject=_one_line(due.subject, 200),
            )
        )
    return out


def email_text(sent: SentReminder) -> str:
    site = settings.SITE_URL.rstrip("/")
    link = f"{site}{sent.url}" if sent.url else site
    prefs = f"{site}{reverse('fieldwork:reminder_preferences')}"
    return "\n".join(
        [
            sent.body,
            "",
            _("Xem và thực hiện: %(l)s") % {"l": link},
            "",
            _("Tắt email nhắc việc (vẫn nhận thông báo trên hệ thống): %(l)s") % {"l": prefs},
            "— Hệ thống Đi cơ sở 1+2",
        ]
    )


def deliver_email(sent_id: int) -> str:
    """Send one reminder's email once: the row is locked and marked in one transaction, so a
    retried or duplicated task message sends nothing more. Raises on a failed send (the task
    retries it); 'sent' or 'skipped' otherwise."""
    error = None
    with transaction.atomic():
        sent = SentReminder.objects.select_for_update().select_related("person").filter(pk=sent_id).first()
        if sent is None or sent.emailed_at is not None or not sent.email_wanted or not sent.person.is_active:
            return "skipped"
        try:
            send_mail(sent.subject, email_text(sent), None, [sent.person.email], fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any transport error is retried by the task
            error = exc
        else:
            SentReminder.objects.filter(pk=sent.pk).update(
                emailed_at=timezone.now(), email_attempts=F("email_attempts") + 1, email_error=""
            )
            return "sent"
    SentReminder.objects.filter(pk=sent_id).update(
        email_attempts=F("email_attempts") + 1, email_error=_one_line(repr(error), 300)
    )
    raise error


def save_schedule(*, actor: User, plan, data: dict):
    """The Board sets when the plan's reminders go out (plan data with defaults)."""
    if not rules.can_manage_plan(actor) or actor.organization_id != plan.organization_id:
        raise PermissionDenied
    with transaction.atomic():
        schedule, _created = ReminderSchedule.objects.update_or_create(plan=plan, defaults=data)
        record(plan, actor=actor, action="edited", comment=_("Lịch nhắc việc"), object_type="plan")
    return schedule

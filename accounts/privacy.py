"""Personal data (docs/privacy.md): the notice and its version, a person's answers (Consent), and
the record of who looked at another person's data (DataAccess).

The notice people read (templates/accounts/privacy/_notice.html) is written from the processing
register in docs/privacy.md; changing what the product does with personal data changes both and
bumps NOTICE_VERSION, so that everyone reads and confirms it again at their next page.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Consent, DataAccess, User

# The notice's version (docs/privacy.md, "Phiên bản thông báo"): a date, bumped with any change.
NOTICE_VERSION = "2026-01"


def has_confirmed_notice(user) -> bool:
    """The notice of the current version was read and confirmed (User.notice_version, no query)."""
    return getattr(user, "notice_version", "") == NOTICE_VERSION


@transaction.atomic
def confirm_notice(*, person: User, photo_evidence: bool | None = None) -> Consent:
    """The person read and confirmed the current notice (a Consent row with its time and version).
    The optional question about photo evidence is answered at the same time, once; later changes
    go through set_photo_evidence."""
    now = timezone.now()
    consent = Consent.objects.create(person=person, kind=Consent.Kind.NOTICE, version=NOTICE_VERSION, at=now)
    person.notice_version = NOTICE_VERSION
    fields = ["notice_version"]
    if photo_evidence is not None and not asked_photo_evidence(person):
        Consent.objects.create(
            person=person, kind=Consent.Kind.PHOTO_EVIDENCE, version=NOTICE_VERSION, given=photo_evidence, at=now
        )
        person.photo_evidence = photo_evidence
        fields.append("photo_evidence")
    User.objects.filter(pk=person.pk).update(**{f: getattr(person, f) for f in fields})
    return consent


def asked_photo_evidence(person: User) -> bool:
    return Consent.objects.filter(person=person, kind=Consent.Kind.PHOTO_EVIDENCE).exists()


@transaction.atomic
def set_photo_evidence(*, person: User, given: bool) -> Consent:
    """Agree to, or withdraw, keeping the time and place a photo was taken (docs/privacy.md).
    Withdrawing deletes what was kept (fieldwork listens: privacy_signals.photo_evidence_withdrawn)."""
    from .privacy_signals import photo_evidence_withdrawn

    consent = Consent.objects.create(
        person=person, kind=Consent.Kind.PHOTO_EVIDENCE, version=NOTICE_VERSION, given=given
    )
    User.objects.filter(pk=person.pk).update(photo_evidence=given)
    person.photo_evidence = given
    if not given:
        photo_evidence_withdrawn.send(sender=User, person=person)
    return consent


def record_access(*, viewer, person, what: str, object_id=None) -> None:
    """Who looked (docs/privacy.md): `viewer` opened `person`'s data of kind `what`. Looking at
    one's own data is not recorded."""
    if viewer is None or person is None or viewer.pk == person.pk or not person.organization_id:
        return
    DataAccess.objects.create(
        organization_id=person.organization_id, viewer=viewer, person=person, what=what, object_id=object_id
    )


def record_accesses(*, viewer, people, what: str) -> None:
    """One row per person shown on a page of several (the approver's year-end remarks)."""
    rows = [
        DataAccess(organization_id=p.organization_id, viewer=viewer, person=p, what=what)
        for p in people
        if p.pk != viewer.pk and p.organization_id
    ]
    if rows:
        DataAccess.objects.bulk_create(rows)

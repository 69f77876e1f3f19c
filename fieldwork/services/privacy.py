"""Personal data (docs/privacy.md): requests to correct, anonymizing a person who has left (on
request, or by the retention periods), and deleting attachments kept past their period.

Anonymizing keeps the organization's record: the person's figures, trips (dates, days, places,
results), exemptions (their reason decides the figures), history and department stay, under an
anonymous name; what identifies the person goes (name, email, phone, free-text position, notes
and documents about them, photo evidence, notifications, sessions). Past years' reports therefore
give the same figures after a purge (tests/privacy/test_retention.py).

`purge` is the one function behind the daily beat job (fieldwork.tasks.apply_retention) and
`manage.py privacy purge` (docs/domain.md §10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import CorrectionRequest, Delegation, Notification, Organization, Role, User
from accounts.privacy_signals import person_anonymized, photo_evidence_withdrawn
from accounts.selectors import people_with_role
from accounts.services import end_sessions
from accounts.vietnamese import nfc
from fieldwork.models import Exemption, ExemptionReason, TripAttachment
from fieldwork.services.history import notify, record

TEXT_MAX = 2000
REASON_MIN = 10
ANONYMOUS_DOMAIN = "an-danh.invalid"
# The titles the figures group people by (the year-end report's positions, the signers): a position
# that reads exactly one of these is a title, not personal text, and is kept; any other text is
# reduced to the title it starts with (or "Cán bộ") when the person is anonymized. Titles of the
# organization's position exemptions are added (they decide who is exempt).
GENERIC_TITLES = (
    "Bí thư",
    "Phó Bí thư",
    "Trưởng Ban",
    "Phó Trưởng Ban phụ trách",
    "Phó Trưởng Ban",
    "Chánh Văn phòng",
    "Phó Chánh Văn phòng phụ trách",
    "Phó Chánh Văn phòng",
    "Chuyên viên",
    "Kế toán",
    "Văn thư",
    "Thủ quỹ",
)
ANONYMOUS_POSITION = "Cán bộ"


# Correction requests -----------------------------------------------------------------------------
def _board(organization_id, exclude=()) -> list[User]:
    return list(people_with_role(organization_id, Role.BOARD, exclude=exclude))


@transaction.atomic
def request_correction(*, person: User, text: str) -> CorrectionRequest:
    """The person asks the Board to correct something kept about them: a task on the Board's list."""
    if not rules.can_view_own_data(person):
        raise PermissionDenied
    text = nfc(text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Hãy ghi rõ thông tin nào cần điều chỉnh và điều chỉnh thế nào.")]})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": [_("Nội dung dài quá %(n)s ký tự.") % {"n": TEXT_MAX}]})
    correction = CorrectionRequest.objects.create(organization_id=person.organization_id, person=person, text=text)
    notify(
        _board(person.organization_id, exclude=[person]),
        _("%(name)s yêu cầu điều chỉnh dữ liệu cá nhân.") % {"name": person.full_name},
        reverse("fieldwork:corrections"),
    )
    return correction


@transaction.atomic
def answer_correction(*, actor: User, correction: CorrectionRequest, answer: str) -> CorrectionRequest:
    correction = CorrectionRequest.objects.select_for_update().select_related("person").get(pk=correction.pk)
    if not rules.can_answer_correction(actor, correction):
        raise PermissionDenied
    if correction.status != CorrectionRequest.Status.OPEN:
        raise ValidationError(_("Yêu cầu này đã được trả lời."))
    answer = nfc(answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("Hãy ghi câu trả lời: đã điều chỉnh những gì, hoặc vì sao không.")]})
    if len(answer) > TEXT_MAX:
        raise ValidationError({"answer": [_("Nội dung dài quá %(n)s ký tự.") % {"n": TEXT_MAX}]})
    correction.answer, correction.answered_by, correction.answered_at = answer, actor, timezone.now()
    correction.status = CorrectionRequest.Status.ANSWERED
    correction.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    notify(
        [correction.person],
        _("Ban Tổ chức – Kiểm tra đã trả lời yêu cầu điều chỉnh dữ liệu của bạn."),
        reverse("reports:my_data"),
    )
    return correction


# Photo evidence ------------------------------------------------------------------------------------
def clear_photo_evidence(person: User) -> int:
    """The time and place of every photo of the person's trips, forgotten (consent withdrawn)."""
    return (
        TripAttachment.objects.filter(trip__person=person)
        .exclude(taken_at__isnull=True, latitude__isnull=True)
        .update(taken_at=None, latitude=None, longitude=None)
    )


def _on_photo_evidence_withdrawn(sender, person, **kwargs):
    clear_photo_evidence(person)


# Anonymizing -----------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(nfc(text or "").casefold().split())


def generic_position(position: str, organization_id) -> str:
    """The title the figures read in a position (see GENERIC_TITLES): kept when the position is
    exactly a title, else the longest title it starts with, else "Cán bộ"."""
    titles = list(GENERIC_TITLES)
    for positions in ExemptionReason.objects.filter(
        plan__organization_id=organization_id, scope__in=ExemptionReason.BY_POSITION
    ).values_list("positions", flat=True):
        titles.extend(positions or [])
    norm = _norm(position)
    if not norm:
        return ""
    for title in sorted(titles, key=lambda t: -len(_norm(t))):
        t = _norm(title)
        if norm == t:
            return nfc(position).strip()
        if norm.startswith(t + " ") or norm.startswith(t + ","):
            return title
    return ANONYMOUS_POSITION


def anonymous_name(person: User) -> str:
    return f"Cán bộ ẩn danh {person.pk}"


def has_left(person: User, today: date) -> bool:
    return person.active_to is not None and person.active_to < today


def why_not_anonymizable(person: User, today: date) -> str | None:
    """Why the person cannot be anonymized yet (None: they can)."""
    if person.anonymized_at is not None:
        return _("Người này đã được ẩn danh ngày %(d)s.") % {
            "d": timezone.localtime(person.anonymized_at).strftime("%d/%m/%Y")
        }
    if not has_left(person, today):
        return _(
            "Người này vẫn đang công tác (chưa có ngày kết thúc công tác trước hôm nay): số liệu đi cơ sở của họ "
            "là hồ sơ của cơ quan trong thời gian công tác, chưa thể ẩn danh. Khi người này nghỉ, hãy ngừng tài "
            "khoản với ngày kết thúc công tác; sau ngày đó mới ẩn danh được."
        )
    return None


def _anonymize(person: User, *, actor, reason: str, action: str) -> User:
    old_email = person.email
    person.full_name = anonymous_name(person)
    person.email = f"an-danh-{person.pk}@{ANONYMOUS_DOMAIN}"
    person.pending_email = ""
    person.phone = ""
    person.position = generic_position(person.position, person.organization_id)
    person.is_active = False
    person.photo_evidence = False
    person.anonymized_at = timezone.now()
    person.set_unusable_password()  # also rotates the calendar link
    person.save()  # refreshes the stored standings' copies of the name and email
    end_sessions(person)
    Notification.objects.filter(user=person).delete()
    clear_photo_evidence(person)
    for ex in Exemption.objects.filter(person=person).exclude(note="", document=""):
        if ex.document:
            ex.document.delete(save=False)
        ex.note = ""
        ex.save(update_fields=["note", "document"])
    Delegation.objects.filter(delegator=person).exclude(note="").update(note="")
    CorrectionRequest.objects.filter(person=person).update(text=_("(đã ẩn danh)"))
    record(
        person,
        actor=actor,
        action=action,
        comment=reason,
        object_type="person",
        organization_id=person.organization_id,
    )
    person_anonymized.send(sender=User, person=person)
    person._email_before = old_email
    return person


@transaction.atomic
def anonymize_on_request(*, actor: User, person: User, reason: str, today: date | None = None) -> User:
    """Deletion on request (docs/privacy.md): an administrator anonymizes a person who has left,
    before the retention period ends, with a recorded reason."""
    today = today or timezone.localdate()
    person = User.objects.select_for_update().get(pk=person.pk)
    if not rules.can_anonymize_person(actor, person):
        raise PermissionDenied
    why = why_not_anonymizable(person, today)
    if why:
        raise ValidationError(why)
    reason = nfc(reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ValidationError(
            {"reason": [_("Hãy ghi lý do (ví dụ: theo đơn đề nghị ngày …), ít nhất %(n)s ký tự.") % {"n": REASON_MIN}]}
        )
    if len(reason) > TEXT_MAX:
        raise ValidationError({"reason": [_("Lý do dài quá %(n)s ký tự.") % {"n": TEXT_MAX}]})
    return _anonymize(person, actor=actor, reason=reason, action="anonymized")


# Retention ------------------------------------------------------------------------------------------
def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/02
        return day.replace(year=day.year - years, day=28)


@dataclass
class PurgeItem:
    action: str  # "anonymize" | "delete"
    email: str | None = None
    file: str | None = None
    done: bool = False

    def as_json(self) -> dict:
        key = {"email": self.email} if self.email is not None else {"file": self.file}
        return {**key, "action": self.action, "done": self.done}


def due_for_purge(organization: Organization, as_of: date):
    """(people to anonymize, trip attachments to delete, exemptions whose document to delete)."""
    people_cutoff = years_before(as_of, settings.PRIVACY_PEOPLE_RETENTION_YEARS)
    files_cutoff = years_before(as_of, settings.PRIVACY_ATTACHMENT_RETENTION_YEARS)
    people = User.objects.filter(
        organization=organization, anonymized_at__isnull=True, active_to__lt=people_cutoff
    ).order_by("email")
    attachments = TripAttachment.objects.filter(
        trip__person__organization=organization, trip__end__lt=files_cutoff
    ).order_by("file")
    documents = (
        Exemption.objects.filter(person__organization=organization, end__lt=files_cutoff)
        .exclude(document="")
        .order_by("document")
    )
    return people, attachments, documents


def purge(*, organization: Organization, as_of: date | None = None, dry_run: bool = False) -> list[PurgeItem]:
    """Apply the retention periods (settings, in years) to one organization on as_of: anonymize
    the people whose end date lies more than PRIVACY_PEOPLE_RETENTION_YEARS before it, delete the
    trip attachments (and exemption documents) of trips (exemptions) that ended more than
    PRIVACY_ATTACHMENT_RETENTION_YEARS before it. With dry_run, list and change nothing."""
    as_of = as_of or timezone.localdate()
    people, attachments, documents = due_for_purge(organization, as_of)
    people, attachments, documents = list(people), list(attachments.select_related("trip")), list(documents)
    items = [PurgeItem("anonymize", email=p.email) for p in people]
    items += [PurgeItem("delete", file=a.file.name) for a in attachments]
    items += [PurgeItem("delete", file=e.document.name) for e in documents]
    if dry_run:
        return items
    reason = _("Hết thời hạn lưu trữ (%(n)s năm sau ngày kết thúc công tác).") % {
        "n": settings.PRIVACY_PEOPLE_RETENTION_YEARS
    }
    with transaction.atomic():
        for person, item in zip(people, items, strict=False):
            _anonymize(person, actor=None, reason=reason, action="anonymized_retention")
            item.done = True
        by_file = {i.file: i for i in items if i.file}
        for att in attachments:
            name = att.file.name
            trip = att.trip
            transaction.on_commit(lambda f=att.file.storage, n=name: f.delete(n))
            att.delete()
            record(
                trip,
                actor=None,
                action="attachment_deleted",
                comment=_("Hết thời hạn lưu trữ tệp đính kèm"),
                object_type="trip",
            )
            by_file[name].done = True
        for ex in documents:
            name = ex.document.name
            transaction.on_commit(lambda f=ex.document.storage, n=name: f.delete(n))
            ex.document = ""
            ex.save(update_fields=["document"])
            by_file[name].done = True
    return items


def purge_all(as_of: date | None = None) -> int:
    """The daily beat job: every organization, the same code as `privacy purge`."""
    done = 0
    for org in Organization.objects.order_by("pk"):
        done += sum(1 for i in purge(organization=org, as_of=as_of) if i.done)
    return done


def connect() -> None:
    photo_evidence_withdrawn.connect(_on_photo_evidence_withdrawn, dispatch_uid="fieldwork.photo_evidence")

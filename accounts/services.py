"""Writes on organizations, departments, people and roles (docs/style.md: services write).

Every function takes keyword-only arguments and the acting user. `actor=None` is the
command line (the Board's scripted face, docs/domain.md §10): permission checks are skipped,
the organization is given explicitly. Web views always pass `request.user`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.logsafe import scrubbed_exc_info

from . import history, rules
from .models import Department, Organization, Role, User, UserRole
from .vietnamese import nfc

logger = logging.getLogger(__name__)
INVITATION_TIMEOUT = 14 * 24 * 3600  # an invitation link works for 14 days (a reset link: 3)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token with its own salt (a reset token is not an invitation)
    and a longer lifetime. The hash covers the password, so a link works once."""

    key_salt = "accounts.services.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= INVITATION_TIMEOUT


invitation_token = InvitationTokenGenerator()


# Helpers -------------------------------------------------------------------------------------
def _check_manage(actor, organization_id) -> None:
    if actor is None:
        return
    if not rules.same_org(actor, organization_id) or not rules.can_manage_people(actor):
        raise PermissionDenied


def _check_edit(actor, person: User) -> None:
    """docs/security.md: nobody edits or deactivates an account with more rights than their own."""
    _check_manage(actor, person.organization_id)
    if actor is not None and not rules.can_edit_person(actor, person):
        raise PermissionDenied


def normalize_email(email: str) -> str:
    return nfc(email or "").strip().lower()


def email_taken(email: str, *, exclude_pk=None) -> bool:
    qs = User.objects.filter(email__iexact=normalize_email(email))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def validate_roles(*, actor, person: User | None, roles: set[str], department) -> None:
    """Role rules shared by the form and the import (decisions in docs/rules.md):
    a head heads the department of their own record; only an administrator grants or
    removes the administrator role; nobody removes their own Board/administrator role."""
    errors = []
    unknown = roles - set(Role.values)
    if unknown:
        errors.append(_("Vai trò không hợp lệ: %(r)s.") % {"r": ", ".join(sorted(unknown))})
    if Role.HEAD in roles and department is None:
        errors.append(_("Lãnh đạo ban phải thuộc một ban: hãy chọn ban mà người này lãnh đạo."))
    if actor is not None:
        before = person.role_codes if person is not None and person.pk else set()
        if (Role.ADMIN in roles) != (Role.ADMIN in before) and not (actor.has_role(Role.ADMIN) or actor.is_superuser):
            errors.append(_("Chỉ quản trị viên mới được cấp hoặc thu hồi vai trò Quản trị."))
        if person is not None and person.pk == actor.pk:
            for code in (Role.BOARD, Role.ADMIN):
                if code in before and code not in roles:
                    errors.append(_("Bạn không thể tự bỏ vai trò “%(role)s” của mình.") % {"role": Role(code).label})
            # Separation of duties (docs/security.md): nobody raises their own roles.
            raised = sorted(roles - before - {Role.CADRE})
            if raised:
                errors.append(
                    _("Bạn không thể tự cấp cho mình vai trò: %(roles)s.")
                    % {"roles": ", ".join(str(Role(c).label) for c in raised)}
                )
        elif rules.roles_rank(roles - before) > rules.rank(actor):
            # Nobody makes an account with more rights than their own (Thường trực, Bí thư).
            errors.append(_("Chỉ Thường trực hoặc quản trị viên mới được cấp vai trò Thường trực hoặc Bí thư."))
    if Role.SECRETARY in roles and Role.STANDING not in roles:
        errors.append(_("Bí thư là thành viên Thường trực: hãy chọn cả vai trò Thường trực."))
    if errors:
        raise ValidationError(errors)


def set_roles(person: User, roles: set[str]) -> bool:
    """Replace the person's roles; returns True when something changed."""
    roles = set(roles) or {Role.CADRE}
    current = set(person.roles.values_list("code", flat=True))
    if current == roles:
        return False
    person.roles.exclude(code__in=roles).delete()
    UserRole.objects.bulk_create([UserRole(user=person, code=c) for c in sorted(roles - current)])
    person._role_cache = None
    return True


PERSON_FIELDS = ("full_name", "email", "department", "position", "group_code", "active_from", "active_to")


@dataclass
class PersonData:
    full_name: str
    email: str
    department: Department | None = None
    position: str = ""
    group_code: str = ""
    active_from: date | None = None
    active_to: date | None = None
    phone: str | None = None  # None: not given (imports have no phone column), the stored one stays


def _validate_person(data: PersonData, *, organization_id, exclude_pk=None) -> None:
    errors = {}
    if not nfc(data.full_name).strip():
        errors["full_name"] = _("Hãy nhập họ và tên.")
    if email_taken(data.email, exclude_pk=exclude_pk):
        errors["email"] = _("Email này đã được dùng cho một tài khoản khác. Mỗi người một email.")
    if data.department is not None and data.department.organization_id != organization_id:
        errors["department"] = _("Ban không thuộc tổ chức của bạn.")
    if data.active_from and data.active_to and data.active_from > data.active_to:
        errors["active_to"] = _("“Ngày kết thúc công tác” phải sau “Ngày bắt đầu công tác”.")
    if errors:
        raise ValidationError(errors)


# People ---------------------------------------------------------------------------------------
@transaction.atomic
def create_person(*, actor, organization: Organization, data: PersonData, roles: set[str]) -> User:
    _check_manage(actor, organization.pk)
    _validate_person(data, organization_id=organization.pk)
    validate_roles(actor=actor, person=None, roles=set(roles), department=data.department)
    person = User(organization=organization, **{f: getattr(data, f) for f in PERSON_FIELDS})
    person.phone = (data.phone or "").strip()
    person.email = normalize_email(data.email)
    person.set_unusable_password()  # the person chooses a password from the invitation
    person.save()
    set_roles(person, set(roles))
    history.record(
        person,
        actor=actor,
        action="person_created",
        comment=_("Vai trò: %(roles)s") % {"roles": roles_text(person.role_codes)},
        to_state=history.NEW_HEAD if Role.HEAD in person.role_codes else "",
    )
    return person


def roles_text(codes) -> str:
    return ", ".join(str(Role(c).label) for c in sorted(codes)) or "—"


def person_changes(person: User, data: PersonData) -> dict[str, tuple]:
    """field -> (old, new) for the fields that differ (the import preview uses it too)."""
    out = {}
    for f in PERSON_FIELDS:
        old, new = getattr(person, f), getattr(data, f)
        if f == "email":
            old, new = old, normalize_email(new)
        elif f in ("full_name", "position", "group_code"):
            new = " ".join(nfc(new or "").split())
        if f == "department":
            if (old.pk if old else None) != (new.pk if new else None):
                out[f] = (old, new)
        elif old != new:
            out[f] = (old, new)
    if data.phone is not None and " ".join(data.phone.split()) != person.phone:
        out["phone"] = (person.phone, " ".join(data.phone.split()))
    return out


@transaction.atomic
def update_person(
    *, actor, person: User, data: PersonData, roles: set[str] | None = None, reason: str = ""
) -> dict[str, tuple]:
    """Save changed fields (and roles when given). Returns the changes.

    A new email for an account that has a password is not applied when the actor is not an
    administrator: it waits (changes["email_pending"]) until the owner confirms it from a link
    sent to the current address (docs/security.md: no account takeover through "forgot password").

    docs/rules.md “Nobody certifies their own days”: nobody changes their own department, position, group or dates of service (a
    position can make one exempt, a group decides what one owes); a change of these by anyone
    needs a `reason` (the command line and imports give their own) and, as a change of roles,
    is written to the history."""
    _check_edit(actor, person)
    _validate_person(data, organization_id=person.organization_id, exclude_pk=person.pk)
    if roles is not None:
        validate_roles(actor=actor, person=person, roles=set(roles), department=data.department)
    changes = person_changes(person, data)
    locked = [f for f in history.OWN_RECORD_LOCKED if f in changes]
    if locked and actor is not None and actor.pk == person.pk and not actor.is_superuser:
        raise ValidationError(
            _(
                "Bạn không thể tự đổi %(fields)s của chính mình: những thông tin này quyết định số ngày phải đi. "
                "Hãy nhờ một người quản lý cán bộ khác sửa."
            )
            % {"fields": ", ".join(str(history.field_label(f)) for f in locked)}
        )
    reason = " ".join((reason or "").split())
    if locked and not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do thay đổi ban, chức vụ, đối tượng hoặc thời gian công tác.")})
    roles_before = set(person.role_codes)
    if "email" in changes and person.has_usable_password():
        old, new = changes["email"]
        if rules.email_change_needs_confirmation(actor, person):
            del changes["email"]
            request_email_change(actor=actor, person=person, new_email=new)
            changes["email_pending"] = (old, new)
        else:
            notify_email_changed(person, old_email=old, new_email=new, actor=actor)
    for f, (_old, new) in changes.items():
        if f in (*PERSON_FIELDS, "phone"):
            setattr(person, f, new)
    if any(f in (*PERSON_FIELDS, "phone") for f in changes):
        if "email" in changes:
            person.pending_email = ""
        person.save()
    if roles is not None and set_roles(person, set(roles)):
        changes["roles"] = ((), tuple(sorted(roles)))
        history.record(
            person,
            actor=actor,
            action="roles_changed",
            comment=" ".join(
                p
                for p in (
                    _("Vai trò: %(old)s → %(new)s.")
                    % {"old": roles_text(roles_before), "new": roles_text(person.role_codes)},
                    _("Lý do: %(reason)s") % {"reason": reason} if reason else "",
                )
                if p
            ),
            to_state=history.NEW_HEAD if Role.HEAD in person.role_codes - roles_before else "",
        )
    if locked:
        history.record(
            person,
            actor=actor,
            action="person_changed",
            comment=_("%(changes)s. Lý do: %(reason)s")
            % {"changes": history.describe_changes(changes), "reason": reason},
        )
    return changes


# Email changes (docs/security.md) ------------------------------------------------------------------------
EMAIL_CHANGE_SALT = "accounts.services.email_change"
EMAIL_CHANGE_MAX_AGE = 3 * 24 * 3600


def email_change_token(person: User, new_email: str) -> str:
    """Signed: the person, the current and the new address (a link for another change fails)."""
    return signing.dumps({"u": person.pk, "o": person.email, "n": new_email}, salt=EMAIL_CHANGE_SALT)


def _send_after_commit(subject: str, body: str, recipient: str) -> None:
    """Mail after the change is saved: a header is one line, and a mail problem is logged, never
    turned into an error page for a change that is already saved (docs/security.md “Login and requests”)."""
    subject = " ".join(subject.split())

    def send():
        try:
            EmailMessage(subject, body, None, [recipient]).send(fail_silently=False)
        except Exception:
            logger.error("an account email could not be sent", exc_info=scrubbed_exc_info())

    transaction.on_commit(send)


def request_email_change(*, actor, person: User, new_email: str) -> None:
    """Keep the new address pending and ask the owner, at the current address, to confirm."""
    new_email = normalize_email(new_email)
    person.pending_email = new_email
    User.objects.filter(pk=person.pk).update(pending_email=new_email)
    path = reverse("accounts:email_confirm", kwargs={"token": email_change_token(person, new_email)})
    context = {
        "person": person,
        "new_email": new_email,
        "actor": actor,
        "link": f"{settings.SITE_URL.rstrip('/')}{path}",
        "valid_days": EMAIL_CHANGE_MAX_AGE // 86400,
    }
    _send_after_commit(
        render_to_string("accounts/email/email_change_subject.txt", context),
        render_to_string("accounts/email/email_change.txt", context),
        person.email,
    )


def notify_email_changed(person: User, *, old_email: str, new_email: str, actor) -> None:
    context = {"person": person, "old_email": old_email, "new_email": new_email, "actor": actor}
    _send_after_commit(
        render_to_string("accounts/email/email_changed_subject.txt", context),
        render_to_string("accounts/email/email_changed.txt", context),
        old_email,
    )


@transaction.atomic
def confirm_email_change(*, token: str) -> User:
    """The owner followed the link sent to their current address: the new address becomes the login."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationError(_("Đường dẫn xác nhận không hợp lệ hoặc đã hết hạn.")) from exc
    person = User.objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
    if person is None or person.email != data.get("o") or person.pending_email != data.get("n"):
        raise ValidationError(_("Đường dẫn xác nhận không còn hiệu lực: email đã được đổi hoặc yêu cầu đã bị thay."))
    if email_taken(data["n"], exclude_pk=person.pk):
        raise ValidationError(_("Email này đã được dùng cho một tài khoản khác. Mỗi người một email."))
    old = person.email
    person.email, person.pending_email = data["n"], ""
    person.save(update_fields=["email", "pending_email"])
    notify_email_changed(person, old_email=old, new_email=person.email, actor=person)
    return person


def end_sessions(person: User) -> int:
    """Delete every session of this person (database sessions: decode each live one)."""
    ended = []
    for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if s.get_decoded().get("_auth_user_id") == str(person.pk):
            ended.append(s.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@transaction.atomic
def deactivate_person(*, actor, person: User, active_to: date | None = None) -> User:
    """The person can no longer log in and their sessions end now. With an end date they
    stay in the year's figures, prorated (docs/domain.md §6); without one they leave them."""
    _check_edit(actor, person)
    if actor is not None and actor.pk == person.pk:
        raise ValidationError(_("Bạn không thể tự ngừng tài khoản của mình."))
    if active_to and person.active_from and active_to < person.active_from:
        raise ValidationError({"active_to": _("“Ngày kết thúc công tác” phải sau “Ngày bắt đầu công tác”.")})
    person.is_active = False
    if active_to:
        person.active_to = active_to
    person.rotate_calendar_token()  # the calendar link dies with the account
    person.save(update_fields=["is_active", "active_to", "calendar_token"])
    history.record(
        person,
        actor=actor,
        action="deactivated",
        comment=history.describe_changes({"active_to": (None, active_to)}) if active_to else "",
    )
    end_sessions(person)
    return person


@transaction.atomic
def reactivate_person(*, actor, person: User) -> User:
    _check_edit(actor, person)
    person.is_active = True
    person.save(update_fields=["is_active"])
    return person


# Departments ------------------------------------------------------------------------------------
def _department_name(name: str) -> str:
    return " ".join(nfc(name).split())


def find_department(organization_id, name: str):
    """Case- and space-insensitive match of a department name within the organization."""
    key = _department_name(name).casefold()
    for d in Department.objects.filter(organization_id=organization_id):
        if d.name.casefold() == key:
            return d
    return None


@transaction.atomic
def update_organization_header(*, actor, organization: Organization, superior_body: str, place: str) -> Organization:
    """The Board confirms how its documents are headed (docs/domain.md §8): the superior-body line
    (blank: built from the name the Union's way, "BCH ĐOÀN TỈNH TÂY NINH") and the place of the
    place-and-date line."""
    _check_manage(actor, organization.pk)
    place = " ".join(nfc(place).split())
    if not place:
        raise ValidationError({"place": _("Hãy nhập địa danh, ví dụ Tây Ninh.")})
    organization.superior_body = " ".join(nfc(superior_body).split()).upper()
    organization.place = place
    organization.save(update_fields=["superior_body", "place"])
    return organization


@transaction.atomic
def create_department(*, actor, organization: Organization, name: str, short_name: str = "") -> Department:
    _check_manage(actor, organization.pk)
    name = _department_name(name)
    if not name:
        raise ValidationError({"name": _("Hãy nhập tên ban.")})
    if find_department(organization.pk, name):
        raise ValidationError({"name": _("Đã có ban tên “%(name)s”.") % {"name": name}})
    return Department.objects.create(organization=organization, name=name, short_name=short_name.strip())


@transaction.atomic
def rename_department(*, actor, department: Department, name: str, short_name: str = "") -> Department:
    _check_manage(actor, department.organization_id)
    name = _department_name(name)
    if not name:
        raise ValidationError({"name": _("Hãy nhập tên ban.")})
    other = find_department(department.organization_id, name)
    if other and other.pk != department.pk:
        raise ValidationError({"name": _("Đã có ban tên “%(name)s”.") % {"name": name}})
    department.name = name
    department.short_name = short_name.strip()
    department.save(update_fields=["name", "short_name"])
    return department


@transaction.atomic
def set_department_active(*, actor, department: Department, active: bool) -> Department:
    """A department with active members cannot be deactivated: move them first."""
    _check_manage(actor, department.organization_id)
    if not active and department.members.filter(is_active=True).exists():
        raise ValidationError(
            _("Ban “%(name)s” còn cán bộ đang hoạt động. Hãy chuyển họ sang ban khác trước khi ngừng ban.")
            % {"name": department.name}
        )
    department.is_active = active
    department.save(update_fields=["is_active"])
    return department


# Invitations -------------------------------------------------------------------------------------
def invitation_link(person: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    path = reverse("accounts:invitation_accept", kwargs={"uidb64": uid, "token": invitation_token.make_token(person)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def can_invite(person: User) -> bool:
    return person.is_active and not person.has_usable_password()


def send_invitation(*, actor, person: User) -> None:
    """Email a first-login link (the person sets a password). Sent after commit."""
    _check_edit(actor, person)
    if not can_invite(person):
        raise ValidationError(_("%(name)s đã có mật khẩu hoặc đã ngừng hoạt động: không cần mời.") % {"name": person})
    context = {
        "person": person,
        "organization": person.organization,
        "link": invitation_link(person),
        "inviter": actor,
        "valid_days": INVITATION_TIMEOUT // 86400,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context)
    body = render_to_string("accounts/email/invitation.txt", context)
    User.objects.filter(pk=person.pk).update(invited_at=timezone.now())
    person.invited_at = timezone.now()
    history.record(person, actor=actor, action="invited")
    _send_after_commit(subject, body, person.email)


@transaction.atomic
def invite_all(*, actor, organization: Organization) -> int:
    """Invite every active person who has no password and was never invited."""
    _check_manage(actor, organization.pk)
    from .selectors import not_yet_invited

    count = 0
    for person in not_yet_invited(organization.pk).select_related("organization"):
        if actor is not None and not rules.can_edit_person(actor, person):
            continue  # an account above the actor's rank is invited by an administrator
        send_invitation(actor=actor, person=person)
        count += 1
    return count

"""Everything the organization keeps about one person (docs/domain.md §10 `privacy export`,
docs/privacy.md "Dữ liệu của tôi"): one function, `personal_data`, behind the page, its JSON and
XLSX downloads and `manage.py privacy export`.

Nothing of anyone else: the other people a record involves (who approved, who looked) appear by
their role, never by name or email, and the full names and emails of the organization's other
people are masked in every text of the export (a comment, a notification), so that one person's
export never carries another's data (tests/privacy/test_export_properties.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Consent, CorrectionRequest, DataAccess, Notification, Role, User, UserRole
from accounts.privacy_signals import person_anonymized
from fieldwork.models import (
    Exemption,
    Group,
    HistoryEntry,
    Plan,
    Registration,
    StoredStanding,
    Trip,
    TripAttachment,
)

from .models import CadreRemark

OTHER_PERSON = "(người khác)"
SELF = "bản thân"
SYSTEM = "hệ thống"
# The order in which a role names someone in another person's export.
ROLE_ORDER = (Role.SECRETARY, Role.STANDING, Role.BOARD, Role.INSPECTION, Role.HEAD, Role.ADMIN, Role.CADRE)


def _iso(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


class _Roles:
    """Another person named by their roles ("Lãnh đạo ban"), never by name (one query)."""

    def __init__(self, person: User, ids):
        self.person = person
        codes: dict[int, set] = {}
        for user_id, code in UserRole.objects.filter(user_id__in={i for i in ids if i}).values_list("user_id", "code"):
            codes.setdefault(user_id, set()).add(code)
        self.codes = codes

    def __call__(self, user_id) -> str:
        if user_id is None:
            return SYSTEM
        if user_id == self.person.pk:
            return SELF
        codes = self.codes.get(user_id, set())
        for code in ROLE_ORDER:
            if code in codes:
                return str(Role(code).label)
        return str(Role.CADRE.label)


def personal_data(person: User) -> dict:
    """The whole record of one person, as JSON-ready data (keys of docs/domain.md §10)."""
    org = person.organization
    trips = list(
        Trip.objects.filter(person=person)
        .select_related("plan", "category")
        .prefetch_related("attachments", "change_requests")
        .order_by("start", "pk")
    )
    registrations = list(
        Registration.objects.filter(person=person).select_related("plan").order_by("plan__year", "quarter")
    )
    exemptions = list(Exemption.objects.filter(person=person).select_related("reason__plan").order_by("start", "pk"))
    remarks = list(CadreRemark.objects.filter(person=person).select_related("plan").order_by("plan__year"))
    objects = {
        "trip": [t.pk for t in trips],
        "registration": [r.pk for r in registrations],
        "exemption": [e.pk for e in exemptions],
        "cadre_remark": [r.pk for r in remarks],
        "person": [person.pk],
    }
    history = list(
        HistoryEntry.objects.filter(organization_id=person.organization_id).filter(_about(objects)).order_by("at", "pk")
    )
    accesses = list(DataAccess.objects.filter(person=person).order_by("-at", "-pk"))
    corrections = list(CorrectionRequest.objects.filter(person=person).order_by("-created_at", "-pk"))
    change_requests = [c for t in trips for c in t.change_requests.all()]
    others = {
        *(t.confirmed_by_id for t in trips),
        *(r.decided_by_id for r in registrations),
        *(e.proposed_by_id for e in exemptions),
        *(e.decided_by_id for e in exemptions),
        *(r.written_by_id for r in remarks),
        *(h.actor_id for h in history),
        *(h.on_behalf_of_id for h in history),
        *(a.viewer_id for a in accesses),
        *(c.answered_by_id for c in corrections),
        *(c.requested_by_id for c in change_requests),
        *(c.decided_by_id for c in change_requests),
    }
    role = _Roles(person, others)
    plans = {p.pk: p for p in Plan.objects.filter(organization_id=person.organization_id)}
    groups = {(g.plan_id, g.code): g.name for g in Group.objects.filter(plan__in=list(plans))}
    current = max(plans.values(), key=lambda p: p.year, default=None)
    data = {
        "exported_at": _iso(timezone.now()),
        "organization": {"code": org.code, "name": org.name} if org else None,
        "profile": {
            "name": person.full_name,
            "email": person.email,
            "pending_email": person.pending_email,
            "phone": person.phone,
            "position": person.position,
            "department": person.department.name if person.department_id else "",
            "active_from": _iso(person.active_from),
            "active_to": _iso(person.active_to),
            "active": person.is_active,
            "date_joined": _iso(person.date_joined),
            "last_login": _iso(person.last_login),
            "invited_at": _iso(person.invited_at),
            "anonymized_at": _iso(person.anonymized_at),
            "photo_evidence": person.photo_evidence,
        },
        "roles": [{"code": c, "name": str(Role(c).label)} for c in sorted(person.role_codes)],
        "group": {
            "code": person.group_code,
            "name": groups.get((current.pk, person.group_code), "") if current else "",
        }
        if person.group_code
        else None,
        "standings": [
            {
                "year": plans[s.plan_id].year,
                "as_of": _iso(s.as_of),
                "status": s.status,
                "required_days": s.required_days,
                "done_days": _iso(s.done_days),
                "planned_days": _iso(s.planned_days),
                "immersion_required": s.immersion_required,
                "immersion_done": s.immersion_done,
                "exemption": s.exemption or None,
            }
            for s in StoredStanding.objects.filter(person=person).order_by("plan__year")
            if s.plan_id in plans
        ],
        "trips": [_trip(t, role) for t in trips],
        "registrations": [
            {
                "year": r.plan.year,
                "quarter": r.quarter,
                "status": r.status,
                "status_name": r.get_status_display(),
                "submitted_at": _iso(r.submitted_at),
                "decided_by": role(r.decided_by_id) if r.decided_by_id else None,
                "decided_at": _iso(r.decided_at),
                "self_certified": r.self_certified,
                "comment": r.comment,
            }
            for r in registrations
        ],
        "exemptions": [
            {
                "year": e.reason.plan.year,
                "reason_code": e.reason.code,
                "reason": e.reason.name,  # their own reason, in full (docs/domain.md §6)
                "sensitive": e.reason.sensitive,
                "start": _iso(e.start),
                "end": _iso(e.end),
                "status": e.status,
                "status_name": e.get_status_display(),
                "note": e.note,
                "document": bool(e.document),
                "proposed_by": role(e.proposed_by_id) if e.proposed_by_id else None,
                "decided_by": role(e.decided_by_id) if e.decided_by_id else None,
                "decided_at": _iso(e.decided_at),
            }
            for e in exemptions
        ],
        "remarks": [
            {
                "year": r.plan.year,
                "text": r.text,
                "written_by": role(r.written_by_id) if r.written_by_id else None,
                "updated_at": _iso(r.updated_at),
            }
            for r in remarks
        ],
        "history": [
            {
                "at": _iso(h.at),
                "object": h.object_type,
                "object_id": h.object_id,
                "action": h.action,
                "from": h.from_state,
                "to": h.to_state,
                "comment": h.comment,
                "by": role(h.actor_id),
                "on_behalf_of": role(h.on_behalf_of_id) if h.on_behalf_of_id else None,
            }
            for h in history
        ],
        "notifications": [
            {"at": _iso(n.created_at), "text": n.text, "url": n.url, "read_at": _iso(n.read_at)}
            for n in Notification.objects.filter(user=person).order_by("-created_at", "-pk")
        ],
        "consents": [
            {"kind": c.kind, "name": c.get_kind_display(), "version": c.version, "given": c.given, "at": _iso(c.at)}
            for c in Consent.objects.filter(person=person).order_by("-at", "-pk")
        ],
        "correction_requests": [
            {
                "created_at": _iso(c.created_at),
                "text": c.text,
                "status": c.status,
                "answer": c.answer,
                "answered_by": role(c.answered_by_id) if c.answered_by_id else None,
                "answered_at": _iso(c.answered_at),
            }
            for c in corrections
        ],
        "viewed_by": [
            {"at": _iso(a.at), "what": a.what, "what_name": a.get_what_display(), "by": role(a.viewer_id)}
            for a in accesses
        ],
    }
    return _masked(data, _others_pattern(person, _free_texts(data)))


def _trip(t: Trip, role) -> dict:
    return {
        "id": t.pk,
        "year": t.plan.year,
        "category": str(t.category),
        "start": _iso(t.start),
        "end": _iso(t.end),
        "days": _iso(t.days),
        "planned_start": _iso(t.planned_start),
        "planned_end": _iso(t.planned_end),
        "planned_days": _iso(t.planned_days),
        "location": t.location,
        "content": t.content,
        "immersion": t.immersion,
        "travel_order": t.travel_order,
        "status": t.status,
        "status_name": t.get_status_display(),
        "source": t.source,
        "results": t.results,
        "shortcomings": t.shortcomings,
        "proposals": t.proposals,
        "status_comment": t.status_comment,
        "reported_at": _iso(t.reported_at),
        "confirmed_by": role(t.confirmed_by_id) if t.confirmed_by_id else None,
        "confirmed_at": _iso(t.confirmed_at),
        "attachments": [_attachment(a) for a in t.attachments.all()],
        "change_requests": [
            {
                "kind": c.kind,
                "status": c.status,
                "requested_at": _iso(c.requested_at),
                "decided_by": role(c.decided_by_id) if c.decided_by_id else None,
                "decided_at": _iso(c.decided_at),
                "comment": c.comment,
            }
            for c in t.change_requests.all()
        ],
    }


def _attachment(a: TripAttachment) -> dict:
    return {
        "name": a.original_name,
        "type": a.content_type,
        "size": a.size,
        "uploaded_at": _iso(a.uploaded_at),
        "taken_at": _iso(a.taken_at),
        "latitude": _iso(a.latitude),
        "longitude": _iso(a.longitude),
    }


def _about(objects: dict):
    from django.db.models import Q

    q = Q(pk__in=[])
    for kind, ids in objects.items():
        if ids:
            q |= Q(object_type=kind, object_id__in=ids)
    return q


def _free_texts(value, key=None):
    if isinstance(value, str):
        if key in FREE_TEXT:
            yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _free_texts(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _free_texts(v, key)


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _others_pattern(person: User, texts):
    """The other people of the organization whose full name or email occurs in the export's free
    texts (their every word does: one read of the names, a pattern of the few candidates)."""
    present = {t for text in texts for t in _tokens(text)}
    if not present:
        return None
    words = set()
    for name, email, pending in (
        User.objects.filter(organization_id=person.organization_id)
        .exclude(pk=person.pk)
        .values_list("full_name", "email", "pending_email")
    ):
        for w in (name, email, pending):
            w = (w or "").strip()
            if len(w) >= 3 and all(t in present for t in _tokens(w)):
                words.add(w)
    own = {person.full_name.casefold(), person.email.casefold()}
    words = [w for w in words if w.casefold() not in own]
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


# The texts people write (a trip's report, a comment, a notification): the ones that may name someone else.
FREE_TEXT = {
    "location",
    "content",
    "results",
    "shortcomings",
    "proposals",
    "status_comment",
    "comment",
    "note",
    "text",
    "answer",
}


def _masked(value, pattern, key=None):
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(OTHER_PERSON, value) if key in FREE_TEXT else value
    if isinstance(value, dict):
        return {k: _masked(v, pattern, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, pattern, key) for v in value]
    return value


# Anonymizing: the remarks about the person go (reports keeps them) ---------------------------------
def _on_person_anonymized(sender, person, **kwargs):
    CadreRemark.objects.filter(person=person).exclude(text="").update(text="")


def connect() -> None:
    person_anonymized.connect(_on_person_anonymized, dispatch_uid="reports.person_anonymized")

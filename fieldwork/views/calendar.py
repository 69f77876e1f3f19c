"""The trips calendar (docs/rules.md “Results and mẫu 3”): a month view and a personal iCalendar feed (RFC 5545),
written by hand — no new dependency."""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from datetime import UTC, date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import rules
from accounts.models import User
from accounts.selectors import person_by_calendar_token
from accounts.vietnamese import format_days
from fieldwork.models import Trip
from fieldwork.services import results as results_service

from .common import org_id, read_page

HIDDEN = (Trip.Status.CANCELLED, Trip.Status.REJECTED)
FEED_STATUSES = (Trip.Status.APPROVED, Trip.Status.REPORTED, Trip.Status.RETURNED, Trip.Status.CONFIRMED)
WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]


def _month(raw: str | None) -> date:
    try:
        y, m = (int(x) for x in (raw or "").split("-"))
        return date(y, m, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
@read_page
def calendar_month(request):
    user = request.user
    first = _month(request.GET.get("month"))
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    can_department = rules.is_head(user)
    scope = "department" if request.GET.get("scope") == "department" and can_department else "mine"
    qs = Trip.objects.filter(start__lte=last, end__gte=first, person__organization_id=org_id(request)).exclude(
        status__in=HIDDEN
    )
    qs = qs.filter(person__department_id=user.department_id) if scope == "department" else qs.filter(person=user)
    trips = list(qs.select_related("person", "category").order_by("start", "person__sort_key", "pk")[:500])
    by_day = defaultdict(list)
    for t in trips:
        d = max(t.start, first)
        while d <= min(t.end, last):
            by_day[d].append(t)
            d += timedelta(days=1)
    weeks = [
        [{"date": d, "in_month": d.month == first.month, "trips": by_day.get(d, [])} for d in week]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    feed_url = (
        request.build_absolute_uri(reverse("fieldwork:ical_feed", args=[user.calendar_feed_token]))
        if user.calendar_token
        else ""
    )
    return render(
        request,
        "fieldwork/calendar/month.html",
        {
            "first": first,
            "weeks": weeks,
            "trips": trips,
            "scope": scope,
            "can_department": can_department,
            "prev": prev_month.strftime("%Y-%m"),
            "next": next_month.strftime("%Y-%m"),
            "weekdays": WEEKDAYS,
            "today": timezone.localdate(),
            "feed_url": feed_url,
        },
    )


@login_required
@require_POST
def calendar_token_reset(request):
    """A new secret link; the old one answers 404 from now on. Resetting one's own link is a
    personal setting, allowed to every signed-in person."""
    results_service.reset_calendar_token(actor=request.user)
    messages.success(request, _("Đã tạo liên kết lịch mới. Liên kết cũ không còn dùng được."))
    return redirect("fieldwork:calendar")


# iCalendar -------------------------------------------------------------------------------
def ical_escape(text: str) -> str:
    """RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and newlines."""
    text = (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are folded (CRLF + one space), never inside a
    UTF-8 sequence."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + n > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def ical_for(person: User, trips, host: str) -> str:
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Fieldwork 1+2//Di co so//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_escape(_('Đi cơ sở – %(name)s') % {'name': person.full_name})}",
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
    ]
    for t in trips:
        summary = _("Đi cơ sở: %(place)s (%(days)s ngày)") % {"place": t.location, "days": format_days(t.days)}
        desc = [f"{t.category}", _("Trạng thái: %(s)s") % {"s": t.get_status_display()}]
        if t.content:
            desc.append(t.content)
        if t.immersion:
            desc.append(_("Đợt “cùng ăn, cùng ở, cùng làm”"))
        lines += [
            "BEGIN:VEVENT",
            f"UID:trip-{t.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"LAST-MODIFIED:{t.updated_at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
            f"DTSTART;VALUE=DATE:{t.start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{t.end + timedelta(days=1):%Y%m%d}",  # all-day: DTEND is exclusive
            f"SUMMARY:{ical_escape(summary)}",
            f"LOCATION:{ical_escape(t.location)}",
            f"DESCRIPTION:{ical_escape(chr(10).join(desc))}",
            f"STATUS:{'CONFIRMED' if t.status in (Trip.Status.APPROVED, Trip.Status.CONFIRMED) else 'TENTATIVE'}",
            "TRANSP:OPAQUE",
            f"SEQUENCE:{t.version}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def ical_feed(request, token: str):
    """No login: the secret token is the credential. Unknown token → 404."""
    if request.method not in ("GET", "HEAD"):
        raise PermissionDenied
    person = person_by_calendar_token(token)
    if person is None:
        raise Http404
    trips = (
        Trip.objects.filter(person=person, status__in=FEED_STATUSES).select_related("category").order_by("start", "pk")
    )
    host = settings.SITE_URL.split("://")[-1].split("/")[0] or "fieldwork"
    response = HttpResponse(ical_for(person, trips, host), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="di-co-so.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response

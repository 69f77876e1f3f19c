"""{% next_deadlines person %}: what the person still owes and by when (docs/rules.md “Reminders, digests and delegation of approval”)."""

from django import template
from django.utils import timezone

from fieldwork.reminders.selectors import next_deadlines as _next

register = template.Library()


@register.inclusion_tag("fieldwork/reminders/_next_deadlines.html")
def next_deadlines(person):
    return {"deadlines": _next(person, timezone.localdate())}

"""The background recomputation of a plan's stored standings, as the pages show it (docs/rules.md “Stored standings”).

`{% standings_refresh_banner plan as_of as refresh_banner %}`: the plan's latest job when it is
queued, running or failed and the page shows today's stored rows (None otherwise), with whether
the reader may poll its progress and retry it. Used by fieldwork/standing/_refresh_banner.html,
which the Board's dashboard and the standings table include.
"""

from __future__ import annotations

from django import template

from accounts import rules
from accounts.vietnamese import format_number
from fieldwork.models import StandingsRefresh
from fieldwork.selectors.stored import latest_refresh, stored_as_of

register = template.Library()


def banner(user, plan, job) -> dict:
    return {
        "job": job,
        "poll": job.is_active and rules.can_read_plan(user, plan),  # the status URL is the plan readers'
        "manage": rules.can_edit_plan(user, plan),
    }


@register.simple_tag(takes_context=True)
def standings_refresh_banner(context, plan, as_of=None):
    if plan is None or (as_of is not None and as_of != stored_as_of(plan)):
        return None  # another date than today's is computed, not read from the stored rows
    job = latest_refresh(plan)
    if job is None or job.status == StandingsRefresh.Status.DONE:
        return None
    return banner(context["request"].user, plan, job)


@register.filter
def thousands(value) -> str:
    """10000 -> "10.000": accounts.vietnamese.format_number (the vi locale's format groups nothing)."""
    try:
        return format_number(value)
    except (TypeError, ArithmeticError):
        return str(value)

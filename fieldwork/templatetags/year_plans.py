"""Next year's plan (docs/rules.md "A year in the life"): the Board's notice that it is not open yet
({% next_year_board_notice user %}, from the year's last quarter; on the plans page always) and the
cadre's notice that it is open ({% next_year_cadre_notice user %}, on their home pages)."""

from datetime import date

from django import template
from django.utils import timezone

from accounts import rules
from fieldwork import cycles
from fieldwork.selectors.plans import OPEN_NEXT_YEAR_FROM, next_year, next_year_registration_open

register = template.Library()


def _next_year(user, today):
    """next_year() once per request and user (a page showing both notices reads it once)."""
    cached = getattr(user, "_next_year_cache", None)
    if cached is None or cached[0] != today:
        cached = (today, next_year(user.organization_id, today))
        user._next_year_cache = cached
    return cached[1]


@register.inclusion_tag("fieldwork/plans/_next_year_board.html")
def next_year_board_notice(user, always=False):
    today = timezone.localdate()
    if not (rules.can_manage_plan(user) and not rules.is_read_only(user) and user.organization_id):
        return {"show": False}
    if not always and today < date(today.year, *OPEN_NEXT_YEAR_FROM):
        return {"show": False}
    info = _next_year(user, today)
    return {"show": info.can_open, "info": info}


@register.inclusion_tag("fieldwork/plans/_next_year_cadre.html")
def next_year_cadre_notice(user, shown_year=None, years=None):
    """`shown_year`: the year of the page's plan (no notice on next year's own pages); `years`: the
    organization's plan years when the page has them already (no query when next year has none)."""
    today = timezone.localdate()
    if years is not None and today.year + 1 not in years:
        return {"plan": None}
    if not getattr(user, "group_code", "") or user.organization_id is None:
        return {"plan": None}
    plan = next_year_registration_open(user, today, _next_year(user, today))
    if plan is None or plan.year == shown_year:
        return {"plan": None}
    periods = cycles.registration_periods(plan)
    deadline = cycles.registration_deadline(plan, periods[0])
    return {"plan": plan, "deadline": deadline, "deadline_words": cycles.deadline_words(plan, deadline)}

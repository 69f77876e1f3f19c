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


@register.inclusion_tag("fieldwork/plans/_next_year_board.html")
def next_year_board_notice(user, always=False):
    today = timezone.localdate()
    if not (rules.can_manage_plan(user) and not rules.is_read_only(user) and user.organization_id):
        return {"show": False}
    if not always and today < date(today.year, *OPEN_NEXT_YEAR_FROM):
        return {"show": False}
    info = next_year(user.organization_id, today)
    return {"show": info.can_open, "info": info}


@register.inclusion_tag("fieldwork/plans/_next_year_cadre.html")
def next_year_cadre_notice(user, shown_year=None):
    """`shown_year`: the year of the page's plan (no notice on next year's own pages)."""
    plan = next_year_registration_open(user, timezone.localdate())
    if plan is None or plan.year == shown_year:
        return {"plan": None}
    periods = cycles.registration_periods(plan)
    return {"plan": plan, "deadline": cycles.registration_deadline(plan, periods[0])}

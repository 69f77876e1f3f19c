from datetime import date
from decimal import Decimal

from django import template

from accounts.vietnamese import format_date, format_days, format_number

register = template.Library()


@register.filter
def cell(value):
    """A table cell: days with a comma decimal mark, None as empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return format_number(value)
    return value


@register.filter
def days(value):
    return format_days(value)


@register.filter
def num(value):
    """A figure in a report: "1.234,5" (thousands grouped, decimal comma)."""
    return format_number(value)


@register.filter
def isodate(value):
    """A job's ISO date parameter ("2023-06-30") as tables write dates: 30/06/2023."""
    try:
        return format_date(date.fromisoformat(str(value)))
    except ValueError:
        return ""

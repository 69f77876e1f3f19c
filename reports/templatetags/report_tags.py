from datetime import date
from decimal import Decimal

from django import template

from accounts.vietnamese import format_days, format_number

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
def withheld_from(job, user) -> bool:
    """A file printing a sensitive exemption reason that `user` may not download (docs/domain.md §6)."""
    from accounts.rules import sensitive_file_withheld

    return sensitive_file_withheld(user, job)


@register.filter
def isodate(value) -> str:
    """An ISO date or date-time of an export ("2023-03-05", "2023-03-05T09:15:00+07:00") as the pages
    show dates: 05/03/2023, 05/03/2023 09:15; empty for None."""
    from datetime import datetime

    if not value:
        return ""
    try:
        if "T" in str(value):
            return datetime.fromisoformat(str(value)).strftime("%d/%m/%Y %H:%M")
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


@register.filter
def figure(value):
    """A summary value: a number formatted "1.020", "48,6"; text as it is."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return format_number(value)
    return value

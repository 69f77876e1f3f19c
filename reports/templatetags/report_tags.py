from decimal import Decimal

from django import template

from accounts.vietnamese import format_days

register = template.Library()


@register.filter
def cell(value):
    """A table cell: days with a comma decimal mark, None as empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_days(value)
    return value


@register.filter
def days(value):
    return format_days(value)

"""{{ q|quarter_name }}: "I" … "IV", the one way a quarter is named (docs/rules.md “A year in the life”: "Quý IV", as
the seeds and the reports write it; fieldwork.quarters.quarter_name)."""

from django import template

from fieldwork.quarters import quarter_name as _quarter_name

register = template.Library()


@register.filter
def quarter_name(quarter) -> str:
    try:
        return _quarter_name(int(quarter))
    except (TypeError, ValueError):
        return str(quarter)

"""{{ date|deadline_words:plan }}: a deadline as the plan's document words it ("trước ngày 15/02/2023",
docs/domain.md §5), "" when the plan names none (fieldwork.cycles.deadline_words)."""

from django import template

from fieldwork import cycles

register = template.Library()


@register.filter
def deadline_words(deadline, plan):
    return cycles.deadline_words(plan, deadline)

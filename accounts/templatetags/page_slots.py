"""Fragments one app's page shows from another, without naming it (docs/style.md “Each app owns its
pages”): the page marks a slot, the apps above register what fills it (accounts/registry.py).

    {% load page_slots %}
    {% slot_filled "download_buttons" as downloads %}
    {% if downloads %}<div class="mb-2">{% slot "download_buttons" kind="mau3" year=plan.year %}</div>{% endif %}

`{% slot %}` renders each registered template as `{% include … with … %}` would (the page's context
plus the values given); nothing when no app fills the slot.
"""

from django import template
from django.template.base import token_kwargs
from django.utils.safestring import mark_safe

from accounts import registry

register = template.Library()


@register.simple_tag
def slot_filled(name: str) -> bool:
    return bool(registry.fragments_at(name))


class SlotNode(template.Node):
    def __init__(self, name, values):
        self.name = name
        self.values = values

    def render(self, context):
        values = {key: value.resolve(context) for key, value in self.values.items()}
        parts = []
        for fragment in registry.fragments_at(self.name.resolve(context)):
            fill = context.template.engine.get_template(fragment.template)
            with context.push(**values):
                parts.append(fill.render(context))
        return mark_safe("".join(parts))  # each part is a rendered template, escaped by itself


@register.tag
def slot(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the slot's name, then key=value pairs.")
    name = parser.compile_filter(bits[1])
    remaining = bits[2:]
    values = token_kwargs(remaining, parser, support_legacy=False)
    if remaining:
        raise template.TemplateSyntaxError(f"{bits[0]}: only key=value pairs follow the slot's name.")
    return SlotNode(name, values)
